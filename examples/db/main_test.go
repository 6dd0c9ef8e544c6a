package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

var line = regexp.MustCompile(`(?m)^db driver=(\S+) queries=20 wall_s=[\d.]+ queries_per_s=\d+ server_peak_concurrency=(\d+) monitor_reports=(\d+) detaches=(\d+)$`)

// The figures that do not depend on the machine's speed: how many queries
// the server saw at once, and whether the monitor spoke.
func TestDB(t *testing.T) {
	patch.Restore() // the demo patches from a clean start
	var out strings.Builder
	require.NoError(t, run(&out, 20, 50*time.Millisecond))
	t.Log("\n" + out.String())
	assert.Contains(t, out.String(), `"db-native-driver" uses socket directly`)
	got := map[string][3]int{}
	for _, m := range line.FindAllStringSubmatch(out.String(), -1) {
		peak, _ := strconv.Atoi(m[2])
		reports, _ := strconv.Atoi(m[3])
		detaches, _ := strconv.Atoi(m[4])
		got[m[1]] = [3]int{peak, reports, detaches}
	}
	require.Len(t, got, 4, "want a line per driver")
	// Exact for native with the hand-off off, which holds the hub: nothing
	// else can send a query.
	off := got["native-handoff-off"]
	assert.Equal(t, 1, off[0], "native, hand-off off: each query holds the hub, so they go one at a time")
	assert.Positive(t, off[1], "native, hand-off off: the monitor did not report a greenlet holding the hub")
	assert.Zero(t, off[2], "native, hand-off off: detaches")
	// With the hand-off, greenlets waiting in the native driver are
	// detached, so the hub sends the next query while one waits.
	assert.Positive(t, got["native"][2], "native: no greenlet was detached")
	assert.Greater(t, got["native"][0], 1, "native: the detached greenlets' queries did not overlap")
	// Bounds for the others, whose exact peaks (20 and 10 here) depend on
	// how many queries go out within one query's time (50 ms); the bounds
	// hold on any machine, however loaded, that sends two in that time.
	assert.Greater(t, got["pure"][0], 1, "pure: the greenlets' queries did not overlap")
	assert.LessOrEqual(t, got["native-threadpool"][0], 10, "native in the pool: never more than its ten workers")
	assert.Greater(t, got["native-threadpool"][0], 1, "native in the pool: the workers did not overlap")
}

func TestDB_BadInput(t *testing.T) {
	assert.ErrorContains(t, run(&strings.Builder{}, 0, time.Millisecond), "-queries 0")
}
