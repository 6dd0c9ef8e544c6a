package green

import "time"

// waitSet is the state of one Wait, IWait or JoinAll: every object is
// looked at once and, if not ready, gets one notifier, which appends it to
// ready when it becomes ready. The waiter takes ready objects from the
// front, however many at a time, so that handing n objects out one by one
// costs O(n) in all, not a fresh scan and n links per object. Hub context
// throughout; the fields persist between the calls of an IWait from
// outside the hub.
type waitSet struct {
	h     *Hub
	ready []Waitable // in the order they became ready; ready[taken:] not handed out yet
	taken int
	pend  []Waitable // not ready at link time, each with notes[i] linked
	notes []notifier
	c     *Greenlet // parked in await until len(ready) >= want
	want  int
}

// link looks at each of objs, in argument order: a ready one joins ready,
// the others are watched. With c nil (the hub has closed) it only looks.
func (s *waitSet) link(objs []Waitable, c *Greenlet) {
	s.h = objs[0].waitHub()
	s.ready = make([]Waitable, 0, len(objs))
	for _, o := range objs {
		if o.waitReady() {
			s.ready = append(s.ready, o)
		} else if c != nil {
			s.pend = append(s.pend, o)
		}
	}
	s.notes = make([]notifier, len(s.pend))
	for i, o := range s.pend {
		s.notes[i] = notifier{set: s, obj: o}
		o.waitLink(&s.notes[i])
		s.h.links++
	}
}

// unlink takes every notifier off its object (a fired one is gone already).
func (s *waitSet) unlink() {
	for i, o := range s.pend {
		o.waitUnlink(&s.notes[i])
	}
	s.pend, s.notes = nil, nil
}

// fire is a notifier's: o has become ready.
func (s *waitSet) fire(o Waitable) {
	s.ready = append(s.ready, o)
	if c := s.c; c != nil && len(s.ready) >= s.want && c.state == stWaiting {
		s.c = nil
		s.h.ready(c)
	}
}

// left is how many ready objects have not been handed out.
func (s *waitSet) left() int { return len(s.ready) - s.taken }

// take hands out the next ready object.
func (s *waitSet) take() Waitable {
	o := s.ready[s.taken]
	s.ready[s.taken] = nil
	s.taken++
	return o
}

// await parks c until at least n ready objects have not been handed out,
// or timeout passes (zero: no bound; negative: do not park), which returns
// a *TimeoutError. Other errors are the park's.
func (s *waitSet) await(c *Greenlet, n int, timeout time.Duration) error {
	if s.left() >= n {
		return nil
	}
	if timeout < 0 {
		return &TimeoutError{After: timeout}
	}
	h := s.h
	s.c, s.want = c, s.taken+n
	if timeout > 0 {
		c.sleep.g, c.sleep.f = c, nil
		h.addTimer(&c.sleep, h.after(timeout))
	}
	err := c.park("wait")
	s.c = nil
	if c.sleep.armed() {
		h.timers.remove(&c.sleep)
	}
	if err == nil && s.left() < n {
		err = &TimeoutError{After: timeout}
	}
	return err
}
