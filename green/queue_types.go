package green

import (
	"cmp"
	"time"
)

// The four queue types are thin fronts on queue; each passes its kind.

// Queue is a FIFO queue for greenlets, gevent.queue.Queue: Put waits while
// it is full, Get while it is empty, and each has a non-blocking (TryPut,
// TryGet) and a time-bounded (PutTimeout, GetTimeout) form. Waiting getters
// and putters are served in the order they came.
//
// The zero Queue is empty, unbounded and binds to the hub of its first user
// (see Bind). Its methods may be called from greenlets of that hub and from
// outside goroutines; an outside goroutine that waits blocks only itself.
// The hub cannot see outside goroutines between their calls: while one waits
// for another, hold the hub (Hub.Hold), or it may take the wait for a
// deadlock.
//
// A Put that finds a getter waiting hands it the value but does not switch
// to it: the putter runs on until it waits or yields, as in gevent. So a
// greenlet that puts several items before it yields fills the queue first.
type Queue[T any] struct{ q queue[T] }

// NewQueue returns an empty Queue holding at most maxsize items; maxsize <= 0
// means no limit, as in gevent.
func NewQueue[T any](maxsize int) *Queue[T] {
	q := &Queue[T]{}
	q.q.max = maxsize
	return q
}

// Bind binds q to h, for a queue whose first user might be an outside
// goroutine of a hub other than the default one. It panics if q is already
// bound to another hub. It returns q.
func (q *Queue[T]) Bind(h *Hub) *Queue[T] {
	q.q.b.bind(h, "Queue")
	return q
}

// Put adds v, waiting while q is full. It returns nil once v is in, or the
// error of an enclosing Timeout, a deadlock or a closed hub. A kill unwinds
// from the wait (v is not put), unless v was already taken: then Put
// returns nil and the kill comes at the caller's next wait.
func (q *Queue[T]) Put(v T) error { return q.q.putFront(fifo, v, block, 0) }

// TryPut adds v if there is room, without waiting; otherwise it returns
// ErrFull.
func (q *Queue[T]) TryPut(v T) error { return q.q.putFront(fifo, v, nowait, 0) }

// PutTimeout is Put bounded by d on the hub's clock: if there is still no
// room by then it returns an error matching both ErrFull and ErrTimeout.
func (q *Queue[T]) PutTimeout(v T, d time.Duration) error {
	return q.q.putFront(fifo, v, bounded, d)
}

// Get removes and returns the next item, waiting while q is empty. It fails
// only with the error of an enclosing Timeout, a deadlock or a closed hub.
// A kill unwinds from the wait, unless an item was already handed to the
// caller: then Get returns it and the kill comes at the caller's next wait,
// so that no item is lost.
func (q *Queue[T]) Get() (T, error) { return q.q.getFront(fifo, block, 0) }

// TryGet removes and returns the next item if there is one, without
// waiting; otherwise it returns ErrEmpty.
func (q *Queue[T]) TryGet() (T, error) { return q.q.getFront(fifo, nowait, 0) }

// GetTimeout is Get bounded by d on the hub's clock: if q is still empty by
// then it returns an error matching both ErrEmpty and ErrTimeout.
func (q *Queue[T]) GetTimeout(d time.Duration) (T, error) { return q.q.getFront(fifo, bounded, d) }

// Peek returns the next item without removing it, or ErrEmpty; it never
// waits.
func (q *Queue[T]) Peek() (T, error) { return q.q.peekFront(fifo) }

// Len returns the number of items in q (gevent's qsize); values handed
// straight to a waiting getter are never counted.
func (q *Queue[T]) Len() int { return q.q.length() }

// Empty reports whether q holds no item.
func (q *Queue[T]) Empty() bool { return q.q.length() == 0 }

// Full reports whether q holds maxsize items; an unbounded queue never is.
func (q *Queue[T]) Full() bool { return q.q.full() }

// Maxsize returns the capacity q was made with; <= 0 means unbounded.
func (q *Queue[T]) Maxsize() int {
	var n int
	q.q.inspect(func() { n = q.q.max })
	return n
}

