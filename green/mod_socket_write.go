package green

import "sync"

// A greenlet's Write runs package net's Write on a goroutine of its own and
// parks until it returns, instead of calling write(2) on the hub. Measured
// (BenchmarkSocket_Echo, and examples/echo against plain Go): on loopback a
// write costs the writer the peer's TCP receive and the wake-up of the
// reader, several microseconds, which on the hub's one thread serialized
// every greenlet's writes; off the hub they run on every core while the
// hub runs greenlets. Reads stay on the hub: they cost little and mostly
// find the data there.
//
// A greenlet that stops waiting (killed, or a Timeout) must not leave a
// Write going on its buffer, which it may reuse at once: it kicks the Write
// out with a write deadline in the past, waits for it (natively, briefly),
// puts back the user's deadline, and returns what was written.

// writeOp is one Write off the hub. A conn keeps one for reuse.
type writeOp struct {
	c    *conn
	h    *Hub
	g    *Greenlet
	p    []byte
	n    int   // written by the helper, read after done or gone
	err  error //
	gone sync.WaitGroup

	// Hub-only.
	counted   bool // h.ext counts this write
	abandoned bool // the greenlet stopped waiting

	run, done func() // op.write and op.finish, bound once
}

// write is the helper goroutine.
func (op *writeOp) write() {
	op.n, op.err = op.c.Conn.Write(op.p)
	op.gone.Done()
	op.h.post(op.done) // fails only once the hub has closed, when nobody waits
}

// finish runs on the hub when the helper is done.
func (op *writeOp) finish() {
	if op.counted {
		op.counted = false
		op.h.ext--
	}
	if !op.abandoned && op.g.state == stWaiting {
		op.h.ready(op.g)
	}
}

// do writes p for g. reusable is false if g stopped waiting, when the
// helper's finish may still be on its way. Hub context, on g.
func (op *writeOp) do(g *Greenlet, p []byte) (n int, err error, reusable bool) {
	h := g.h
	op.h, op.g, op.p = h, g, p
	op.counted, op.abandoned = true, false
	h.ext++
	op.gone.Add(1)
	go op.run()
	ok := false
	defer func() {
		if ok {
			op.p = nil
			return
		}
		op.abandoned = true
		if op.counted {
			op.counted = false
			h.ext--
		}
		op.c.expire(pollOut)
		op.gone.Wait()
		op.p = nil
		op.c.restore(pollOut)
		n = op.n // err stays the green error
	}()
	if err = g.park("socket write"); err != nil {
		return 0, err, false
	}
	ok = true
	return op.n, op.err, true
}
