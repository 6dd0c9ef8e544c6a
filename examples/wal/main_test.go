package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(patch.TestingM(m)) }

func runWal(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out strings.Builder
	code := run(&out, args)
	return out.String(), code
}

// The log as it should be survives every crash of a sweep.
func TestWal_CorrectOverASweep(t *testing.T) {
	n := "200"
	if testing.Short() {
		n = "50"
	}
	out, code := runWal(t, "-seeds", n)
	t.Log(out)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "bug=none seeds="+n+"\n")
	require.True(t, strings.HasSuffix(out, "failures=0\n"), out)
	require.NotContains(t, out, "found_seed")
}

var foundRe = regexp.MustCompile(`(?m)^found_seed=(\d+)\nreplay: go run ./examples/wal -bug (\S+) -replay (\d+)$`)

// Each planted bug is found within 100 seeds, and its seed replays the
// failure, the same output on every run.
func TestWal_FindsPlantedBugs(t *testing.T) {
	for _, bug := range []string{"skip-sync", "skip-dir-sync"} {
		t.Run(bug, func(t *testing.T) {
			out, code := runWal(t, "-bug", bug, "-seeds", "100")
			t.Log(out)
			require.Equal(t, 1, code)
			m := foundRe.FindStringSubmatch(out)
			require.NotNil(t, m, "no found_seed and replay line in:\n%s", out)
			require.Equal(t, bug, m[2])
			require.Equal(t, m[1], m[3])
			require.Regexp(t, `(?m)^failures=[1-9]\d*$`, out)

			first, code := runWal(t, "-bug", bug, "-replay", m[1])
			require.Equal(t, 1, code)
			require.Contains(t, first, "FAIL seed "+m[1]+": ")
			require.Contains(t, first, "acknowledged as durable")
			again, _ := runWal(t, "-bug", bug, "-seed", m[1])
			require.Equal(t, first, again, "the replay is not the same twice")
		})
	}
}

func TestWal_ReplayOfAGoodSeed(t *testing.T) {
	out, code := runWal(t, "-replay", "5")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "ok seed 5\n")
	require.Contains(t, out, "life 1: recovered 0 records")
	require.Contains(t, out, "world: seed=5")
}

func TestWal_BadFlags(t *testing.T) {
	for _, args := range [][]string{{"-bug", "typo"}, {"-seeds", "0"}, {"-nope"}} {
		out, code := runWal(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, out)
	}
	out, _ := runWal(t, "-bug", "typo")
	require.Contains(t, out, `unknown bug "typo"`)
}

// -trace writes the replay's picture; the crashes and restarts are in it.
func TestWal_Trace(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "wal")
	out, code := runWal(t, "-replay", "5", "-trace", prefix)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "trace: "+prefix+".json "+prefix+".html\n")
	j, err := os.ReadFile(prefix + ".json")
	require.NoError(t, err)
	require.Contains(t, string(j), `"crash: db life 1`)
	require.Contains(t, string(j), `"restart: db life 2`)
	h, err := os.ReadFile(prefix + ".html")
	require.NoError(t, err)
	require.Contains(t, string(h), "<html")
}
