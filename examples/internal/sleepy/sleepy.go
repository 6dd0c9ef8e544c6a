// Package sleepy is the body of the example command sleepy (examples/sleepy),
// kept importable so that the tour can run it too. See that command.
package sleepy

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// Run runs f1, f2 and f3, which sleep 4, 2 and 3 units through the
// registry's time module, as three greenlets: with the blocking time module
// and the hand-off off (gevent's behaviour), with the blocking module and
// the hand-off on, then with the cooperative module patched in. clk is the
// patched hub's clock, "real" or "virtual"; the blocking module always
// sleeps in real time.
func Run(w io.Writer, unit time.Duration, clk string) error {
	if unit <= 0 {
		return fmt.Errorf("-unit %v: want a positive duration", unit)
	}
	var opts green.Options
	switch clk {
	case "real":
	case "virtual":
		opts.Clock = green.NewVirtualClock(time.Time{})
	default:
		return fmt.Errorf("-clock %q: want real or virtual", clk)
	}
	patch.Restore()
	// The monitor is off for the blocking runs: that each sleep holds the
	// hub, or is handed off, is the point, and db shows the monitor.
	fmt.Fprintln(w, "== blocking time module, hand-off off (gevent's behaviour): each sleep holds the hub")
	if err := sleepers(w, unit, green.Options{MaxBlockingTime: -1, HandoffAfter: -1}); err != nil {
		return err
	}
	fmt.Fprintln(w, "== blocking time module, hand-off on: each sleep is detached from the hub, and reported")
	// A detached greenlet runs beside the hub from the end of its sleep to
	// its next green call, so what it touches there needs a lock: here
	// the output, which the report (on the monitor's goroutine) shares.
	lw := &lockedWriter{w: w}
	handoff := green.Options{MaxBlockingTime: -1, OnHandoff: func(r green.Handoff) {
		fmt.Fprintf(lw, "  hand-off: a greenlet waited in %s at %s\n", r.Wait, r.Frame)
	}}
	if err := sleepers(lw, unit, handoff); err != nil {
		return err
	}
	if _, err := patch.PatchAll(patch.Options{NoOS: true, NoSocket: true, NoDNS: true}); err != nil {
		return err
	}
	defer patch.Restore()
	fmt.Fprintf(w, "== patched (%T): each sleep parks only its greenlet\n", registry.Time())
	return sleepers(w, unit, opts)
}

// sleepers runs the three functions as greenlets of a new hub and prints
// when each ends and the total, in units, on the hub's clock.
func sleepers(w io.Writer, unit time.Duration, opts green.Options) error {
	h := green.New(opts)
	defer h.Close()
	return h.Run(func() error {
		// Read the time through the module itself, from the greenlet: the
		// blocking module's clock is the wall clock whatever the hub's,
		// and the green one reads the caller's hub.
		t0 := registry.Time().Now()
		at := func() float64 { return float64(registry.Time().Since(t0)) / float64(unit) }
		var g green.Group
		g.Bind(h)
		for _, f := range []struct {
			name  string
			units int
		}{{"f1", 4}, {"f2", 2}, {"f3", 3}} {
			g.Spawn(func() error {
				registry.Time().Sleep(time.Duration(f.units) * unit)
				fmt.Fprintf(w, "  %s slept %d, done at %.0f\n", f.name, f.units, at())
				return nil
			})
		}
		err := g.Join()
		fmt.Fprintf(w, "  all done in %.0f units\n", at())
		return err
	})
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex // guards w
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
