package ifacetest

import (
	"testing"
	"time"
)

// guard bounds every wait in the suites, in real time. It is generous because
// it only decides when a broken implementation is declared hung; a working
// one is never near it.
const guard = 5 * time.Second

// recv receives a value from c, failing t if none arrives within guard.
// It must be called from the goroutine running t.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(guard)
	defer timer.Stop()
	select {
	case v := <-c:
		return v
	case <-timer.C:
		t.Fatalf("%s: nothing received within %v of real time", what, guard)
		panic("unreachable")
	}
}

// noRecv fails t if a value is ready on c now.
func noRecv[T any](t *testing.T, c <-chan T, what string) {
	t.Helper()
	select {
	case v := <-c:
		t.Errorf("%s: received %v, want nothing", what, v)
	default:
	}
}

// within runs f in its own goroutine and fails t if it has not returned
// within guard. It must be called from the goroutine running t.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	withinFor(t, guard, what, f)
}

// withinFor is within with another bound than guard.
func withinFor(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.Fatalf("%s: did not return within %v of real time", what, d)
	}
}
