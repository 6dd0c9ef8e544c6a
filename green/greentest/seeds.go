package greentest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The environment variables that choose seeds: see the package doc.
const (
	SeedEnv  = "GREENSHIM_SEED"
	SeedsEnv = "GREENSHIM_SEEDS"
)

// ShortSeeds is how many seeds a Sweep runs under go test -short.
const ShortSeeds = 5

// Run runs f under seed, or under GREENSHIM_SEED if it is set. If the test
// fails, it logs the line that replays it.
func Run(t *testing.T, seed uint64, f func(t *testing.T, seed uint64)) {
	t.Helper()
	if s, ok, err := envSeed(); err != nil {
		t.Fatal(err)
	} else if ok {
		seed = s
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(ReplayLine(t, seed))
		}
	})
	f(t, seed)
}

// Sweep runs f under each seed of Seeds(n), each as a subtest named
// "seed=S", and stops at the first that fails, failing t with the line
// that replays it. It returns the failing seed and true, or 0 and false if
// every seed passed.
func Sweep(t *testing.T, n int, f func(t *testing.T, seed uint64)) (uint64, bool) {
	t.Helper()
	seeds, err := Seeds(n)
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		if !t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { f(t, seed) }) {
			t.Errorf("%s", ReplayLine(t, seed))
			return seed, true
		}
	}
	return 0, false
}

// Find runs check under each seed in order and returns the first seed for
// which it returns an error, with the error; or 0 and nil if none did. It
// is the sweep of a test that expects a failure (a planted bug) and so
// takes its seeds explicitly (Seeds, or a range of its own), not from the
// environment.
func Find(seeds []uint64, check func(seed uint64) error) (uint64, error) {
	for _, seed := range seeds {
		if err := check(seed); err != nil {
			return seed, err
		}
	}
	return 0, nil
}

// Range returns the seeds from to to, inclusive.
func Range(from, to uint64) []uint64 {
	var s []uint64
	for seed := from; seed <= to && seed >= from; seed++ {
		s = append(s, seed)
	}
	return s
}

// Seeds returns the seeds a sweep of n runs: GREENSHIM_SEED alone if set;
// else those GREENSHIM_SEEDS names (N: 1 to N; A-B: A to B); else 1 to n,
// or to min(n, ShortSeeds) under go test -short. It returns an error naming
// the variable if one is malformed, and panics if n is negative.
func Seeds(n int) ([]uint64, error) {
	if n < 0 {
		panic(fmt.Sprintf("greentest: Seeds of a negative count (%d)", n))
	}
	if s, ok, err := envSeed(); err != nil || ok {
		return []uint64{s}, err
	}
	if v := os.Getenv(SeedsEnv); v != "" {
		from, to, err := parseRange(v)
		if err != nil {
			return nil, fmt.Errorf("greentest: %s=%q: %v; want a count N (seeds 1 to N) or a range A-B", SeedsEnv, v, err)
		}
		return Range(from, to), nil
	}
	if testing.Short() {
		n = min(n, ShortSeeds)
	}
	return Range(1, uint64(n)), nil
}

func envSeed() (uint64, bool, error) {
	v := os.Getenv(SeedEnv)
	if v == "" {
		return 0, false, nil
	}
	s, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("greentest: %s=%q is not a seed (an unsigned decimal integer)", SeedEnv, v)
	}
	return s, true, nil
}

func parseRange(v string) (from, to uint64, err error) {
	a, b, isRange := strings.Cut(v, "-")
	if !isRange {
		n, err := strconv.ParseUint(v, 10, 64)
		return 1, n, err
	}
	if from, err = strconv.ParseUint(a, 10, 64); err != nil {
		return 0, 0, err
	}
	if to, err = strconv.ParseUint(b, 10, 64); err != nil {
		return 0, 0, err
	}
	if to < from {
		return 0, 0, fmt.Errorf("the range ends (%d) before it starts (%d)", to, from)
	}
	return from, to, nil
}

// ReplayLine returns the line that replays t under seed:
//
//	seed 17 failed; replay: GREENSHIM_SEED=17 go test -run '^TestX$/^case$' ./pkg
//
// For a subtest a Sweep made ("seed=S"), it names the test that called
// Sweep, which runs only S under GREENSHIM_SEED. The package is given
// relative to the module's root (where go.mod is), so the line works from
// there.
func ReplayLine(t testing.TB, seed uint64) string {
	name := t.Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 && strings.HasPrefix(name[i+1:], "seed=") {
		name = name[:i]
	}
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return fmt.Sprintf("seed %d failed; replay: %s=%d go test -run '%s' %s", seed, SeedEnv, seed, strings.Join(parts, "/"), pkgDir())
}

// pkgDir is the test's package directory relative to its module's root, as
// go test takes it ("./green/sim"); "." if the root cannot be found.
func pkgDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}
