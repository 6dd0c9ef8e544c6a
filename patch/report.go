package patch

import (
	"fmt"
	"strings"

	"github.com/greenshim/greenshim/registry"
)

// Report says what a PatchAll did, and what it could not reach.
type Report struct {
	// NoOp is true when the call repeated the previous one's options and
	// changed nothing.
	NoOp bool
	// Patched lists the modules swapped by this call, with what was
	// installed, in patch order.
	Patched []Swapped
	// Skipped lists the modules this call left alone, and why.
	Skipped []Skipped
	// Vetoed lists the vetoes of subscribers; a veto of the whole patch
	// has All set.
	Vetoed []Veto
	// Stale lists the bindings this call made stale: code that bound a
	// module before the patch and keeps the old implementation.
	Stale []registry.Binding
	// Natives lists the declared native components: they stay blocking.
	Natives []registry.Native
	// Warnings are things the caller should know: repeated patching,
	// modules patched without the ones they depend on, errors of Did
	// subscribers.
	Warnings []string
}

// Swapped is one module installed by a patch.
type Swapped struct {
	Module   registry.Module
	Impl     any // the implementation installed
	Previous any // the one it replaced
}

// Skipped is one module a patch left alone.
type Skipped struct {
	Module registry.Module
	Reason string
}

// Veto is a subscriber's refusal, of one module or (All) of the whole patch.
type Veto struct {
	All    bool
	Module registry.Module
	Reason string
}

// PatchedModules returns the modules this call swapped, in patch order.
func (r *Report) PatchedModules() []registry.Module {
	out := make([]registry.Module, len(r.Patched))
	for i, s := range r.Patched {
		out[i] = s.Module
	}
	return out
}

// String prints the report for people, one section a kind, leaving out the
// empty ones.
func (r *Report) String() string {
	var b strings.Builder
	b.WriteString("greenshim patch report\n")
	if r.NoOp {
		b.WriteString("  no-op: already patched with the same options\n")
	}
	for _, s := range r.Patched {
		fmt.Fprintf(&b, "  patched  %-6s %T (was %T)\n", s.Module, s.Impl, s.Previous)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "  skipped  %-6s %s\n", s.Module, s.Reason)
	}
	for _, v := range r.Vetoed {
		if v.All {
			fmt.Fprintf(&b, "  vetoed   all    %s\n", v.Reason)
		} else {
			fmt.Fprintf(&b, "  vetoed   %-6s %s\n", v.Module, v.Reason)
		}
	}
	if len(r.Stale) > 0 {
		b.WriteString("  stale bindings (bound before this patch; they keep the old implementation):\n")
		for _, s := range r.Stale {
			fmt.Fprintf(&b, "    %s\n", s)
		}
	}
	if len(r.Natives) > 0 {
		b.WriteString("  natives (do their I/O outside the registry; stay blocking):\n")
		for _, n := range r.Natives {
			fmt.Fprintf(&b, "    %s\n", n)
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("  warnings:\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "    %s\n", w)
		}
	}
	return b.String()
}
