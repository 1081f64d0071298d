package main

// childEnv, when set, makes the test binary a worker process (crash_test.go).
const childEnv = "AIGENTIC_SERVICE_CHILD"

func childMain() int { return 0 }
