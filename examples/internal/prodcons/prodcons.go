// Package prodcons is the body of the example command prodcons (examples/prodcons),
// kept importable so that the tour can run it too. See that command.
package prodcons

import (
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/greenshim/greenshim/green"
)

const (
	items     = 10
	consumers = 5
	produceT  = 100 * time.Millisecond
	consumeT  = 500 * time.Millisecond
)

func Run(w io.Writer, clk string) error {
	for _, v := range []struct {
		name string
		f    func(io.Writer, *green.Hub) error
	}{{"generator", generator}, {"greenlets", greenlets}} {
		var opts green.Options
		switch clk {
		case "virtual":
			opts.Clock = green.NewVirtualClock(time.Time{})
		case "real":
		default:
			return fmt.Errorf("-clock %q: want virtual or real", clk)
		}
		h := green.New(opts)
		start := h.Now()
		fmt.Fprintf(w, "== %s\n", v.name)
		err := h.Run(func() error { return v.f(w, h) })
		fmt.Fprintf(w, "%s: %d items in %.1fs\n", v.name, items, h.Now().Sub(start).Seconds())
		h.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// stamp prints a line with the hub time since start.
func stamp(w io.Writer, h *green.Hub, start time.Time, format string, args ...any) {
	fmt.Fprintf(w, "  +%.1fs %s\n", h.Now().Sub(start).Seconds(), fmt.Sprintf(format, args...))
}

// generator pulls from a yield-based producer and consumes in the same
// greenlet: a wait anywhere holds up everything.
func generator(w io.Writer, h *green.Hub) error {
	start := h.Now()
	produce := func(yield func(int) bool) {
		for i := range items {
			h.Sleep(produceT)
			if !yield(i) {
				return
			}
		}
	}
	var seq iter.Seq[int] = produce
	n := 0
	for item := range seq {
		c := n % consumers
		stamp(w, h, start, "consumer %d got item %d", c, item)
		h.Sleep(consumeT)
		n++
	}
	return nil
}

// greenlets runs the producer and the consumers as greenlets over a Queue.
func greenlets(w io.Writer, h *green.Hub) error {
	start := h.Now()
	q := green.NewQueue[int](0).Bind(h)
	var g green.Group
	g.Bind(h)
	g.Spawn(func() error {
		for i := range items {
			h.Sleep(produceT)
			if err := q.Put(i); err != nil {
				return err
			}
		}
		for range consumers {
			if err := q.Put(-1); err != nil { // one stop marker each
				return err
			}
		}
		return nil
	})
	for c := range consumers {
		g.Spawn(func() error {
			for {
				item, err := q.Get()
				if err != nil || item < 0 {
					return err
				}
				stamp(w, h, start, "consumer %d got item %d", c, item)
				h.Sleep(consumeT)
			}
		})
	}
	return g.Join()
}
