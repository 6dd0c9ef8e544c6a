package green

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"
)

// Where the hub was held: every detach, and every hold the monitor reported,
// is summed by call site. A call site is the pair of the innermost frame
// outside the runtime and package sync (where a library waits) and the
// innermost frame of the main module's code above it (the user's call).

// HeldSite sums the holds of the hub at one call site.
type HeldSite struct {
	Frame    string        // where the greenlet waited or ran: "database/sql.(*DB).conn (sql.go:1318)"
	Caller   string        // the main module's frame above it
	Wait     string        // what it waited on ("chan receive", ...), or "running"
	Detaches uint64        // times a greenlet was detached here
	Holds    uint64        // holds the monitor reported here (not detached)
	Held     time.Duration // time the hub was held here, summed
}

type siteKey struct{ frame, caller uintptr }

type siteStat struct {
	HeldSite
	frames []runtime.Frame // the first stack seen here, for the profile
}

var (
	greenPkgOnce sync.Once
	greenPkg     string   // "github.com/greenshim/greenshim/green."
	mainModule   string   // the main module's path, from the build info
	modules      []string // it and every dependency's
)

func initPkgs() {
	greenPkgOnce.Do(func() {
		name := runtime.FuncForPC(funcPC(catch)).Name()
		greenPkg = strings.TrimSuffix(name, "catch")
		if bi, ok := debug.ReadBuildInfo(); ok {
			mainModule = bi.Main.Path
			modules = append(modules, bi.Main.Path)
			for _, d := range bi.Deps {
				modules = append(modules, d.Path)
			}
		}
	})
}

// inModule reports whether package p belongs to module m.
func inModule(p, m string) bool {
	return m != "" && (p == m || strings.HasPrefix(p, m+"/"))
}

// isStd reports whether package p is the standard library's: no module
// holds it and it is not a main package.
func isStd(p string) bool {
	if p == "main" || strings.HasPrefix(p, "command-line-arguments") {
		return false
	}
	for _, m := range modules {
		if inModule(p, m) {
			return false
		}
	}
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// funcPkg returns the package path of a function name.
func funcPkg(name string) string {
	slash := strings.LastIndexByte(name, '/')
	if i := strings.IndexByte(name[slash+1:], '.'); i >= 0 {
		return name[:slash+1+i]
	}
	return name
}

// waitSite is what a frame walk says about a stopped greenlet.
type waitSite struct {
	user   bool // the wait is in code the greenlet's function called, not the hub's
	rt     bool // the wait is the runtime's own: a collection, a stopped world (handoff_gc.go)
	frames []runtime.Frame
	frame  int // index of Frame
	caller int // index of Caller
	key    siteKey
}

// classify expands the PCs of a stopped greenlet's goroutine (innermost
// first). The frame that the innermost frame of package green called
// decides: package green's own code calls only itself, the standard library
// and, in a few places, the user's functions (a greenlet's, a WithTimeout
// body); so a callee outside the standard library means user code was
// waiting, and a callee in it means the hub's own code was (a brief native
// wait of its own, which is never detached). The exception is the user's
// OnPanic, which runs in hub context.
func classify(pcs []uintptr) waitSite {
	initPkgs()
	var ws waitSite
	fs := runtime.CallersFrames(pcs)
	for {
		f, more := fs.Next()
		ws.frames = append(ws.frames, f)
		if !more {
			break
		}
	}
	ws.rt = runtimeOwnWait(ws.frames)
	top := -1
	for i, f := range ws.frames {
		if strings.HasPrefix(f.Function, greenPkg) {
			top = i
			break
		}
	}
	if top <= 0 {
		return ws
	}
	ws.user = !isStd(funcPkg(ws.frames[top-1].Function)) &&
		ws.frames[top].Function != greenPkg+"(*Hub).reportPanic"
	ws.frame = 0
	for i := 0; i < top; i++ {
		p := funcPkg(ws.frames[i].Function)
		if p != "runtime" && p != "sync" && p != "sync/atomic" && p != "iter" && !strings.HasPrefix(p, "internal/") {
			ws.frame = i
			break
		}
	}
	ws.caller = max(top-1, 0)
	for i := ws.frame; i < top; i++ {
		if p := funcPkg(ws.frames[i].Function); inModule(p, mainModule) || p == "main" {
			ws.caller = i
			break
		}
	}
	ws.key = siteKey{ws.frames[ws.frame].PC, ws.frames[ws.caller].PC}
	return ws
}

func frameString(f runtime.Frame) string {
	return fmt.Sprintf("%s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
}

func stackString(fs []runtime.Frame) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s\n\t%s:%d\n", f.Function, f.File, f.Line)
	}
	return b.String()
}

