package sim

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/greenshim/greenshim/green/sim/buggify"
	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// Plan is a test's faults stated in one place, as data: link rates, disk
// faults, clocks and fault-point rates set when it is applied, and
// partitions, clogs and crashes at world times after that. World.Apply
// applies it, World.Report prints it with what happened, and String
// prints it as a schedule (Jepsen's nemesis schedule), one line per
// event in time order, to print beside a failing run's seed.
type Plan struct {
	Links      []LinkPlan
	Disks      []DiskPlan
	Clocks     []ClockPlan
	Buggify    *buggify.Options // nil leaves the world's rates
	Partitions []PartitionPlan
	Clogs      []ClogPlan
	Crashes    []CrashPlan
}

// LinkPlan sets the link between two hosts (both ways unless OneWay).
type LinkPlan struct {
	From, To string
	OneWay   bool
	Link     Link
}

// DiskPlan sets a host's disk faults.
type DiskPlan struct {
	Host   string
	Faults simdisk.Faults
}

// ClockPlan sets a host's clock (Host.SetClock).
type ClockPlan struct {
	Host   string
	Offset time.Duration
	Drift  float64
}

// PartitionPlan cuts A from B (both ways unless OneWay) at At, and heals
// that cut at Heal (zero: never). Times count from Apply.
type PartitionPlan struct {
	At, Heal time.Duration
	A, B     []string
	OneWay   bool
}

// ClogPlan clogs Host for For from At (World.Clog).
type ClogPlan struct {
	At, For time.Duration
	Host    string
}

// CrashPlan crashes Host at At and restarts it Restart later (zero: at
// once, at the same world time; negative: it stays down). A host that is
// not up at At is left as it is (the trace says so).
type CrashPlan struct {
	At, Restart time.Duration
	Host        string
}

// Apply applies p to w: the links, disks, clocks and fault-point rates at
// once, the partitions, clogs and crashes as events at their times from
// now on the world's clock, each run by a greenlet (or, in a world of
// goroutines, a goroutine) of its own that belongs to no host. It checks
// the whole plan first and applies nothing if any of it is wrong: an
// unknown host, a negative time, a heal before its cut, a bad link, disk
// fault, drift or rate; the error names the entry.
//
// In a world of greenlets, apply a plan from a greenlet of the world's
// hub (the run's first, before it starts the hosts): called from a plain
// goroutine, it arms the plan's events from outside the hub, which may
// move virtual time on before the rest of the run has started, and the
// run no longer depends on the seed alone.
func (w *World) Apply(p Plan) error {
	if err := w.check(p); err != nil {
		return err
	}
	if p.Buggify != nil {
		if err := w.SetBuggify(*p.Buggify); err != nil {
			return err
		}
	}
	for _, l := range p.Links {
		if l.OneWay {
			w.SetLinkOneWay(l.From, l.To, l.Link)
		} else {
			w.SetLink(l.From, l.To, l.Link)
		}
	}
	for _, d := range p.Disks {
		if err := w.Host(d.Host).Disk().SetFaults(d.Faults); err != nil {
			return err // checked above
		}
	}
	for _, c := range p.Clocks {
		if err := w.Host(c.Host).SetClock(c.Offset, c.Drift); err != nil {
			return err
		}
	}
	w.mu.Lock()
	defer w.unlockRun()
	w.x.plans = append(w.x.plans, p)
	now := w.now()
	for _, pp := range p.Partitions {
		pp := pp
		w.planAtLocked(now+int64(pp.At), func() {
			if pp.OneWay {
				w.PartitionOneWay(pp.A, pp.B)
			} else {
				w.Partition(pp.A, pp.B)
			}
		})
		if pp.Heal > 0 {
			w.planAtLocked(now+int64(pp.Heal), func() {
				if pp.OneWay {
					w.partition(pp.A, pp.B, false, false)
				} else {
					w.Heal(pp.A, pp.B)
				}
			})
		}
	}
	for _, c := range p.Clogs {
		c := c
		w.planAtLocked(now+int64(c.At), func() { w.Clog(c.Host, c.For) })
	}
	for _, c := range p.Crashes {
		c := c
		h := w.byName[c.Host]
		w.planAtLocked(now+int64(c.At), func() {
			if _, err := h.Crash(); err != nil {
				w.mu.Lock()
				if w.tr != nil {
					w.traceLocked("crash.skipped", h, 0, err.Error())
				}
				w.unlockRun()
				return
			}
			switch {
			case c.Restart == 0:
				h.Restart() //nolint:errcheck // up or closed: nothing to do
			case c.Restart > 0:
				w.mu.Lock()
				w.planAtLocked(w.now()+int64(c.Restart), func() { h.Restart() }) //nolint:errcheck
				w.unlockRun()
			}
		})
	}
	return nil
}

// planAtLocked runs fn at world time at, unlocked, in a greenlet or
// goroutine of its own that belongs to no host.
func (w *World) planAtLocked(at int64, fn func()) {
	w.atLocked(at, func() {
		if w.hub == nil {
			go fn()
			return
		}
		w.hub.Spawn(func() error {
			onHost.Set(nil)
			onLife.Set(nil)
			fn()
			return nil
		}).SetName("sim plan")
	})
}

