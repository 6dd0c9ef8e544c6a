//go:build !race

package main

// noBugSeeds is how many seeds TestKV_NoBugPasses sweeps (the binary
// sweeps 1,000: go run ./examples/kv -seeds 1000); testDuration is the
// binary's default run.
const (
	noBugSeeds   = 100
	testDuration = 0 // 10s
)
