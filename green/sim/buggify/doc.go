// Package buggify is FoundationDB's BUGGIFY for Go: named fault points that
// user code places on its own error paths, which a simulation turns on for
// some runs and not others.
//
//	if sim.Buggify("wal.short-write") { // false outside a simulation
//		n = n / 2 // take the path production rarely sees
//	}
//
// A world holds one [Points] per run, built from the run's seed, and code
// asks it through the world (sim.Buggify calls [Points.Fire] on the current
// world's points). Outside a simulation there is no Points: a nil *Points
// never fires, so the same code runs in production unchanged.
//
// # Two tiers
//
// As in FoundationDB (flow's P_BUGGIFIED_SECTION_ACTIVATED and
// P_BUGGIFIED_SECTION_FIRES, both 0.25 there and by default here):
//
//   - Enabled: the first time a name is evaluated in a run, it is enabled
//     with probability Options.EnableRate, decided from the seed and the name
//     alone, so that the set of enabled points does not depend on the order
//     in which code first reaches them. A point that is not enabled never
//     fires in that run: most runs see most points quiet, and each point's
//     recovery code is tested alone as well as in company.
//   - Fired: each time an enabled point is evaluated it fires with
//     probability Options.FireRate. The n-th evaluation of a name fires or
//     not as the seed, the name and n decide, whatever other points were
//     evaluated in between.
//
// So a seed replays the same faults as long as each point is evaluated the
// same number of times before each of its uses, which a deterministic
// simulation gives.
//
// # Reports
//
// [Points.Report] lists every point evaluated in the run, sorted by name,
// with whether it was enabled and how often it was evaluated and fired, for
// printing beside a failing run's seed.
//
// # Concurrency
//
// A Points is safe for concurrent use. Goroutines that evaluate the same
// point race for its evaluation count, so a run is replayable only where
// the order of evaluations is (greenlets on a hub, a synctest bubble with a
// deterministic schedule).
package buggify