func (w *World) check(p Plan) error {
	w.mu.Lock()
	defer w.unlockRun()
	var errs []error
	host := func(what, name string) {
		if w.byName[name] == nil {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: no host %q", what, name))
		}
	}
	hosts := func(what string, names []string) {
		if len(names) == 0 {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: no hosts", what))
		}
		for _, n := range names {
			host(what, n)
		}
	}
	at := func(what string, d time.Duration) {
		if d < 0 {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: negative time %v", what, d))
		}
	}
	for i, l := range p.Links {
		what := fmt.Sprintf("Links[%d]", i)
		host(what, l.From)
		host(what, l.To)
		if err := l.Link.check(); err != nil {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: %w", what, err))
		}
	}
	for i, d := range p.Disks {
		what := fmt.Sprintf("Disks[%d]", i)
		host(what, d.Host)
		if err := d.Faults.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: %w", what, err))
		}
	}
	for i, c := range p.Clocks {
		what := fmt.Sprintf("Clocks[%d]", i)
		host(what, c.Host)
		if !(c.Drift >= -MaxDrift && c.Drift <= MaxDrift) {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: drift %v is not in [-%v, %v]", what, c.Drift, MaxDrift, MaxDrift))
		}
	}
	if p.Buggify != nil {
		if _, err := buggify.New(0, *p.Buggify); err != nil {
			errs = append(errs, fmt.Errorf("sim: Plan.Buggify: %w", err))
		}
	}
	for i, pp := range p.Partitions {
		what := fmt.Sprintf("Partitions[%d]", i)
		hosts(what+".A", pp.A)
		hosts(what+".B", pp.B)
		at(what+".At", pp.At)
		if pp.Heal != 0 && pp.Heal <= pp.At {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: Heal %v is not after At %v", what, pp.Heal, pp.At))
		}
	}
	for i, c := range p.Clogs {
		what := fmt.Sprintf("Clogs[%d]", i)
		host(what, c.Host)
		at(what+".At", c.At)
		if c.For <= 0 {
			errs = append(errs, fmt.Errorf("sim: Plan.%s: For %v is not positive", what, c.For))
		}
	}
	for i, c := range p.Crashes {
		what := fmt.Sprintf("Crashes[%d]", i)
		host(what, c.Host)
		at(what+".At", c.At)
	}
	return errors.Join(errs...)
}

// String prints the plan as a schedule: what it sets at once, then one
// line per timed event, in time order (times from Apply).
func (p Plan) String() string {
	type line struct {
		at   time.Duration
		what string
	}
	var ls []line
	add := func(at time.Duration, format string, args ...any) {
		ls = append(ls, line{at, fmt.Sprintf(format, args...)})
	}
	for _, l := range p.Links {
		arrow := "<>"
		if l.OneWay {
			arrow = ">"
		}
		add(0, "link %s%s%s %v", l.From, arrow, l.To, l.Link)
	}
	for _, d := range p.Disks {
		add(0, "disk %s %s", d.Host, diskString(d.Faults))
	}
	for _, c := range p.Clocks {
		add(0, "clock %s offset=%v drift=%v", c.Host, c.Offset, c.Drift)
	}
	if b := p.Buggify; b != nil {
		add(0, "buggify enable_rate=%v fire_rate=%v (0: 0.25)", b.EnableRate, b.FireRate)
	}
	for _, pp := range p.Partitions {
		arrow := "<>"
		if pp.OneWay {
			arrow = ">"
		}
		add(pp.At, "partition %v%s%v", pp.A, arrow, pp.B)
		if pp.Heal > 0 {
			add(pp.Heal, "heal %v%s%v", pp.A, arrow, pp.B)
		}
	}
	for _, c := range p.Clogs {
		add(c.At, "clog %s for %v", c.Host, c.For)
	}
	for _, c := range p.Crashes {
		switch {
		case c.Restart < 0:
			add(c.At, "crash %s (stays down)", c.Host)
		default:
			add(c.At, "crash %s", c.Host)
			add(c.At+c.Restart, "restart %s", c.Host)
		}
	}
	slices.SortStableFunc(ls, func(a, b line) int { return cmp.Compare(a.at, b.at) })
	var b strings.Builder
	fmt.Fprintf(&b, "plan: %d events\n", len(ls))
	for _, l := range ls {
		fmt.Fprintf(&b, "  %10v  %s\n", l.at, l.what)
	}
	return b.String()
}

func diskString(f simdisk.Faults) string {
	var parts []string
	if f.Capacity > 0 {
		parts = append(parts, fmt.Sprintf("capacity=%dB", f.Capacity))
	}
	for _, r := range f.EIO {
		parts = append(parts, fmt.Sprintf("eio=%+v", r))
	}
	ops := make([]simdisk.Op, 0, len(f.Latency))
	for op := range f.Latency {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		parts = append(parts, fmt.Sprintf("latency[%v]=%v", op, f.Latency[op]))
	}
	if f.TornWrite > 0 {
		parts = append(parts, fmt.Sprintf("torn_write=%v", f.TornWrite))
	}
	if f.KeepEntries > 0 {
		parts = append(parts, fmt.Sprintf("keep_entries=%v", f.KeepEntries))
	}
	if len(parts) == 0 {
		return "no faults"
	}
	return strings.Join(parts, " ")
}
