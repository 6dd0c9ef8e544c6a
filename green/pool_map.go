package green

import (
	"iter"
	"slices"
)

// Map calls f on every item, each call in a new greenlet of p (so at most
// p's size at once for a Pool), waits for them all and returns their results
// in the order of items, as gevent's Pool.map. The error is that of the
// first item, in order, whose call failed (a call that panicked fails with a
// *PanicError, one killed with ErrKilled), or the error that ended the wait;
// every call runs regardless.
func Map[In, Out any](p Spawner, items []In, f func(In) (Out, error)) ([]Out, error) {
	if p == nil {
		panic("green: Map on a nil Spawner")
	}
	if f == nil {
		panic("green: Map of a nil function")
	}
	out := make([]Out, 0, len(items))
	var first error
	for v, err := range Imap(p, slices.Values(items), f) {
		if err != nil && first == nil {
			first = err
		}
		out = append(out, v)
	}
	if len(out) < len(items) {
		// The wait itself failed (a timeout, a deadlock): Imap yielded
		// that error and stopped.
		out = append(out, make([]Out, len(items)-len(out))...)
	}
	return out, first
}

// Imap is Map as an iterator, gevent's Pool.imap: it starts calls as p has
// room while the caller consumes results, and yields each result with its
// error in the order of items. If the wait for a result fails (a timeout,
// a deadlock, a closed hub) or feeding the items does (the iterator
// panicked), Imap yields that error with a zero result and stops. If the caller stops early, the calls still running and the
// feeding of items are killed before Imap returns.
func Imap[In, Out any](p Spawner, items iter.Seq[In], f func(In) (Out, error)) iter.Seq2[Out, error] {
	return imap(p, items, f, true)
}

// ImapUnordered is Imap yielding results in the order the calls end,
// gevent's Pool.imap_unordered.
func ImapUnordered[In, Out any](p Spawner, items iter.Seq[In], f func(In) (Out, error)) iter.Seq2[Out, error] {
	return imap(p, items, f, false)
}

// result is one call's outcome; i < 0 marks the end of the items, n being
// their number (and err the feeder's failure, if any).
type result[Out any] struct {
	i, n int
	v    Out
	err  error
}

func imap[In, Out any](p Spawner, items iter.Seq[In], f func(In) (Out, error), ordered bool) iter.Seq2[Out, error] {
	if f == nil {
		panic("green: Imap of a nil function")
	}
	if items == nil {
		panic("green: Imap of a nil iterator")
	}
	if p == nil {
		panic("green: Imap on a nil Spawner")
	}
	g := p.group() // a nil *Pool or *Group panics here, at the call
	return func(yield func(Out, error) bool) {
		h := g.b.hub()
		// Calls report through an unbounded queue, from the hub-context
		// note that runs when their greenlet ends, however it ends: a
		// panicking or killed call cannot leave the consumer waiting.
		results := new(Queue[result[Out]]).Bind(h)
		var tasks []*Greenlet // written by the feeder, read once it has ended
		n := 0                // items fed; hub-only
		feed := func() (any, error) {
			c := h.current()
			for it := range items {
				i := n
				n++
				gr, err := g.spawn(c, func() (any, error) { return f(it) }, funcPC(f), func(gr *Greenlet) {
					r := result[Out]{i: i, err: gr.err}
					if v, ok := gr.value.(Out); ok {
						r.v = v
					}
					if gr.killed {
						r.err = ErrKilled
					}
					results.q.put(nil, fifo, r, nowait, 0)
				})
				if err != nil {
					return nil, err
				}
				tasks = append(tasks, gr)
			}
			return nil, nil
		}
		// The feeder reports the end of the items (or its failure: the
		// iterator panicked, a wait for a slot failed) when it ends,
		// however it ends.
		var feeder *Greenlet
		var zero Out
		if !h.do(func() {
			feeder = h.newGreenlet(feed)
			feeder.SetName("Imap feeder")
			h.enqueue(feeder)
			feeder.addNote(&notifier{f: func() {
				results.q.put(nil, fifo, result[Out]{i: -1, n: n, err: feeder.err}, nowait, 0)
			}})
		}) {
			yield(zero, ErrClosed)
			return
		}
		stopped := false
		stop := func() {
			stopped = true
			feeder.Kill()
			KillAll(tasks...)
		}
		// If the caller unwinds out of its loop body (a kill, a Timeout),
		// the calls are killed without waiting for them: waiting in an
		// unwind could itself be interrupted.
		defer func() {
			if stopped {
				return
			}
			h.do(func() {
				h.kill(feeder, h.current())
				for _, t := range tasks {
					h.kill(t, h.current())
				}
			})
		}()
		pending := map[int]result[Out]{}
		next, total := 0, -1
		for total < 0 || next < total {
			if r, ok := pending[next]; ok {
				delete(pending, next)
				next++
				if !yield(r.v, r.err) {
					stop()
					return
				}
				continue
			}
			r, err := results.Get()
			if err != nil {
				stop()
				yield(zero, err)
				return
			}
			switch {
			case r.i < 0 && r.err != nil:
				stop()
				yield(zero, r.err)
				return
			case r.i < 0:
				total = r.n
			case ordered:
				pending[r.i] = r
			default:
				next++
				if !yield(r.v, r.err) {
					stop()
					return
				}
			}
		}
		stopped = true
		feeder.Join()
	}
}
