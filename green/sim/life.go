package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync/atomic"
	"syscall"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// ErrCrashed is what Host.Wait returns for a life that a crash ended, and
// the cause of the context a crash cancels.
var ErrCrashed = errors.New("sim: host crashed")

// errHostDown is what Go and the socket module give a caller that a crash
// fenced off.
var errHostDown = errors.New("sim: host is down")

func errorf(format string, args ...any) error { return fmt.Errorf("sim: "+format, args...) }

// life is one run of a host's main: from Start or Restart to the crash
// that ends it (or to the world's end).
type life struct {
	h      *Host
	n      int // 1 for Start, 2 for the first Restart, ...
	ctx    context.Context
	cancel context.CancelCauseFunc
	dead   atomic.Bool // a crash ended it: every call from it is fenced

	// Guarded by w.mu.
	ended bool  // main returned or the life crashed
	err   error // main's error, or ErrCrashed
}

// hostExt is what a host has beyond its network: its disk, its lives and
// its clock. Guarded by the world's lock but for clock.
type hostExt struct {
	disk    *simdisk.Disk
	main    func(ctx context.Context) error
	started bool
	cur     *life // the running life; nil while down
	last    *life // the last life, running or not
	waiters waitList
	clock   atomic.Pointer[hostClock]
}

// onLife is the life a greenlet runs in, inherited as onHost.
var onLife green.Inherited[*life]

// setLife sets the calling greenlet's life to l, unless it has it already
// (Set copies the inherited values: a world without lives pays nothing).
func setLife(l *life) {
	if cur, _ := onLife.Lookup(); cur != l {
		onLife.Set(l)
	}
}

// Start boots h: main runs as its first life, with a context that a crash
// cancels (with cause ErrCrashed). In a world of greenlets main runs in a
// greenlet on h (as Go), and so do the greenlets it spawns: they are the
// life's, and a crash kills them. In a world of goroutines main runs in a
// goroutine of its own (in the caller's synctest bubble, if any), which
// must return once the context is done. It fails if h was started
// already or the world is closed; a nil main panics.
func (h *Host) Start(main func(ctx context.Context) error) error {
	if main == nil {
		panic("sim: Start of a nil function")
	}
	w := h.w
	w.enter()
	if w.closed {
		w.unlockRun()
		return errorf("Start of host %q in a closed world", h.name)
	}
	if h.x.started {
		w.unlockRun()
		return errorf("host %q is started already", h.name)
	}
	h.x.started, h.x.main = true, main
	h.diskLocked()
	l := h.bootLocked()
	w.unlockRun()
	h.run(l, main)
	return nil
}

// Restart boots h again after a crash: main (Start's) runs as a new life,
// on what h's disk kept. It fails if h was never started, is up, or the
// world is closed.
func (h *Host) Restart() error {
	w := h.w
	w.enter()
	switch {
	case w.closed:
		w.unlockRun()
		return errorf("Restart of host %q in a closed world", h.name)
	case !h.x.started:
		w.unlockRun()
		return errorf("Restart of host %q, which was never started", h.name)
	case h.x.cur != nil:
		w.unlockRun()
		return errorf("Restart of host %q, which is up; crash it first", h.name)
	}
	l := h.bootLocked()
	if w.tr != nil {
		w.traceLocked("restart", h, 0, fmt.Sprintf("%s life %d", h.name, l.n))
	}
	main := h.x.main
	w.unlockRun()
	h.run(l, main)
	return nil
}

