package sim

import (
	"errors"
	"time"

	"github.com/greenshim/greenshim/green"
)

// The world keeps its own queue of timed events (deliveries, deadlines,
// the end of a clog), in world time, ties broken by the order they were
// added. One driver runs them as their time comes: with Mode Greenlets a
// greenlet of the world's hub sleeping on a green.Waiter until the next
// event (so the events are timers of the hub, and virtual time jumps to
// them); with Mode Goroutines one time.Timer, whose function runs the due
// events on a goroutine of its own (in a synctest bubble, the bubble's).
// Events run under the world's lock and never wait.

type event struct {
	at  int64  // world time
	seq uint64 // order added
	idx int    // in the heap, or -1
	fn  func() // runs under w.mu
}

type eventHeap []*event

func (h eventHeap) less(i, j int) bool {
	return h[i].at < h[j].at || h[i].at == h[j].at && h[i].seq < h[j].seq
}

func (h eventHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}

func (h *eventHeap) push(e *event) {
	e.idx = len(*h)
	*h = append(*h, e)
	h.up(e.idx)
}

func (h *eventHeap) remove(e *event) {
	i := e.idx
	if i < 0 {
		return
	}
	last := len(*h) - 1
	if i != last {
		h.swap(i, last)
	}
	(*h)[last] = nil
	*h = (*h)[:last]
	e.idx = -1
	if i != last {
		if !h.down(i) {
			h.up(i)
		}
	}
}

func (h eventHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h eventHeap) down(i int) bool {
	i0 := i
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			break
		}
		h.swap(i, m)
		i = m
	}
	return i > i0
}

// atLocked schedules fn at world time at and returns its event.
func (w *World) atLocked(at int64, fn func()) *event {
	w.eseq++
	e := &event{at: at, seq: w.eseq, fn: fn}
	if w.closed {
		e.idx = -1
		return e
	}
	w.events.push(e)
	w.armLocked(at)
	return e
}

// cancelLocked drops e if it has not run (or Close has not dropped it:
// then its idx is -1 already).
func (w *World) cancelLocked(e *event) {
	if e != nil {
		w.events.remove(e)
	}
}

// runDueLocked runs every event due at now, in order, including those
// they add for now.
func (w *World) runDueLocked(now int64) {
	for len(w.events) > 0 && w.events[0].at <= now {
		e := w.events[0]
		w.events.remove(e)
		e.fn()
	}
}

// armLocked makes the driver run the events due at world time at.
func (w *World) armLocked(at int64) {
	if w.hub != nil {
		switch {
		case !w.drvOn:
			w.drvOn, w.drvAt = true, at
			w.hub.Spawn(w.drive).SetName("sim driver")
		case at < w.drvAt:
			w.drvAt = at
			w.drv.Wake()
		}
		return
	}
	if w.armed && w.timerAt <= at {
		return
	}
	d := time.Duration(at - w.now())
	w.armed, w.timerAt = true, at
	if w.timer == nil {
		w.timer = time.AfterFunc(d, w.fire)
	} else {
		w.timer.Reset(d)
	}
}

// drive is the driver greenlet of a world of greenlets: it runs the due
// events and sleeps on the hub's clock until the next, or ends when there
// is none (armLocked starts another).
func (w *World) drive() error {
	onLife.Set(nil) // not of the life of the greenlet that armed it: a crash must not kill it
	w.mu.Lock()
	locked := true
	defer func() {
		if !locked { // a kill (the hub closes) unwinds from the wait
			w.mu.Lock()
		}
		w.drvOn = false
		w.unlockRun()
	}()
	for !w.closed {
		now := w.now()
		w.runDueLocked(now)
		if len(w.events) == 0 {
			return nil
		}
		next := w.events[0].at
		w.drvAt = next
		w.drv.Reset()
		w.unlockRun()
		locked = false
		err := w.drv.WaitTimeout(time.Duration(next - now))
		w.mu.Lock()
		locked = true
		if err != nil && !errors.Is(err, green.ErrTimeout) {
			return err // the hub is closing, or deadlocked
		}
	}
	return nil
}

// fire is the timer's function in a world of goroutines.
func (w *World) fire() {
	w.mu.Lock()
	defer w.unlockRun()
	w.armed = false
	if w.closed {
		return
	}
	w.runDueLocked(w.now())
	if len(w.events) > 0 {
		w.armLocked(w.events[0].at)
	}
}
