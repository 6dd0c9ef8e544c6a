package green

import "errors"

// unwind is the panic value that carries a greenlet out of a wait that has no
// error result (Sleep, Lock, Yield) when it is killed, timed out or
// deadlocked; deferred calls run on the way. The greenlet's top frame (or the
// WithTimeout that owns the timeout) recovers it.
type unwind struct{ err error }

var (
	errKill   = errors.New("green: kill")
	errGoexit = errors.New("green: greenlet called runtime.Goexit (t.FailNow in a greenlet?)")
)

// park suspends the running greenlet g until a waker readies it. The caller
// has queued g where its waker will find it. park returns nil when woken by
// the waker, or the reason it was woken otherwise (a timeout, a deadlock);
// a kill unwinds.
func (g *Greenlet) park(what string) error {
	if g.x != nil && g.x.pendErr != nil {
		err := g.x.pendErr
		g.x.pendErr = nil
		g.leaveWait()
		return err
	}
	if g.killReq {
		g.leaveWait()
		g.killReq = false
		panic(unwind{errKill})
	}
	g.state = stWaiting
	g.waitsOn = what
	g.h.nparked++
	if g.h.tr != nil {
		g.h.tracePark(g, what)
	}
	g.giveUp()
	return g.resumed()
}

// leaveWait takes g out of the wait its caller queued it for, and disarms
// its sleep timer, when park ends before parking: a timer left armed would
// keep the hub's clock and deadlock detection busy for a greenlet that is
// no longer waiting, or already dead.
func (g *Greenlet) leaveWait() {
	if g.wq != nil {
		g.wq.remove(g)
	}
	if g.sleep.armed() {
		g.h.timers.remove(&g.sleep)
	}
}

// resumed is the first thing a greenlet does when the hub resumes it after a
// park or a yield.
func (g *Greenlet) resumed() error {
	raceReleaseHub(g.h)
	if g.killReq {
		g.killReq = false
		panic(unwind{errKill})
	}
	err := g.wakeErr
	g.wakeErr = nil
	return err
}

// interrupt wakes a parked greenlet for a reason other than its waker's:
// it leaves its wait queue and timer, and its park returns err.
func (h *Hub) interrupt(g *Greenlet, err error) {
	switch g.state {
	case stWaiting, stSuspended:
		if g.wq != nil {
			g.wq.remove(g)
		}
		if g.sleep.armed() {
			h.timers.remove(&g.sleep)
		}
		g.wakeErr = err
		h.ready(g)
	}
}

// must turns the error of a wait without an error result into an unwind.
func must(err error) {
	if err != nil {
		panic(unwind{err})
	}
}

// do runs f, which changes the state of the hub or of a primitive, in hub
// context: directly when called by a greenlet of h, otherwise (an outside
// goroutine) in a fresh greenlet of h while the caller waits. On a closed
// hub it does nothing and reports false: operations on a closed hub have no
// effect (see Close). f may park only if it is called from a greenlet or
// can tolerate the extra greenlet. A panic in f is re-raised in the caller.
func (h *Hub) do(f func()) bool {
	if h.current() != nil {
		f()
		raceReleaseHub(h)
		return true
	}
	return h.call(func() error { f(); return nil }) != ErrClosed
}

// read runs f, which only reads state (or, like a timer's Stop, keeps the
// hub's final state consistent), in hub context as do does; once the hub
// has closed it runs f anyway, on the caller, so that reads answer from the
// final state.
func (h *Hub) read(f func()) { h.readAs(f, true) }

// look is read for the calls that only look at the hub itself (Stats,
// Info): they are not counted as outside calls, so that reading
// Stats.OutsideCalls does not change it.
func (h *Hub) look(f func()) { h.readAs(f, false) }

func (h *Hub) readAs(f func(), counted bool) {
	if h.current() != nil {
		f()
		raceReleaseHub(h)
		return
	}
	if err := h.callAs(func() error { f(); return nil }, counted); err == ErrClosed {
		// The loop has ended (or is ending): once it has, only outside
		// goroutines touch the hub's state, one at a time under afterMu,
		// and done's close orders them after the loop's last writes.
		<-h.done
		h.afterMu.Lock()
		defer h.afterMu.Unlock()
		f()
	}
}

// outcome carries the end of an outside call back to its goroutine.
type outcome struct {
	err   error
	panic any
}

// call runs f in a fresh greenlet of h for an outside goroutine and waits for
// it: this is how plain goroutines (inside net/http, say) use green
// primitives, blocking only themselves. It returns ErrClosed if the hub is
// closed or closes meanwhile.
func (h *Hub) call(f func() error) error { return h.callAs(f, true) }

// callAs is call; counted says whether Stats counts it in OutsideCalls and
// OutsideWaiting.
func (h *Hub) callAs(f func() error, counted bool) error {
	if counted {
		h.stats.addOutside()
		h.stats.outWait.Add(1)
		defer h.stats.outWait.Add(-1)
	}
	done := make(chan outcome, 1)
	ok := h.post(func() {
		g := h.newGreenlet(func() (any, error) {
			sent := false
			defer func() {
				if sent {
					return
				}
				switch p := recover().(type) {
				case nil:
					done <- outcome{err: errGoexit}
				case unwind:
					if p.err == errKill {
						done <- outcome{err: ErrClosed}
					} else {
						done <- outcome{err: p.err}
					}
				default:
					done <- outcome{panic: p}
				}
			}()
			err := f()
			sent = true
			done <- outcome{err: err}
			return nil, nil
		})
		g.SetName("outside call")
		g.ext().outside = true
		h.enqueue(g)
	})
	if !ok {
		return ErrClosed
	}
	o := <-done
	if o.panic != nil {
		panic(o.panic)
	}
	return o.err
}
