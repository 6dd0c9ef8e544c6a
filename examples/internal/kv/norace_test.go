//go:build !race

package kv_test

import "time"

// sweepSeeds is how many seeds TestScenario_Linearizable sweeps (-short: 5;
// GREENSHIM_SEEDS=1000 for more), each a run of testDuration.
const (
	sweepSeeds   = 50
	testDuration = 3 * time.Second
)
