package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

func TestThreadpool(t *testing.T) {
	var out strings.Builder
	res, err := run(&out, 20*time.Millisecond)
	require.NoError(t, err)
	t.Log("\n" + out.String())
	assert.Equal(t, 10, strings.Count(out.String(), "starts"))
	// Never more tasks at once than workers, and they did overlap (all four
	// on any machine that starts two jobs within a task's 20 ms).
	assert.LessOrEqual(t, res.MaxRunning, int64(4))
	assert.Greater(t, res.MaxRunning, int64(1))
	// The ticker starts only once main parks in Map: the hub was free.
	assert.Positive(t, res.Ticks, "the hub ran nothing else while the pool worked")
	assert.Contains(t, out.String(), "threadpool workers=4 tasks=10 task_s=0.020 wall_s=")
}

func TestThreadpool_BadInput(t *testing.T) {
	_, err := run(&strings.Builder{}, 0)
	assert.ErrorContains(t, err, "-task 0s")
}