// LifoQueue is a Queue that gives out the most recently put item first,
// gevent.queue.LifoQueue. Its zero value is empty and unbounded.
type LifoQueue[T any] struct{ q queue[T] }

// NewLifoQueue returns an empty LifoQueue holding at most maxsize items; maxsize <= 0
// means no limit, as in gevent.
func NewLifoQueue[T any](maxsize int) *LifoQueue[T] {
	q := &LifoQueue[T]{}
	q.q.max = maxsize
	return q
}

// Bind binds q to h, for a queue whose first user might be an outside
// goroutine of a hub other than the default one. It panics if q is already
// bound to another hub. It returns q.
func (q *LifoQueue[T]) Bind(h *Hub) *LifoQueue[T] {
	q.q.b.bind(h, "LifoQueue")
	return q
}

// Put adds v, waiting while q is full. It returns nil once v is in, or the
// error of an enclosing Timeout, a deadlock or a closed hub. A kill unwinds
// from the wait (v is not put), unless v was already taken: then Put
// returns nil and the kill comes at the caller's next wait.
func (q *LifoQueue[T]) Put(v T) error { return q.q.putFront(lifo, v, block, 0) }

// TryPut adds v if there is room, without waiting; otherwise it returns
// ErrFull.
func (q *LifoQueue[T]) TryPut(v T) error { return q.q.putFront(lifo, v, nowait, 0) }

// PutTimeout is Put bounded by d on the hub's clock: if there is still no
// room by then it returns an error matching both ErrFull and ErrTimeout.
func (q *LifoQueue[T]) PutTimeout(v T, d time.Duration) error {
	return q.q.putFront(lifo, v, bounded, d)
}

// Get removes and returns the next item, waiting while q is empty. It fails
// only with the error of an enclosing Timeout, a deadlock or a closed hub.
// A kill unwinds from the wait, unless an item was already handed to the
// caller: then Get returns it and the kill comes at the caller's next wait,
// so that no item is lost.
func (q *LifoQueue[T]) Get() (T, error) { return q.q.getFront(lifo, block, 0) }

// TryGet removes and returns the next item if there is one, without
// waiting; otherwise it returns ErrEmpty.
func (q *LifoQueue[T]) TryGet() (T, error) { return q.q.getFront(lifo, nowait, 0) }

// GetTimeout is Get bounded by d on the hub's clock: if q is still empty by
// then it returns an error matching both ErrEmpty and ErrTimeout.
func (q *LifoQueue[T]) GetTimeout(d time.Duration) (T, error) { return q.q.getFront(lifo, bounded, d) }

// Peek returns the next item without removing it, or ErrEmpty; it never
// waits.
func (q *LifoQueue[T]) Peek() (T, error) { return q.q.peekFront(lifo) }

// Len returns the number of items in q (gevent's qsize); values handed
// straight to a waiting getter are never counted.
func (q *LifoQueue[T]) Len() int { return q.q.length() }

// Empty reports whether q holds no item.
func (q *LifoQueue[T]) Empty() bool { return q.q.length() == 0 }

// Full reports whether q holds maxsize items; an unbounded queue never is.
func (q *LifoQueue[T]) Full() bool { return q.q.full() }

// Maxsize returns the capacity q was made with; <= 0 means unbounded.
func (q *LifoQueue[T]) Maxsize() int {
	var n int
	q.q.inspect(func() { n = q.q.max })
	return n
}

// PriorityQueue is a Queue that gives out its least item first,
// gevent.queue.PriorityQueue; ties come out in no particular order. A zero
// PriorityQueue is empty and unbounded and orders an ordered basic T
// (integers, floats, strings) by <; for any other T it panics on first use,
// so make it with NewPriorityQueueFunc.
type PriorityQueue[T any] struct{ q queue[T] }

// NewPriorityQueue returns an empty PriorityQueue ordered by <, holding at
// most maxsize items (maxsize <= 0: no limit).
func NewPriorityQueue[T cmp.Ordered](maxsize int) *PriorityQueue[T] {
	return NewPriorityQueueFunc(maxsize, cmp.Less[T])
}

