// Package sleepers is the body of the example command sleepers (examples/sleepers),
// kept importable so that the tour can run it too. See that command.
package sleepers

import (
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/green"
)

func Run(w io.Writer, n int, clk string) error {
	if n < 1 {
		return fmt.Errorf("-n %d: need at least one greenlet", n)
	}
	var opts green.Options
	switch clk {
	case "real":
	case "virtual":
		opts.Clock = green.NewVirtualClock(time.Time{})
	default:
		return fmt.Errorf("-clock %q: want real or virtual", clk)
	}
	h := green.New(opts)
	defer h.Close()

	rss0 := peakRSS()
	var spawnD, totalD, hubD time.Duration
	peakParked := 0
	err := h.Run(func() error {
		// Wall time on purpose: the figures compare it with the hub's clock.
		t0, hub0 := time.Now(), h.Now() //greenshim:ignore wall-clock figure, beside the hub's
		// A sampler records how many greenlets are parked at once.
		done := false
		sampler := h.Spawn(func() error {
			for !done {
				peakParked = max(peakParked, h.Stats().Parked)
				h.Sleep(10 * time.Millisecond)
			}
			return nil
		})
		gs := make([]*green.Greenlet, n)
		for i := range gs {
			gs[i] = h.Spawn(func() error { h.Sleep(time.Second); return nil })
		}
		spawnD = time.Since(t0) //greenshim:ignore wall-clock figure
		for _, g := range gs {
			if err := g.Join(); err != nil {
				return err
			}
		}
		totalD, hubD = time.Since(t0), h.Now().Sub(hub0) //greenshim:ignore wall-clock figure, beside the hub's
		done = true
		return sampler.Join()
	})
	if err != nil {
		return err
	}
	rss := peakRSS()
	perParked := 0.0
	if peakParked > 0 {
		perParked = float64(rss-rss0) / float64(peakParked)
	}
	fmt.Fprintf(w, "sleepers n=%d clock=%s spawn_s=%.3f total_s=%.3f peak_rss_mib=%.0f peak_parked=%d bytes_per_parked=%.0f hub_s=%.3f\n",
		n, clk, spawnD.Seconds(), totalD.Seconds(), float64(rss)/(1<<20), peakParked, perParked, hubD.Seconds())
	return nil
}

// peakRSS returns the process's peak resident set size in bytes.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // Linux reports KiB
}
