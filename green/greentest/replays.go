package greentest

import (
	"testing"

	"github.com/greenshim/greenshim/green"
)

// Replays fails t, with the report of [green.Replays], if run does not
// replay: run is called with a fresh Trace for its hub (Options.Trace) or
// world, twice (four times on a difference, to capture stacks), and should
// build everything from the same seed each time.
func Replays(t testing.TB, run func(tr *green.Trace)) {
	t.Helper()
	if err := green.Replays(run); err != nil {
		t.Fatalf("the run does not replay: %v", err)
	}
}
