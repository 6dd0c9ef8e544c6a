package green_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestDeadlock_WaitsReturnErrorNamingBlocked(t *testing.T) {
	tests := []struct {
		name string
		hub  func(t *testing.T) *green.Hub
	}{
		{"virtual", func(t *testing.T) *green.Hub { return virtualHub(t) }},
		{"real", func(t *testing.T) *green.Hub { return newHub(t, green.Options{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.hub(t)
			var ev green.Event
			var workerErr error
			err := run(t, h, func() error {
				w := h.Spawn(func() error { workerErr = ev.Wait(); return workerErr }).SetName("worker")
				green.Sleep(time.Millisecond) // timers are not a deadlock
				return w.Join()
			})
			var de *green.DeadlockError
			if !errors.As(err, &de) || !errors.Is(err, green.ErrDeadlock) {
				t.Fatalf("Run = %v, want a *DeadlockError", err)
			}
			msg := err.Error()
			for _, want := range []string{"worker waits on event", "main waits on join worker"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not name %q", msg, want)
				}
			}
			if !errors.Is(workerErr, green.ErrDeadlock) {
				t.Errorf("worker's wait returned %v", workerErr)
			}
			if s := h.Stats(); s.Deadlocks == 0 {
				t.Error("Stats.Deadlocks = 0")
			}
		})
	}
}

func TestDeadlock_OutsideCallerGetsMainsReaction(t *testing.T) {
	h := virtualHub(t)
	recovered := errors.New("recovered")
	err := run(t, h, func() error {
		var ev green.Event
		if err := ev.Wait(); !errors.Is(err, green.ErrDeadlock) {
			t.Errorf("Wait = %v", err)
		}
		return recovered // main handles the deadlock; Run sees main's error
	})
	if err != recovered {
		t.Fatalf("Run = %v", err)
	}
}

func TestDeadlock_SleepUnwindsNever(t *testing.T) {
	// A hub with only sleepers is never deadlocked.
	h := virtualHub(t)
	err := run(t, h, func() error {
		green.Sleep(24 * time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A held hub waits for an outside goroutine that sets an event well after
// the deadlock grace period; without the hold the wait would end in a
// deadlock first.
func TestHold_PostponesDeadlock(t *testing.T) {
	h := newHub(t, green.Options{})
	ev := new(green.Event).Bind(h)
	release := h.Hold()
	go func() {
		// Not to let things settle: the scenario is a plain goroutine
		// that acts only after the grace period has run out, with
		// nothing posted to the hub meanwhile.
		time.Sleep(3 * green.DeadlockGrace)
		ev.Set()
		release()
	}()
	err := run(t, h, func() error { return ev.Wait() })
	if err != nil {
		t.Fatalf("Wait = %v, want nil while held", err)
	}
}
