// Package primitives is the body of the example command primitives (examples/primitives),
// kept importable so that the tour can run it too. See that command.
package primitives

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/greenshim/greenshim/green"
)

func Run(w io.Writer) error {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	start := h.Now()
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "  %4.1fs %s\n", h.Now().Sub(start).Seconds(), fmt.Sprintf(format, args...))
	}
	return h.Run(func() error {
		for _, demo := range []struct {
			name string
			f    func(h *green.Hub, say func(string, ...any)) error
		}{
			{"Lock", lock}, {"RLock", rlock}, {"Semaphore", semaphore}, {"BoundedSemaphore", bounded},
			{"Event", event}, {"Condition", condition}, {"Timer", timer}, {"Queues", queues},
		} {
			fmt.Fprintf(w, "== %s\n", demo.name)
			if err := demo.f(h, say); err != nil {
				return fmt.Errorf("%s: %w", demo.name, err)
			}
		}
		return nil
	})
}

// joinAll spawns each f in a greenlet and waits for them all.
func joinAll(h *green.Hub, fs ...func() error) error {
	var g green.Group
	g.Bind(h)
	for _, f := range fs {
		g.Spawn(f)
	}
	return g.Join()
}

// lock: three greenlets take turns in a critical section that sleeps.
func lock(h *green.Hub, say func(string, ...any)) error {
	var l green.Lock
	l.Bind(h)
	worker := func(name string) func() error {
		return func() error {
			l.Lock()
			defer l.Unlock()
			say("%s holds the lock", name)
			h.Sleep(time.Second)
			return nil
		}
	}
	return joinAll(h, worker("a"), worker("b"), worker("c"))
}

// rlock: the owner takes it again without waiting for itself.
func rlock(h *green.Hub, say func(string, ...any)) error {
	var l green.RLock
	l.Bind(h)
	var depth func(n int)
	depth = func(n int) {
		l.Lock()
		defer l.Unlock()
		say("locked at depth %d", n)
		if n < 3 {
			depth(n + 1)
		}
	}
	depth(1)
	return nil
}

// semaphore: five greenlets, two permits: two at a time.
func semaphore(h *green.Hub, say func(string, ...any)) error {
	s := green.NewSemaphore(2).Bind(h)
	var fs []func() error
	for i := range 5 {
		fs = append(fs, func() error {
			s.Acquire()
			defer s.Release()
			say("worker %d in (%d permits left)", i, s.Available())
			h.Sleep(time.Second)
			return nil
		})
	}
	return joinAll(h, fs...)
}

// bounded: releasing more than was acquired is a bug, and it panics.
func bounded(h *green.Hub, say func(string, ...any)) (err error) {
	s := green.NewBoundedSemaphore(1).Bind(h)
	s.Acquire()
	s.Release()
	defer func() {
		if p := recover(); p != nil {
			say("release above the bound: panic %q", p)
		} else {
			err = errors.New("release above the bound did not panic")
		}
	}()
	s.Release()
	return nil
}

// event: three waiters wake together when it is set.
func event(h *green.Hub, say func(string, ...any)) error {
	var e green.Event
	e.Bind(h)
	var fs []func() error
	for i := range 3 {
		fs = append(fs, func() error {
			if err := e.Wait(); err != nil {
				return err
			}
			say("waiter %d woke", i)
			return nil
		})
	}
	fs = append(fs, func() error {
		h.Sleep(2 * time.Second)
		say("setting the event")
		e.Set()
		return nil
	})
	return joinAll(h, fs...)
}

// condition: a consumer waits until the producer has made three items.
func condition(h *green.Hub, say func(string, ...any)) error {
	var c green.Condition
	c.Bind(h)
	items := 0
	return joinAll(h,
		func() error {
			c.Lock()
			defer c.Unlock()
			for items < 3 {
				c.Wait()
			}
			say("consumer sees %d items", items)
			return nil
		},
		func() error {
			for range 3 {
				h.Sleep(time.Second)
				c.Lock()
				items++
				say("produced item %d", items)
				c.NotifyAll()
				c.Unlock()
			}
			return nil
		})
}

// timer: a function runs after a delay; one cancelled in time never does.
func timer(h *green.Hub, say func(string, ...any)) error {
	fired := h.SpawnLater(1500*time.Millisecond, func() error { say("timer fired"); return nil })
	cancelled := h.SpawnLater(time.Second, func() error { say("cancelled timer fired"); return nil })
	cancelled.Kill()
	say("cancelled a timer before it fired")
	return fired.Join()
}

// queues: the order each kind hands out 3, 1, 2.
func queues(h *green.Hub, say func(string, ...any)) error {
	in := []int{3, 1, 2}
	type queue interface {
		Put(int) error
		Get() (int, error)
	}
	for _, q := range []struct {
		name string
		q    queue
	}{
		{"Queue", green.NewQueue[int](0).Bind(h)},
		{"LifoQueue", green.NewLifoQueue[int](0).Bind(h)},
		{"PriorityQueue", green.NewPriorityQueue[int](0).Bind(h)},
	} {
		for _, v := range in {
			if err := q.q.Put(v); err != nil {
				return err
			}
		}
		var out []int
		for range in {
			v, err := q.q.Get()
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		say("%-13s put %v, got %v", q.name, in, out)
	}

	// JoinableQueue: Join waits until every item put has been marked done.
	jq := green.NewJoinableQueue[int](0).Bind(h)
	h.Spawn(func() error {
		for {
			v, err := jq.Get()
			if err != nil {
				return err
			}
			h.Sleep(time.Duration(v) * time.Second)
			jq.TaskDone()
		}
	})
	for _, v := range in {
		if err := jq.Put(v); err != nil {
			return err
		}
	}
	if err := jq.Join(); err != nil {
		return err
	}
	say("JoinableQueue: all %d tasks done", len(in))

	// Channel: no buffer; a Put waits for a Get.
	ch := green.NewChannel[string]().Bind(h)
	getter := h.Spawn(func() error {
		h.Sleep(time.Second)
		v, err := ch.Get()
		say("Channel: got %q", v)
		return err
	})
	if err := ch.Put("hello"); err != nil {
		return err
	}
	say("Channel: Put returned once the getter took it")
	return getter.Join()
}
