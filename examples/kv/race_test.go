//go:build race

package main

// noBugSeeds is how many seeds TestKV_NoBugPasses sweeps: few under the
// race detector, which slows a run about tenfold.
const noBugSeeds = 5
