package green

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// hubs lists the open hubs, so that package-level functions can find the
// caller's hub. It is copied on write; reads are one atomic load.
var (
	hubsMu sync.Mutex // guards writes to hubs
	hubs   atomic.Pointer[[]*Hub]

	defMu  sync.Mutex // guards creating the default hub
	defHub atomic.Pointer[Hub]

	// lastHub is the hub callerHub found last by searching: with one
	// explicit hub in use, the next search is one load.
	lastHub atomic.Pointer[Hub]
)

func addHub(h *Hub) {
	hubsMu.Lock()
	defer hubsMu.Unlock()
	var l []*Hub
	if p := hubs.Load(); p != nil {
		l = append(l, *p...)
	}
	l = append(l, h)
	hubs.Store(&l)
}

func removeHub(h *Hub) {
	hubsMu.Lock()
	defer hubsMu.Unlock()
	p := hubs.Load()
	if p == nil {
		return
	}
	var l []*Hub
	for _, x := range *p {
		if x != h {
			l = append(l, x)
		}
	}
	hubs.Store(&l)
	defHub.CompareAndSwap(h, nil)
	lastHub.CompareAndSwap(h, nil)
}

// Default returns the process's default hub, starting it (with zero
// Options) on first use or after it was closed.
func Default() *Hub {
	if h := defHub.Load(); h != nil {
		return h
	}
	defMu.Lock()
	defer defMu.Unlock()
	if h := defHub.Load(); h != nil {
		return h
	}
	h := New(Options{Name: "default"})
	defHub.Store(h)
	return h
}

// CloseDefault closes the default hub if it has been started, so that none
// of its goroutines outlives the program's work (patch.TestingM calls it
// after the tests, before goleak looks); a later Default starts a new one.
func CloseDefault() {
	if h := defHub.Load(); h != nil {
		h.Close()
	}
}

// callerHub returns the hub whose greenlet is calling, or nil.
func callerHub() *Hub {
	if g := caller(); g != nil {
		return g.h
	}
	return nil
}

// caller returns the calling greenlet, of whichever hub, or nil.
func caller() *Greenlet {
	if d := defHub.Load(); d != nil {
		if g := d.current(); g != nil {
			return g
		}
	}
	if l := lastHub.Load(); l != nil {
		if g := l.current(); g != nil {
			return g
		}
	}
	if p := hubs.Load(); p != nil {
		for _, h := range *p {
			if g := h.current(); g != nil {
				lastHub.Store(h)
				return g
			}
		}
	}
	return nil
}

// hubOf returns the calling greenlet's hub, or the default hub when the
// caller is not a greenlet.
func hubOf() *Hub {
	if h := callerHub(); h != nil {
		return h
	}
	return Default()
}

// Current returns the calling greenlet, or nil if the caller is not a
// greenlet (an outside goroutine).
func Current() *Greenlet { return caller() }

// Spawn is (*Hub).Spawn on the caller's hub (the default hub outside one).
func Spawn(fn func() error) *Greenlet { return hubOf().Spawn(fn) }

// SpawnValue is (*Hub).SpawnValue on the caller's hub.
func SpawnValue(fn func() (any, error)) *Greenlet { return hubOf().SpawnValue(fn) }

// SpawnLater is (*Hub).SpawnLater on the caller's hub.
func SpawnLater(d time.Duration, fn func() error) *Greenlet { return hubOf().SpawnLater(d, fn) }

// Sleep is (*Hub).Sleep on the caller's hub.
func Sleep(d time.Duration) {
	if g := caller(); g != nil {
		must(ret(g.h, g.sleepFor(d)))
		return
	}
	Default().Sleep(d)
}

// Yield is (*Hub).Yield on the caller's hub; outside a greenlet it is
// runtime.Gosched.
func Yield() {
	if g := caller(); g != nil {
		must(ret(g.h, g.yield()))
		return
	}
	runtime.Gosched()
}

// Run is (*Hub).Run on the default hub.
func Run(main func() error) error { return Default().Run(main) }

// Now is (*Hub).Now on the caller's hub.
func Now() time.Time { return hubOf().Now() }

// Raw is (*Hub).Raw on the caller's hub.
func Raw(fn func(any) (any, error)) *Greenlet { return hubOf().Raw(fn) }
