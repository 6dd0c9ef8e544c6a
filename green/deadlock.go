package green

// deadlock is called when nothing can ever wake a parked greenlet again: no
// greenlet is runnable, no timer is armed and no outside work (thread-pool
// job, native region, Go-channel wait, hold) is in flight. It wakes the
// blocked greenlets with a *DeadlockError naming all of them and what each
// waits on, and reports whether there were any. Hub context.
//
// A spawned greenlet suspended in a raw Switch counts as blocked; a raw
// greenlet suspended in one does not.
//
// Greenlets running outside goroutines' calls are woken only when no other
// greenlet is blocked: an outside goroutine joining the main greenlet (Run)
// should see main's reaction to the deadlock, not the deadlock itself.
func (h *Hub) deadlock() bool {
	var inside, outside []*Greenlet
	var names []BlockedGreenlet
	for g := h.all.head; g != nil; g = g.anext {
		if g.state != stWaiting && g.state != stSuspended {
			continue
		}
		if g.state == stSuspended && g.x != nil && g.x.raw != nil {
			// A raw greenlet suspended in Switch is like an unfinished
			// generator: nothing waits for it to run, and no one is
			// stuck because it does not.
			continue
		}
		names = append(names, BlockedGreenlet{Name: g.Name(), WaitsOn: g.describeWait()})
		if g.x != nil && g.x.outside {
			outside = append(outside, g)
		} else {
			inside = append(inside, g)
		}
	}
	if len(names) == 0 {
		return false
	}
	// h.all is newest first; report oldest first.
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	wake := inside
	if len(wake) == 0 {
		wake = outside
	}
	h.stats.Deadlocks++
	h.acting = actHub
	defer func() { h.acting = actNone }()
	err := &DeadlockError{Blocked: names}
	// Newest first: a greenlet runs before the older ones that wait for
	// it, and so can react (return the error) before they resume.
	for _, g := range wake {
		h.interrupt(g, err)
	}
	return true
}
