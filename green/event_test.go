package green_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestEvent_SetWakesAllWaiters(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var ev green.Event
		var woke []string
		var gs []*green.Greenlet
		for _, n := range []string{"a", "b", "c"} {
			gs = append(gs, h.Spawn(func() error {
				if err := ev.Wait(); err != nil {
					return err
				}
				woke = append(woke, n)
				return nil
			}))
		}
		green.Sleep(time.Second)
		if len(woke) != 0 || ev.IsSet() {
			t.Errorf("woke %v before Set", woke)
		}
		ev.Set()
		if _, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true}); err != nil {
			return err
		}
		if got := strings.Join(woke, ""); got != "abc" {
			t.Errorf("woke %q, want FIFO abc", got)
		}
		if err := ev.Wait(); err != nil { // set: returns at once
			t.Error(err)
		}
		ev.Clear()
		if err := ev.WaitTimeout(time.Second); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("WaitTimeout after Clear = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEvent_SetFromOutsideGoroutine(t *testing.T) {
	h := newHub(t, green.Options{})
	ev := new(green.Event).Bind(h)
	release := h.Hold()
	defer release()
	g := h.Spawn(func() error { return ev.Wait() })
	done := make(chan struct{})
	go func() {
		defer close(done)
		ev.Set() // a plain goroutine
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Set from outside blocked")
	}
	if err := g.Join(); err != nil {
		t.Fatal(err)
	}
	if s := h.Stats(); s.OutsideCalls < 2 {
		t.Errorf("OutsideCalls = %d", s.OutsideCalls)
	}
}

func TestAsyncResult(t *testing.T) {
	h := virtualHub(t)
	boom := errors.New("boom")
	err := run(t, h, func() error {
		var r green.AsyncResult
		h.Spawn(func() error { green.Sleep(time.Second); r.Set(42); return nil })
		if r.Ready() {
			t.Error("Ready before Set")
		}
		v, err := r.Get()
		if v != 42 || err != nil || !r.Ready() || !r.Successful() || r.Value() != 42 {
			t.Errorf("Get = %v, %v", v, err)
		}
		var f green.AsyncResult
		h.Spawn(func() error { f.SetErr(boom); return nil })
		if err := f.Wait(); err != nil {
			t.Errorf("Wait = %v", err)
		}
		if _, err := f.Get(); err != boom || f.Successful() || f.Err() != boom {
			t.Errorf("Get = %v", err)
		}
		var never green.AsyncResult
		if _, err := never.GetTimeout(time.Minute); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("GetTimeout = %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEvent_OutsideWaiterBlocksOnlyItself(t *testing.T) {
	h := newHub(t, green.Options{})
	ev := new(green.Event).Bind(h) // first used by a plain goroutine
	waited := make(chan error, 1)
	go func() { waited <- ev.Wait() }() // a plain goroutine waits in the hub
	err := run(t, h, func() error {
		for h.Stats().OutsideWaiting == 0 {
			green.Sleep(time.Millisecond)
		}
		// The hub keeps running greenlets meanwhile.
		n := 0
		g := h.Spawn(func() error {
			for i := 0; i < 10; i++ {
				green.Sleep(time.Millisecond)
				n++
			}
			return nil
		})
		if err := g.Join(); err != nil || n != 10 {
			t.Errorf("greenlet ran %d steps, err %v", n, err)
		}
		ev.Set()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("outside Wait = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("outside waiter not woken")
	}
}
