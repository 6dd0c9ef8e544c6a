package patch

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/greenshim/greenshim/registry"
)

// EventKind names the moments of a patch at which subscribers are called.
type EventKind uint8

const (
	// WillPatchAll comes first; an error vetoes the whole patch.
	WillPatchAll EventKind = iota
	// WillPatchModule comes before each module is swapped; an error vetoes
	// that module.
	WillPatchModule
	// DidPatchModule comes after a module was swapped.
	DidPatchModule
	// DidPatchAll comes last, with the report.
	DidPatchAll
)

var kindNames = [...]string{"will-patch-all", "will-patch-module", "did-patch-module", "did-patch-all"}

func (k EventKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "EventKind(?)"
}

// Event is what a subscriber is told.
type Event struct {
	Kind    EventKind
	Options Options
	// Module and Impl are set for the module events: the module and the
	// implementation that is about to be, or was, installed.
	Module registry.Module
	Impl   any
	// Report is set for DidPatchAll.
	Report *Report
}

type subscriber struct {
	f func(Event) error
}

// subs is guarded by subMu; PatchAll calls a copy, so a subscriber may
// unsubscribe while it runs.
var (
	subMu sync.Mutex
	subs  []*subscriber
)

// Subscribe registers f to be called at every event of every later patch,
// and returns a function that removes it. See the package doc, # Events and
// vetoes.
func Subscribe(f func(Event) error) (unsubscribe func()) {
	if f == nil {
		panic("patch: Subscribe of a nil function")
	}
	s := &subscriber{f}
	subMu.Lock()
	subs = append(subs, s)
	subMu.Unlock()
	return func() {
		subMu.Lock()
		subs = slices.DeleteFunc(subs, func(t *subscriber) bool { return t == s })
		subMu.Unlock()
	}
}

// emitter is the id of the goroutine calling subscribers, or 0. PatchAll,
// Restore and ForTest hold mu while subscribers run, so one of them called
// by a subscriber, on that goroutine, would wait for itself forever:
// refuseFromSubscriber turns that into a panic.
var emitter atomic.Uint64

// emit calls every subscriber with e and returns the first error; later
// subscribers still hear of the event. mu held.
func emit(e Event) error {
	subMu.Lock()
	fs := slices.Clone(subs)
	subMu.Unlock()
	emitter.Store(goid())
	defer emitter.Store(0)
	var first error
	for _, s := range fs {
		if err := s.f(e); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// refuseFromSubscriber panics if the caller is a subscriber being called by
// a patch (see emitter). Called before taking mu.
func refuseFromSubscriber(what string) {
	if id := emitter.Load(); id != 0 && id == goid() {
		panic("patch: " + what + " called from a subscriber while a patch calls it; " +
			"subscribers must not call PatchAll, Restore or ForTest")
	}
}

// goid returns the id of the calling goroutine, from the first line of its
// stack ("goroutine 18 [running]:"). It costs a microsecond or so, and is
// called only when patching, which is rare.
func goid() uint64 {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	id, _ := strconv.ParseUint(s, 10, 64)
	return id
}
