package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/greenshim/greenshim/green/sim/buggify"
	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// worldExt is what a world has beyond its network: its fault points, the
// plans applied to it and the crashes so far. Guarded by the world's lock.
type worldExt struct {
	bug     *buggify.Points
	bugOpts buggify.Options
	plans   []Plan
	crashes []crashRecord
}

type crashRecord struct {
	at   int64 // world time
	host string
	life int
	rep  *simdisk.CrashReport
}

// Report is what a world's run did to its code, for printing beside a
// failing run's seed: the plans applied, the crashes and what each lost,
// and the fault points.
type Report struct {
	Seed    uint64
	Plans   []Plan
	Crashes []Crash
	Buggify buggify.Report
}

// Crash is one crash of a Report.
type Crash struct {
	At   time.Duration // world time
	Host string
	Life int // the life it ended
	Lost *simdisk.CrashReport
}

// Report returns what the world's run did so far.
func (w *World) Report() Report {
	w.mu.Lock()
	r := Report{Seed: w.cfg.Seed, Plans: append([]Plan(nil), w.x.plans...)}
	for _, c := range w.x.crashes {
		r.Crashes = append(r.Crashes, Crash{At: time.Duration(c.at), Host: c.host, Life: c.life, Lost: c.rep})
	}
	bug := w.x.bug
	w.unlockRun()
	r.Buggify = bug.Report()
	return r
}

// String prints the report: the seed, each plan, each crash with what it
// lost, and the fault points that were evaluated.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "world: seed=%d plans=%d crashes=%d\n", r.Seed, len(r.Plans), len(r.Crashes))
	for _, p := range r.Plans {
		b.WriteString(p.String())
	}
	for _, c := range r.Crashes {
		fmt.Fprintf(&b, "%v crash %s (life %d): ", c.At, c.Host, c.Life)
		b.WriteString(c.Lost.String())
	}
	if len(r.Buggify.Points) > 0 {
		b.WriteString(r.Buggify.String())
	}
	return b.String()
}

// String is the world's Report, printed.
func (w *World) String() string { return w.Report().String() }