// NewPriorityQueueFunc returns an empty PriorityQueue that gives out first
// the item that is less than the others by less, holding at most maxsize
// items (maxsize <= 0: no limit). It panics if less is nil.
func NewPriorityQueueFunc[T any](maxsize int, less func(a, b T) bool) *PriorityQueue[T] {
	if less == nil {
		panic("green: NewPriorityQueueFunc with a nil less function")
	}
	q := &PriorityQueue[T]{}
	q.q.max, q.q.less = maxsize, less
	return q
}

// Bind binds q to h, for a queue whose first user might be an outside
// goroutine of a hub other than the default one. It panics if q is already
// bound to another hub. It returns q.
func (q *PriorityQueue[T]) Bind(h *Hub) *PriorityQueue[T] {
	q.q.b.bind(h, "PriorityQueue")
	return q
}

// Put adds v, waiting while q is full. It returns nil once v is in, or the
// error of an enclosing Timeout, a deadlock or a closed hub. A kill unwinds
// from the wait (v is not put), unless v was already taken: then Put
// returns nil and the kill comes at the caller's next wait.
func (q *PriorityQueue[T]) Put(v T) error { return q.q.putFront(prio, v, block, 0) }

// TryPut adds v if there is room, without waiting; otherwise it returns
// ErrFull.
func (q *PriorityQueue[T]) TryPut(v T) error { return q.q.putFront(prio, v, nowait, 0) }

// PutTimeout is Put bounded by d on the hub's clock: if there is still no
// room by then it returns an error matching both ErrFull and ErrTimeout.
func (q *PriorityQueue[T]) PutTimeout(v T, d time.Duration) error {
	return q.q.putFront(prio, v, bounded, d)
}

// Get removes and returns the next item, waiting while q is empty. It fails
// only with the error of an enclosing Timeout, a deadlock or a closed hub.
// A kill unwinds from the wait, unless an item was already handed to the
// caller: then Get returns it and the kill comes at the caller's next wait,
// so that no item is lost.
func (q *PriorityQueue[T]) Get() (T, error) { return q.q.getFront(prio, block, 0) }

// TryGet removes and returns the next item if there is one, without
// waiting; otherwise it returns ErrEmpty.
func (q *PriorityQueue[T]) TryGet() (T, error) { return q.q.getFront(prio, nowait, 0) }

// GetTimeout is Get bounded by d on the hub's clock: if q is still empty by
// then it returns an error matching both ErrEmpty and ErrTimeout.
func (q *PriorityQueue[T]) GetTimeout(d time.Duration) (T, error) {
	return q.q.getFront(prio, bounded, d)
}

// Peek returns the next item without removing it, or ErrEmpty; it never
// waits.
func (q *PriorityQueue[T]) Peek() (T, error) { return q.q.peekFront(prio) }

// Len returns the number of items in q (gevent's qsize); values handed
// straight to a waiting getter are never counted.
func (q *PriorityQueue[T]) Len() int { return q.q.length() }

// Empty reports whether q holds no item.
func (q *PriorityQueue[T]) Empty() bool { return q.q.length() == 0 }

// Full reports whether q holds maxsize items; an unbounded queue never is.
func (q *PriorityQueue[T]) Full() bool { return q.q.full() }

// Maxsize returns the capacity q was made with; <= 0 means unbounded.
func (q *PriorityQueue[T]) Maxsize() int {
	var n int
	q.q.inspect(func() { n = q.q.max })
	return n
}

// JoinableQueue is a FIFO Queue that also counts unfinished items,
// gevent.queue.JoinableQueue: every item put counts until a consumer calls
// TaskDone for it, and Join waits until none is left. Its zero value is
// empty and unbounded.
type JoinableQueue[T any] struct{ q queue[T] }

// NewJoinableQueue returns an empty JoinableQueue holding at most maxsize items; maxsize <= 0
// means no limit, as in gevent.
func NewJoinableQueue[T any](maxsize int) *JoinableQueue[T] {
	q := &JoinableQueue[T]{}
	q.q.max = maxsize
	return q
}

