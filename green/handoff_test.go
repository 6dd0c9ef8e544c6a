package green_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/greenshim/greenshim/green"
)

// handoffHub returns a hub with the hand-off on and its reports collected.
func handoffHub(t *testing.T, opts green.Options) (*green.Hub, func() []green.Handoff) {
	t.Helper()
	var mu sync.Mutex
	var reports []green.Handoff
	opts.OnHandoff = func(r green.Handoff) {
		mu.Lock()
		reports = append(reports, r)
		mu.Unlock()
	}
	h := newHub(t, opts)
	if s := h.Stats().Handoff; !strings.HasPrefix(s, "on") {
		t.Skipf("hand-off %s", s)
	}
	return h, func() []green.Handoff {
		mu.Lock()
		defer mu.Unlock()
		return append([]green.Handoff(nil), reports...)
	}
}

func TestHandoff_ForeignWaitLetsOthersRun(t *testing.T) {
	h, reports := handoffHub(t, green.Options{})
	ch := make(chan int)
	var got int
	var order []string
	err := run(t, h, func() error {
		a := h.Spawn(func() error {
			got = <-ch // a plain channel: without the hand-off, b never runs
			green.Yield()
			order = append(order, "a")
			return nil
		}).SetName("a")
		b := h.Spawn(func() error {
			green.Sleep(time.Millisecond)
			order = append(order, "b")
			ch <- 42
			return nil
		})
		return errors.Join(a.Join(), b.Join())
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != 42 || strings.Join(order, ",") != "b,a" {
		t.Errorf("got %d, order %v", got, order)
	}
	s := h.Stats()
	if s.Detaches < 1 || s.Detached != 0 {
		t.Errorf("Stats: %d detaches, %d detached now", s.Detaches, s.Detached)
	}
	rs := reports()
	if len(rs) != 1 {
		t.Fatalf("%d reports, want one (one call site)", len(rs))
	}
	r := rs[0]
	if r.Name != "a" || r.Wait != "chan receive" || !strings.Contains(r.Frame, "TestHandoff_ForeignWaitLetsOthersRun") ||
		!strings.Contains(r.Caller, "handoff_test.go") || r.Virtual || !strings.Contains(r.String(), "detached") {
		t.Errorf("report %+v", r)
	}
	sites := h.HeldSites()
	if len(sites) != 1 || sites[0].Detaches != s.Detaches || sites[0].Wait != "chan receive" {
		t.Errorf("HeldSites %+v", sites)
	}
}

func TestHandoff_OnePerCallSite(t *testing.T) {
	h, reports := handoffHub(t, green.Options{})
	err := run(t, h, func() error {
		var gs []*green.Greenlet
		for range 5 {
			gs = append(gs, h.Spawn(func() error {
				// Native sleeps at one call site, until one of them has
				// been detached: a loaded machine may keep the monitor
				// from looking during a sleep or two.
				for guard := time.Now().Add(4 * time.Second); len(reports()) == 0 && time.Now().Before(guard); {
					time.Sleep(5 * time.Millisecond) // native
				}
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rs := reports(); len(rs) != 1 || rs[0].Wait != "sleep" || !strings.HasPrefix(rs[0].Frame, "time.Sleep") {
		t.Errorf("reports %+v, want one, for time.Sleep", rs)
	}
	if sites := h.HeldSites(); len(sites) != 1 || sites[0].Detaches != h.Stats().Detaches {
		t.Errorf("HeldSites %+v", sites)
	}
}

// The greenlet whose stack ran the scheduler that resumed the detached one
// (main, waiting) goes on as usual: the detached greenlet's wait does not
// hold it.
func TestHandoff_ResumerGoesOn(t *testing.T) {
	h, _ := handoffHub(t, green.Options{})
	ch := make(chan int)
	var ev green.Event
	var order []string
	err := run(t, h, func() error {
		a := h.Spawn(func() error {
			<-ch
			order = append(order, "a woke")
			green.Yield() // rejoins
			order = append(order, "a resumed")
			return nil
		})
		h.Spawn(func() error {
			green.Sleep(time.Millisecond)
			ev.Set() // main, entangled, becomes runnable
			order = append(order, "set")
			green.Sleep(time.Millisecond)
			ch <- 1
			return nil
		})
		// main runs the scheduler on its stack while it waits: it resumes
		// a, which the hand-off detaches.
		if err := ev.Wait(); err != nil {
			return err
		}
		order = append(order, "main")
		return a.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "set,main,a woke,a resumed" {
		t.Errorf("order %s", got)
	}
}

// A greenlet that rejoined and meets a second foreign wait is detached
// again.
func TestHandoff_LentGreenletDetachedAgain(t *testing.T) {
	h, _ := handoffHub(t, green.Options{})
	ch1, ch2 := make(chan int), make(chan int)
	var ev green.Event
	sum := 0
	err := run(t, h, func() error {
		a := h.Spawn(func() error {
			sum += <-ch1
			ev.Set() // a green call that does not switch: a rejoins and holds the hub
			sum += <-ch2
			return nil
		})
		b := h.Spawn(func() error {
			green.Sleep(time.Millisecond)
			ch1 <- 1
			if err := ev.Wait(); err != nil {
				return err
			}
			ch2 <- 2
			return nil
		})
		return errors.Join(a.Join(), b.Join())
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum != 3 {
		t.Errorf("sum %d", sum)
	}
	if n := h.Stats().Detaches; n != 2 {
		t.Errorf("%d detaches, want 2", n)
	}
}

func TestHandoff_KilledWhileDetachedUnwindsAtNextGreenCall(t *testing.T) {
	h, _ := handoffHub(t, green.Options{})
	ch := make(chan int)
	var after, deferred bool
	err := run(t, h, func() error {
		a := h.Spawn(func() error {
			defer func() { deferred = true }()
			<-ch
			green.Yield() // the kill lands here
			after = true
			return nil
		})
		green.Sleep(2 * time.Millisecond)
		a.KillAsync()
		ch <- 1
		if err := a.Join(); err != nil {
			return err
		}
		if !a.Killed() {
			return errors.New("a not killed")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if after || !deferred {
		t.Errorf("after the kill's wait point: %v; deferred ran: %v", after, deferred)
	}
}

func TestHandoff_DetachedGreenletEndsWithoutGreenCall(t *testing.T) {
	h, _ := handoffHub(t, green.Options{})
	ch := make(chan int)
	err := run(t, h, func() error {
		a := h.SpawnValue(func() (any, error) { return <-ch * 2, nil })
		p := h.Spawn(func() error { <-ch; panic("boom") })
		green.Sleep(2 * time.Millisecond)
		ch <- 21
		ch <- 0
		if err := a.Join(); err != nil || a.Value() != 42 {
			return errors.Join(err, errors.New("a's value is not 42"))
		}
		var pe *green.PanicError
		if err := p.Join(); !errors.As(err, &pe) || pe.Value != "boom" {
			return errors.Join(err, errors.New("p did not end in its panic"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHandoff_CloseWaitsForDetached(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	if s := h.Stats().Handoff; !strings.HasPrefix(s, "on") {
		h.Close()
		t.Skipf("hand-off %s", s)
	}
	ch := make(chan int)
	ended := make(chan struct{})
	h.Spawn(func() error {
		defer close(ended)
		<-ch
		green.Sleep(time.Hour) // killed by Close
		return nil
	})
	waitUntil(t, "detached", func() bool { return h.Stats().Detached == 1 })
	closed := make(chan struct{})
	go func() { h.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while a greenlet was detached")
	case <-time.After(10 * time.Millisecond):
	}
	ch <- 1
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return once the detached greenlet rejoined")
	}
	<-ended
}

func TestHandoff_ManyGreenletsInOneLibraryWait(t *testing.T) {
	h, reports := handoffHub(t, green.Options{})
	var mu sync.Mutex // a third-party lock: held across a cooperative wait
	var in, peak atomic.Int32
	err := run(t, h, func() error {
		var gs []*green.Greenlet
		for range 20 {
			gs = append(gs, h.Spawn(func() error {
				mu.Lock() // others wait here, natively, while the holder sleeps cooperatively
				n := in.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				green.Sleep(time.Millisecond)
				in.Add(-1)
				mu.Unlock()
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if peak.Load() != 1 {
		t.Errorf("%d greenlets inside the lock at once", peak.Load())
	}
	// The frame reported is the innermost outside the runtime and package
	// sync: here the test's own function, in a library the library's.
	if rs := reports(); len(rs) != 1 || rs[0].Wait != "sync.Mutex.Lock" || !strings.Contains(rs[0].Frame, "TestHandoff_ManyGreenletsInOneLibraryWait") {
		t.Errorf("reports %+v", rs)
	}
}

func TestHandoff_HubInternalWaitIsNeverDetached(t *testing.T) {
	blocked := make(chan green.Blocked, 16)
	h, _ := handoffHub(t, green.Options{
		MaxBlockingTime: 5 * time.Millisecond,
		OnBlocked: func(b green.Blocked) {
			select {
			case blocked <- b:
			default:
			}
		},
	})
	ch := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- h.Run(func() error {
			green.HubInternalWait(ch) // a wait in package green's own code
			return nil
		})
	}()
	select {
	case b := <-blocked:
		if b.Wait != "chan receive" {
			t.Errorf("report %+v", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no monitor report within 5s")
	}
	if n := h.Stats().Detaches; n != 0 {
		t.Errorf("%d detaches of a greenlet waiting in the hub's own code", n)
	}
	close(ch)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestHandoff_Off(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts green.Options
		env  string
	}{
		{"option", green.Options{HandoffAfter: -1}, ""},
		{"environment", green.Options{}, "off"},
		{"environment zero", green.Options{}, "0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(green.HandoffEnv, tt.env)
			}
			h := newHub(t, tt.opts)
			if s := h.Stats().Handoff; s != "off" {
				t.Fatalf("Handoff %q", s)
			}
			// gevent's behaviour: the hub stays held, so b cannot run
			// while a waits natively.
			var order []string
			err := run(t, h, func() error {
				a := h.Spawn(func() error {
					time.Sleep(5 * time.Millisecond)
					order = append(order, "a")
					return nil
				})
				b := h.Spawn(func() error { order = append(order, "b"); return nil })
				return errors.Join(a.Join(), b.Join())
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(order, ","); got != "a,b" || h.Stats().Detaches != 0 {
				t.Errorf("order %s, %d detaches", got, h.Stats().Detaches)
			}
		})
	}
}

func TestHandoff_VirtualClockIsMarkedNondeterministic(t *testing.T) {
	h, reports := handoffHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{})})
	ch := make(chan int)
	err := run(t, h, func() error {
		g := h.Spawn(func() error { <-ch; return nil })
		green.Yield() // g runs, and holds the hub until it is detached
		ch <- 1
		return g.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Stats().Nondeterministic {
		t.Error("Stats.Nondeterministic is false after a detach on a virtual clock")
	}
	if rs := reports(); len(rs) != 1 || !rs[0].Virtual || !strings.Contains(rs[0].String(), "no longer deterministic") {
		t.Errorf("reports %+v", rs)
	}
}

// Stats, Info and Dump answer from published state while a greenlet holds
// the hub (a computation: nothing to hand off).
func TestHub_IntrospectionWhileHeld(t *testing.T) {
	h := newHub(t, green.Options{MaxBlockingTime: 10 * time.Millisecond, OnBlocked: func(green.Blocked) {}})
	var release atomic.Bool
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- h.Run(func() error {
			h.Spawn(func() error { return nil }) // never runs while held
			close(started)
			for !release.Load() { // holds the hub
			}
			return nil
		})
	}()
	<-started
	var s green.Stats
	if err := within(t, "Stats", func() error { s = h.Stats(); return nil }); err != nil {
		t.Fatal(err)
	}
	if s.HeldBy != "main" || s.HeldFor < 5*time.Millisecond {
		t.Errorf("Stats while held: HeldBy %q, HeldFor %v", s.HeldBy, s.HeldFor)
	}
	var infos []green.GreenletInfo
	within(t, "Info", func() error { infos = h.Info(); return nil })
	if len(infos) != 1 || infos[0].Name != "main" || infos[0].State != "holding" || infos[0].Stack == "" {
		t.Errorf("Info while held: %+v", infos)
	}
	var b bytes.Buffer
	within(t, "Dump", func() error { return h.Dump(&b) })
	if !strings.Contains(b.String(), "held by main for") {
		t.Errorf("Dump while held:\n%s", b.String())
	}
	release.Store(true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := h.Stats(); s.HeldBy != "" {
		t.Errorf("HeldBy %q once the hub is free", s.HeldBy)
	}
}

func TestHub_WriteHeldProfile(t *testing.T) {
	h, _ := handoffHub(t, green.Options{})
	ch := make(chan int)
	err := run(t, h, func() error {
		g := h.Spawn(func() error { <-ch; return nil })
		green.Yield()
		ch <- 1
		return g.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := h.WriteHeldProfile(&b); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sample) != 1 || p.Sample[0].Value[0] != 1 || p.Sample[0].Value[2] <= 0 {
		t.Fatalf("samples %v", p.Sample)
	}
	var names []string
	for _, loc := range p.Sample[0].Location {
		names = append(names, loc.Line[0].Function.Name)
	}
	if !strings.Contains(strings.Join(names, " "), "TestHub_WriteHeldProfile") {
		t.Errorf("the sample's stack %v does not name the test", names)
	}
}
