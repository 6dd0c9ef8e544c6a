package green_test

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func sleeper(h *green.Hub, name string, d time.Duration, err error) *green.Greenlet {
	return h.Spawn(func() error { green.Sleep(d); return err }).SetName(name)
}

func names(ws []*green.Greenlet) string {
	s := ""
	for _, g := range ws {
		s += g.Name()
	}
	return s
}

func TestJoinAll(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		opt     green.JoinOptions
		want    string
		wantErr error
	}{
		{"all", green.JoinOptions{}, "bcad", nil},
		{"count", green.JoinOptions{Count: 2}, "bc", nil},
		{"timeout", green.JoinOptions{Timeout: 2500 * time.Millisecond}, "bc", green.ErrTimeout},
		{"stop on error", green.JoinOptions{StopOnError: true}, "bca", boom},
		{"stop on error, timeout first", green.JoinOptions{StopOnError: true, Timeout: 2 * time.Second}, "bc", green.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := virtualHub(t)
			err := run(t, h, func() error {
				gs := []*green.Greenlet{
					sleeper(h, "a", 3*time.Second, boom),
					sleeper(h, "b", 1*time.Second, nil),
					sleeper(h, "c", 2*time.Second, nil),
					sleeper(h, "d", 4*time.Second, nil),
				}
				done, err := green.JoinAll(gs, tt.opt)
				if got := names(done); got != tt.want {
					t.Errorf("done %q, want %q", got, tt.want)
				}
				if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
					t.Errorf("err %v, want %v", err, tt.wantErr)
				}
				green.KillAll(gs...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestIWait_CallerChangesItsSlice: IWait yields the objects it was given,
// even when the loop body reuses the caller's slice in between.
func TestIWait_CallerChangesItsSlice(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var a, b, other green.Event
		a.Set()
		objs := []green.Waitable{&a, &b}
		var got []green.Waitable
		for w := range green.IWait(objs, 0) {
			got = append(got, w)
			if len(got) == 1 {
				objs[1] = &other
				b.Set()
			}
		}
		if len(got) != 2 || got[0] != green.Waitable(&a) || got[1] != green.Waitable(&b) {
			t.Errorf("IWait yielded %v; want a, then b", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWait_MixedObjects(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var ev green.Event
		var r green.AsyncResult
		g := sleeper(h, "g", 3*time.Second, nil)
		h.Spawn(func() error { green.Sleep(time.Second); r.Set(1); green.Sleep(time.Second); ev.Set(); return nil })
		var order []string
		for w := range green.IWait([]green.Waitable{g, &ev, &r}, 0) {
			switch w {
			case g:
				order = append(order, "greenlet")
			case &ev:
				order = append(order, "event")
			case &r:
				order = append(order, "result")
			}
		}
		if got := fmt.Sprint(order); got != "[result event greenlet]" {
			t.Errorf("IWait order %s", got)
		}
		got, err := green.Wait([]green.Waitable{g, &ev}, green.WaitOptions{Count: 1})
		if err != nil || len(got) != 1 || got[0] != green.Waitable(g) {
			t.Errorf("Wait over ready objects = %v, %v", got, err)
		}
		var never green.Event
		got, err = green.Wait([]green.Waitable{&never, g}, green.WaitOptions{Timeout: time.Second})
		if !errors.Is(err, green.ErrTimeout) || len(got) != 1 {
			t.Errorf("Wait with timeout = %v, %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An object that becomes ready at the very moment the wait times out must
// wake the waiter once, not twice.
func TestWait_ReadyAtTimeout(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var ev green.Event
		h.Spawn(func() error { green.Sleep(time.Second); ev.Set(); return nil })
		green.Yield() // its timer is armed first, so it fires first
		got, err := green.Wait([]green.Waitable{&ev}, green.WaitOptions{Timeout: time.Second})
		if len(got) != 1 || err != nil {
			t.Errorf("Wait = %v, %v", got, err)
		}
		// A double wake-up would resume this greenlet in the middle of
		// its next wait.
		var never green.Event
		if err := never.WaitTimeout(time.Second); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("next wait = %v", err)
		}
		green.Sleep(time.Second)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An outside goroutine's Wait that Close ends reports ErrClosed and each
// ready object once.
func TestWait_OutsideEndedByClose(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	var set, unset green.Event
	set.Bind(h)
	unset.Bind(h)
	set.Set()
	release := h.Hold() // no deadlock: Close ends the wait
	defer release()
	type result struct {
		done []green.Waitable
		err  error
	}
	res := make(chan result, 1)
	go func() {
		done, err := green.Wait([]green.Waitable{&set, &unset}, green.WaitOptions{})
		res <- result{done, err}
	}()
	waitUntil(t, "parked in Wait", func() bool { return h.Stats().Parked == 1 })
	closeHub(t, h)
	select {
	case r := <-res:
		if !errors.Is(r.err, green.ErrClosed) || len(r.done) != 1 || r.done[0] != &set {
			t.Errorf("Wait = %v, %v; want [set], ErrClosed", r.done, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("outside Wait still blocked after Close")
	}
}

// TestJoinAll_LinksEachOnce: waiting on n greenlets links one notifier on
// each, however the wait hands them out (all at once, one by one with
// StopOnError, or through IWait), so that joining n greenlets costs O(n),
// not O(n²).
func TestJoinAll_LinksEachOnce(t *testing.T) {
	const n = 200
	ways := []struct {
		name string
		wait func(gs []*green.Greenlet) (int, error)
	}{
		{"all", func(gs []*green.Greenlet) (int, error) {
			done, err := green.JoinAll(gs, green.JoinOptions{})
			return len(done), err
		}},
		{"stop on error", func(gs []*green.Greenlet) (int, error) {
			done, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
			return len(done), err
		}},
		{"iwait", func(gs []*green.Greenlet) (int, error) {
			ws := make([]green.Waitable, len(gs))
			for i, g := range gs {
				ws[i] = g
			}
			k := 0
			for range green.IWait(ws, 0) {
				k++
			}
			return k, nil
		}},
	}
	for _, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			h := virtualHub(t)
			err := run(t, h, func() error {
				gs := make([]*green.Greenlet, n)
				for i := range gs {
					// Each ends in its own round, after the wait has begun.
					gs[i] = h.Spawn(func() error {
						for range i + 1 {
							green.Yield()
						}
						return nil
					})
				}
				got, err := w.wait(gs)
				if err != nil || got != n {
					t.Errorf("%d ended, err %v; want %d, nil", got, err, n)
				}
				if links := green.WaitLinks(h); links > n {
					t.Errorf("%d notifiers linked to wait for %d greenlets; want at most %d", links, n, n)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestJoinAll_AllocatesPerCallNotPerGreenlet: a wait's state is a few
// slices per call. A notifier allocated on each greenlet it waits for (its
// rarely-used fields, a slice to hold the notifier) made JoinAll slower
// than joining one by one.
func TestJoinAll_AllocatesPerCallNotPerGreenlet(t *testing.T) {
	const n = 1000
	for _, opt := range []green.JoinOptions{{}, {StopOnError: true}} {
		t.Run(fmt.Sprintf("StopOnError=%v", opt.StopOnError), func(t *testing.T) {
			h := virtualHub(t)
			var mallocs uint64
			err := run(t, h, func() error {
				gs := make([]*green.Greenlet, n)
				// The second round measures: its greenlets start on the
				// workers the first left idle.
				for range 2 {
					for i := range gs {
						gs[i] = h.Spawn(func() error { green.Yield(); return nil })
					}
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					done, err := green.JoinAll(gs, opt)
					runtime.ReadMemStats(&after)
					if err != nil || len(done) != n {
						return fmt.Errorf("JoinAll: %d ended, err %v; want %d, nil", len(done), err, n)
					}
					mallocs = after.Mallocs - before.Mallocs
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if mallocs >= n/10 {
				t.Errorf("JoinAll of %d greenlets made %d allocations; want a few per call", n, mallocs)
			}
		})
	}
}
