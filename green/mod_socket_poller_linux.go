package green

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A poller is a hub's own epoll instance, libev's loop in gevent: the
// descriptors of the module's conns and listeners are registered once,
// edge-triggered, the first time a greenlet of the hub meets EAGAIN on
// them, and one goroutine waits in epoll_wait and posts each batch of
// events to the hub, which readies the greenlets waiting on them. So a
// greenlet's wait costs no system call and no goroutine, and one wake of
// the hub serves every descriptor that became ready meanwhile.
//
// Edge-triggered readiness is enough because a greenlet waits only after
// read(2) (accept4) said EAGAIN on the hub: any data arriving later
// raises an event that the hub handles after the greenlet has parked; an
// event raised earlier but handled later only wakes it spuriously, and it
// tries again.
//
// Package net's own poller knows nothing of these waits, so the module
// does itself what it would do: Close (through the module) and a change of
// deadline (through the module) wake the waiting greenlets, a deadline arms
// a wall-clock timer, and the retry meets package net's own checks of
// closing and deadline. A deadline set or a close made directly on the conn
// of package net underneath is not seen by a waiting greenlet.
type poller struct {
	h    *Hub
	epfd int
	f    *os.File        // owns epfd; closed as the hub shuts down (shutPoller)
	rc   syscall.RawConn // f's, to wait for events on Go's netpoller
	done chan struct{}   // closed when loop has returned, and so f's descriptor is closed

	// Hub-only.
	slots []*pollSlot // by index, as registered in epoll
	free  []int32     // indexes of closed slots
}

// pollSlot is one registered descriptor and the greenlets waiting for it to
// become readable: one reader of a conn at a time (its read gate lets one
// in), any number of greenlets accepting on a listener. Each waiter counts
// once in h.ext. gen tells a reused slot's events from its previous
// owner's. Only reads and accepts wait here: writes run off the hub
// (writeOp), so the slot has no write direction. Hub-only.
type pollSlot struct {
	p   *poller
	idx int32
	gen int32
	r   []*Greenlet // in the order they came; the backing array is reused
}

// pollers maps each hub to its poller, made on first use.
var pollers sync.Map // *Hub → *poller

// pollerOf returns h's poller, starting it if need be, or nil if epoll is
// not available (the caller falls back to helper goroutines). Hub context.
func pollerOf(h *Hub) *poller {
	if v, ok := pollers.Load(h); ok {
		return v.(*poller)
	}
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	// The epoll descriptor is itself watched by Go's netpoller (it is
	// readable while events are pending), so the poller's goroutine parks
	// like any goroutine waiting on a socket and no thread sleeps in
	// epoll_wait while the program is busy: a thread asleep there would
	// have to be woken by every write of a peer, at a cost of microseconds.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return nil
	}
	f := os.NewFile(uintptr(epfd), "greenshim-epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil
	}
	p := &poller{h: h, epfd: epfd, f: f, rc: rc, done: make(chan struct{})}
	pollers.Store(h, p)
	go p.loop()
	return p
}

// shutPoller ends h's poller, if it has one, as the hub shuts down: when
// Close returns, the epoll descriptor is closed. Closing f ends the loop's
// wait, but the descriptor itself is closed only once that wait has
// returned (f's last reference): so this waits for the loop. Hub context.
func shutPoller(h *Hub) {
	v, ok := pollers.LoadAndDelete(h)
	if !ok {
		return
	}
	p := v.(*poller)
	p.f.Close()
	<-p.done
}

// register adds fd to p, edge-triggered, and returns its slot. Hub
// context; fd is lent by a RawConn's Control.
func (p *poller) register(fd int) (*pollSlot, error) {
	var s *pollSlot
	if n := len(p.free); n > 0 {
		s = p.slots[p.free[n-1]]
		p.free = p.free[:n-1]
	} else {
		s = &pollSlot{p: p, idx: int32(len(p.slots))}
		p.slots = append(p.slots, s)
	}
	ev := syscall.EpollEvent{
		// Reads and accepts wait here; writes run off the hub (writeOp).
		Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLET&0xffffffff,
		Fd:     s.idx,
		Pad:    s.gen,
	}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		p.free = append(p.free, s.idx)
		return nil, err
	}
	return s, nil
}

// loop is the poller's goroutine: it waits for events and posts them to the
// hub in batches, until the hub has closed.
func (p *poller) loop() {
	defer close(p.done)
	defer p.f.Close() // ended by shutPoller, or by a post the closed hub refused
	events := make([]syscall.EpollEvent, 512)
	var n int
	get := func(fd uintptr) bool {
		for {
			k, err := syscall.EpollWait(int(fd), events, 0)
			if err == syscall.EINTR {
				continue
			}
			n = max(k, 0)
			return n > 0 || err != nil
		}
	}
	for {
		if err := p.rc.Read(get); err != nil {
			return // closed: the hub has ended
		}
		if n == 0 {
			continue
		}
		batch := append([]syscall.EpollEvent(nil), events[:n]...)
		if !p.h.post(func() { p.dispatch(batch) }) {
			return
		}
	}
}

