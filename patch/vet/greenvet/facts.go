package greenvet

import (
	"fmt"
	"strings"
)

// Summary is the fact the analyzer exports for a function, so that code in
// other packages is checked against what the function does: green code
// that calls it is told what it would run on the hub, and functions passed
// to its parameters are checked where they run.
type Summary struct {
	// Runs lists the parameters whose function value the function runs as
	// an entry point does (a helper that spawns its argument).
	Runs []RunsParam
	// Uses lists what the function does that holds the hub when it runs
	// in a greenlet (bypasses of the registry, APIs that wait on their own
	// goroutines), directly or through what it calls, at most maxUses.
	Uses []Use
}

// RunsParam says that parameter Param runs as How (see the entry table).
type RunsParam struct {
	Param int
	How   int
}

// Use is one thing a function does that holds the hub.
type Use struct {
	What   string // the call, as "net.Dial" or "(*net/http.Client).Do"
	Module string // the module it bypasses; "" for an API that waits on its own goroutines
	At     string // where, as "file.go:12"
	Via    string // the function it is in, when not the summarized one
	// Native names the component declared with registry.DeclareNative
	// that covers it, with where it was declared: "db-driver (driver.go:40)".
	Native string
}

// maxUses bounds the uses a summary keeps: one says what is wrong.
const maxUses = 3

func (*Summary) AFact() {}

func (s *Summary) String() string {
	var parts []string
	for _, r := range s.Runs {
		parts = append(parts, fmt.Sprintf("runs param %d %s", r.Param, how(r.How)))
	}
	for _, u := range s.Uses {
		parts = append(parts, "uses "+u.What)
	}
	return strings.Join(parts, "; ")
}

func (h how) String() string {
	switch h {
	case runsGreen:
		return "in a greenlet"
	case runsSim:
		return "in a simulated world"
	case runsInline:
		return "inline"
	case runsNative:
		return "natively"
	}
	return fmt.Sprintf("how(%d)", int(h))
}

// describe says in words what u is, for a message at a call site.
func (u Use) describe() string {
	s := u.What
	if u.Via != "" {
		s += " (in " + u.Via + ", " + u.At + ")"
	} else {
		s += " (" + u.At + ")"
	}
	return s
}
