package green_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestPool_SpawnWaitsWhileFull(t *testing.T) {
	tests := []struct {
		name     string
		pool     *green.Pool
		tasks    int
		wantMost int
		wantEnd  time.Duration // virtual time when all are done (each sleeps 1s)
	}{
		{"size 1", green.NewPool(1), 4, 1, 4 * time.Second},
		{"size 3", green.NewPool(3), 7, 3, 3 * time.Second},
		{"zero Pool is unbounded", new(green.Pool), 5, 5, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			running, most := 0, 0
			sqRun(t, h, func() error {
				start := h.Now()
				for i := 0; i < tt.tasks; i++ {
					tt.pool.Spawn(func() error {
						running++
						most = max(most, running)
						green.Sleep(time.Second)
						running--
						return nil
					})
				}
				if err := tt.pool.Join(); err != nil {
					return err
				}
				if took := h.Now().Sub(start); took != tt.wantEnd {
					t.Errorf("all done after %v, want %v", took, tt.wantEnd)
				}
				if tt.pool.Len() != 0 {
					t.Errorf("Len() = %d after Join, want 0", tt.pool.Len())
				}
				return nil
			})
			if most != tt.wantMost {
				t.Errorf("%d ran at once, want %d", most, tt.wantMost)
			}
		})
	}
}

func TestPool_FreeCountAndWaitAvailable(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		p := green.NewPool(2)
		if p.FreeCount() != 2 || p.Size() != 2 {
			t.Errorf("FreeCount() = %d, Size() = %d; want 2, 2", p.FreeCount(), p.Size())
		}
		p.Spawn(func() error { green.Sleep(time.Second); return nil })
		p.Spawn(func() error { green.Sleep(2 * time.Second); return nil })
		if p.FreeCount() != 0 {
			t.Errorf("FreeCount() = %d with two running, want 0", p.FreeCount())
		}
		if err := p.WaitAvailableTimeout(time.Second / 2); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("WaitAvailableTimeout = %v, want ErrTimeout", err)
		}
		start := h.Now()
		if err := p.WaitAvailable(); err != nil {
			return err
		}
		if took := h.Now().Sub(start); took != time.Second/2 {
			t.Errorf("WaitAvailable returned after %v, want 0.5s", took)
		}
		if p.FreeCount() != 1 {
			t.Errorf("FreeCount() = %d after WaitAvailable, want 1 (it takes no slot)", p.FreeCount())
		}
		if n := new(green.Pool).FreeCount(); n != math.MaxInt {
			t.Errorf("zero Pool FreeCount() = %d, want MaxInt", n)
		}
		return p.Join()
	})
}

func TestPool_SpawnersServedFIFO(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		p := green.NewPool(1)
		p.Spawn(func() error { green.Sleep(time.Second); return nil })
		var gs []*green.Greenlet
		for i := 0; i < 3; i++ {
			gs = append(gs, h.Spawn(func() error {
				p.Spawn(func() error { log.add("task%d", i); return nil })
				return nil
			}))
			green.Yield() // spawner i waits before spawner i+1
		}
		for _, g := range gs {
			if err := g.Join(); err != nil {
				return err
			}
		}
		return p.Join()
	})
	if want := "task0 task1 task2"; log.String() != want {
		t.Errorf("log = %q, want %q", log, want)
	}
}

func TestGroup_JoinReturnsFirstError(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var g green.Group
		errA, errB := errors.New("a"), errors.New("b")
		g.Spawn(func() error { green.Sleep(2 * time.Second); return errB })
		g.Spawn(func() error { green.Sleep(time.Second); return errA })
		g.Spawn(func() error { return nil })
		if err := g.JoinTimeout(time.Second / 2); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("JoinTimeout = %v, want ErrTimeout", err)
		}
		if err := g.Join(); err != errA {
			t.Errorf("Join = %v, want the first error to happen, %v", err, errA)
		}
		return nil
	})
}

// A discarded greenlet's end is no longer the group's: its error is not
// Join's, however often it was added and discarded; added again, it is.
func TestGroup_DiscardForgetsMember(t *testing.T) {
	tests := []struct {
		name string
		ops  string // a: Add, d: Discard
		want bool   // the member's error is Join's
	}{
		{"add", "a", true},
		{"add discard", "ad", false},
		{"add discard add", "ada", true},
		{"add discard add discard", "adad", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				var g green.Group
				boom := errors.New("boom")
				m := h.Spawn(func() error { green.Sleep(time.Second); return boom })
				g.Spawn(func() error { green.Sleep(2 * time.Second); return nil })
				for _, op := range tt.ops {
					if op == 'a' {
						g.Add(m)
					} else {
						g.Discard(m)
					}
				}
				var want error
				if tt.want {
					want = boom
				}
				if err := g.Join(); err != want {
					t.Errorf("Join = %v, want %v", err, want)
				}
				return nil
			})
		})
	}
}

