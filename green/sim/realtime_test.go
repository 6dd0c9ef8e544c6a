package sim_test

import "time"

// realNow and realSince read the wall clock from outside any synctest
// bubble: the test goroutine that calls synctest.Test.
func realNow() time.Time                  { return time.Now() }
func realSince(t time.Time) time.Duration { return time.Since(t) }
