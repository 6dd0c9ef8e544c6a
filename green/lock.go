package green

import "time"

// Lock is a mutual-exclusion lock for greenlets, gevent.lock.Lock (a
// semaphore of one): Lock waits while another holds it. It is not
// reentrant (a greenlet that locks it twice waits for itself; see RLock) and
// has no owner: any greenlet or goroutine may Unlock it, as with sync.Mutex.
// Waiters get the lock in the order they asked for it.
//
// A Lock implements sync.Locker. The zero Lock is unlocked and binds to the
// hub of its first user (see Bind). Its methods may be called from greenlets
// of that hub and from outside goroutines; an outside goroutine that waits
// blocks only itself, never the hub.
type Lock struct{ s Semaphore }

// Bind binds l to h, for a Lock whose first user might be an outside
// goroutine of a hub other than the default one. It panics if l is already
// bound to another hub. It returns l.
func (l *Lock) Bind(h *Hub) *Lock {
	l.s.b.bind(h, "Lock")
	return l
}

// Lock locks l, waiting while it is held. The wait has no error result: in a
// greenlet a Timeout, kill or deadlock unwinds from it (deferred calls run);
// an outside goroutine panics if the hub is closed or closes meanwhile. If a kill arrives
// after the lock was handed to the waiter, the waiter holds the lock and is
// killed at its next wait.
func (l *Lock) Lock() { l.s.acquireOrUnwind(1, "Lock.Lock") }

// TryLock locks l if it is free, without waiting, and reports whether it did.
func (l *Lock) TryLock() bool { return l.s.try(1) }

// LockTimeout is Lock bounded by d on the hub's clock: it returns a
// *TimeoutError (errors.Is(err, ErrTimeout)) if l was not free by then, or the
// error of an enclosing Timeout, a deadlock or a closed hub.
func (l *Lock) LockTimeout(d time.Duration) error { return l.s.acquireErr(1, bounded, d) }

// Unlock unlocks l, handing it to the first waiter if any. It panics if l is
// not locked.
func (l *Lock) Unlock() { l.s.releaseFront(1, "Lock") }

// relock locks l again after a Condition wait released it. It waits as
// Lock does, but on a closed hub it leaves l as it is (see RLock.relock).
func (l *Lock) relock() {
	h := l.s.b.hub()
	if c := h.current(); c != nil {
		must(ret(h, l.s.acquire(c, 1, block, 0, "Lock.Lock")))
		return
	}
	if err := h.op(func(c *Greenlet) error { return l.s.acquire(c, 1, block, 0, "Lock.Lock") }); err != ErrClosed {
		orPanic(err, "Lock.Lock")
	}
}

// Locked reports whether l is held.
func (l *Lock) Locked() bool { return l.s.availableFront(1) == 0 }
