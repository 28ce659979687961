-- Whether a run recorded its end (detection_runs is written last): a run that did not is undone.
SELECT count() AS n FROM detection_runs WHERE run_id = {run_id:String}
