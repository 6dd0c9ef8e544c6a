package green

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
