package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/procpool"
	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) {
	procpool.MaybeWorker() // the procpool stop's workers are this binary
	os.Exit(patch.TestingM(m).Run())
}

// The quick stops run whole; the others have tests of their own, next to
// their commands.
func TestTour(t *testing.T) {
	patch.Restore() // the tour patches from a clean start
	var out strings.Builder
	require.NoError(t, run(&out, "patchorder,queueorder,prodcons,simnet"))
	s := out.String()
	assert.Contains(t, s, "### 1. patchorder (go run ./examples/patchorder)")
	assert.Contains(t, s, "### 3. queueorder")
	assert.Contains(t, s, "late.Dial went through green.Socket")
	assert.Contains(t, s, "greenlets: 10 items in 1.5s")
	assert.Contains(t, s, "world   heal client <-> server")
	assert.NotContains(t, s, "### 2. sleepy")
	assert.Contains(t, s, "tour done in")
}

func TestTour_KV(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("the kv stop sweeps seeds for seconds (tens under the race detector); examples/kv's tests cover it")
	}
	var out strings.Builder
	require.NoError(t, run(&out, "kv"))
	s := out.String()
	assert.Regexp(t, `### \d+\. kv \(go run ./examples/kv\)`, s)
	assert.Regexp(t, `(?m)^found_seed=\d+$`, s)
	assert.Contains(t, s, "replayed=identical")
	assert.Contains(t, s, "failures=0 undecided=0")
}

func TestTour_UnknownStop(t *testing.T) {
	err := run(&strings.Builder{}, "patchorder,echoes")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown stop "echoes"; stops: patchorder, sleepy`)
}
