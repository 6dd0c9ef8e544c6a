package green

import (
	"fmt"
	"runtime"
)

// freeNodes counts the nodes on l's free list.
func freeNodes[T any](l *nodes[T]) int {
	k := 0
	for n := l.free; n != nil; n = n.next {
		k++
	}
	return k
}

// ChannelFreeNodes is how many handoff nodes ch keeps for reuse. Hub context.
func ChannelFreeNodes[T any](ch *Channel[T]) int { return freeNodes(&ch.nodes) }

// QueueFreeNodes is how many handoff nodes q keeps for reuse. Hub context.
func QueueFreeNodes[T any](q *Queue[T]) int { return freeNodes(&q.q.nodes) }

// DeadlockGrace is how long after the last post from outside a hub waits
// before it declares a deadlock.
const DeadlockGrace = deadlockGrace

// HubInternalWait blocks on ch in a frame of package green, as the hub's
// own brief native waits do: the hand-off must never detach a greenlet
// there.
//
//go:noinline
func HubInternalWait(ch chan struct{}) { <-ch }

// WorkerStacks is workerStacks: worker address -> stack, from a dump of all
// goroutines.
func WorkerStacks(dump string) map[uintptr]string { return workerStacks([]byte(dump)) }

// BodyFrame is the name of a worker's body frame, with its parenthesis.
var BodyFrame = bodyFrame

// OpenHubs is how many hubs are registered (made by New and not yet closed).
func OpenHubs() int {
	if p := hubs.Load(); p != nil {
		return len(*p)
	}
	return 0
}

// WaitLinks is how many notifiers Wait, IWait and JoinAll have linked on h's
// objects, ever. Hub context.
func WaitLinks(h *Hub) uint64 { return h.links }

// TimerQueueOp is one operation of TimerQueueRun: arm a timer due at When
// (Pop false), or take the next timer due (Pop true), or disarm the timer
// armed by operation Drop (Drop >= 0).
type TimerQueueOp struct {
	When int64
	Pop  bool
	Drop int
}

// SetTimerRunShift makes the timer queue's run blocks 1<<n entries, until
// the returned function restores them.
func SetTimerRunShift(n int) (restore func()) {
	old := runShift
	runShift = n
	return func() { runShift = old }
}

// TimerQueueRun runs ops on a bare timer queue and returns, for each Pop,
// the index of the operation that armed the timer it took (-1 if the queue
// was empty), checking after every operation that each armed timer's idx
// says where it is and that the queue counts them right.
func TimerQueueRun(ops []TimerQueueOp) ([]int, error) {
	var q timerQueue
	ts := make([]timer, len(ops))
	for i := range ts {
		ts[i].idx = -1 // a Drop may name an operation that armed nothing
	}
	armed := map[int]bool{}
	check := func() error {
		for i, e := range q.heap {
			if e.t.idx != i {
				return fmt.Errorf("timer in the heap at %d has idx %d", i, e.t.idx)
			}
		}
		for p := q.head; p < q.tail; p++ {
			if e := q.at(p); e.t != nil && e.t.idx != runIdx(p) {
				return fmt.Errorf("timer in the run at %d has idx %d", p, e.t.idx)
			}
		}
		if q.live > 0 && q.at(q.head).t == nil {
			return fmt.Errorf("the run's front, at %d, is a hole", q.head)
		}
		if q.head-q.base >= 1<<runShift || (q.tail-q.base+1<<runShift-1)>>runShift > len(q.blocks) {
			return fmt.Errorf("run blocks: base %d, head %d, tail %d, %d blocks", q.base, q.head, q.tail, len(q.blocks))
		}
		for i := range armed {
			if !q.holds(&ts[i]) {
				return fmt.Errorf("armed timer %d (idx %d) not held", i, ts[i].idx)
			}
		}
		if q.len() != len(armed) {
			return fmt.Errorf("len %d, want %d", q.len(), len(armed))
		}
		return nil
	}
	var out []int
	for i, op := range ops {
		switch {
		case op.Pop:
			t := q.next()
			if t == nil {
				out = append(out, -1)
				break
			}
			q.remove(t)
			if t.idx != -1 {
				return nil, fmt.Errorf("removed timer has idx %d", t.idx)
			}
			k := int(t.seq)
			delete(armed, k)
			out = append(out, k)
		case op.Drop >= 0:
			q.remove(&ts[op.Drop])
			delete(armed, op.Drop)
		default:
			ts[i] = timer{when: op.When, seq: uint64(i), idx: -1}
			q.push(&ts[i])
			armed[i] = true
		}
		if err := check(); err != nil {
			return nil, fmt.Errorf("after op %d %+v: %w", i, op, err)
		}
	}
	return out, nil
}

// RuntimeOwnWait reports whether a goroutine stopped in the functions
// named, innermost first, waits in the runtime's own machinery (a
// collection, a stopped world), which the hand-off never detaches.
func RuntimeOwnWait(funcs ...string) bool {
	frames := make([]runtime.Frame, len(funcs))
	for i, f := range funcs {
		frames[i].Function = f
	}
	return runtimeOwnWait(frames)
}

// SpareWorkers is how many idle workers the spare list holds.
func SpareWorkers() int {
	spare.mu.Lock()
	defer spare.mu.Unlock()
	return len(spare.ws)
}

// HubShares reports whether h trims to and takes from the spare list.
func HubShares(h *Hub) bool { return h.shares }

// InBubble is inBubble.
func InBubble() bool { return inBubble() }

// StackGuard is the runtime's stack guard in this build (see stack.go).
const StackGuard = stackGuard
