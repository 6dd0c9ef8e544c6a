package patch

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/registry"
)

// mu serializes PatchAll, Restore and ForTest's cleanup, and guards last.
var (
	mu   sync.Mutex
	last *Options // the options of the last PatchAll since Restore, or nil
)

// PatchAll installs the implementations opts asks for, module by module in
// the order os, time, socket, dns, and reports what it did. See the package
// doc for the options, repeated calls, events and vetoes. A veto is not an
// error: the report shows it.
//
// It fails, changing nothing, if the options are invalid (an unknown
// Resolver). Called by a subscriber while a patch calls it, it panics (see
// Subscribe).
func PatchAll(opts Options) (*Report, error) {
	refuseFromSubscriber("PatchAll")
	mu.Lock()
	defer mu.Unlock()
	return patchAllLocked(opts)
}

func patchAllLocked(opts Options) (*Report, error) {
	r := &Report{Natives: registry.Natives()}
	if last != nil && last.equal(opts) {
		r.NoOp = true
		r.Warnings = dependencyWarnings()
		return r, nil
	}

	if k := opts.Resolver; k != green.ThreadResolver && k != green.PureResolver {
		return nil, fmt.Errorf("patch: Options.Resolver: unknown resolver %v; want green.ThreadResolver or green.PureResolver", k)
	}
	var impls [4]any
	for _, m := range registry.Modules() {
		if impls[m] = opts.Impl.Get(m); impls[m] == nil {
			impls[m] = cooperative(m, opts)
		}
	}
	if last != nil {
		r.Warnings = append(r.Warnings, "PatchAll was called again with different options: the modules patched "+
			"are the union of every call (as gevent warns: \"Patching more than once will result in the union "+
			"of all True parameters being patched\")")
	}

	if err := emit(Event{Kind: WillPatchAll, Options: opts}); err != nil {
		r.Vetoed = append(r.Vetoed, Veto{All: true, Reason: err.Error()})
		return r, nil
	}
	for _, m := range registry.Modules() {
		impl := impls[m]
		switch {
		case opts.skips(m):
			r.Skipped = append(r.Skipped, Skipped{m, "opted out"})
			continue
		case registry.Same(registry.Current(m), impl):
			r.Skipped = append(r.Skipped, Skipped{m, fmt.Sprintf("%T is already current", impl)})
			continue
		}
		if err := emit(Event{Kind: WillPatchModule, Options: opts, Module: m, Impl: impl}); err != nil {
			r.Vetoed = append(r.Vetoed, Veto{Module: m, Reason: err.Error()})
			continue
		}
		prev, stale, err := registry.Swap(m, impl)
		if err != nil {
			// Only an implementation of the wrong type gets here, and
			// Options.Impl's fields are typed: a bug of this package.
			panic("patch: " + err.Error())
		}
		r.Patched = append(r.Patched, Swapped{Module: m, Impl: impl, Previous: prev})
		r.Stale = append(r.Stale, stale...)
		if err := emit(Event{Kind: DidPatchModule, Options: opts, Module: m, Impl: impl}); err != nil {
			r.Warnings = append(r.Warnings, fmt.Sprintf("a subscriber to %s of %s failed: %v", DidPatchModule, m, err))
		}
	}
	last = &opts
	r.Warnings = append(r.Warnings, dependencyWarnings()...)
	if err := emit(Event{Kind: DidPatchAll, Options: opts, Report: r}); err != nil {
		r.Warnings = append(r.Warnings, fmt.Sprintf("a subscriber to %s failed: %v", DidPatchAll, err))
	}
	return r, nil
}

// dependencyWarnings names each module patched without the module it
// depends on, with the consequence.
func dependencyWarnings() []string {
	var w []string
	if registry.IsPatched(registry.SocketModule) && !registry.IsPatched(registry.TimeModule) {
		w = append(w, "socket is patched but time is not: socket deadlines and timeouts run on the "+
			"blocking clock, so waiting on them blocks the hub")
	}
	if registry.IsPatched(registry.DNSModule) && !registry.IsPatched(registry.SocketModule) {
		w = append(w, "dns is patched but socket is not: a cooperative resolver sends its queries over "+
			"blocking sockets, which block the hub")
	}
	return w
}

// Restore returns every module to its original implementation (package
// blocking's, unless registry.Provide was given others first) and forgets
// earlier PatchAll calls: the next one patches afresh.
func Restore() {
	refuseFromSubscriber("Restore")
	mu.Lock()
	defer mu.Unlock()
	set(registry.Originals(), nil)
}

// set makes s's implementations current, in reverse patch order, and last
// the remembered options. mu held.
func set(s registry.Set, l *Options) {
	mods := registry.Modules()
	slices.Reverse(mods)
	for _, m := range mods {
		if _, _, err := registry.Swap(m, s.Get(m)); err != nil {
			panic("patch: " + err.Error()) // the originals are always provided
		}
	}
	last = l
}

// forTestKey is set with t.Setenv only for its refusal of parallel tests.
const forTestKey = "GREENSHIM_PATCH_FOR_TEST"

// ForTest patches as PatchAll(opts) does for the rest of the test, and in
// t.Cleanup puts back exactly what was current before. It fails the test if
// PatchAll fails. Like t.Setenv it changes the whole process, so it panics
// in a parallel test (or one with a parallel ancestor), and t.Parallel
// panics after it.
func ForTest(t testing.TB, opts Options) *Report {
	t.Helper()
	refuseFromSubscriber("ForTest")
	func() {
		defer func() {
			if p := recover(); p != nil {
				panic(fmt.Sprintf("patch: ForTest in a parallel test: patching changes the whole process (%v)", p))
			}
		}()
		t.Setenv(forTestKey, "1")
	}()
	mu.Lock()
	defer mu.Unlock()
	before, lastBefore := registry.CurrentSet(), last
	r, err := patchAllLocked(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		set(before, lastBefore)
	})
	return r
}