// Bind binds q to h, for a queue whose first user might be an outside
// goroutine of a hub other than the default one. It panics if q is already
// bound to another hub. It returns q.
func (q *JoinableQueue[T]) Bind(h *Hub) *JoinableQueue[T] {
	q.q.b.bind(h, "JoinableQueue")
	return q
}

// Put adds v, waiting while q is full. It returns nil once v is in, or the
// error of an enclosing Timeout, a deadlock or a closed hub. A kill unwinds
// from the wait (v is not put), unless v was already taken: then Put
// returns nil and the kill comes at the caller's next wait.
func (q *JoinableQueue[T]) Put(v T) error { return q.q.putFront(fifo, v, block, 0) }

// TryPut adds v if there is room, without waiting; otherwise it returns
// ErrFull.
func (q *JoinableQueue[T]) TryPut(v T) error { return q.q.putFront(fifo, v, nowait, 0) }

// PutTimeout is Put bounded by d on the hub's clock: if there is still no
// room by then it returns an error matching both ErrFull and ErrTimeout.
func (q *JoinableQueue[T]) PutTimeout(v T, d time.Duration) error {
	return q.q.putFront(fifo, v, bounded, d)
}

// Get removes and returns the next item, waiting while q is empty. It fails
// only with the error of an enclosing Timeout, a deadlock or a closed hub.
// A kill unwinds from the wait, unless an item was already handed to the
// caller: then Get returns it and the kill comes at the caller's next wait,
// so that no item is lost.
func (q *JoinableQueue[T]) Get() (T, error) { return q.q.getFront(fifo, block, 0) }

// TryGet removes and returns the next item if there is one, without
// waiting; otherwise it returns ErrEmpty.
func (q *JoinableQueue[T]) TryGet() (T, error) { return q.q.getFront(fifo, nowait, 0) }

// GetTimeout is Get bounded by d on the hub's clock: if q is still empty by
// then it returns an error matching both ErrEmpty and ErrTimeout.
func (q *JoinableQueue[T]) GetTimeout(d time.Duration) (T, error) {
	return q.q.getFront(fifo, bounded, d)
}

// Peek returns the next item without removing it, or ErrEmpty; it never
// waits.
func (q *JoinableQueue[T]) Peek() (T, error) { return q.q.peekFront(fifo) }

// Len returns the number of items in q (gevent's qsize); values handed
// straight to a waiting getter are never counted.
func (q *JoinableQueue[T]) Len() int { return q.q.length() }

// Empty reports whether q holds no item.
func (q *JoinableQueue[T]) Empty() bool { return q.q.length() == 0 }

// Full reports whether q holds maxsize items; an unbounded queue never is.
func (q *JoinableQueue[T]) Full() bool { return q.q.full() }

// Maxsize returns the capacity q was made with; <= 0 means unbounded.
func (q *JoinableQueue[T]) Maxsize() int {
	var n int
	q.q.inspect(func() { n = q.q.max })
	return n
}

// TaskDone marks one item taken from q as processed. It panics if called
// more times than items were put.
func (q *JoinableQueue[T]) TaskDone() { q.q.b.hub().do(q.q.taskDone) }

// Unfinished returns the number of items put and not yet marked done.
func (q *JoinableQueue[T]) Unfinished() int {
	var n int
	q.q.inspect(func() { n = q.q.unfinished })
	return n
}

// Join waits until every item put into q has been marked done with TaskDone.
// It returns nil then, or the error of an enclosing Timeout, a deadlock or a
// closed hub.
func (q *JoinableQueue[T]) Join() error { return q.join(block, 0) }

// JoinTimeout is Join bounded by d: it returns a *TimeoutError (errors.Is(err,
// ErrTimeout)) if items are still unfinished by then.
func (q *JoinableQueue[T]) JoinTimeout(d time.Duration) error { return q.join(bounded, d) }

func (q *JoinableQueue[T]) join(m mode, d time.Duration) error {
	h := q.q.b.hub()
	if c := h.current(); c != nil {
		return ret(h, q.q.join(c, m, d))
	}
	return h.call2(func(c *Greenlet) error { return q.q.join(c, m, d) })
}
