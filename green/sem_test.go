package green_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// sem is what the semaphore tests need from both kinds.
type sem interface {
	Acquire()
	TryAcquire() bool
	AcquireTimeout(time.Duration) error
	Release()
	Available() int
	Locked() bool
}

func TestSemaphore_InitialPermits(t *testing.T) {
	tests := []struct {
		name string
		s    sem
		want int
	}{
		{"zero Semaphore", new(green.Semaphore), 1},
		{"NewSemaphore(0)", green.NewSemaphore(0), 0},
		{"NewSemaphore(3)", green.NewSemaphore(3), 3},
		{"zero BoundedSemaphore", new(green.BoundedSemaphore), 1},
		{"NewBoundedSemaphore(2)", green.NewBoundedSemaphore(2), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				if got := tt.s.Available(); got != tt.want {
					t.Errorf("Available() = %d, want %d", got, tt.want)
				}
				for i := 0; i < tt.want; i++ {
					if !tt.s.TryAcquire() {
						t.Fatalf("TryAcquire %d of %d failed", i+1, tt.want)
					}
				}
				if tt.s.TryAcquire() {
					t.Errorf("TryAcquire succeeded with no permit left")
				}
				if !tt.s.Locked() {
					t.Errorf("Locked() = false with no permit left")
				}
				return nil
			})
		})
	}
}

func TestSemaphore_WaitersServedFIFO(t *testing.T) {
	tests := []struct {
		name    string
		permits int
		waiters int
	}{
		{"one permit", 1, 4},
		{"two permits", 2, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			var log sqLog
			sqRun(t, h, func() error {
				s := green.NewSemaphore(tt.permits)
				for i := 0; i < tt.permits; i++ {
					s.Acquire()
				}
				var gs []*green.Greenlet
				for i := 0; i < tt.waiters; i++ {
					gs = append(gs, h.Spawn(func() error {
						s.Acquire()
						log.add("g%d", i)
						return nil
					}))
					green.Yield() // g_i is parked before g_i+1 starts
				}
				for range gs {
					s.Release()
				}
				for _, g := range gs {
					if err := g.Join(); err != nil {
						return err
					}
				}
				return nil
			})
			want := []string{}
			for i := 0; i < tt.waiters; i++ {
				want = append(want, "g"+string(rune('0'+i)))
			}
			if log.String() != strings.Join(want, " ") {
				t.Errorf("order = %q, want %q", log.String(), strings.Join(want, " "))
			}
		})
	}
}

func TestSemaphore_AcquireTimeout(t *testing.T) {
	tests := []struct {
		name    string
		d       time.Duration
		release time.Duration // when another greenlet releases; 0: never
		wantErr bool
	}{
		{"times out", time.Second, 0, true},
		{"zero duration fails at once", 0, 0, true},
		{"released in time", time.Second, 500 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				s := green.NewSemaphore(0)
				if tt.release > 0 {
					h.Spawn(func() error { green.Sleep(tt.release); s.Release(); return nil })
				}
				start := h.Now()
				err := s.AcquireTimeout(tt.d)
				took := h.Now().Sub(start)
				if tt.wantErr {
					if !errors.Is(err, green.ErrTimeout) {
						t.Errorf("err = %v, want ErrTimeout", err)
					}
					if took != tt.d {
						t.Errorf("gave up after %v, want %v", took, tt.d)
					}
					if s.Available() != 0 {
						t.Errorf("Available() = %d after a timeout, want 0", s.Available())
					}
					s.Release() // the timed-out waiter must not take this one
					if s.Available() != 1 {
						t.Errorf("Available() = %d after Release, want 1: a stale waiter took it", s.Available())
					}
					return nil
				}
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
				if took != tt.release {
					t.Errorf("acquired after %v, want %v", took, tt.release)
				}
				return nil
			})
		})
	}
}

func TestSemaphore_WithTimeoutUnwindsAcquire(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		s := green.NewSemaphore(0)
		reached := false
		err := green.WithTimeout(time.Second, func() error {
			s.Acquire()
			reached = true
			return nil
		})
		if !errors.Is(err, green.ErrTimeout) || reached {
			t.Errorf("err = %v, reached = %v; want ErrTimeout and an unwound Acquire", err, reached)
		}
		s.Release()
		if s.Available() != 1 {
			t.Errorf("Available() = %d, want 1: the unwound waiter is still queued", s.Available())
		}
		return nil
	})
}

func TestSemaphore_KilledWaiterLeavesQueue(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		s := green.NewSemaphore(0)
		a := h.Spawn(func() error { s.Acquire(); log.add("a"); return nil })
		b := h.Spawn(func() error { s.Acquire(); log.add("b"); return nil })
		green.Yield()
		a.Kill()
		s.Release()
		if err := b.Join(); err != nil {
			return err
		}
		if !a.Killed() {
			t.Errorf("a not killed")
		}
		return nil
	})
	if log.String() != "b" {
		t.Errorf("log = %q, want %q: the permit must go to b", log, "b")
	}
}

func TestBoundedSemaphore_ReleaseAboveBoundPanics(t *testing.T) {
	tests := []struct {
		name     string
		s        sem
		releases int // releases that are fine after acquiring all permits
	}{
		{"zero value", new(green.BoundedSemaphore), 1},
		{"bound 3", green.NewBoundedSemaphore(3), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				n := tt.s.Available()
				for i := 0; i < n; i++ {
					tt.s.Acquire()
				}
				for i := 0; i < tt.releases; i++ {
					tt.s.Release()
				}
				msg := sqPanicMessage(tt.s.Release)
				if !strings.HasPrefix(msg, "green: ") {
					t.Errorf("Release above the bound: panic %q, want one starting with \"green: \"", msg)
				}
				return nil
			})
		})
	}
}

func TestSemaphore_UnboundedReleaseGrows(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var s green.Semaphore
		s.Release()
		s.Release()
		if got := s.Available(); got != 3 {
			t.Errorf("Available() = %d, want 3", got)
		}
		return nil
	})
}

func TestSemaphore_OutsideGoroutineBlocksOnlyItself(t *testing.T) {
	h := sqHub(t)
	s := green.NewSemaphore(0).Bind(h)
	acquired := make(chan struct{})
	sqRun(t, h, func() error {
		go func() {
			s.Acquire() // waits in the hub; greenlets keep running
			close(acquired)
		}()
		// The hub keeps running greenlets while the outside goroutine
		// waits: this loop is one.
		for h.Stats().Parked == 0 {
			green.Sleep(time.Millisecond)
		}
		s.Release()
		return nil
	})
	sqWait(t, acquired, "outside Acquire")
	if s.Available() != 0 {
		t.Errorf("Available() = %d, want 0", s.Available())
	}
}

func TestSemaphore_ClosedHubFailsWaits(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	s := green.NewSemaphore(0).Bind(h)
	h.Close()
	if err := s.AcquireTimeout(time.Second); !errors.Is(err, green.ErrClosed) {
		t.Errorf("AcquireTimeout on a closed hub: %v, want ErrClosed", err)
	}
	s.Release() // does nothing on a closed hub
	if n := s.Available(); n != 0 {
		t.Errorf("Available() after a Release on a closed hub = %d, want 0", n)
	}
	if s.TryAcquire() {
		t.Errorf("TryAcquire on a closed hub succeeded")
	}
}
