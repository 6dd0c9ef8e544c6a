package green

// ProcWaitModes names the ways a greenlet may wait for a process to exit,
// for tests and benchmarks: "pidfd" (the hub's poller; Linux), "goroutine"
// (one goroutine per process in waitid) and "pool" (the hub's ThreadPool).
var ProcWaitModes = map[string]int{"pidfd": waitPidfd, "goroutine": waitGoroutine, "pool": waitPool}

// SetProcWaitMode sets how greenlets wait for processes and returns a
// function that puts back the previous mode. Not for parallel tests.
func SetProcWaitMode(mode int) (restore func()) {
	prev := waitMode
	waitMode = mode
	return func() { waitMode = prev }
}
