package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/procpool"
	"github.com/greenshim/greenshim/patch"
)

// The test binary is the workers' executable: MaybeWorker first.
func TestMain(m *testing.M) {
	procpool.MaybeWorker()
	os.Exit(patch.TestingM(m).Run())
}

func TestProcpool(t *testing.T) {
	cfg := procpool.Config{Workers: 5, Tasks: 10, Scale: 50 * time.Millisecond, Count: 20, Seed: 1, Modes: procpool.Modes}
	var out strings.Builder
	reports, err := run(&out, cfg)
	t.Log("\n" + out.String())
	require.NoError(t, err)
	require.Len(t, reports, 3)
	s := out.String()
	want := cfg.Workers * cfg.Count
	squares := []int{0, 1, 4, 9, 16, 25, 36, 49, 64, 81}
	for _, r := range reports {
		t.Run(r.Mode, func(t *testing.T) {
			assert.Equal(t, 49, r.Apply, "apply(square, 7)")
			assert.Equal(t, squares, r.Map, "map(square, 0..9)")
			got := slices.Sorted(slices.Values(r.Callbacks))
			assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, got, "a callback per task")
			assert.Equal(t, want, r.Queue, "counter through a queue")
			assert.Equal(t, want, r.Locked, "counter through a lock")
			assert.LessOrEqual(t, r.Unlocked, want, "counter without the lock")
			assert.Contains(t, s, fmt.Sprintf("procpool mode=%s workers=5 tasks=10 tasks_s=", r.Mode))
		})
	}
	procs := reports[0]
	assert.Len(t, procs.Pids, cfg.Workers, "tasks ran in five worker processes")
	assert.NotContains(t, procs.Pids, os.Getpid(), "and not in the parent")
	assert.Equal(t, want, reports[2].Unlocked, "greenlets need no lock")
	assert.Equal(t, -1, reports[1].Unlocked, "threads without a lock: not run")

	// The seed's output shape.
	for i := range cfg.Tasks {
		assert.Equal(t, 3, strings.Count(s, fmt.Sprintf("Run task %d (", i)), "task %d starts once per mode", i)
		assert.Equal(t, 3, strings.Count(s, fmt.Sprintf("Task %d runs ", i)), "task %d ends once per mode", i)
	}
	for _, line := range []string{
		fmt.Sprintf("Parent process %d.", os.Getpid()),
		"Waiting for all subprocesses done...", "All subprocesses done.",
		"close(); join(): every worker exited.",
		"apply(square, (7,)) = 49",
		"map(square, range(10)) = [0 1 4 9 16 25 36 49 64 81]",
		"== the same work, compared",
	} {
		assert.Contains(t, s, line)
	}
	assert.Less(t, strings.Index(s, "Waiting for all subprocesses done..."), strings.Index(s, "Task 0 runs"),
		"apply_async returns at once: the parent waits after queueing every task")
}

func TestProcpool_BadInput(t *testing.T) {
	cases := []struct {
		cfg  procpool.Config
		want string
	}{
		{procpool.Config{Workers: 0, Scale: time.Second}, "-workers 0"},
		{procpool.Config{Workers: 5, Scale: 0}, "-scale 0s"},
		{procpool.Config{Workers: 5, Scale: time.Second, Tasks: -1}, "-tasks -1"},
		{procpool.Config{Workers: 5, Scale: time.Second, Modes: []string{"fork"}}, `unknown mode "fork"`},
	}
	for _, c := range cases {
		_, err := run(&strings.Builder{}, c.cfg)
		assert.ErrorContains(t, err, c.want)
	}
}
