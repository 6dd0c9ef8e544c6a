// Package greentest runs tests under seeds, for hubs with a seeded
// [green.Schedule] today and for simulated worlds (green/sim) alike: it
// knows nothing but a seed and a function that runs under it.
//
// # Seeds
//
// [Run] runs a test function under one seed; [Sweep] runs it under many, as
// subtests named "seed=S", and stops at the first that fails. Either way a
// failure ends with one line that replays it:
//
//	seed 17 failed; replay: GREENSHIM_SEED=17 go test -run '^TestTransfer$' ./bank
//
// The environment picks the seeds, so that a replay or a longer sweep needs
// no edit:
//
//   - GREENSHIM_SEED=S runs seed S alone (Run and Sweep alike).
//   - GREENSHIM_SEEDS=N makes Sweep run seeds 1 to N; GREENSHIM_SEEDS=A-B
//     runs seeds A to B (a nightly job can explore seeds a pull request
//     did not).
//   - Otherwise Sweep runs seeds 1 to n, its argument, or under go test
//     -short the first [ShortSeeds] of them.
//
// A malformed variable fails the test, naming it, rather than running
// other seeds than asked for.
//
// [Find] is the sweep for a test that expects to find a failure (a planted
// bug): it returns the first seed whose check fails.
//
// # Determinism
//
// [Replays] fails the test if a run does not replay: it runs the function
// twice, each time with a fresh trace ([green.Trace]), and reports the
// first event that differs, with the stacks that produced it and what the
// hub saw that breaks determinism (see the # Tracing section of package
// green).
//
// # Pictures
//
// [Picture] registers a run's trace ([green.Trace], from its hub and its
// world) to be drawn if the test fails: the failing seed then writes a
// Chrome trace (Perfetto opens it) and an HTML space-time diagram of the
// run (package green/sim/timeline), and prints their paths just before
// its replay line:
//
//	greentest.Sweep(t, 100, func(t *testing.T, seed uint64) {
//		tr := new(green.Trace)
//		greentest.Picture(t, seed, tr)
//		... run the world under seed with tr ...
//	})
//
// GREENSHIM_TRACE_DIR says where they go; else go test -artifacts keeps
// them under -outputdir; else they go to the system's temporary directory.
//
// # Why a package of its own
//
// It imports testing, which package green must not (every program using
// green would carry it), and it must serve green/sim's worlds without
// green knowing about them: a seed, a func and a trace are all it shares
// with them. (It imports green/sim/timeline, which imports only green, so
// green/sim may import it.)
package greentest
