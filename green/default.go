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

// callerHub returns the hub whose greenlet is calling, or nil.
func callerHub() *Hub {
	if d := defHub.Load(); d != nil && d.current() != nil {
		return d
	}
	if p := hubs.Load(); p != nil {
		for _, h := range *p {
			if h.current() != nil {
				return h
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
func Current() *Greenlet {
	if h := callerHub(); h != nil {
		return h.current()
	}
	return nil
}

// Spawn is (*Hub).Spawn on the caller's hub (the default hub outside one).
func Spawn(fn func() error) *Greenlet { return hubOf().Spawn(fn) }

// SpawnValue is (*Hub).SpawnValue on the caller's hub.
func SpawnValue(fn func() (any, error)) *Greenlet { return hubOf().SpawnValue(fn) }

// SpawnLater is (*Hub).SpawnLater on the caller's hub.
func SpawnLater(d time.Duration, fn func() error) *Greenlet { return hubOf().SpawnLater(d, fn) }

// Sleep is (*Hub).Sleep on the caller's hub.
func Sleep(d time.Duration) { hubOf().Sleep(d) }

// Yield is (*Hub).Yield on the caller's hub; outside a greenlet it is
// runtime.Gosched.
func Yield() {
	if h := callerHub(); h != nil {
		h.Yield()
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
