package kv_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/kv"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/greentest"
	"github.com/greenshim/greenshim/registry"
)

func TestScenario_Linearizable(t *testing.T) {
	greentest.Sweep(t, sweepSeeds, func(t *testing.T, seed uint64) {
		res := kv.Scenario{Seed: seed, Duration: testDuration}.Run()
		require.NoError(t, res.Err, "plan:\n%v", res.Plan)
		ok, writes := okCount(res.History)
		assert.Greater(t, writes, 0, "no write was answered in %d operations", len(res.History))
		assert.Greater(t, ok, len(res.History)/2, "most operations went unanswered")
	})
}

func TestScenario_FindsPlantedBugs(t *testing.T) {
	for _, bug := range []string{"stale-read", "no-dedup"} {
		t.Run(bug, func(t *testing.T) {
			bugs, err := kv.ParseBugs(bug)
			require.NoError(t, err)
			seed, err := greentest.Find(greentest.Range(1, 100), func(seed uint64) error {
				return kv.Scenario{Seed: seed, Bugs: bugs, Duration: testDuration}.Run().Err
			})
			var nle *kv.NotLinearizableError
			require.ErrorAs(t, err, &nle, "no seed of 100 found the bug")
			t.Logf("-bug %s: found at seed %d: %v", bug, seed, err)
		})
	}
}

func TestScenario_Replays(t *testing.T) {
	bugs := kv.Bugs{StaleRead: true}
	var first *kv.Result
	greentest.Replays(t, func(tr *green.Trace) {
		res := kv.Scenario{Seed: 4, Bugs: bugs, Duration: testDuration, Trace: tr}.Run()
		if first == nil {
			first = res
			return
		}
		assert.Equal(t, first.Hash, res.Hash, "the histories differ")
		assert.Equal(t, first.History, res.History)
	})
	require.NotNil(t, first)
	assert.NotZero(t, first.TraceHash)
}

// Replicas and clients that look their modules up in the registry, where
// the world's dispatch to the calling greenlet's host, run as they do with
// their host's modules handed to them.
func TestScenario_Registry(t *testing.T) {
	before := registry.Socket()
	for seed := uint64(1); seed <= 3; seed++ {
		s := kv.Scenario{Seed: seed, Bugs: kv.Bugs{StaleRead: true}, Duration: testDuration}
		handed := s.Run()
		s.Registry = true
		looked := s.Run()
		require.NotEmpty(t, handed.History)
		assert.Equal(t, handed.Hash, looked.Hash, "seed %d", seed)
	}
	assert.True(t, registry.Socket() == before, "the registry was not restored")
}

func TestScenario_BadInput(t *testing.T) {
	for _, s := range []kv.Scenario{{Clients: -1}, {Duration: -time.Second}} {
		assert.ErrorContains(t, s.Run().Err, "kv: Scenario with", "%+v", s)
	}
}

// BenchmarkScenario runs one seed per iteration (a 10s run, checked) and
// reports simulated seconds per wall second.
func BenchmarkScenario(b *testing.B) {
	var sim time.Duration
	seed := uint64(0)
	for b.Loop() {
		seed++
		res := kv.Scenario{Seed: seed}.Run()
		if res.Err != nil {
			b.Fatal(res.Err)
		}
		sim += res.SimTime
	}
	b.ReportMetric(sim.Seconds()/b.Elapsed().Seconds(), "sim_s/s")
}
