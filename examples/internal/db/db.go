// Package db is the body of the example command db (examples/db),
// kept importable so that the tour can run it too. See that command.
package db

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
)

// figures is what one variant measured.
type figures struct {
	wall     time.Duration
	reports  int64
	detaches uint64
	peak     int64
}

func Run(w io.Writer, n int, delay time.Duration) error {
	if n < 1 || delay <= 0 {
		return fmt.Errorf("-queries %d -delay %v: want at least one query and a positive delay", n, delay)
	}
	srv, err := startServer(delay)
	if err != nil {
		return err
	}
	defer srv.close()

	report, err := patch.PatchAll(patch.Options{NoOS: true, NoDNS: true})
	if err != nil {
		return err
	}
	defer patch.Restore()
	fmt.Fprint(w, report)

	native := func(_ *green.Hub, id int) (string, error) { return nativeDriver(srv.addr(), id) }
	for _, v := range []struct {
		name    string
		handoff time.Duration // Options.HandoffAfter
		call    func(h *green.Hub, id int) (string, error)
	}{
		{"pure", 0, func(_ *green.Hub, id int) (string, error) { return pureDriver(srv.addr(), id) }},
		{"native-handoff-off", -1, native},
		{"native", 0, native},
		{"native-threadpool", 0, func(h *green.Hub, id int) (string, error) {
			row, err := h.ThreadPool().Apply(func() (any, error) { return nativeDriver(srv.addr(), id) })
			s, _ := row.(string)
			return s, err
		}},
	} {
		f, err := variant(n, delay, v.handoff, v.call)
		if err != nil {
			return fmt.Errorf("%s: %w", v.name, err)
		}
		f.peak = srv.takePeak()
		fmt.Fprintf(w, "db driver=%s queries=%d wall_s=%.3f queries_per_s=%.0f server_peak_concurrency=%d monitor_reports=%d detaches=%d\n",
			v.name, n, f.wall.Seconds(), float64(n)/f.wall.Seconds(), f.peak, f.reports, f.detaches)
	}
	return nil
}

// variant runs n concurrent queries from greenlets of a fresh hub.
func variant(n int, delay, handoff time.Duration, call func(h *green.Hub, id int) (string, error)) (figures, error) {
	var reports atomic.Int64
	h := green.New(green.Options{
		MaxBlockingTime: delay / 2,
		OnBlocked:       func(green.Blocked) { reports.Add(1) },
		HandoffAfter:    handoff,
		OnHandoff:       func(green.Handoff) {}, // counted in Stats
	})
	defer h.Close()
	start := time.Now()
	err := h.Run(func() error {
		var g green.Group
		g.Bind(h)
		for id := range n {
			g.Spawn(func() error {
				_, err := call(h, id)
				return err
			})
		}
		return g.Join()
	})
	return figures{wall: time.Since(start), reports: reports.Load(), detaches: h.Stats().Detaches}, err
}
