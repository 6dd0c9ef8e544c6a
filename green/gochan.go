package green

import (
	"reflect"
	"sync"
)

// Go channels are native: a greenlet that blocks on one holds the hub. Recv,
// Send and Select wait on them cooperatively instead: when the operation
// cannot proceed at once, a helper goroutine waits on the channel while the
// greenlet parks and the others run. While such a wait is in flight the hub
// neither declares a deadlock nor jumps virtual time, since a plain
// goroutine may feed the channel. Called from an outside goroutine they are
// the plain channel operations.
//
// A Timeout, context or kill ends the wait. If the channel operation
// completed concurrently with a timeout, the operation stands and is
// returned without error, so that no value is lost; a killed greenlet
// unwinds and a value received at that moment is lost.

// Recv receives from ch as `v, ok := <-ch`, cooperatively.
func Recv[T any](ch <-chan T) (v T, ok bool, err error) {
	h := callerHub()
	if h == nil {
		v, ok = <-ch
		return v, ok, nil
	}
	select {
	case v, ok = <-ch:
		return v, ok, nil
	default:
	}
	// A channel the hub feeds itself (a virtual-time Time's timers and
	// contexts) gets its value from the hub, not from a helper goroutine.
	if v, ok, err, handled := recvHubChan(h, ch); handled {
		return v, ok, err
	}
	err = h.current().chanWait("chan receive", func(cancel <-chan struct{}) bool {
		select {
		case v, ok = <-ch:
			return true
		case <-cancel:
			return false
		}
	})
	return v, ok, err
}

// Send sends v on ch as `ch <- v`, cooperatively.
func Send[T any](ch chan<- T, v T) error {
	h := callerHub()
	if h == nil {
		ch <- v
		return nil
	}
	select {
	case ch <- v:
		return nil
	default:
	}
	return h.current().chanWait("chan send", func(cancel <-chan struct{}) bool {
		select {
		case ch <- v:
			return true
		case <-cancel:
			return false
		}
	})
}

// Select is reflect.Select, cooperatively: it returns the chosen case, the
// value received (for a receive case) and whether it was a real receive. A
// default case (reflect.SelectDefault) makes it non-blocking.
func Select(cases ...reflect.SelectCase) (chosen int, recv reflect.Value, recvOK bool, err error) {
	h := callerHub()
	if h == nil {
		chosen, recv, recvOK = reflect.Select(cases)
		return chosen, recv, recvOK, nil
	}
	poll := append(cases[:len(cases):len(cases)], reflect.SelectCase{Dir: reflect.SelectDefault})
	for _, c := range cases {
		if c.Dir == reflect.SelectDefault {
			poll = cases
			break
		}
	}
	if chosen, recv, recvOK = reflect.Select(poll); chosen < len(cases) {
		return chosen, recv, recvOK, nil
	}
	err = h.current().chanWait("chan select", func(cancel <-chan struct{}) bool {
		all := append(cases[:len(cases):len(cases)], reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(cancel)})
		chosen, recv, recvOK = reflect.Select(all)
		return chosen < len(cases)
	})
	return chosen, recv, recvOK, err
}

// chanWait parks g while op runs on a helper goroutine; op reports whether
// it completed (true) or saw cancel closed (false). Hub context, on g.
func (g *Greenlet) chanWait(what string, op func(cancel <-chan struct{}) bool) (err error) {
	h := g.h
	cancel := make(chan struct{})
	fin := make(chan struct{})
	var got bool       // written by the helper before it closes fin
	abandoned := false // hub-only: g stopped waiting
	counted := true    // hub-only: h.ext counts this wait
	uncount := func() {
		if counted {
			counted = false
			h.ext--
		}
	}
	h.ext++
	go func() {
		got = op(cancel)
		close(fin)
		h.post(func() {
			uncount()
			if !abandoned && g.state == stWaiting {
				h.ready(g)
			}
		})
	}()
	finished := false
	defer func() {
		if finished {
			return
		}
		// Interrupted (an error or an unwinding kill): call the helper
		// off and wait for it, natively but briefly (it is in a select
		// that includes cancel), to learn whether the operation happened.
		abandoned = true
		close(cancel)
		<-fin
		uncount()
		if got && err != nil {
			err = nil
		}
	}()
	err = g.park(what)
	if err == nil {
		finished = true
	}
	return err
}

// Hold tells h that outside goroutines may still wake its greenlets (set an
// Event, put on a Queue): until release is called, h neither declares a
// deadlock nor jumps virtual time. release may be called more than once,
// from any goroutine; only the first call counts.
func (h *Hub) Hold() (release func()) {
	h.do(func() { h.holds++ })
	var once sync.Once
	return func() {
		once.Do(func() { h.post(func() { h.holds-- }) })
	}
}
