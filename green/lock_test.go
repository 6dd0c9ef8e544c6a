package green_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// locker is what Lock and RLock have in common.
type locker interface {
	sync.Locker
	TryLock() bool
	LockTimeout(time.Duration) error
	Locked() bool
}

func TestLock_MutualExclusion(t *testing.T) {
	tests := []struct {
		name string
		l    locker
	}{
		{"Lock", new(green.Lock)},
		{"RLock", new(green.RLock)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			inside, most := 0, 0
			sqRun(t, h, func() error {
				var gs []*green.Greenlet
				for i := 0; i < 5; i++ {
					gs = append(gs, h.Spawn(func() error {
						tt.l.Lock()
						defer tt.l.Unlock()
						inside++
						most = max(most, inside)
						green.Sleep(time.Millisecond) // hold it across a switch
						inside--
						return nil
					}))
				}
				for _, g := range gs {
					if err := g.Join(); err != nil {
						return err
					}
				}
				if tt.l.Locked() {
					t.Errorf("still locked after every holder unlocked")
				}
				return nil
			})
			if most != 1 {
				t.Errorf("%d greenlets held the lock at once, want 1", most)
			}
		})
	}
}

func TestLock_TryLockAndTimeout(t *testing.T) {
	tests := []struct {
		name string
		l    locker
	}{
		{"Lock", new(green.Lock)},
		{"RLock", new(green.RLock)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				holder := h.Spawn(func() error {
					tt.l.Lock()
					green.Sleep(time.Hour)
					tt.l.Unlock()
					return nil
				})
				green.Yield()
				if tt.l.TryLock() {
					t.Errorf("TryLock succeeded on a lock another greenlet holds")
				}
				start := h.Now()
				if err := tt.l.LockTimeout(time.Minute); !errors.Is(err, green.ErrTimeout) {
					t.Errorf("LockTimeout = %v, want ErrTimeout", err)
				}
				if took := h.Now().Sub(start); took != time.Minute {
					t.Errorf("LockTimeout gave up after %v, want 1m", took)
				}
				if err := tt.l.LockTimeout(2 * time.Hour); err != nil {
					t.Errorf("LockTimeout = %v once the holder unlocks, want nil", err)
				}
				if took := h.Now().Sub(start); took != time.Hour {
					t.Errorf("locked after %v, want 1h (when the holder unlocked)", took)
				}
				tt.l.Unlock()
				return holder.Join()
			})
		})
	}
}

func TestLock_UnlockMisusePanics(t *testing.T) {
	tests := []struct {
		name  string
		setup func(h *green.Hub) func()
	}{
		{"unlocked Lock", func(*green.Hub) func() { return new(green.Lock).Unlock }},
		{"unlocked RLock", func(*green.Hub) func() { return new(green.RLock).Unlock }},
		{"RLock held by another greenlet", func(h *green.Hub) func() {
			l := new(green.RLock)
			h.Spawn(func() error { l.Lock(); return nil }) // ends holding it
			green.Yield()
			return l.Unlock
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				msg := sqPanicMessage(tt.setup(h))
				if !strings.HasPrefix(msg, "green: ") {
					t.Errorf("panic %q, want one starting with \"green: \"", msg)
				}
				return nil
			})
		})
	}
}

// A kill that arrives after Unlock handed the lock to a waiter, but before
// the waiter ran, must not leave the lock held by a dead greenlet: the
// waiter gets the lock, and the kill comes at its next wait, where its
// deferred Unlock runs.
func TestLock_KillAfterHandoffKeepsLockConsistent(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		var l green.Lock
		l.Lock()
		w := h.Spawn(func() error {
			l.Lock()
			defer l.Unlock()
			log.add("locked")
			green.Sleep(time.Hour) // the kill lands here, the next wait
			log.add("not killed")
			return nil
		})
		green.Yield() // w parks in Lock
		l.Unlock()    // hands the lock to w, which has not run yet
		w.Kill()
		if !w.Killed() {
			t.Errorf("waiter not killed")
		}
		if l.Locked() {
			t.Errorf("lock still held after the killed waiter unwound")
		}
		return nil
	})
	if log.String() != "locked" {
		t.Errorf("log = %q, want %q", log, "locked")
	}
}

