package green_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// Stats.OutsideCalls counts every green operation a plain goroutine makes,
// green.Time.Sleep included on either clock, and none of the calls that only
// look at the hub (Stats, Info, Dump): reading the counter does not move it.
func TestStats_OutsideCallsCountsOperationsNotLooks(t *testing.T) {
	for _, clock := range []string{"real", "virtual"} {
		t.Run(clock, func(t *testing.T) {
			opts := green.Options{}
			if clock == "virtual" {
				opts.Clock = green.NewVirtualClock(time.Time{})
			}
			h := newHub(t, opts)
			ev := new(green.Event).Bind(h)
			tm := green.Time{Hub: h}
			cases := []struct {
				name string
				op   func()
				want uint64
			}{
				{"Stats", func() { h.Stats() }, 0},
				{"Info", func() { h.Info() }, 0},
				{"Dump", func() { h.Dump(io.Discard) }, 0},
				{"Time.Sleep", func() { tm.Sleep(time.Millisecond) }, 1},
				{"Time.Sleep(0)", func() { tm.Sleep(0) }, 1},
				{"Event.Set", ev.Set, 1},
				{"Event.IsSet", func() { ev.IsSet() }, 1},
				{"Hub.Sleep", func() { h.Sleep(time.Millisecond) }, 1},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					var before, after uint64
					within(t, c.name, func() error {
						before = h.Stats().OutsideCalls
						c.op()
						after = h.Stats().OutsideCalls
						return nil
					})
					if got := after - before; got != c.want {
						t.Errorf("%s from a plain goroutine moved OutsideCalls by %d, want %d", c.name, got, c.want)
					}
				})
			}
		})
	}
}

// Dump's figures do not count the Dump.
func TestHub_DumpDoesNotCountItself(t *testing.T) {
	h := newHub(t, green.Options{})
	var b bytes.Buffer
	if err := h.Dump(&b); err != nil {
		t.Fatal(err)
	}
	if s := h.Stats(); s.OutsideCalls != 0 || s.OutsideWaiting != 0 {
		t.Errorf("after a Dump and a Stats from outside: OutsideCalls %d, OutsideWaiting %d; want 0, 0", s.OutsideCalls, s.OutsideWaiting)
	}
}
