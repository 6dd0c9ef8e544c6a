package green

import "fmt"

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

// TimerHeapRun arms a timer for each of whens in order on a bare timer heap,
// disarms those at the indexes in drop, and returns the arming indexes of
// the rest in the order the heap hands them out, checking every timer's idx
// after each operation.
func TimerHeapRun(whens []int64, drop []int) ([]int, error) {
	var h timerHeap
	ts := make([]timer, len(whens))
	check := func() error {
		for i, e := range h {
			if e.t.idx != i {
				return fmt.Errorf("timer at %d has idx %d", i, e.t.idx)
			}
		}
		return nil
	}
	for i, w := range whens {
		ts[i] = timer{when: w, seq: uint64(i), idx: -1}
		h.push(&ts[i])
		if err := check(); err != nil {
			return nil, err
		}
	}
	for _, i := range drop {
		h.remove(&ts[i])
		if err := check(); err != nil {
			return nil, err
		}
	}
	var out []int
	for len(h) > 0 {
		t := h.at(0)
		h.remove(t)
		if t.idx != -1 {
			return nil, fmt.Errorf("removed timer has idx %d", t.idx)
		}
		if err := check(); err != nil {
			return nil, err
		}
		out = append(out, int(t.seq))
	}
	return out, nil
}
