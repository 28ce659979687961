-- Undoes a detection run that never finished (its server stopped mid-run): its rows in
-- exception_seen go, so a run sent again is not doubled by the one cut short.
DELETE FROM exception_seen WHERE run_id = {run_id:String}
