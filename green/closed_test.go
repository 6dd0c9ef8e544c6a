package green_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// closedWorld is a hub closed with one primitive of each kind bound to it,
// each in a state in which its operations would succeed on an open hub.
type closedWorld struct {
	h                  *green.Hub
	ended              *green.Greenlet // ended with errBoom before Close
	set, unset         *green.Event
	done, empty        *green.AsyncResult
	queues             map[string]putGetter // each unbounded, holding one item
	jq                 *green.JoinableQueue[int]
	sem                *green.Semaphore        // 2 permits free
	bsem               *green.BoundedSemaphore // bound 2, one acquired
	free, held         *green.Lock
	rl                 *green.RLock
	mu                 *sync.Mutex
	cond               *green.Condition // on mu
	group              *green.Group
	pool               *green.Pool
	ranAfterClose      func() bool // whether a function given after Close ran
	markRanAfterClosed func()
}

var errBoom = errors.New("boom")

func newClosedWorld(t *testing.T) *closedWorld {
	h := green.New(green.Options{MaxBlockingTime: -1})
	w := &closedWorld{
		h:     h,
		set:   new(green.Event).Bind(h),
		unset: new(green.Event).Bind(h),
		done:  new(green.AsyncResult).Bind(h),
		empty: new(green.AsyncResult).Bind(h),
		jq:    green.NewJoinableQueue[int](0).Bind(h),
		sem:   green.NewSemaphore(2).Bind(h),
		bsem:  green.NewBoundedSemaphore(2).Bind(h),
		free:  new(green.Lock).Bind(h),
		held:  new(green.Lock).Bind(h),
		rl:    new(green.RLock).Bind(h),
		mu:    new(sync.Mutex),
		group: new(green.Group).Bind(h),
		pool:  green.NewPool(2).Bind(h),
	}
	w.cond = green.NewCondition(w.mu).Bind(h)
	w.queues = map[string]putGetter{
		"Queue":         green.NewQueue[int](0).Bind(h),
		"LifoQueue":     green.NewLifoQueue[int](0).Bind(h),
		"PriorityQueue": green.NewPriorityQueue[int](0).Bind(h),
		"JoinableQueue": w.jq,
		"Channel":       green.NewChannel[int]().Bind(h),
	}
	var ranMu sync.Mutex
	ran := false
	w.markRanAfterClosed = func() { ranMu.Lock(); ran = true; ranMu.Unlock() }
	w.ranAfterClose = func() bool { ranMu.Lock(); defer ranMu.Unlock(); return ran }

	w.ended = h.Spawn(func() error { return errBoom })
	if err := w.ended.Join(); !errors.Is(err, errBoom) {
		t.Fatalf("Join = %v", err)
	}
	w.set.Set()
	w.done.Set(7)
	for name, q := range w.queues {
		if name != "Channel" {
			if err := q.Put(1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !w.bsem.TryAcquire() || !w.held.TryLock() {
		t.Fatal("TryAcquire or TryLock failed on an open hub")
	}
	closeHub(t, h)
	return w
}

// fn is a function given to the closed hub: it must never run.
func (w *closedWorld) fn() error { w.markRanAfterClosed(); return nil }

// Every operation on a closed hub that would change a primitive's state or
// wait for one to change returns ErrClosed, and runs nothing.
func TestHub_ClosedOperationsReturnErrClosed(t *testing.T) {
	w := newClosedWorld(t)
	h := w.h
	type tc struct {
		name string
		op   func() error
	}
	cases := []tc{
		{"JoinableQueue.Join", w.jq.Join},
		{"JoinableQueue.JoinTimeout", func() error { return w.jq.JoinTimeout(time.Second) }},
		{"Semaphore.AcquireTimeout", func() error { return w.sem.AcquireTimeout(time.Second) }},
		{"BoundedSemaphore.AcquireTimeout", func() error { return w.bsem.AcquireTimeout(time.Second) }},
		{"Lock.LockTimeout", func() error { return w.free.LockTimeout(time.Second) }},
		{"RLock.LockTimeout", func() error { return w.rl.LockTimeout(time.Second) }},
		{"Condition.WaitTimeout", func() error {
			w.mu.Lock()
			defer w.mu.Unlock() // still held: Wait gave up before releasing it
			return w.cond.WaitTimeout(time.Second)
		}},
		{"Event.Wait", w.unset.Wait},
		{"Event.WaitTimeout", func() error { return w.unset.WaitTimeout(time.Second) }},
		{"AsyncResult.Get", func() error { _, err := w.empty.Get(); return err }},
		{"AsyncResult.GetTimeout", func() error { _, err := w.empty.GetTimeout(time.Second); return err }},
		{"AsyncResult.Wait", w.empty.Wait},
		{"Wait", func() error { _, err := green.Wait([]green.Waitable{w.unset}, green.WaitOptions{}); return err }},
		{"Hub.Spawn", func() error { return h.Spawn(w.fn).Join() }},
		{"Hub.SpawnValue", func() error { return h.SpawnValue(func() (any, error) { return nil, w.fn() }).Join() }},
		{"Hub.SpawnLater", func() error { return h.SpawnLater(0, w.fn).Join() }},
		{"Hub.Raw", func() error { return h.Raw(func(any) (any, error) { return nil, w.fn() }).Err() }},
		{"Hub.Run", func() error { return h.Run(w.fn) }},
		{"Hub.WithTimeout", func() error { return h.WithTimeout(time.Second, w.fn) }},
		{"Hub.WithContext", func() error { return h.WithContext(context.Background(), w.fn) }},
		{"ThreadPool.Apply", func() error {
			_, err := h.ThreadPool().Apply(func() (any, error) { return nil, w.fn() })
			return err
		}},
		{"ThreadPool.Spawn", func() error {
			_, err := h.ThreadPool().Spawn(func() (any, error) { return nil, w.fn() }).Get()
			return err
		}},
		{"ThreadPool.Map", func() error {
			_, err := h.ThreadPool().Map(2, func(int) (any, error) { return nil, w.fn() })
			return err
		}},
		{"Group.Spawn", func() error { return w.group.Spawn(w.fn).Join() }},
		{"Group.SpawnValue", func() error { return w.group.SpawnValue(func() (any, error) { return nil, w.fn() }).Join() }},
		{"Pool.Spawn", func() error { return w.pool.Spawn(w.fn).Join() }},
		{"Pool.SpawnValue", func() error { return w.pool.SpawnValue(func() (any, error) { return nil, w.fn() }).Join() }},
		{"Map", func() error {
			_, err := green.Map(w.pool, []int{1, 2}, func(int) (int, error) { return 0, w.fn() })
			return err
		}},
		{"Imap", func() error {
			for _, err := range green.Imap(w.pool, slices.Values([]int{1}), func(int) (int, error) { return 0, w.fn() }) {
				return err
			}
			return errors.New("Imap yielded nothing")
		}},
	}
	for _, name := range []string{"Queue", "LifoQueue", "PriorityQueue", "JoinableQueue", "Channel"} {
		q := w.queues[name]
		cases = append(cases,
			tc{name + ".Put", func() error { return q.Put(2) }},
			tc{name + ".TryPut", func() error { return q.TryPut(2) }},
			tc{name + ".PutTimeout", func() error { return q.PutTimeout(2, time.Second) }},
			tc{name + ".Get", func() error { _, err := q.Get(); return err }},
			tc{name + ".TryGet", func() error { _, err := q.TryGet(); return err }},
			tc{name + ".GetTimeout", func() error { _, err := q.GetTimeout(time.Second); return err }},
		)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := within(t, c.name, c.op); !errors.Is(err, green.ErrClosed) {
				t.Errorf("%s on a closed hub = %v, want ErrClosed", c.name, err)
			}
		})
	}
	if w.ranAfterClose() {
		t.Error("a function given to the closed hub ran")
	}
	for name, q := range w.queues {
		if l, ok := q.(interface{ Len() int }); ok && l.Len() != 1 {
			t.Errorf("%s holds %d items after the failed operations, want the 1 it had", name, l.Len())
		}
	}
}

// The operations without an error result that change state do nothing on
// a closed hub; those that would wait, called from an outside goroutine,
// panic as when the hub closes during their wait; the Try forms fail.
func TestHub_ClosedOperationsWithoutErrorDoNothing(t *testing.T) {
	w := newClosedWorld(t)
	h := w.h
	noops := []struct {
		name  string
		op    func()
		check func() string // what is wrong afterwards, or ""
	}{
		{"Event.Set", w.unset.Set, func() string { return iff(w.unset.IsSet(), "the event is set") }},
		{"Event.Clear", w.set.Clear, func() string { return iff(!w.set.IsSet(), "the event is clear") }},
		{"AsyncResult.Set", func() { w.empty.Set(1) }, func() string { return iff(w.empty.Ready(), "it has a result") }},
		{"AsyncResult.SetErr", func() { w.empty.SetErr(errBoom) }, func() string { return iff(w.empty.Ready(), "it has a result") }},
		{"Semaphore.Release", w.sem.Release, func() string { return iff(w.sem.Available() != 2, "permits changed") }},
		{"Semaphore.TryAcquire", func() {
			if w.sem.TryAcquire() {
				t.Error("TryAcquire succeeded")
			}
		}, func() string { return iff(w.sem.Available() != 2, "permits changed") }},
		{"BoundedSemaphore.Release", w.bsem.Release, func() string { return iff(w.bsem.Available() != 1, "permits changed") }},
		{"BoundedSemaphore.TryAcquire", func() {
			if w.bsem.TryAcquire() {
				t.Error("TryAcquire succeeded")
			}
		}, func() string { return "" }},
		{"Lock.Unlock", w.held.Unlock, func() string { return iff(!w.held.Locked(), "the lock was unlocked") }},
		{"Lock.TryLock", func() {
			if w.free.TryLock() {
				t.Error("TryLock succeeded")
			}
		}, func() string { return iff(w.free.Locked(), "the lock is held") }},
		{"RLock.TryLock", func() {
			if w.rl.TryLock() {
				t.Error("TryLock succeeded")
			}
		}, func() string { return iff(w.rl.Locked(), "the lock is held") }},
		{"RLock.Unlock", w.rl.Unlock, func() string { return "" }},
		{"Condition.Notify", func() { w.cond.Notify(1) }, func() string { return "" }},
		{"Condition.NotifyAll", w.cond.NotifyAll, func() string { return "" }},
		{"JoinableQueue.TaskDone", w.jq.TaskDone, func() string { return iff(w.jq.Unfinished() != 1, "unfinished changed") }},
		{"Group.Add", func() { w.group.Add(w.ended) }, func() string { return iff(w.group.Len() != 0, "it has members") }},
		{"Pool.Discard", func() { w.pool.Discard(w.ended) }, func() string { return "" }},
		{"Greenlet.KillAsync", w.ended.KillAsync, func() string { return iff(w.ended.Killed(), "it was killed") }},
		{"Greenlet.Kill", w.ended.Kill, func() string { return iff(w.ended.Killed(), "it was killed") }},
		{"Greenlet.Link", func() { w.ended.Link(func(*green.Greenlet) { w.markRanAfterClosed() }) }, func() string { return "" }},
		{"Hub.Hold", func() { h.Hold()() }, func() string { return "" }},
		{"Hub.Sleep", func() { h.Sleep(time.Hour) }, func() string { return "" }},
	}
	for _, c := range noops {
		t.Run(c.name, func(t *testing.T) {
			if err := within(t, c.name, func() error { c.op(); return nil }); err != nil {
				t.Fatal(err)
			}
			if bad := c.check(); bad != "" {
				t.Errorf("%s on a closed hub did something: %s", c.name, bad)
			}
		})
	}
	panics := []struct {
		name string
		op   func()
	}{
		{"Lock.Lock", w.free.Lock},
		{"RLock.Lock", w.rl.Lock},
		{"Semaphore.Acquire", w.sem.Acquire},
		{"BoundedSemaphore.Acquire", w.bsem.Acquire},
		{"Condition.Wait", func() { w.mu.Lock(); defer w.mu.Unlock(); w.cond.Wait() }},
	}
	for _, c := range panics {
		t.Run(c.name, func(t *testing.T) {
			err := within(t, c.name, func() (err error) {
				defer func() { err = fmt.Errorf("%v", recover()) }()
				c.op()
				return nil
			})
			if !strings.HasPrefix(err.Error(), "green: ") || !strings.Contains(err.Error(), green.ErrClosed.Error()) {
				t.Errorf("%s from outside a closed hub panicked with %v, want a green: panic naming ErrClosed", c.name, err)
			}
		})
	}
	if w.ranAfterClose() {
		t.Error("a function given to the closed hub ran")
	}
}

// Reads, and waits for a state the hub reached before it closed, answer
// from the hub's final state.
func TestHub_ClosedReadsAnswer(t *testing.T) {
	w := newClosedWorld(t)
	h := w.h
	cases := []struct {
		name string
		got  func() any
		want any
	}{
		{"Greenlet.Join", func() any { return w.ended.Join() }, errBoom},
		{"Greenlet.Err", func() any { return w.ended.Err() }, errBoom},
		{"Greenlet.Ready", func() any { return w.ended.Ready() }, true},
		{"Event.Wait", func() any { return w.set.Wait() }, nil},
		{"Event.IsSet", func() any { return w.set.IsSet() }, true},
		{"AsyncResult.Get", func() any { v, _ := w.done.Get(); return v }, 7},
		{"Wait", func() any { got, _ := green.Wait([]green.Waitable{w.set}, green.WaitOptions{}); return len(got) }, 1},
		{"Queue.Len", func() any { return w.queues["Queue"].(*green.Queue[int]).Len() }, 1},
		{"Queue.Peek", func() any { v, _ := w.queues["Queue"].(*green.Queue[int]).Peek(); return v }, 1},
		{"Semaphore.Available", func() any { return w.sem.Available() }, 2},
		{"Lock.Locked", func() any { return w.held.Locked() }, true},
		{"Pool.WaitAvailable", func() any { return w.pool.WaitAvailable() }, nil},
		{"Group.Join", func() any { return w.group.Join() }, nil},
		{"Stats.Live", func() any { return h.Stats().Live }, 0},
		{"Info", func() any { return len(h.Info()) }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got any
			within(t, c.name, func() error { got = c.got(); return nil })
			if got != c.want {
				t.Errorf("%s on a closed hub = %v, want %v", c.name, got, c.want)
			}
		})
	}
}

func iff(cond bool, what string) string {
	if cond {
		return what
	}
	return ""
}
