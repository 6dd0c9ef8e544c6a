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
