package green_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// traceRun runs main on a fresh virtual-clock hub under s with a Trace, and
// returns the trace once the hub has closed.
func traceRun(t *testing.T, s green.Schedule, tr *green.Trace, main func(h *green.Hub) error) *green.Trace {
	t.Helper()
	if tr == nil {
		tr = new(green.Trace)
	}
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Schedule: s, Trace: tr,
		MaxBlockingTime: -1, OnPanic: func(*green.Greenlet) {}})
	defer closeHub(t, h)
	if err := run(t, h, func() error { return main(h) }); err != nil {
		t.Logf("main returned %v", err)
	}
	return tr
}

// brief formats the compared fields of events but time, one a string.
func brief(es []green.TraceEvent) []string {
	var s []string
	for _, e := range es {
		line := fmt.Sprintf("%s g%d", e.Kind, e.G)
		if e.By != 0 {
			line += fmt.Sprintf(" by g%d", e.By)
		}
		if e.What != "" {
			line += " " + e.What
		}
		s = append(s, line)
	}
	return s
}

// The hub records what each greenlet does, who made it happen and why.
func TestTrace_Events(t *testing.T) {
	cases := []struct {
		name string
		main func(h *green.Hub) error
		want []string
	}{
		{"spawn yield join end", func(h *green.Hub) error {
			a := green.Spawn(func() error { green.Yield(); return nil })
			b := green.Spawn(func() error { return errors.New("b failed") })
			a.Join()
			b.Join()
			return nil
		}, []string{
			"spawn g1 outside", "start g1", "spawn g2 by g1", "spawn g3 by g1", "park g1 by g2 join",
			"start g2", "yield g2", "start g3", "end g3 error", "end g2 ok", "wake g1 by g2", "end g1 ok", "close g0",
		}},
		{"sleep and SpawnLater", func(h *green.Hub) error {
			g := green.SpawnLater(2*time.Second, func() error { return nil })
			green.Sleep(time.Second)
			return g.Join()
		}, []string{
			"spawn g1 outside", "start g1", "spawn g2 by g1 later", "park g1 sleep", "wake g1 timer",
			"park g1 by g2 join", "timer g0 #1", "start g2", "end g2 ok", "wake g1 by g2", "end g1 ok", "close g0",
		}},
		{"kill", func(h *green.Hub) error {
			a := green.Spawn(func() error { green.Sleep(time.Hour); return nil })
			green.Yield()
			a.Kill()
			return nil
		}, []string{
			"spawn g1 outside", "start g1", "spawn g2 by g1", "yield g1", "start g2", "park g2 sleep",
			"kill g2 by g1 waiting", "wake g2 by g1 kill", "park g1 by g2 kill", "end g2 killed", "wake g1 by g2", "end g1 ok", "close g0",
		}},
		{"panic", func(h *green.Hub) error {
			return green.Spawn(func() error { panic("boom") }).Join()
		}, []string{
			"spawn g1 outside", "start g1", "spawn g2 by g1", "park g1 by g2 join", "start g2", "end g2 panic",
			"wake g1 by g2", "end g1 error", "close g0",
		}},
		{"timeout", func(h *green.Hub) error {
			var ev green.Event
			return green.WithTimeout(time.Second, ev.Wait)
		}, []string{
			"spawn g1 outside", "start g1", "park g1 event", "timer g0 #1", "wake g1 timeout", "end g1 error", "close g0",
		}},
		{"deadlock", func(h *green.Hub) error {
			var ev green.Event
			return ev.Wait()
		}, []string{
			"spawn g1 outside", "start g1", "park g1 event", "wake g1 deadlock", "end g1 error", "close g0",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := brief(traceRun(t, green.Schedule{}, nil, c.main).Events())
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("events\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// Events carry hub time, sequence numbers, names and, from Trace.Host, a
// host; a world's own events land in the same sequence.
func TestTrace_FieldsAndWorldEvents(t *testing.T) {
	tr := &green.Trace{Host: func(g *green.Greenlet) string { return "host-" + g.Name() }}
	traceRun(t, green.Schedule{}, tr, func(h *green.Hub) error {
		green.Sleep(1500 * time.Millisecond)
		e := tr.Add(green.TraceEvent{At: tr.Now(), Kind: "net.send", Host: "a", Flow: 7, What: "a:1->b:2 10B"})
		if e.Seq != 5 {
			return fmt.Errorf("Add returned Seq %d, want 5 (after spawn, start, park, wake)", e.Seq)
		}
		return nil
	})
	es := tr.Events()
	for i, e := range es {
		if e.Seq != uint64(i+1) {
			t.Errorf("event %d has Seq %d", i, e.Seq)
		}
	}
	wake, send, end := es[3], es[4], es[5]
	if wake.Kind != green.TraceWake || wake.At != 1500*time.Millisecond || wake.Name != "main" || wake.Host != "host-main" {
		t.Errorf("the wake is %+v, want a wake of main at 1.5s on host-main", wake)
	}
	if send.Kind != "net.send" || send.At != 1500*time.Millisecond || send.Flow != 7 || send.Host != "a" {
		t.Errorf("the world's event is %+v", send)
	}
	if end.Kind != green.TraceEnd || end.G != 1 {
		t.Errorf("after the world's event came %v, want main's end", end)
	}
	if got := send.String(); got != `5 1.5s net.send a:1->b:2 10B host=a flow=7` {
		t.Errorf("String() = %q", got)
	}
}

// The same program and seed on a virtual clock give the same trace: equal
// hashes, no divergence.
func TestTrace_SameRunSameHash(t *testing.T) {
	for _, s := range []green.Schedule{{}, {Policy: green.Random, Seed: 3}, {Policy: green.PCT, Seed: 3}} {
		t.Run(s.String(), func(t *testing.T) {
			prog := func(h *green.Hub) error {
				q := green.NewQueue[int](1)
				var gs []*green.Greenlet
				for i := range 4 {
					gs = append(gs, green.Spawn(func() error {
						green.Sleep(time.Duration(i) * time.Millisecond)
						if err := q.Put(i); err != nil {
							return err
						}
						green.Yield()
						_, err := q.Get()
						return err
					}))
				}
				_, err := green.JoinAll(gs, green.JoinOptions{})
				return err
			}
			a := traceRun(t, s, nil, prog)
			b := traceRun(t, s, nil, prog)
			if a.Len() < 20 {
				t.Fatalf("only %d events", a.Len())
			}
			if a.Hash() != b.Hash() {
				t.Errorf("hashes differ: %x %x", a.Hash(), b.Hash())
			}
			if d := a.Diff(b); d != nil {
				t.Errorf("the runs differ: %v", d)
			}
		})
	}
}

// Diff finds the first event that differs, shows the events before it and,
// with Trace.Stacks, the stacks that produced each side.
func TestTrace_DiffReportsFirstDifference(t *testing.T) {
	prog := func(yield bool) func(h *green.Hub) error {
		return func(h *green.Hub) error {
			return green.Spawn(func() error {
				if yield {
					green.Yield() // the difference
				}
				return nil
			}).Join()
		}
	}
	a := traceRun(t, green.Schedule{}, &green.Trace{Stacks: true}, prog(true))
	b := traceRun(t, green.Schedule{}, &green.Trace{Stacks: true}, prog(false))
	d := a.Diff(b)
	if d == nil {
		t.Fatal("Diff found no difference")
	}
	if d.Index != 5 || d.A.Kind != green.TraceYield || d.B.Kind != green.TraceEnd || d.A.G != 2 {
		t.Fatalf("the first difference is at %d: %v / %v; want event 6, g2's yield against its end", d.Index, d.A, d.B)
	}
	if d.HashA == d.HashB || d.LenA != d.LenB+1 || len(d.Before) != 3 {
		t.Errorf("divergence %+v", d)
	}
	msg := d.Error()
	for _, want := range []string{"runs differ at event 6", "run 1: 6 0s yield g2", "run 2: 6 0s end g2", "run 1's stack:", "trace_test.go",
		"the hubs saw nothing that breaks determinism"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the report lacks %q:\n%s", want, msg)
		}
	}
	if same := a.Diff(a); same != nil {
		t.Errorf("a trace differs from itself: %v", same)
	}
}

// Replays passes a deterministic run, and reports one that depends on
// state the hub cannot see, with stacks from a second pair of runs.
func TestReplays(t *testing.T) {
	det := func(tr *green.Trace) {
		traceRun(t, green.Schedule{Policy: green.PCT, Seed: 9}, tr, func(h *green.Hub) error {
			a := green.Spawn(func() error { green.Sleep(time.Second); return nil })
			green.Yield()
			return a.Join()
		})
	}
	if err := green.Replays(det); err != nil {
		t.Errorf("a deterministic run does not replay: %v", err)
	}
	calls := 0
	nondet := func(tr *green.Trace) {
		calls++
		odd := calls%2 == 1 // state outside the hub, as a map's order or math/rand would be
		traceRun(t, green.Schedule{}, tr, func(h *green.Hub) error {
			if odd {
				green.Yield()
			}
			return nil
		})
	}
	err := green.Replays(nondet)
	var d *green.Divergence
	if !errors.As(err, &d) {
		t.Fatalf("Replays of a run that differs every other time returned %v", err)
	}
	if calls != 4 || d.A == nil || len(d.A.Stack) == 0 {
		t.Errorf("Replays ran %d times and reported %v; want 4 runs and the stacks of the second pair", calls, d)
	}
}

// What the hub sees break determinism is recorded when it happens: the
// real clock, outside goroutines calling in mid-run, a detach.
func TestTrace_Breakers(t *testing.T) {
	t.Run("real clock", func(t *testing.T) {
		tr := new(green.Trace)
		h := newHub(t, green.Options{Trace: tr})
		if err := run(t, h, func() error { green.Yield(); return nil }); err != nil {
			t.Fatal(err)
		}
		closeHub(t, h)
		if bs := tr.Breakers(); len(bs) != 1 || !strings.Contains(bs[0].What, "real clock") {
			t.Errorf("Breakers = %v, want the real clock", bs)
		}
	})
	t.Run("outside spawn", func(t *testing.T) {
		tr := new(green.Trace)
		h := newHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{}), Trace: tr})
		var ev green.Event
		ev.Bind(h)
		done := make(chan error, 1)
		go func() { done <- h.Run(ev.Wait) }()
		waitUntil(t, "main parks", func() bool { return h.Stats().Parked == 1 })
		h.Spawn(func() error { ev.Set(); return nil }) // from this goroutine, while main is live
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		closeHub(t, h)
		bs := tr.Breakers()
		if len(bs) == 0 || !strings.Contains(bs[0].What, "spawned from outside") {
			t.Errorf("Breakers = %v, want a spawn from outside", bs)
		}
	})
	t.Run("no breaker", func(t *testing.T) {
		tr := traceRun(t, green.Schedule{}, nil, func(h *green.Hub) error {
			return green.Spawn(func() error { green.Sleep(time.Second); return nil }).Join()
		})
		if bs := tr.Breakers(); len(bs) != 0 {
			t.Errorf("Breakers = %v, want none for a run inside the hub", bs)
		}
	})
	t.Run("detach", func(t *testing.T) {
		tr := new(green.Trace)
		h, _ := handoffHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{}), Trace: tr})
		ch := make(chan int)
		go func() {
			waitUntil(t, "the receiver is detached", func() bool { return h.Stats().Detached == 1 })
			ch <- 1
		}()
		if err := run(t, h, func() error { <-ch; return nil }); err != nil {
			t.Fatal(err)
		}
		closeHub(t, h)
		var kinds []green.TraceKind
		for _, e := range tr.Events() {
			kinds = append(kinds, e.Kind)
		}
		bs := tr.Breakers()
		if len(bs) == 0 || !strings.Contains(bs[0].What, "detached") || !strings.Contains(fmt.Sprint(kinds), "detach rejoin") {
			t.Errorf("Breakers = %v, events %v; want a detach and a rejoin", bs, kinds)
		}
		if !h.Stats().Nondeterministic {
			t.Error("Stats.Nondeterministic is not set")
		}
	})
}

// A Trace serves one hub: giving it to a second panics in New.
func TestTrace_OneHub(t *testing.T) {
	tr := new(green.Trace)
	newHub(t, green.Options{Trace: tr})
	msg := sqPanicMessage(func() { green.New(green.Options{Trace: tr, MaxBlockingTime: -1}).Close() })
	if !strings.HasPrefix(msg, "green: ") || !strings.Contains(msg, "Options.Trace") {
		t.Errorf("a second hub with the same Trace panicked with %q", msg)
	}
}
