package green

import "time"

// waitSet is the state of one Wait, IWait or JoinAll: every object is
// looked at once and, if not ready, gets one notifier, which appends it to
// ready when it becomes ready. The waiter takes ready objects from the
// front, however many at a time, so that handing n objects out one by one
// costs O(n) in all, not a fresh scan and n links per object. Hub context
// throughout; the fields persist between the calls of an IWait from
// outside the hub.
//
// The set keeps its own copy of the objects (the caller's slice may change
// while it waits: an IWait's loop body runs in between) and, for the rest,
// indices into it: JoinAll's greenlets need no []Waitable made of them,
// and ready, which every end appends to, holds no pointers for the GC to
// scan or write barriers to record. (A set of 2^31 objects would need 2^31
// greenlets or Events.)
type waitSet struct {
	h     *Hub
	objs  waitables
	ready []int32 // objs' indices, in the order they became ready; ready[taken:] not handed out yet
	taken int
	notes []notifier // one per object not ready at link time, linked to it
	c     *Greenlet  // parked in await until len(ready) >= want
	want  int
}

// waitables is the list of objects a waitSet watches. Each method is one
// dynamic call: JoinAll's greenletList does the work on *Greenlet directly.
type waitables interface {
	len() int
	at(i int) Waitable
	ready(i int) bool
	link(i int, n *notifier)
	unlink(i int, n *notifier)
}

type waitableList []Waitable

func (l waitableList) len() int                  { return len(l) }
func (l waitableList) at(i int) Waitable         { return l[i] }
func (l waitableList) ready(i int) bool          { return l[i].waitReady() }
func (l waitableList) link(i int, n *notifier)   { l[i].waitLink(n) }
func (l waitableList) unlink(i int, n *notifier) { l[i].waitUnlink(n) }

type greenletList []*Greenlet

func (l greenletList) len() int                  { return len(l) }
func (l greenletList) at(i int) Waitable         { return l[i] }
func (l greenletList) ready(i int) bool          { return l[i].waitReady() }
func (l greenletList) link(i int, n *notifier)   { l[i].waitLink(n) }
func (l greenletList) unlink(i int, n *notifier) { l[i].waitUnlink(n) }

// link looks at each of objs, in order: a ready one joins ready, the
// others are watched. With c nil (the hub has closed) it only looks.
//
// One pass: notes gets room for every object up front, since a notifier
// must not move once linked.
func (s *waitSet) link(objs waitables, c *Greenlet) {
	n := objs.len()
	s.h, s.objs = objs.at(0).waitHub(), objs
	s.ready = make([]int32, 0, n)
	if c != nil {
		s.notes = make([]notifier, 0, n)
	}
	for i := range n {
		switch {
		case objs.ready(i):
			s.ready = append(s.ready, int32(i))
		case c != nil:
			s.notes = append(s.notes, notifier{set: s, i: int32(i)})
			objs.link(i, &s.notes[len(s.notes)-1])
			s.h.links++
		}
	}
}

// unlink takes every notifier that has not run off its object. One that
// has run is off already, and its object is not touched again: a JoinAll
// of many greenlets would otherwise read each one's record once more.
func (s *waitSet) unlink() {
	for k := range s.notes {
		if n := &s.notes[k]; !n.fired {
			s.objs.unlink(int(n.i), n)
		}
	}
	s.notes = nil
}

// fire is a notifier's: object i has become ready.
func (s *waitSet) fire(i int32) {
	s.ready = append(s.ready, i)
	if c := s.c; c != nil && len(s.ready) >= s.want && c.state == stWaiting {
		s.c = nil
		s.h.ready(c)
	}
}

// left is how many ready objects have not been handed out.
func (s *waitSet) left() int { return len(s.ready) - s.taken }

// take hands out the next ready object.
func (s *waitSet) take() Waitable {
	o := s.objs.at(int(s.ready[s.taken]))
	s.taken++
	return o
}

// all is Wait's wait, and JoinAll's without StopOnError: it waits in c
// until need objects are ready, and returns the indices of the first need
// of them, or of those ready when the wait ended otherwise. With c nil
// (the hub has closed) it only looks.
func (s *waitSet) all(c *Greenlet, need int, timeout time.Duration) ([]int32, error) {
	var err error
	if s.left() < need {
		if c == nil {
			err = ErrClosed
		} else {
			err = s.await(c, need, timeout)
		}
	}
	return s.ready[:min(need, len(s.ready))], err
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
