package green

import (
	"fmt"
	"runtime"
	"strings"
)

// Divergence is where two traces of what should be the same run first
// differ: [Trace.Diff]'s answer. Its Error is the report a determinism
// check prints.
type Divergence struct {
	// Index is the position (from 0) of the first event that differs;
	// A and B are that event in each trace, nil where a trace had ended.
	Index int
	A, B  *TraceEvent

	LenA, LenB int          // the traces' lengths
	HashA      uint64       // the traces' hashes
	HashB      uint64       //
	Before     []TraceEvent // up to 3 events before Index, the same in both

	// BreakersA and BreakersB are what each hub (or world) saw break
	// determinism up to Index: the likely causes. Empty in both means
	// the cause is one the hub cannot see: see # Tracing.
	BreakersA, BreakersB []Breaker
}

// Diff compares t, a run's trace, with u, another run's, event by event on
// every compared field (see [TraceEvent]), and returns where they first
// differ, or nil if they are the same.
func (t *Trace) Diff(u *Trace) *Divergence {
	a, b := t.Events(), u.Events()
	real := t.clockIsReal() || u.clockIsReal()
	i := 0
	for i < len(a) && i < len(b) && a[i].same(&b[i], real) {
		i++
	}
	if i == len(a) && i == len(b) {
		return nil
	}
	d := &Divergence{Index: i, LenA: len(a), LenB: len(b), HashA: t.Hash(), HashB: u.Hash()}
	if i < len(a) {
		d.A = &a[i]
	}
	if i < len(b) {
		d.B = &b[i]
	}
	d.Before = append(d.Before, a[max(0, i-3):i]...)
	d.BreakersA = breakersUpTo(t.Breakers(), i+1)
	d.BreakersB = breakersUpTo(u.Breakers(), i+1)
	return d
}

func (t *Trace) clockIsReal() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.real
}

func breakersUpTo(bs []Breaker, n int) []Breaker {
	var r []Breaker
	for _, b := range bs {
		if b.Seq <= uint64(n) {
			r = append(r, b)
		}
	}
	return r
}

// Error reports the divergence on several lines: the event in each run,
// the events before it, their stacks if the traces recorded them, and
// what each hub saw that breaks determinism.
func (d *Divergence) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "runs differ at event %d (run 1: %d events, hash %016x; run 2: %d events, hash %016x)\n",
		d.Index+1, d.LenA, d.HashA, d.LenB, d.HashB)
	for _, e := range d.Before {
		fmt.Fprintf(&b, "  both:  %v\n", e)
	}
	for i, e := range []*TraceEvent{d.A, d.B} {
		if e == nil {
			fmt.Fprintf(&b, "  run %d: (ended)\n", i+1)
			continue
		}
		fmt.Fprintf(&b, "  run %d: %v\n", i+1, *e)
	}
	for i, e := range []*TraceEvent{d.A, d.B} {
		if e != nil && len(e.Stack) > 0 {
			fmt.Fprintf(&b, "  run %d's stack:\n%s", i+1, formatStack(e.Stack, "    "))
		}
	}
	if len(d.BreakersA)+len(d.BreakersB) == 0 {
		b.WriteString("  the hubs saw nothing that breaks determinism: look for what they cannot see, such as Go's map iteration order, math/rand or time.Now deciding what greenlets do, or plain goroutines sharing state with them\n")
	}
	for i, bs := range [][]Breaker{d.BreakersA, d.BreakersB} {
		for _, br := range bs {
			fmt.Fprintf(&b, "  run %d may not replay: %v\n", i+1, br)
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// formatStack formats a stack's frames, leaving out the runtime's and this
// package's own (its tests' are kept).
func formatStack(pcs []uintptr, indent string) string {
	var b strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" && !internalFrame(f.Function) {
			fmt.Fprintf(&b, "%s%s\n%s\t%s:%d\n", indent, f.Function, indent, f.File, f.Line)
		}
		if !more {
			return b.String()
		}
	}
}

func internalFrame(fn string) bool {
	const self = "github.com/greenshim/greenshim/green."
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "iter.") || strings.HasPrefix(fn, self)
}

// Replays is the determinism check: it calls run twice, each time with a
// fresh Trace for run to give its hub (Options.Trace) or world, and
// compares the two. It returns nil if they are the same, or the
// *Divergence. On a difference it runs both again with Trace.Stacks set,
// so that the report shows the stacks that produced the first differing
// events; if that pair does not differ, the first pair's report is
// returned, without stacks.
//
// run should make everything it uses afresh (hub, virtual clock, world)
// from the same seed, and return once its hub is closed.
func Replays(run func(tr *Trace)) error {
	a, b := new(Trace), new(Trace)
	run(a)
	run(b)
	d := a.Diff(b)
	if d == nil {
		return nil
	}
	a, b = &Trace{Stacks: true}, &Trace{Stacks: true}
	run(a)
	run(b)
	if ds := a.Diff(b); ds != nil {
		return ds
	}
	return d
}
