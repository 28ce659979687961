-- `serve --demo` loads the demo firm only into a database that holds no batch yet.
SELECT count() AS n FROM batches
