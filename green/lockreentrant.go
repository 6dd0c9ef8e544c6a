package green

import "time"

// RLock is a reentrant lock, gevent.lock.RLock: the greenlet that holds it may
// lock it again, and it is free once that owner has unlocked it as many times.
// Only the owner may unlock it. An outside goroutine is an owner of its own,
// told apart from greenlets and other goroutines.
//
// An RLock implements sync.Locker. The zero RLock is unlocked and binds to
// the hub of its first user (see Bind).
type RLock struct {
	s Semaphore // one permit, held while count > 0

	// Hub-only state.
	owner owner // who holds it, valid while count > 0
	count int   // recursion depth
}

// owner identifies who holds an RLock: a greenlet, or an outside goroutine
// by its runtime identity.
type owner struct {
	g   *Greenlet
	gid uintptr
}

// ownerOf returns the caller's identity with respect to h.
func ownerOf(h *Hub) owner {
	if c := h.current(); c != nil {
		return owner{g: c}
	}
	return owner{gid: getg()}
}

// Bind is Lock.Bind.
func (l *RLock) Bind(h *Hub) *RLock {
	l.s.b.bind(h, "RLock")
	return l
}

// Lock locks l, at once if the caller already holds it, otherwise waiting
// while another holds it; the wait behaves as Lock.Lock's.
func (l *RLock) Lock() {
	h := l.s.b.hub()
	if c := h.current(); c != nil {
		must(ret(h, l.lock(c, owner{g: c}, 1, block, 0)))
		return
	}
	o := owner{gid: getg()}
	orPanic(h.op(func(c *Greenlet) error { return l.lock(c, o, 1, block, 0) }), "RLock.Lock")
}

// TryLock locks l if it is free or the caller holds it, without waiting, and
// reports whether it did.
func (l *RLock) TryLock() bool { return l.lockErr(nowait, 0) == nil }

// LockTimeout is Lock bounded by d on the hub's clock; see Lock.LockTimeout.
func (l *RLock) LockTimeout(d time.Duration) error { return l.lockErr(bounded, d) }

// Unlock undoes one Lock of the caller's. It panics if the caller does not
// hold l.
func (l *RLock) Unlock() {
	h := l.s.b.hub()
	o := ownerOf(h)
	if o.g != nil {
		l.unlock(o, false)
		return
	}
	h.do(func() { l.unlock(o, false) })
}

// Locked reports whether anyone holds l.
func (l *RLock) Locked() bool { return l.s.availableFront(1) == 0 }

func (l *RLock) lockErr(m mode, d time.Duration) error {
	h := l.s.b.hub()
	o := ownerOf(h)
	if o.g != nil {
		return l.lock(o.g, o, 1, m, d)
	}
	return h.op(func(c *Greenlet) error { return l.lock(c, o, 1, m, d) })
}

// lock makes o the owner, n levels deep (or one level deeper if it already
// is), c being the greenlet that waits. Hub context.
func (l *RLock) lock(c *Greenlet, o owner, n int, m mode, d time.Duration) error {
	if l.count > 0 && l.owner == o {
		l.count++
		return nil
	}
	if err := l.s.acquire(c, 1, m, d, "RLock.Lock"); err != nil {
		return err
	}
	l.owner, l.count = o, n
	return nil
}

// unlock undoes one level of o's ownership, or all of them, and returns how
// many it undid. Hub context.
func (l *RLock) unlock(o owner, all bool) int {
	if l.count == 0 || l.owner != o {
		panic("green: RLock unlocked by a greenlet or goroutine that does not hold it")
	}
	n := 1
	if all {
		n = l.count
	}
	l.count -= n
	if l.count == 0 {
		l.owner = owner{}
		l.s.release(1, "RLock")
	}
	return n
}

// relock makes o the owner again, n levels deep, after a Condition wait
// released it completely. It waits in the caller's context. On a closed hub
// it leaves l as it is: every operation on l fails or does nothing then,
// the caller's Unlock included.
func (l *RLock) relock(o owner, n int) {
	h := l.s.b.hub()
	if o.g != nil && h.current() == o.g {
		must(ret(h, l.lock(o.g, o, n, block, 0)))
		return
	}
	if err := h.op(func(c *Greenlet) error { return l.lock(c, o, n, block, 0) }); err != ErrClosed {
		orPanic(err, "RLock.Lock")
	}
}
