package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/simnet"
	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

func scenario(t *testing.T, seed uint64) string {
	t.Helper()
	var out strings.Builder
	require.NoError(t, simnet.Scenario(&out, seed))
	return out.String()
}

func TestScenario_SameSeedSameOutput(t *testing.T) {
	first := scenario(t, 7)
	assert.Equal(t, first, scenario(t, 7), "two runs with seed 7 differ")
	for _, want := range []string{
		"world   partition client <-> server",
		"world   heal client <-> server",
		"i/o timeout; dropping the conn",
		"dial: dial tcp 10.0.0.1:7: context deadline exceeded",
		"client  ping 14 -> pong 14",
	} {
		assert.Contains(t, first, want)
	}
	assert.NotEqual(t, first, scenario(t, 8), "seeds 7 and 8 gave the same run")
}

func TestBench_PrintsEveryKey(t *testing.T) {
	var out strings.Builder
	require.NoError(t, simnet.Bench(&out, simnet.BenchConfig{Clients: 20, Rounds: 3, Events: 1000, Idle: 20}))
	for _, key := range []string{"sim_roundtrips_per_s", "sim_cold_roundtrips_per_s", "loopback_roundtrips_per_s", "sim_synctest_roundtrips_per_s",
		"sim_timer_events_per_s", "synctest_time_jumps_per_s", "sim_idle_conn_bytes", "loopback_idle_conn_bytes"} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^`+key+`=\d+\b`), out.String())
	}
}

func TestBench_BadInput(t *testing.T) {
	ok := simnet.BenchConfig{Clients: 1, Rounds: 1, Events: 100, Idle: 1}
	for _, tc := range []struct {
		name string
		edit func(*simnet.BenchConfig)
		want string
	}{
		{"Clients", func(c *simnet.BenchConfig) { c.Clients = 0 }, "-clients 0"},
		{"Rounds", func(c *simnet.BenchConfig) { c.Rounds = -1 }, "-rounds -1"},
		{"Events", func(c *simnet.BenchConfig) { c.Events = 99 }, "-events 99"},
		{"Idle", func(c *simnet.BenchConfig) { c.Idle = 0 }, "-idle 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			assert.ErrorContains(t, simnet.Bench(&strings.Builder{}, cfg), tc.want)
		})
	}
}
