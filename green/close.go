package green

// Close stops h: greenlets not yet started never run, and every other one is
// killed (it unwinds from its wait point, running its deferred calls); then,
// once thread-pool jobs and native regions in flight have returned, the
// hub's goroutines end. Close waits for all of that and leaves no goroutine
// of h running; so a greenlet blocked natively (holding the hub) or a native
// job that never returns keeps Close waiting too. The hub's idle coroutines
// go to the list all hubs share (see the package doc, # Scheduling): the
// next hub runs its greenlets on them, and those no hub takes end within
// 100ms. Later operations on h fail
// with ErrClosed or do nothing, and reads answer from its final state (see
// the package doc, # Lifecycle). Close must not be called from a greenlet
// of h; calling it again is a no-op.
func (h *Hub) Close() {
	if h.current() != nil {
		panic("green: Close called from a greenlet of its own hub")
	}
	h.post(func() {
		if h.tr != nil && !h.closing {
			h.traceClose()
		}
		h.closing = true
	})
	<-h.done
}

// Closed reports whether h has been closed.
func (h *Hub) Closed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// killAll kills every live greenlet that waits, is suspended or has not
// started; it reports whether it killed any. Hub context, closing.
func (h *Hub) killAll() bool {
	h.acting = actHub
	defer func() { h.acting = actNone }()
	var gs []*Greenlet
	for g := h.all.head; g != nil; g = g.anext {
		switch g.state {
		case stNew, stWaiting, stSuspended:
			gs = append(gs, g)
		}
	}
	for _, g := range gs {
		if g.state == stNew && g.x != nil && g.x.outside {
			continue // it is in startq and will report ErrClosed
		}
		h.kill(g, nil)
	}
	return len(gs) > 0
}

// shutdown ends the hub once nothing is left: it refuses new posts, runs
// those that raced in (reporting false so the loop goes round again), and
// otherwise releases every goroutine the hub owns. Hub context.
func (h *Hub) shutdown() bool {
	h.mu.Lock()
	h.closed = true
	in := h.inbox
	h.inbox = nil
	h.pending.Store(false)
	h.mu.Unlock()
	if len(in) > 0 {
		h.acting = actOutside
		for _, f := range in {
			f()
		}
		h.acting = actNone
		return false
	}
	h.trimWorkers(0)
	h.timers.reset()
	h.monitor.close()
	if h.uring != nil {
		h.uring.shut()
	}
	shutPoller(h)
	removeHub(h)
	return true
}
