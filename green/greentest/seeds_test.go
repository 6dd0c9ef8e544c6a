package greentest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green/greentest"
)

// helperEnv selects a helper test below when this binary runs itself.
const helperEnv = "GREENTEST_HELPER"

// TestHelper is not a test: run by the tests below, in a child process, it
// runs a Sweep or a Run that fails, as a user's test would.
func TestHelper(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "sweep":
		greentest.Sweep(t, 10, func(t *testing.T, seed uint64) {
			t.Logf("ran seed %d", seed)
			if seed%4 == 3 {
				t.Fatalf("seed %d fails", seed)
			}
		})
	case "pass":
		seed, failed := greentest.Sweep(t, 100, func(t *testing.T, seed uint64) { t.Logf("ran seed %d", seed) })
		t.Logf("sweep returned %d %v", seed, failed)
	case "run":
		greentest.Run(t, 42, func(t *testing.T, seed uint64) { t.Errorf("seed %d fails", seed) })
	default:
		t.Skip("a helper for the tests that run this binary")
	}
}

// child runs TestHelper in a child process with the given helper and
// environment, and returns its output; it fails t if the child does not
// end within a minute.
func child(t *testing.T, helper, run string, args []string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=" + run, "-test.v"}, args...)...)
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + helper, greentest.SeedEnv + "=", greentest.SeedsEnv + "="}, env...)...)
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the child did not end: %s", out)
	}
	return string(out)
}

// ranSeeds lists the seeds a child's output says it ran.
func ranSeeds(out string) []string {
	var s []string
	for _, m := range regexp.MustCompile(`ran seed (\d+)`).FindAllStringSubmatch(out, -1) {
		s = append(s, m[1])
	}
	return s
}

// A sweep stops at the first failing seed and prints the line that
// replays it; that line, run, replays that seed alone.
func TestSweep_StopsAtFirstFailureAndReplays(t *testing.T) {
	out := child(t, "sweep", "^TestHelper$", nil)
	if got := ranSeeds(out); !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Errorf("the sweep ran seeds %v, want 1 2 3 (stopping at 3):\n%s", got, out)
	}
	m := regexp.MustCompile(`seed 3 failed; replay: (GREENSHIM_SEED=3) go test -run '(\^TestHelper\$)' \./green/greentest`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no replay line for seed 3 in:\n%s", out)
	}
	again := child(t, "sweep", m[2], nil, m[1])
	if got := ranSeeds(again); !slices.Equal(got, []string{"3"}) || !strings.Contains(again, "--- FAIL: TestHelper/seed=3") {
		t.Errorf("the replay ran seeds %v, want 3 alone, failing:\n%s", got, again)
	}
}

// The environment and -short choose a sweep's seeds.
func TestSweep_Seeds(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  []string
		want int
	}{
		{"n", nil, nil, 100},
		{"short", []string{"-test.short"}, nil, greentest.ShortSeeds},
		{"GREENSHIM_SEEDS", nil, []string{"GREENSHIM_SEEDS=7"}, 7},
		{"GREENSHIM_SEEDS range", []string{"-test.short"}, []string{"GREENSHIM_SEEDS=1000-1019"}, 20},
		{"GREENSHIM_SEED", nil, []string{"GREENSHIM_SEEDS=7", "GREENSHIM_SEED=12"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := child(t, "pass", "^TestHelper$", c.args, c.env...)
			if got := len(ranSeeds(out)); got != c.want || !strings.Contains(out, "sweep returned 0 false") {
				t.Errorf("ran %d seeds, want %d:\n%s", got, c.want, out)
			}
		})
	}
}

// Run logs the replay line when the test fails, with the seed from the
// environment if it gives one.
func TestRun_LogsReplayLine(t *testing.T) {
	for _, c := range []struct {
		env  []string
		seed string
	}{{nil, "42"}, {[]string{"GREENSHIM_SEED=9"}, "9"}} {
		out := child(t, "run", "^TestHelper$", nil, c.env...)
		want := fmt.Sprintf("seed %s failed; replay: GREENSHIM_SEED=%s go test -run '^TestHelper$' ./green/greentest", c.seed, c.seed)
		if !strings.Contains(out, want) || !strings.Contains(out, "seed "+c.seed+" fails") {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Seeds reads the environment; malformed values are errors naming the
// variable.
func TestSeeds_Environment(t *testing.T) {
	cases := []struct {
		seed, seeds string
		want        []uint64
		err         string
	}{
		{"", "", []uint64{1, 2, 3}, ""},
		{"", "2", []uint64{1, 2}, ""},
		{"", "5-7", []uint64{5, 6, 7}, ""},
		{"8", "5-7", []uint64{8}, ""},
		{"", "x", nil, "GREENSHIM_SEEDS"},
		{"", "7-5", nil, "GREENSHIM_SEEDS"},
		{"-1", "", nil, "GREENSHIM_SEED="},
	}
	for _, c := range cases {
		t.Run(c.seed+"/"+c.seeds, func(t *testing.T) {
			t.Setenv(greentest.SeedEnv, c.seed)
			t.Setenv(greentest.SeedsEnv, c.seeds)
			got, err := greentest.Seeds(3)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("Seeds(3) = %v, %v; want an error naming %s", got, err, c.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("Seeds(3) = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestFind_ReturnsFirstFailingSeed(t *testing.T) {
	var tried []uint64
	seed, err := greentest.Find(greentest.Range(5, 20), func(seed uint64) error {
		tried = append(tried, seed)
		if seed%7 == 0 {
			return fmt.Errorf("seed %d fails", seed)
		}
		return nil
	})
	if seed != 7 || err == nil || !slices.Equal(tried, []uint64{5, 6, 7}) {
		t.Errorf("Find = %d, %v after trying %v; want 7 after 5 6 7", seed, err, tried)
	}
	if seed, err := greentest.Find(greentest.Range(1, 3), func(uint64) error { return nil }); seed != 0 || err != nil {
		t.Errorf("Find with no failure = %d, %v", seed, err)
	}
}
