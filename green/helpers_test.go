package green_test

import (
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// newHub returns a hub closed at the end of the test.
func newHub(t testing.TB, opts green.Options) *green.Hub {
	t.Helper()
	if opts.MaxBlockingTime == 0 {
		opts.MaxBlockingTime = -1 // tests that want the monitor say so
	}
	h := green.New(opts)
	t.Cleanup(h.Close)
	return h
}

// virtualHub returns a hub on a virtual clock, closed at the end of the test.
func virtualHub(t testing.TB) *green.Hub {
	return newHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{})})
}

// run runs main as the main greenlet of h, failing the test if it does not
// end within a few seconds of real time.
func run(t testing.TB, h *green.Hub, main func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- h.Run(main) }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end within 5s")
		return nil
	}
}

// closeHub closes h, failing the test if Close does not return within 5s.
func closeHub(t testing.TB, h *green.Hub) {
	t.Helper()
	done := make(chan struct{})
	go func() { h.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5s")
	}
}

// waitUntil polls cond until it holds, failing the test if it does not
// within 5s: for a state of the hub that an outside goroutine reaches with
// no event to wait on (an outside call parked in the hub, say).
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("not %s within 5s", what)
		}
	}
}

// within calls f on a goroutine of its own and returns its error, failing
// the test if f does not return within 5s (an outside call into a hub).
func within(t testing.TB, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not return within 5s", what)
		return nil
	}
}
