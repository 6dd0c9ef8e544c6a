package green_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestGreenlet_ValueAndErr(t *testing.T) {
	h := virtualHub(t)
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func() (any, error)
		value   any
		err     error
		success bool
	}{
		{"value", func() (any, error) { return 42, nil }, 42, nil, true},
		{"error", func() (any, error) { return nil, boom }, nil, boom, false},
		{"after a sleep", func() (any, error) { green.Sleep(time.Second); return "late", nil }, "late", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t, h, func() error {
				g := h.SpawnValue(tt.fn)
				if g.Ready() {
					t.Error("Ready before the greenlet ran")
				}
				if err := g.Join(); err != tt.err {
					t.Errorf("Join = %v, want %v", err, tt.err)
				}
				if !g.Ready() || g.Value() != tt.value || g.Err() != tt.err || g.Successful() != tt.success {
					t.Errorf("after Join: Ready %v Value %v Err %v Successful %v", g.Ready(), g.Value(), g.Err(), g.Successful())
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestGreenlet_JoinFromOutside(t *testing.T) {
	h := newHub(t, green.Options{})
	g := h.SpawnValue(func() (any, error) { green.Sleep(time.Millisecond); return 7, nil })
	if err := g.Join(); err != nil || g.Value() != 7 {
		t.Fatalf("Join = %v, Value = %v", err, g.Value())
	}
	if s := h.Stats(); s.OutsideCalls == 0 {
		t.Errorf("Stats.OutsideCalls = 0 after outside calls")
	}
}

func TestGreenlet_JoinTimeout(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		g := h.Spawn(func() error { green.Sleep(time.Hour); return nil })
		start := h.Now()
		err := g.JoinTimeout(time.Second)
		if !errors.Is(err, green.ErrTimeout) {
			t.Errorf("JoinTimeout = %v, want ErrTimeout", err)
		}
		if d := h.Now().Sub(start); d != time.Second {
			t.Errorf("JoinTimeout took %v of hub time, want 1s", d)
		}
		if g.Ready() {
			t.Error("greenlet ended early")
		}
		g.Kill()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGreenlet_Kill(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var log []string
		g := h.Spawn(func() error {
			defer func() { log = append(log, "deferred") }()
			log = append(log, "started")
			green.Sleep(time.Hour)
			log = append(log, "woke")
			return nil
		})
		green.Yield() // let it start and park
		g.Kill()
		if got := strings.Join(log, ","); got != "started,deferred" {
			t.Errorf("log = %q", got)
		}
		if !g.Ready() || !g.Killed() || g.Err() != nil || !g.Successful() {
			t.Errorf("after Kill: Ready %v Killed %v Err %v", g.Ready(), g.Killed(), g.Err())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGreenlet_KillUnstartedNeverRuns(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		ran := false
		g := h.Spawn(func() error { ran = true; return nil })
		later := h.SpawnLater(time.Second, func() error { ran = true; return nil })
		g.Kill()
		later.Kill()
		if n := h.Stats().Timers; n != 0 {
			t.Errorf("%d timers left after killing a SpawnLater greenlet", n)
		}
		green.Sleep(2 * time.Second)
		if ran || !g.Killed() || !later.Killed() {
			t.Errorf("ran %v, killed %v %v", ran, g.Killed(), later.Killed())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGreenlet_KillSelf(t *testing.T) {
	h := virtualHub(t)
	after := false
	g := h.Spawn(func() error {
		green.Current().Kill()
		after = true
		return nil
	})
	if err := g.Join(); err != nil || !g.Killed() {
		t.Fatalf("Join = %v, Killed = %v", err, g.Killed())
	}
	if after {
		t.Error("code after a self-kill ran")
	}
}

func TestGreenlet_KillTimeout(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		g := h.Spawn(func() error {
			defer green.Sleep(5 * time.Second) // a slow cleanup, bounded by nothing
			green.Sleep(time.Hour)
			return nil
		})
		green.Yield()
		// The kill unwinds the first Sleep; the deferred one is a new
		// wait and runs in full, as a finally block in gevent does.
		start := h.Now()
		if err := g.KillTimeout(time.Second); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("KillTimeout = %v, want ErrTimeout", err)
		}
		if err := g.Join(); err != nil || !g.Killed() {
			t.Errorf("Join = %v, Killed %v", err, g.Killed())
		}
		if d := h.Now().Sub(start); d != 5*time.Second {
			t.Errorf("cleanup took %v, want 5s", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestKillAll(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var gs []*green.Greenlet
		for i := 0; i < 5; i++ {
			gs = append(gs, h.Spawn(func() error { green.Sleep(time.Hour); return nil }))
		}
		green.Yield()
		green.KillAll(gs...)
		for i, g := range gs {
			if !g.Killed() {
				t.Errorf("greenlet %d not killed", i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGreenlet_PanicBecomesErr(t *testing.T) {
	var mu sync.Mutex
	var reported []*green.Greenlet
	h := newHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{}), OnPanic: func(g *green.Greenlet) {
		mu.Lock()
		reported = append(reported, g)
		mu.Unlock()
	}})
	err := run(t, h, func() error {
		g := h.Spawn(func() error { panic("oops") }).SetName("bad")
		err := g.Join()
		var pe *green.PanicError
		if !errors.As(err, &pe) || pe.Value != "oops" || !strings.Contains(string(pe.Stack), "greenlet_test.go") {
			t.Errorf("Join = %v, want a *PanicError with the stack", err)
		}
		// The hub keeps running.
		g2 := h.SpawnValue(func() (any, error) { return 1, nil })
		if g2.Join() != nil || g2.Value() != 1 {
			t.Error("hub did not keep running after a panic")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || reported[0].Name() != "bad" {
		t.Errorf("OnPanic got %v", reported)
	}
}

func TestGreenlet_Goexit(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		deferred := false
		g := h.Spawn(func() error {
			defer func() { deferred = true }()
			runtime.Goexit()
			return nil
		})
		err := g.Join()
		if err == nil || !strings.Contains(err.Error(), "Goexit") || !deferred {
			t.Errorf("Join = %v, deferred %v", err, deferred)
		}
		// The hub still works and reuses no broken worker.
		for i := 0; i < 3; i++ {
			if err := h.Spawn(func() error { green.Yield(); return nil }).Join(); err != nil {
				t.Error(err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGreenlet_Link(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		var ev green.Event
		var got []string
		g := h.Spawn(func() error { green.Sleep(time.Second); return nil }).SetName("worker")
		g.Link(func(g *green.Greenlet) { got = append(got, "linked "+g.Name()); ev.Set() })
		if err := ev.WaitTimeout(time.Minute); err != nil {
			return err
		}
		g.Link(func(g *green.Greenlet) { got = append(got, "late "+g.Name()) }) // already dead: runs soon
		green.Yield()
		if s := strings.Join(got, ","); s != "linked worker,late worker" {
			t.Errorf("links ran: %q", s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGreenlet_Name(t *testing.T) {
	h := virtualHub(t)
	g := h.Spawn(func() error { return nil })
	if want := "green_test.TestGreenlet_Name.func1 (greenlet_test.go:"; !strings.Contains(g.Name(), want) {
		t.Errorf("default name %q", g.Name())
	}
	g.SetName("x")
	if g.Name() != "x" || fmt.Sprint(g) != "x" {
		t.Errorf("name %q", g.Name())
	}
	g.Join()
}

// The greenlet the hub's goroutine resumed runs the scheduler for the others
// while it waits; a Goexit there must not take the scheduler down with it.
func TestGreenlet_GoexitInSchedulingGreenlet(t *testing.T) {
	h := virtualHub(t)
	var ev green.Event
	other := h.Spawn(func() error { return ev.Wait() })
	err := run(t, h, func() error {
		h.Spawn(func() error { green.Sleep(time.Second); ev.Set(); return nil })
		green.Sleep(2 * time.Second) // schedules the others meanwhile
		runtime.Goexit()
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "Goexit") {
		t.Fatalf("Run = %v, want the Goexit error", err)
	}
	if err := other.Join(); err != nil {
		t.Fatalf("other greenlet: %v", err)
	}
}
