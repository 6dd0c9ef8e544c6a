package green

import (
	"context"
	"sync"
	"syscall"
)

// A greenlet's socket operation first tries the system call once, without
// waiting (see mod_socket_conn.go). Only when the OS says EAGAIN does it wait:
// on the hub's poller (mod_socket_poller_linux.go) when it can, and
// otherwise (a packet conn, a greenlet of another hub than the one that
// registered the conn) off the hub: a helper goroutine waits
// on Go's netpoller through the conn's syscall.RawConn and posts to the hub
// when the fd is ready (or closed, or past its deadline), and the greenlet,
// readied, tries again. Meanwhile the hub counts the wait as outside work in
// flight (h.ext): it neither declares a deadlock nor jumps virtual time.
//
// The helper only waits; it never reads or writes, so a greenlet that stops
// waiting (killed, or a Timeout) loses no data. But while it waits the
// helper holds the conn's read (or write) lock of package net, which the
// greenlet's next call would meet and block the hub on. So a greenlet that
// stops waiting kicks its helper out: it sets the conn's deadline in the
// past, which wakes the helper at once, waits (natively, for microseconds)
// until the helper has let go, and puts back the deadline the user set.

// pollIn and pollOut are the poll(2) events of a read and a write wait.
const (
	pollIn  = 0x1
	pollOut = 0x4
)

// ioWait is one readiness wait. A conn keeps one for reads and reuses it
// unless the greenlet abandoned it (its helper may still be running).
type ioWait struct {
	h    *Hub
	g    *Greenlet
	rc   syscall.RawConn
	kick deadliner
	gone sync.WaitGroup // the helper has returned from the RawConn

	events int16
	polled bool // helper-only: the first poll is done

	// Hub-only.
	counted   bool // h.ext counts this wait
	abandoned bool // the greenlet stopped waiting

	poll func(fd uintptr) bool // w.pollOnce, bound once
	done func()                // w.finish, bound once
}

// deadliner sets a conn's read (events pollIn) or write deadline in the
// past and puts back the one its user set.
type deadliner interface {
	expire(events int16)
	restore(events int16)
}

// reuse returns w if it can serve another wait, or a new ioWait: one whose
// greenlet stopped waiting may still have its helper running. Hub context.
func (w *ioWait) reuse(rc syscall.RawConn, kick deadliner, events int16) *ioWait {
	if w != nil && !w.abandoned {
		return w
	}
	return newIOWait(rc, kick, events)
}

func newIOWait(rc syscall.RawConn, kick deadliner, events int16) *ioWait {
	w := &ioWait{rc: rc, kick: kick, events: events}
	w.poll = w.pollOnce
	w.done = w.finish
	return w
}

// pollOnce is the helper's RawConn callback. RawConn.Read forgets a
// readiness edge that came before it (it resets the poll descriptor), and
// data may have arrived since the greenlet's EAGAIN: so the first call asks
// poll(2) whether the fd is ready now, and only if not does the helper park
// on the netpoller. A later call means the netpoller saw the fd become
// ready: the greenlet tries again (and comes back here if that was spurious).
func (w *ioWait) pollOnce(fd uintptr) bool {
	if w.polled {
		return true
	}
	w.polled = true
	return pollNow(fd, w.events)
}

// run is the helper goroutine.
func (w *ioWait) run() {
	// Its error (closed, deadline) is not needed: the greenlet's retry
	// meets it and reports it as package net does.
	if w.events == pollIn {
		_ = w.rc.Read(w.poll)
	} else {
		_ = w.rc.Write(w.poll)
	}
	w.gone.Done()
	w.h.post(w.done) // fails only once the hub has closed, when nobody waits
}

// finish runs on the hub when the helper is done.
func (w *ioWait) finish() {
	if w.counted {
		w.counted = false
		w.h.ext--
	}
	if !w.abandoned && w.g.state == stWaiting {
		w.h.ready(w.g)
	}
}

// wait parks g until the fd is ready for w.events. It returns nil when the
// greenlet should try again, or the green error that ended its wait; a
// kill unwinds. After an error w must not be reused. Hub context, on g.
func (w *ioWait) wait(g *Greenlet, what string) (err error) {
	h := g.h
	w.h, w.g = h, g
	w.polled = false
	w.counted, w.abandoned = true, false
	h.ext++
	w.gone.Add(1)
	go w.run()
	ok := false
	defer func() {
		if !ok {
			w.abandoned = true
			if w.counted {
				w.counted = false
				h.ext--
			}
			w.kick.expire(w.events)
			w.gone.Wait()
			w.kick.restore(w.events)
		}
	}()
	err = g.park(what)
	ok = err == nil
	return err
}

// offHub runs fn on a goroutine of its own while g waits: for operations
// that may take long and have no non-blocking form (connect with its name
// lookups, listen). fn gets a context that is ctx, cancelled as well if g
// stops waiting; it returns its error and a cleanup that undoes its result
// (closes the conn), or nil. If g stops waiting because of a green error
// (a Timeout) after fn completed, the result stands and offHub returns nil;
// otherwise the cleanup runs and offHub returns the green error (or g
// unwinds, if killed). Hub context, on g.
func offHub(g *Greenlet, what string, ctx context.Context, fn func(ctx context.Context) (error, func())) (err error) {
	h := g.h
	ctx, cancel := context.WithCancel(ctx)
	var (
		fnErr   error
		cleanup func()
		// Hub-only.
		counted   = true
		abandoned bool
		finished  bool
	)
	uncount := func() {
		if counted {
			counted = false
			h.ext--
		}
	}
	h.ext++
	go func() {
		e, c := fn(ctx)
		fnErr, cleanup = e, c // published to the hub by post
		if !h.post(func() {
			uncount()
			finished = true
			if abandoned {
				if cleanup != nil {
					cleanup()
				}
				return
			}
			if g.state == stWaiting {
				h.ready(g)
			}
		}) {
			// The hub has closed: g was killed and nobody waits.
			if c != nil {
				c()
			}
		}
	}()
	ok := false
	defer func() {
		cancel()
		if ok {
			return
		}
		abandoned = true
		uncount()
		if finished {
			if err != nil { // a green error: the completed result stands
				err = fnErr
				return
			}
			if cleanup != nil { // unwinding: undo the result
				cleanup()
			}
		}
	}()
	if err = g.park(what); err != nil {
		return err
	}
	ok = true
	return fnErr
}
