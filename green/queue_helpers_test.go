package green_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// The helpers of the sync, queue, channel and pool tests; the sq prefix
// keeps them apart from the core's test helpers.

// sqHub returns a fresh hub on virtual time, closed when the test ends. A
// greenlet that panics fails the test.
func sqHub(t testing.TB) *green.Hub {
	t.Helper()
	h := green.New(green.Options{
		Clock:           green.NewVirtualClock(time.Time{}),
		MaxBlockingTime: -1,
		OnPanic:         func(g *green.Greenlet) { t.Errorf("%s panicked: %v", g.Name(), g.Err()) },
	})
	t.Cleanup(h.Close)
	return h
}

// sqQuietHub is sqHub for tests that make greenlets panic on purpose.
func sqQuietHub(t testing.TB) *green.Hub {
	t.Helper()
	h := green.New(green.Options{
		Clock:           green.NewVirtualClock(time.Time{}),
		MaxBlockingTime: -1,
		OnPanic:         func(*green.Greenlet) {},
	})
	t.Cleanup(h.Close)
	return h
}

// sqRun runs main as h's main greenlet and fails the test if it returns an
// error or does not end within a few seconds.
func sqRun(t testing.TB, h *green.Hub, main func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- h.Run(main) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("main greenlet: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("main greenlet did not end within 5s")
	}
}

// sqWait waits (bounded) for done to be closed or receive.
func sqWait[T any](t testing.TB, done <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-done:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not happen within 5s", what)
	}
	var zero T
	return zero
}

// sqLog is an event log written by greenlets of one hub (so without a lock)
// and read once the hub's Run has returned.
type sqLog []string

func (l *sqLog) add(format string, args ...any) { *l = append(*l, fmt.Sprintf(format, args...)) }
func (l sqLog) String() string                  { return strings.Join(l, " ") }

// sqPanicMessage runs f and returns what it panicked with, as a string.
func sqPanicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
