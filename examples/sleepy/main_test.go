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

func TestSleepy(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out, 10*time.Millisecond, "virtual"))
	s := out.String()
	t.Log("\n" + s)
	blocking, rest, ok := strings.Cut(s, "== blocking time module, hand-off on")
	require.True(t, ok, "no hand-off section")
	handoff, patched, ok := strings.Cut(rest, "== patched")
	require.True(t, ok, "no patched section")
	// Blocking, hand-off off: one after another, in spawn order (real
	// time, so only the order is certain).
	assert.Regexp(t, `(?s)f1 slept 4.*f2 slept 2.*f3 slept 3`, blocking)
	// Blocking, hand-off on: all three end, and the hand-off names the
	// sleep it saw (once: one call site).
	for _, f := range []string{"f1 slept 4", "f2 slept 2", "f3 slept 3"} {
		assert.Contains(t, handoff, f)
	}
	assert.Equal(t, 1, strings.Count(handoff, "hand-off: a greenlet waited in sleep at time.Sleep"), "hand-off reports")
	// Patched, on virtual time: exact.
	assert.Contains(t, patched, "(green.Time)")
	assert.Contains(t, patched, "  f2 slept 2, done at 2\n  f3 slept 3, done at 3\n  f1 slept 4, done at 4\n  all done in 4 units\n")
}

func TestSleepy_BadInput(t *testing.T) {
	assert.ErrorContains(t, run(&strings.Builder{}, 0, "real"), "-unit 0s")
	assert.ErrorContains(t, run(&strings.Builder{}, time.Second, "fake"), `-clock "fake"`)
}