func (h *Host) bootLocked() *life {
	n := 1
	if h.x.last != nil {
		n = h.x.last.n + 1
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	l := &life{h: h, n: n, ctx: ctx, cancel: cancel}
	h.x.cur, h.x.last = l, l
	return l
}

// run starts main as life l.
func (h *Host) run(l *life, main func(ctx context.Context) error) {
	w := h.w
	body := func() error {
		err := main(l.ctx)
		w.enter()
		h.endLocked(l, err)
		w.unlockRun()
		return err
	}
	if w.hub == nil {
		go body() //nolint:errcheck // the error goes to Wait
		return
	}
	w.hub.Spawn(func() error {
		onHost.Set(h)
		onLife.Set(l)
		return body()
	}).SetName(fmt.Sprintf("%s main #%d", h.name, l.n))
}

// endLocked records that life l ended with err, if it had not already.
func (h *Host) endLocked(l *life, err error) {
	if l.ended {
		return
	}
	l.ended, l.err = true, err
	if h.x.last == l {
		h.x.waiters.wakeAll()
	}
}

// Up reports whether h runs: started and not crashed since its last
// (re)start. A host never started is not up (but its modules work).
func (h *Host) Up() bool {
	h.w.mu.Lock()
	defer h.w.unlockRun()
	return h.x.cur != nil
}

// Boots returns how many times h was booted (Start and Restarts): the
// number of its current or last life.
func (h *Host) Boots() int {
	h.w.mu.Lock()
	defer h.w.unlockRun()
	if h.x.last == nil {
		return 0
	}
	return h.x.last.n
}

// Wait waits until h's current life ends and returns main's error, or
// ErrCrashed if a crash ended it; for a host that is down it returns its
// last life's end at once. It may be called from a greenlet or a
// goroutine. It fails for a host never started, and with the wait's error
// (a timeout, a closed world).
func (h *Host) Wait() error {
	w := h.w
	w.enter()
	defer w.unlockRun()
	l := h.x.last
	if l == nil {
		return errorf("Wait for host %q, which was never started", h.name)
	}
	for !l.ended {
		if w.closed {
			return errorf("Wait for host %q in a closed world", h.name)
		}
		if err := w.waitLocked(&h.x.waiters, 0, "sim host"); err != nil {
			return err
		}
	}
	return l.err
}

// fencedLocked reports whether the caller may not use h's modules: h is
// down, or the caller is a greenlet of a life that a crash ended (of any
// host).
func (h *Host) fencedLocked() bool {
	if h.x.started && h.x.cur == nil {
		return true
	}
	if green.Current() != nil {
		if l := onLife.Get(); l != nil && l.dead.Load() {
			return true
		}
	}
	return false
}

// Crash is a power failure of h (see # Crashes in the package doc): its
// life ends (its context is cancelled, its greenlets killed), its conns
// are closed and their peers sent a reset, its listeners and UDP sockets
// closed, and its disk loses what was not durable, as the returned report
// says. It fails if h is not up. Called from a greenlet of the crashed
// life itself, it does not return: the caller is killed last.
func (h *Host) Crash() (*simdisk.CrashReport, error) {
	w := h.w
	w.enter()
	l := h.x.cur
	switch {
	case w.closed:
		w.unlockRun()
		return nil, errorf("Crash of host %q in a closed world", h.name)
	case l == nil:
		w.unlockRun()
		return nil, errorf("Crash of host %q, which is not up", h.name)
	}
	l.dead.Store(true)
	h.x.cur = nil
	h.endLocked(l, ErrCrashed)
	l.cancel(ErrCrashed)
	h.dropSocketsLocked()
	h.killProcsLocked()
	rep := h.x.disk.Crash(nil)
	if w.tr != nil {
		w.traceLocked("crash", h, 0, fmt.Sprintf("%s life %d: %d files lost data, %d torn, %d entries lost",
			h.name, l.n, len(rep.LostData), len(rep.Torn), len(rep.LostEntries)))
	}
	w.x.crashes = append(w.x.crashes, crashRecord{at: w.now(), host: h.name, life: l.n, rep: rep})
	hub := w.hub
	if hub == nil && w.x.onDefault {
		hub = green.Default() // Host.Go's greenlets in a world of goroutines
	}
	w.unlockRun()
	if hub != nil {
		h.killLife(l, hub)
	}
	return rep, nil
}

// dropSocketsLocked closes everything h has open on the network, in a
// fixed order: conns (a reset to each peer), listeners, UDP sockets.
func (h *Host) dropSocketsLocked() {
	for _, c := range sortedConns(h.conns) {
		c.linger0 = true // Close sends a reset
		c.closeLocked()
	}
	addrs := func(m []netip.AddrPort) []netip.AddrPort {
		slices.SortFunc(m, func(a, b netip.AddrPort) int { return cmp.Compare(a.String(), b.String()) })
		return m
	}
	var ls []netip.AddrPort
	for ap := range h.listeners {
		ls = append(ls, ap)
	}
	for _, ap := range addrs(ls) {
		h.listeners[ap].closeLocked()
	}
	var us []netip.AddrPort
	for ap := range h.udps {
		us = append(us, ap)
	}
	for _, ap := range addrs(us) {
		if u := h.udps[ap]; u != nil {
			u.closeLocked()
		}
	}
}

// killLife kills the greenlets of l, oldest first, the caller last if it
// is one of them.
func (h *Host) killLife(l *life, hub *green.Hub) {
	kill := func() {
		self := green.Current()
		mine := false
		for _, g := range hub.Greenlets() {
			if gl, ok := onLife.Of(g); !ok || gl != l {
				continue
			}
			if g == self {
				mine = true
				continue
			}
			g.KillAsync()
		}
		if mine {
			self.KillAsync() // unwinds the caller now
		}
	}
	if g := green.Current(); g != nil && g.Hub() == hub {
		kill()
		return
	}
	// From outside the hub: kill from a greenlet of it, and wait.
	g := hub.Spawn(func() error { kill(); return nil })
	_ = g.Join()
}

// endLivesLocked cancels every host's life, and kills its processes, as
// the world closes.
func (w *World) endLivesLocked() {
	for _, h := range w.hosts {
		h.killProcsLocked() // their sleeps have no events left to end them
		if l := h.x.cur; l != nil {
			l.dead.Store(true)
			h.endLocked(l, net.ErrClosed)
			l.cancel(net.ErrClosed)
		}
	}
}

// lifeForSpawn returns the life a greenlet spawned through h (Go, Run)
// belongs to, and whether h is down (so the greenlet must not run).
func (h *Host) lifeForSpawn() (*life, bool) {
	h.w.mu.Lock()
	defer h.w.unlockRun()
	if h.w.hub == nil {
		h.w.x.onDefault = true // a crash must look for its greenlets there
	}
	return h.x.cur, h.fencedLocked()
}

// downErrLocked is the error of a socket call on h from a fenced caller.
func (h *Host) downErrLocked(call string) error {
	if h.fencedLocked() {
		return os.NewSyscallError(call, syscall.ENETDOWN)
	}
	return nil
}
