//go:build race

package kv_test

import "time"

// Under the race detector, which slows a run about tenfold, the tests
// sweep fewer and shorter runs.
const (
	sweepSeeds   = 5
	testDuration = 2 * time.Second
)