// record adds held to ws's site, counting one more detach or one more hold
// (or neither: more time for a hold already counted); it reports whether
// the site is new.
func (s *handoffState) record(ws waitSite, wait string, held time.Duration, detaches, holds uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.sites[ws.key]
	isNew := st == nil
	if isNew {
		st = &siteStat{HeldSite: HeldSite{
			Frame:  frameString(ws.frames[ws.frame]),
			Caller: frameString(ws.frames[ws.caller]),
			Wait:   wait,
		}, frames: ws.frames}
		s.sites[ws.key] = st
	}
	st.Detaches += detaches
	st.Holds += holds
	st.Held += held
	return isNew
}

// HeldSites returns where h was held so far, by call site, the longest
// held first: each detach, and each hold the blocking monitor reported.
func (h *Hub) HeldSites() []HeldSite {
	s := &h.ho
	s.mu.Lock()
	out := make([]HeldSite, 0, len(s.sites))
	for _, st := range s.sites {
		out = append(out, st.HeldSite)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b HeldSite) int {
		return cmp.Or(cmp.Compare(b.Held, a.Held), cmp.Compare(a.Frame, b.Frame), cmp.Compare(a.Caller, b.Caller))
	})
	return out
}

// WriteHeldProfile writes where h was held (HeldSites, with each site's
// stack) as a pprof profile, for `go tool pprof`: sample types "detaches"
// and "holds" (counts) and "held" (nanoseconds), one sample per call site.
func (h *Hub) WriteHeldProfile(w io.Writer) error {
	s := &h.ho
	s.mu.Lock()
	sites := make([]*siteStat, 0, len(s.sites))
	for _, st := range s.sites {
		c := *st
		sites = append(sites, &c)
	}
	s.mu.Unlock()
	slices.SortFunc(sites, func(a, b *siteStat) int {
		return cmp.Or(cmp.Compare(a.Frame, b.Frame), cmp.Compare(a.Caller, b.Caller))
	})
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "detaches", Unit: "count"},
			{Type: "holds", Unit: "count"},
			{Type: "held", Unit: "nanoseconds"},
		},
		DefaultSampleType: "held",
		PeriodType:        &profile.ValueType{Type: "held", Unit: "nanoseconds"},
		Period:            1,
	}
	funcs := map[[2]string]*profile.Function{}
	locs := map[[3]any]*profile.Location{}
	for _, st := range sites {
		sample := &profile.Sample{Value: []int64{int64(st.Detaches), int64(st.Holds), int64(st.Held)}}
		for _, f := range st.frames {
			fk := [2]string{f.Function, f.File}
			fn := funcs[fk]
			if fn == nil {
				fn = &profile.Function{ID: uint64(len(p.Function) + 1), Name: f.Function, SystemName: f.Function, Filename: f.File}
				funcs[fk] = fn
				p.Function = append(p.Function, fn)
			}
			lk := [3]any{f.Function, f.File, f.Line}
			loc := locs[lk]
			if loc == nil {
				loc = &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn, Line: int64(f.Line)}}}
				locs[lk] = loc
				p.Location = append(p.Location, loc)
			}
			sample.Location = append(sample.Location, loc)
		}
		p.Sample = append(p.Sample, sample)
	}
	return p.Write(w)
}
