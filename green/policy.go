package green

import (
	"fmt"
	"strconv"
)

// Policy is how a hub chooses which runnable greenlet runs next: see the
// package doc, # Scheduling.
type Policy uint8

const (
	// FIFO runs greenlets in the order they became runnable, in rounds.
	// It is the default, and the fastest.
	FIFO Policy = iota

	// Random picks uniformly among the runnable greenlets at every
	// switch, with randomness from Schedule.Seed.
	Random

	// PCT is probabilistic concurrency testing (Burckhardt, Kothari,
	// Musuvathi and Nagarakatte, ASPLOS 2010): each greenlet gets a random
	// priority, the highest runnable one runs, and at Depth-1 random steps
	// the running greenlet drops below all others. Randomness from
	// Schedule.Seed.
	PCT
)

var policyNames = [...]string{"fifo", "random", "pct"}

func (p Policy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}

// Schedule is a hub's scheduling policy and the seed of its choices
// (Options.Schedule). The zero value is FIFO.
//
// On a virtual clock a hub's run is a function of the program, its
// Schedule and nothing else the hub can see: the same Schedule gives the
// same order of greenlets on every run (see # Scheduling and # Tracing for
// what can still break that).
type Schedule struct {
	Policy Policy

	// Seed is the source of every choice Random and PCT make (a PCG
	// stream of math/rand/v2). FIFO ignores it.
	Seed uint64

	// Depth is PCT's d: the run is given Depth-1 priority change points,
	// and a bug that needs d ordering constraints between greenlets is
	// found with probability at least 1/(n·k^(d-1)) per run, n being the
	// greenlets and k the Steps. Zero means DefaultDepth; only PCT takes
	// it.
	Depth int

	// Steps is PCT's k: how many scheduling steps (switches with more
	// than one runnable greenlet to choose from) a run is expected to
	// take; change points are drawn uniformly from the first Steps.
	// Stats.Steps of a typical run is a good value. Zero means
	// DefaultSteps; only PCT takes it.
	Steps int
}

// DefaultDepth and DefaultSteps are PCT's parameters when Schedule leaves
// them zero.
const (
	DefaultDepth = 3
	DefaultSteps = 1000
)

// String describes s as it would replay: "fifo", "random seed=7",
// "pct seed=7 depth=3 steps=1000".
func (s Schedule) String() string {
	switch s.Policy {
	case FIFO:
		return "fifo"
	case Random:
		return fmt.Sprintf("random seed=%d", s.Seed)
	case PCT:
		d, k := s.pct()
		return fmt.Sprintf("pct seed=%d depth=%d steps=%d", s.Seed, d, k)
	}
	return s.Policy.String()
}

// pct returns PCT's depth and steps with the defaults applied.
func (s Schedule) pct() (depth, steps int) {
	depth, steps = s.Depth, s.Steps
	if depth == 0 {
		depth = DefaultDepth
	}
	if steps == 0 {
		steps = DefaultSteps
	}
	return depth, steps
}

// validate panics, naming the field, if s is invalid.
func (s Schedule) validate() {
	if s.Policy > PCT {
		panic(fmt.Sprintf("green: Options.Schedule.Policy is %v; want FIFO, Random or PCT", s.Policy))
	}
	if s.Depth < 0 {
		panic(fmt.Sprintf("green: Options.Schedule.Depth is negative (%d); zero means %d", s.Depth, DefaultDepth))
	}
	if s.Steps < 0 {
		panic(fmt.Sprintf("green: Options.Schedule.Steps is negative (%d); zero means %d", s.Steps, DefaultSteps))
	}
	if s.Policy != PCT && (s.Depth != 0 || s.Steps != 0) {
		panic(fmt.Sprintf("green: Options.Schedule sets Depth or Steps, which only PCT takes, with Policy %v", s.Policy))
	}
}
