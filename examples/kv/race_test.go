//go:build race

package main

import "time"

// Under the race detector, which slows a run about tenfold, the tests
// sweep fewer and shorter runs.
const (
	noBugSeeds   = 5
	testDuration = 2 * time.Second
)
