-- Who got one version of a source's pull lease (the first claim of it; later ones were dropped).
SELECT holder, run_id FROM connector_lease WHERE system = {system:String} AND version = {version:UInt64} ORDER BY at LIMIT 1
