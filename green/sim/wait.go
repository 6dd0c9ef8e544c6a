package sim

import (
	"github.com/greenshim/greenshim/green"
)

// A conn's or listener's blocked callers wait on green.Waiters, the door
// of package green: a greenlet parks, a goroutine blocks on a channel
// (durably, in a synctest bubble). Each waits in a list of its condition
// (data to read, room to write, a conn to accept); whoever changes the
// condition wakes the list under the world's lock, and the woken look at
// the state again. Deadlines are events of the world at the deadline's
// world time that wake the waiter.

type waiter struct {
	gw         green.Waiter
	next, prev *waiter
	in         *waitList
	outside    *World // a goroutine waiting in a world of greenlets: see touch.go
	woken      bool   // outside: counted in the world's touch.woken
}

// wake wakes wt; a goroutine woken in a world of greenlets holds the
// hub's virtual time from this moment (touch.go).
func (wt *waiter) wake() {
	if w := wt.outside; w != nil {
		if !wt.woken {
			wt.woken = true
			w.touch.woken.Add(1)
		}
		w.touchLocked()
	}
	wt.gw.Wake()
}

// waitList is an intrusive FIFO of waiters. Guarded by the world's lock.
type waitList struct {
	head, tail *waiter
}

func (l *waitList) push(wt *waiter) {
	wt.in = l
	wt.prev = l.tail
	wt.next = nil
	if l.tail != nil {
		l.tail.next = wt
	} else {
		l.head = wt
	}
	l.tail = wt
}

func (l *waitList) remove(wt *waiter) {
	if wt.in != l {
		return
	}
	if wt.prev != nil {
		wt.prev.next = wt.next
	} else {
		l.head = wt.next
	}
	if wt.next != nil {
		wt.next.prev = wt.prev
	} else {
		l.tail = wt.prev
	}
	wt.next, wt.prev, wt.in = nil, nil, nil
}

// wakeAll wakes every waiter of l; they stay listed until they run.
func (l *waitList) wakeAll() {
	for wt := l.head; wt != nil; wt = wt.next {
		wt.wake()
	}
}

// wakeOne wakes the first waiter of l.
func (l *waitList) wakeOne() {
	if l.head != nil {
		l.head.wake()
	}
}

// waitLocked waits on l until woken, or until world time deadline (0:
// none) has come. Called and returning with w.mu held, also when a kill
// unwinds it. It returns the green error that ended the wait (a
// WithTimeout, a context, ErrClosed, a deadlock), or nil: the caller then
// looks at its condition, and at its deadline, again.
func (w *World) waitLocked(l *waitList, deadline int64, what string) (err error) {
	var wt *waiter
	if n := len(w.free); n > 0 {
		wt = w.free[n-1]
		w.free = w.free[:n-1]
	} else {
		wt = &waiter{}
	}
	wt.gw.Reset()
	wt.gw.What = what
	l.push(wt)
	var dl *event
	if deadline > 0 {
		dl = w.atLocked(deadline, wt.wake)
	}
	// A greenlet of another hub than the world's (or of any hub, in a
	// world of goroutines) is woken by a goroutine its hub cannot see:
	// its hub must neither declare a deadlock nor jump virtual time.
	var release func()
	g := green.Current()
	if g != nil && g.Hub() != w.hub {
		release = g.Hub().Hold()
	}
	wt.outside = nil
	if w.hub != nil && (g == nil || g.Hub() != w.hub) {
		wt.outside = w
	}
	w.unlockRun()
	defer func() {
		if release != nil {
			release()
		}
		if wt.outside != nil { // as touchIfOutside, without asking green again who we are
			if w.touchMark() {
				w.holdHub()
			}
		}
		w.mu.Lock()
		if wt.woken {
			wt.woken = false
			w.touch.woken.Add(-1)
		}
		l.remove(wt)
		w.cancelLocked(dl)
		w.free = append(w.free, wt)
	}()
	return wt.gw.Wait()
}
