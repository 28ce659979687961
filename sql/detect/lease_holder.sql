-- Who got one version of the detection lease (the first claim of it; later ones were dropped).
SELECT holder, run_id FROM detection_lease WHERE version = {version:UInt64} ORDER BY at LIMIT 1