func TestRLock_Reentrant(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		var l green.RLock
		l.Lock()
		l.Lock()
		other := h.Spawn(func() error { l.Lock(); log.add("other"); l.Unlock(); return nil })
		green.Yield()
		log.add("unlock1")
		l.Unlock()
		green.Yield()
		log.add("unlock2")
		l.Unlock()
		return other.Join()
	})
	if got, want := log.String(), "unlock1 unlock2 other"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}

func TestLock_OutsideGoroutinesAndGreenletsContend(t *testing.T) {
	tests := []struct {
		name string
		l    locker
	}{
		{"Lock", new(green.Lock)},
		{"RLock", new(green.RLock)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			switch l := tt.l.(type) {
			case *green.Lock:
				l.Bind(h)
			case *green.RLock:
				l.Bind(h)
			}
			counter := 0 // guarded by tt.l
			const outside, inside, rounds = 3, 3, 20
			// Outside goroutines may hold the lock while every greenlet
			// waits for it: Hold tells the hub not to call that a deadlock.
			release := h.Hold()
			var wg sync.WaitGroup
			done := make(chan struct{})
			sqRun(t, h, func() error {
				for i := 0; i < outside; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for j := 0; j < rounds; j++ {
							tt.l.Lock()
							if tt.name == "RLock" { // reentry by the same goroutine
								tt.l.Lock()
								tt.l.Unlock()
							}
							counter++
							tt.l.Unlock()
						}
					}()
				}
				go func() { wg.Wait(); release(); close(done) }()
				var gs []*green.Greenlet
				for i := 0; i < inside; i++ {
					gs = append(gs, h.Spawn(func() error {
						for j := 0; j < rounds; j++ {
							tt.l.Lock()
							c := counter
							green.Yield() // a switch inside the critical section
							counter = c + 1
							tt.l.Unlock()
						}
						return nil
					}))
				}
				for _, g := range gs {
					if err := g.Join(); err != nil {
						return err
					}
				}
				// Stay in the hub until the outside goroutines are done
				// (Sleep returns once the hold is released).
				for {
					select {
					case <-done:
						return nil
					default:
						green.Sleep(time.Millisecond)
					}
				}
			})
			tt.l.Lock()
			got := counter
			tt.l.Unlock()
			if want := (outside + inside) * rounds; got != want {
				t.Errorf("counter = %d, want %d", got, want)
			}
		})
	}
}

func TestLock_DeadlockUnwindsWaiter(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var l green.Lock
		l.Lock()
		g := h.Spawn(func() error { l.Lock(); return nil })
		err := g.Join() // main holds l and waits for g, which waits for l
		if !errors.Is(err, green.ErrDeadlock) {
			t.Errorf("Join = %v, want ErrDeadlock", err)
		}
		if gerr := g.Join(); !errors.Is(gerr, green.ErrDeadlock) || !strings.Contains(gerr.Error(), "Lock.Lock") {
			t.Errorf("waiter's Err = %v, want a deadlock naming Lock.Lock", gerr)
		}
		l.Unlock()
		return nil
	})
}

func TestLock_LockTimeoutRealClock(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	t.Cleanup(h.Close)
	sqRun(t, h, func() error {
		var l green.Lock
		l.Lock()
		start := h.Now()
		err := l.LockTimeout(20 * time.Millisecond)
		if !errors.Is(err, green.ErrTimeout) {
			t.Errorf("LockTimeout = %v, want ErrTimeout", err)
		}
		if took := h.Now().Sub(start); took < 20*time.Millisecond {
			t.Errorf("LockTimeout gave up after %v on the hub's clock, before its 20ms", took)
		}
		return nil
	})
}
