package green_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// schedHub returns a virtual-clock hub under s, closed at the end of the test.
func schedHub(t testing.TB, s green.Schedule, tr *green.Trace) *green.Hub {
	return newHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{}), Schedule: s, Trace: tr})
}

// interleaving runs a small program of yields, sleeps, events and joins
// under s and returns the order in which its greenlets took their steps.
func interleaving(t *testing.T, s green.Schedule) string {
	t.Helper()
	h := schedHub(t, s, nil)
	var order []string
	step := func(name string, i int) { order = append(order, fmt.Sprintf("%s%d", name, i)) }
	err := run(t, h, func() error {
		ev := new(green.Event)
		var gs []*green.Greenlet
		for _, name := range []string{"a", "b", "c", "d"} {
			gs = append(gs, green.Spawn(func() error {
				for i := range 4 {
					step(name, i)
					switch i {
					case 1:
						green.Sleep(time.Millisecond)
					case 2:
						if name == "d" {
							ev.Set()
						} else if err := ev.Wait(); err != nil {
							return err
						}
					default:
						green.Yield()
					}
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
	return strings.Join(order, " ")
}

// The same seed gives the same schedule on a virtual clock, for every
// policy; Random and PCT give other schedules under other seeds.
func TestSchedule_SameSeedSameSchedule(t *testing.T) {
	for _, p := range []green.Policy{green.FIFO, green.Random, green.PCT} {
		t.Run(p.String(), func(t *testing.T) {
			seen := map[string]bool{}
			for seed := uint64(1); seed <= 20; seed++ {
				s := green.Schedule{Policy: p, Seed: seed}
				first := interleaving(t, s)
				if again := interleaving(t, s); again != first {
					t.Fatalf("%v: two runs differ:\n%s\n%s", s, first, again)
				}
				seen[first] = true
			}
			if p == green.FIFO && len(seen) != 1 {
				t.Errorf("FIFO ran %d different schedules under 20 seeds, want 1 (it ignores the seed)", len(seen))
			}
			if p != green.FIFO && len(seen) < 10 {
				t.Errorf("%v ran %d different schedules under 20 seeds, want most of them to differ", p, len(seen))
			}
		})
	}
}

// FIFO runs in rounds: a Yield lets every other runnable greenlet run once
// before the caller resumes; new greenlets start after the round, in spawn
// order. The exact order is the documented one.
func TestSchedule_FIFOOrder(t *testing.T) {
	got := interleaving(t, green.Schedule{})
	want := "a0 b0 c0 d0 a1 b1 c1 d1 a2 b2 c2 d2 d3 a3 b3 c3"
	if got != want {
		t.Errorf("FIFO order\n got %s\nwant %s", got, want)
	}
}

// Every order of three greenlets' first steps shows up under Random and
// PCT within a few dozen seeds; FIFO only ever shows spawn order.
func TestSchedule_ExploresEveryOrder(t *testing.T) {
	for _, c := range []struct {
		p    green.Policy
		want int
	}{{green.FIFO, 1}, {green.Random, 6}, {green.PCT, 6}} {
		t.Run(c.p.String(), func(t *testing.T) {
			orders := map[string]bool{}
			for seed := uint64(1); seed <= 60; seed++ {
				h := schedHub(t, green.Schedule{Policy: c.p, Seed: seed}, nil)
				var order []byte
				err := run(t, h, func() error {
					var gs []*green.Greenlet
					for _, name := range "abc" {
						gs = append(gs, green.Spawn(func() error { order = append(order, byte(name)); return nil }))
					}
					_, err := green.JoinAll(gs, green.JoinOptions{})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				orders[string(order)] = true
			}
			if len(orders) != c.want {
				t.Errorf("%v showed %d orders of three greenlets in 60 seeds (%v), want %d", c.p, len(orders), keys(orders), c.want)
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Under FIFO and PCT a Yield lets every other greenlet runnable at the
// time run before the caller resumes; under Random it is a choice like any
// other, and a loop of Yields waiting for another greenlet still ends.
func TestSchedule_YieldGuarantee(t *testing.T) {
	for _, c := range []struct {
		name string
		s    green.Schedule
		fair bool
	}{
		{"fifo", green.Schedule{}, true},
		{"pct", green.Schedule{Policy: green.PCT}, true},
		{"pct depth=1", green.Schedule{Policy: green.PCT, Depth: 1}, true},
		{"random", green.Schedule{Policy: green.Random}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			unfair := 0
			for seed := uint64(1); seed <= 30; seed++ {
				s := c.s
				if s.Policy != green.FIFO {
					s.Seed = seed
				}
				h := schedHub(t, s, nil)
				err := run(t, h, func() error {
					ran := make([]bool, 5)
					var gs []*green.Greenlet
					for i := range ran {
						gs = append(gs, green.Spawn(func() error {
							defer func() { ran[i] = true }()
							green.Sleep(time.Hour)
							return nil
						}))
					}
					green.Sleep(time.Second) // they all start and park
					setter := green.Spawn(func() error { return nil })
					for _, g := range gs {
						g.KillAsync() // wakes them: runnable now, with setter
					}
					green.Yield()
					if slices.Contains(ran, false) || !setter.Ready() {
						unfair++
					}
					for i := 0; slices.Contains(ran, false) || !setter.Ready(); i++ {
						if i == 1000 {
							return fmt.Errorf("1000 Yields did not let 6 runnable greenlets end")
						}
						green.Yield()
					}
					return nil
				})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
			}
			if c.fair && unfair > 0 {
				t.Errorf("in %d of 30 seeds a greenlet runnable at a Yield had not run when it returned", unfair)
			}
			if !c.fair && unfair == 0 {
				t.Errorf("Yield let every runnable greenlet run first in all 30 seeds; want some seeds to resume the caller first")
			}
		})
	}
}

// Stats reports the schedule, and under Random and PCT counts the steps
// that had a choice.
func TestSchedule_Stats(t *testing.T) {
	for _, c := range []struct {
		s     green.Schedule
		name  string
		steps bool
	}{
		{green.Schedule{}, "fifo", false},
		{green.Schedule{Policy: green.Random, Seed: 7}, "random seed=7", true},
		{green.Schedule{Policy: green.PCT, Seed: 7}, "pct seed=7 depth=3 steps=1000", true},
		{green.Schedule{Policy: green.PCT, Seed: 7, Depth: 1, Steps: 50}, "pct seed=7 depth=1 steps=50", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := schedHub(t, c.s, nil)
			err := run(t, h, func() error {
				a := green.Spawn(func() error { green.Yield(); green.Yield(); return nil })
				b := green.Spawn(func() error { green.Yield(); green.Yield(); return nil })
				_, err := green.JoinAll([]*green.Greenlet{a, b}, green.JoinOptions{})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			st := h.Stats()
			if st.Schedule != c.name {
				t.Errorf("Stats.Schedule = %q, want %q", st.Schedule, c.name)
			}
			if got := st.Steps > 0; got != c.steps {
				t.Errorf("Stats.Steps = %d; want it counted: %v", st.Steps, c.steps)
			}
		})
	}
}

// PCT's change points change the schedule: with Depth above 1 some seeds
// run differently from Depth 1 with the same seed (the same initial
// priorities), and Steps bounds where the change points fall.
func TestSchedule_PCTChangePoints(t *testing.T) {
	differs := 0
	for seed := uint64(1); seed <= 20; seed++ {
		d1 := interleaving(t, green.Schedule{Policy: green.PCT, Seed: seed, Depth: 1, Steps: 30})
		d3 := interleaving(t, green.Schedule{Policy: green.PCT, Seed: seed, Depth: 3, Steps: 30})
		if d1 != d3 {
			differs++
		}
	}
	if differs == 0 {
		t.Error("PCT with Depth 3 ran every seed as Depth 1 did: the change points changed nothing")
	}
}

// Invalid schedules panic in New, naming the field.
func TestSchedule_InvalidPanics(t *testing.T) {
	cases := []struct {
		name string
		s    green.Schedule
		want string
	}{
		{"policy", green.Schedule{Policy: 9}, "Options.Schedule.Policy"},
		{"depth", green.Schedule{Policy: green.PCT, Depth: -1}, "Options.Schedule.Depth"},
		{"steps", green.Schedule{Policy: green.PCT, Steps: -1}, "Options.Schedule.Steps"},
		{"depth without pct", green.Schedule{Policy: green.Random, Depth: 2}, "only PCT"},
		{"steps without pct", green.Schedule{Steps: 10}, "only PCT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := sqPanicMessage(func() { green.New(green.Options{Schedule: c.s, MaxBlockingTime: -1}).Close() })
			if !strings.HasPrefix(msg, "green: ") || !strings.Contains(msg, c.want) {
				t.Errorf("New with %+v panicked with %q, want a green: panic naming %s", c.s, msg, c.want)
			}
		})
	}
}

// A hub under Random or PCT runs the rest of green's behaviour as FIFO
// does: outside calls, timeouts, kills before start, Close with greenlets
// not yet started.
func TestSchedule_ExplorersKeepSemantics(t *testing.T) {
	for _, p := range []green.Policy{green.Random, green.PCT} {
		t.Run(p.String(), func(t *testing.T) {
			for seed := uint64(1); seed <= 10; seed++ {
				h := schedHub(t, green.Schedule{Policy: p, Seed: seed}, nil)
				q := green.NewQueue[int](0)
				err := run(t, h, func() error {
					never := green.Spawn(func() error { return fmt.Errorf("killed before its start, it must not run") })
					never.Kill()
					if !never.Killed() || never.Err() != nil {
						return fmt.Errorf("a greenlet killed before its start: Killed %v, Err %v", never.Killed(), never.Err())
					}
					err := green.WithTimeout(time.Second, func() error {
						_, err := q.Get()
						return err
					})
					if !errors.Is(err, green.ErrTimeout) {
						return fmt.Errorf("Get under a 1s timeout on an empty queue returned %v", err)
					}
					return nil
				})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				// An outside goroutine's call, and greenlets left unstarted at Close.
				if err := q.Put(1); err != nil {
					t.Fatal(err)
				}
				for range 3 {
					h.Spawn(func() error { return nil })
				}
				closeHub(t, h)
			}
		})
	}
}
