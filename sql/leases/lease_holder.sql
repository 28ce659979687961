-- Who got one version of a named lease (the first claim of it; later ones were dropped).
SELECT holder, run_id FROM work_lease WHERE work = {work:String} AND version = {version:UInt64} ORDER BY at LIMIT 1