func TestGroup_AddDiscardKill(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var g green.Group
		a := h.Spawn(func() error { green.Sleep(time.Hour); return nil })
		b := h.Spawn(func() error { green.Sleep(time.Hour); return nil })
		c := h.Spawn(func() error { green.Sleep(time.Hour); return nil })
		g.Add(a)
		g.Add(b)
		g.Add(c)
		g.Discard(b)
		if got := g.Greenlets(); !slices.Equal(got, []*green.Greenlet{a, c}) {
			t.Errorf("Greenlets() = %v, want [a c]", got)
		}
		start := h.Now()
		g.Kill()
		if h.Now() != start || !a.Killed() || !c.Killed() || b.Ready() {
			t.Errorf("Kill: a killed %v, c killed %v, b ready %v; want true, true, false", a.Killed(), c.Killed(), b.Ready())
		}
		if g.Len() != 0 {
			t.Errorf("Len() = %d after Kill, want 0", g.Len())
		}
		b.Kill()
		return nil
	})
}

func TestMap_ResultsInOrder(t *testing.T) {
	tests := []struct {
		name    string
		p       green.Spawner
		items   []int
		want    []string
		wantErr string
	}{
		{"pool of 2", green.NewPool(2), []int{3, 1, 2}, []string{"3", "1", "2"}, ""},
		{"group", new(green.Group), []int{1, 2, 3, 4}, []string{"1", "2", "3", "4"}, ""},
		{"first error in item order", green.NewPool(3), []int{3, -1, -2}, []string{"3", "", ""}, "bad -1"},
		{"no items", green.NewPool(1), nil, []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				out, err := green.Map(tt.p, tt.items, func(i int) (string, error) {
					if i < 0 {
						green.Sleep(time.Duration(10+i) * time.Second) // -2 fails first
						return "", fmt.Errorf("bad %d", i)
					}
					green.Sleep(time.Duration(i) * time.Second) // finish out of order
					return fmt.Sprint(i), nil
				})
				if (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				if !slices.Equal(out, tt.want) {
					t.Errorf("out = %q, want %q", out, tt.want)
				}
				return nil
			})
		})
	}
}

func TestImap_OrderedAndUnordered(t *testing.T) {
	durations := []int{3, 1, 2} // seconds each call sleeps
	tests := []struct {
		name string
		imap func(p green.Spawner) func(func(int, error) bool)
		want []int
	}{
		{"Imap", func(p green.Spawner) func(func(int, error) bool) {
			return green.Imap(p, slices.Values(durations), sleepFor)
		}, []int{3, 1, 2}},
		{"ImapUnordered", func(p green.Spawner) func(func(int, error) bool) {
			return green.ImapUnordered(p, slices.Values(durations), sleepFor)
		}, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			var got []int
			sqRun(t, h, func() error {
				for v, err := range tt.imap(green.NewPool(3)) {
					if err != nil {
						return err
					}
					got = append(got, v)
				}
				return nil
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func sleepFor(s int) (int, error) {
	green.Sleep(time.Duration(s) * time.Second)
	return s, nil
}

func TestImap_EarlyBreakKillsCalls(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		p := green.NewPool(2)
		fed := 0
		items := func(yield func(int) bool) {
			for i := 1; i <= 100; i++ {
				fed++
				if !yield(i) {
					return
				}
			}
		}
		for v, err := range green.Imap(p, items, sleepFor) {
			if err != nil || v != 1 {
				t.Errorf("first result = %d, %v; want 1", v, err)
			}
			break
		}
		if p.Len() != 0 {
			t.Errorf("Len() = %d after the caller stopped, want 0: calls still running", p.Len())
		}
		if fed > 4 {
			t.Errorf("fed %d items to a pool of 2 before the first result, want a few", fed)
		}
		return nil
	})
}

func TestMap_PanickingCallFails(t *testing.T) {
	h := sqQuietHub(t)
	sqRun(t, h, func() error {
		out, err := green.Map(green.NewPool(2), []int{1, 2}, func(i int) (int, error) {
			if i == 2 {
				panic("boom")
			}
			return i * 10, nil
		})
		var pe *green.PanicError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "boom") {
			t.Errorf("err = %v, want a *PanicError with boom", err)
		}
		if out[0] != 10 {
			t.Errorf("out = %v, want [10 0]", out)
		}
		return nil
	})
}

func TestPool_OutsideGoroutineSpawnsAndMaps(t *testing.T) {
	h := sqHub(t)
	p := green.NewPool(2).Bind(h)
	out, err := green.Map(p, []int{1, 2, 3}, func(i int) (int, error) {
		green.Sleep(time.Second)
		return i * i, nil
	})
	if err != nil || !slices.Equal(out, []int{1, 4, 9}) {
		t.Errorf("Map from outside = %v, %v; want [1 4 9]", out, err)
	}
	g := p.Spawn(func() error { return errors.New("x") })
	if err := g.Join(); err == nil || err.Error() != "x" {
		t.Errorf("Join = %v, want x", err)
	}
	if err := p.Join(); err == nil {
		t.Errorf("pool Join = nil, want the member's error")
	}
}

func TestImap_CallerUnwindingKillsCalls(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		p := green.NewPool(2)
		err := green.WithTimeout(1500*time.Millisecond, func() error {
			for _, err := range green.Imap(p, slices.Values([]int{1, 5, 5, 5}), sleepFor) {
				if err != nil {
					return err
				}
				green.Sleep(time.Hour) // the timeout unwinds the loop body here
			}
			return nil
		})
		if !errors.Is(err, green.ErrTimeout) {
			t.Errorf("err = %v, want ErrTimeout", err)
		}
		green.Yield() // the killed calls unwind
		if p.Len() != 0 {
			t.Errorf("Len() = %d after the caller unwound, want 0", p.Len())
		}
		return nil
	})
}
