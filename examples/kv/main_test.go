package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/examples/internal/kv"
	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

func run(t *testing.T, o kv.Options) string {
	t.Helper()
	var out strings.Builder
	require.NoError(t, kv.Command(&out, o))
	return out.String()
}

var figures = regexp.MustCompile(`(?m)^seeds=(\d+) seeds_per_s=[\d.]+ sim_s_per_wall_s=\d+ sim_s_per_cpu_s=\d+$`)

// The sweep finds the stale read within 100 seeds, replays the seed
// identically, and draws a page with the partition and the read. (A
// deposed leader may also miss the new term through lost or late
// heartbeats, with no partition; the binary's runs, which this test
// makes even under the race detector, find one with a partition first.)
func TestKV_FindsStaleRead(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "kv")
	out := run(t, kv.Options{Seeds: 100, Bugs: kv.Bugs{StaleRead: true}, Trace: prefix})
	t.Log(out)
	m := regexp.MustCompile(`(?m)^found_seed=(\d+)$`).FindStringSubmatch(out)
	require.NotNil(t, m, "no found_seed line")
	seed, _ := strconv.Atoi(m[1])
	assert.LessOrEqual(t, seed, 100)
	assert.Contains(t, out, "replayed=identical")
	assert.Regexp(t, `(?m)^replay: go run ./examples/kv -bug stale-read( -duration \S+)? -replay `+m[1]+"$", out)
	require.Regexp(t, figures, out)
	assert.Equal(t, m[1], figures.FindStringSubmatch(out)[1], "the sweep stopped at the found seed")

	page, err := os.ReadFile(prefix + ".html")
	require.NoError(t, err)
	assert.Contains(t, string(page), `"partition"`, "the page has no partition")
	assert.Contains(t, string(page), kv.StaleRead, "the page has no stale read")
	js, err := os.ReadFile(prefix + ".json")
	require.NoError(t, err)
	assert.Contains(t, string(js), kv.StaleRead)
	lin, err := os.ReadFile(prefix + "-porcupine.html")
	require.NoError(t, err)
	assert.Contains(t, string(lin), "get y", "porcupine's page shows the operations")
}

// A replay prints the same bytes every time.
func TestKV_ReplayIsIdentical(t *testing.T) {
	o := kv.Options{Replay: 4, Bugs: kv.Bugs{StaleRead: true}, Duration: testDuration}
	first := run(t, o)
	assert.Equal(t, first, run(t, o))
	assert.Contains(t, first, "verdict: ")
	assert.Regexp(t, `(?m)^hash=[0-9a-f]{16}$`, first)
	assert.Regexp(t, `(?m)^ +\S+ +\S+ c\d #\d+ get [xyz] -> "`, first, "no read in the history")
}

// Without a bug, every seed of the sweep is linearizable.
func TestKV_NoBugPasses(t *testing.T) {
	out := run(t, kv.Options{Seeds: noBugSeeds, Duration: testDuration})
	t.Log(out)
	assert.Contains(t, out, "failures=0 undecided=0\n")
	require.Regexp(t, figures, out)
	assert.Equal(t, strconv.Itoa(noBugSeeds), figures.FindStringSubmatch(out)[1])
}

func TestKV_BadInput(t *testing.T) {
	for _, tt := range []struct {
		o    kv.Options
		want string
	}{
		{kv.Options{}, "-seeds 0"},
		{kv.Options{Seeds: 1, Clients: -1}, "-clients -1"},
		{kv.Options{Seeds: 1, Duration: -1}, "-duration -1ns"},
		{kv.Options{Replay: 1, Trace: filepath.Join(t.TempDir(), "no", "such", "dir", "kv")}, "no directory"},
	} {
		assert.ErrorContains(t, kv.Command(&strings.Builder{}, tt.o), tt.want)
	}
}
