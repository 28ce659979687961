-- The database Crosswalk's tables are in (default on the embedded engine).
SELECT currentDatabase() AS name
