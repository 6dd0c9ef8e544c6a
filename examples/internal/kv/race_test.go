//go:build race

package kv_test

// sweepSeeds is how many seeds TestScenario_Linearizable sweeps: few under
// the race detector, which slows a run about tenfold.
const sweepSeeds = 5
