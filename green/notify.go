package green

// notifier is a callback an object (a greenlet, an Event, an AsyncResult)
// runs, in hub context, when it becomes ready; Wait and IWait use them to
// wait on several objects at once, since a greenlet can be parked in only
// one waitq. Either f is set, or set and i, the object's index in the
// set: a wait set's notifiers are allocated together, one slice per wait,
// without a closure each.
type notifier struct {
	f     func()
	set   *waitSet
	i     int32
	fired bool // a wait set's: it has run, and its object has let go of it
}

// run runs n. Hub context.
func (n *notifier) run() {
	if n.f != nil {
		n.f()
		return
	}
	n.fired = true
	n.set.fire(n.i)
}

// notify runs and clears every notifier in *ns. Hub context.
func notify(ns *[]*notifier) {
	l := *ns
	*ns = nil
	for _, n := range l {
		n.run()
	}
}

// unlinkNote removes n from *ns. Hub context.
func unlinkNote(ns *[]*notifier, n *notifier) {
	l := *ns
	for i, m := range l {
		if m == n {
			copy(l[i:], l[i+1:])
			l[len(l)-1] = nil
			*ns = l[:len(l)-1]
			return
		}
	}
}