// dispatch readies the greenlets waiting on the descriptors of a batch.
// Hub context.
func (p *poller) dispatch(batch []syscall.EpollEvent) {
	const readable = syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLHUP | syscall.EPOLLERR
	for _, ev := range batch {
		if int(ev.Fd) >= len(p.slots) {
			continue
		}
		s := p.slots[ev.Fd]
		if s.gen != ev.Pad {
			continue // the slot's previous descriptor
		}
		if ev.Events&readable != 0 {
			s.wake()
		}
	}
}

// wake readies every greenlet waiting on s: each tries again, and those
// that meet EAGAIN (another accepter took the one pending connection) wait
// again. Waking one would strand the others: edge-triggered, the
// connections already pending raise no further event. Hub context.
func (s *pollSlot) wake() {
	for i, g := range s.r {
		s.r[i] = nil
		g.h.ext--
		if g.state == stWaiting {
			g.h.ready(g)
		}
	}
	s.r = s.r[:0]
}

// closed wakes s's waiters and frees s, registered with gen, for another
// descriptor; events still queued for the old one are ignored. Hub context.
func (s *pollSlot) closed(gen int32) {
	if s.gen != gen {
		return // closed already
	}
	s.wake()
	s.gen++
	if s.gen < 0 {
		s.gen = 0
	}
	s.p.free = append(s.p.free, s.idx)
}

// wait parks g until the slot's descriptor may be readable, the deadline
// (unix nanoseconds, 0: none) passes, or the module closes it or changes its
// deadline; then g tries again. It returns a green error (a Timeout) that
// ended the wait; a kill unwinds. Hub context, on g.
func (s *pollSlot) wait(g *Greenlet, deadline int64, what string) error {
	h := g.h
	var t *time.Timer
	if deadline != 0 {
		d := time.Until(time.Unix(0, deadline))
		if d <= 0 {
			return nil // the retry reports the deadline
		}
		// Wakes the other waiters too, spuriously: they try again.
		t = time.AfterFunc(d, func() { h.post(s.wake) })
	}
	s.r = append(s.r, g)
	h.ext++
	defer func() {
		if t != nil {
			t.Stop()
		}
		// Interrupted (a Timeout, a kill): stop waiting.
		for i, w := range s.r {
			if w == g {
				n := len(s.r)
				copy(s.r[i:], s.r[i+1:])
				s.r[n-1] = nil
				s.r = s.r[:n-1]
				h.ext--
				break
			}
		}
	}()
	return g.park(what)
}

// pollable is what conns and listeners share: their RawConn and their
// registration with the poller of the first hub whose greenlet waited on
// them. Greenlets of other hubs wait through helper goroutines (ioWait).
type pollable struct {
	rc     syscall.RawConn         // nil: no fast path
	reg    atomic.Pointer[pollReg] // set once
	noPoll atomic.Bool             // registration failed: use helpers
	ufd    atomic.Pointer[uringFd] // the io_uring backend's duplicate, set once
}

// pollReg is a registration: the slot and the generation it was made in.
type pollReg struct {
	s   *pollSlot
	gen int32
}

// slotFor returns the slot to wait on for greenlet g, registering the
// descriptor on first use (fresh: the caller must try again before
// waiting, as readiness before the registration raised no event), or nil
// if g must wait through a helper. Hub context, on g.
func (c *pollable) slotFor(g *Greenlet) (s *pollSlot, fresh bool) {
	if r := c.reg.Load(); r != nil {
		if r.s.p.h == g.h {
			return r.s, false
		}
		return nil, false
	}
	if c.noPoll.Load() {
		return nil, false
	}
	p := pollerOf(g.h)
	if p == nil {
		c.noPoll.Store(true)
		return nil, false
	}
	var err error
	if cerr := c.rc.Control(func(fd uintptr) { s, err = p.register(int(fd)) }); cerr != nil || err != nil {
		if s != nil {
			s.closed(s.gen)
		}
		c.noPoll.Store(true)
		return nil, false
	}
	if !c.reg.CompareAndSwap(nil, &pollReg{s, s.gen}) {
		// A greenlet of another hub registered first: take the descriptor
		// out of this hub's epoll too, or its events keep coming here.
		c.rc.Control(func(fd uintptr) { syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, int(fd), nil) })
		s.closed(s.gen)
		return nil, false
	}
	return s, true
}

// onHub runs f on the hub of c's registration: at once from one of its
// greenlets, posted otherwise.
func (c *pollable) onHub(f func(r *pollReg)) {
	r := c.reg.Load()
	if r == nil {
		return
	}
	h := r.s.p.h
	if h.current() != nil {
		f(r)
		raceReleaseHub(h)
		return
	}
	h.post(func() { f(r) })
}

// closeSlot wakes c's waiting greenlets after a Close and frees its slot.
func (c *pollable) closeSlot() {
	c.onHub(func(r *pollReg) { r.s.closed(r.gen) })
	c.closeURing()
}

// wakeSlot wakes c's waiting greenlets after a change of read deadline, so
// that they look at the new one.
func (c *pollable) wakeSlot() {
	c.onHub(func(r *pollReg) {
		if r.s.gen == r.gen {
			r.s.wake()
		}
	})
	c.wakeURing()
}
