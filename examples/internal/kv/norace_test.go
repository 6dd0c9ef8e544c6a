//go:build !race

package kv_test

// sweepSeeds is how many seeds TestScenario_Linearizable sweeps (-short: 5;
// GREENSHIM_SEEDS=1000 for more).
const sweepSeeds = 50
