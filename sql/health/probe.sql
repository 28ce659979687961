-- Health's write probe: proves the engine can still write (one tiny row per server, replaced).
INSERT INTO health_probe (server, at) VALUES ({server:String}, {at:DateTime64(6, 'UTC')})
