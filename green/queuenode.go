package green

// node carries one value between a putter and a getter of a Queue or a
// Channel: a parked getter receives a node in its wval, a parked putter
// waits with its value in one. Nodes are recycled through a free list of the
// queue they belong to, so that a handoff allocates nothing once the list
// holds as many nodes as there were waiters at once.
type node[T any] struct {
	val  T
	next *node[T] // in the free list
}

// nodes is a free list of nodes. Hub-only.
type nodes[T any] struct{ free *node[T] }

func (p *nodes[T]) get(v T) *node[T] {
	n := p.free
	if n == nil {
		return &node[T]{val: v}
	}
	p.free, n.next = n.next, nil
	n.val = v
	return n
}

// take returns n's value and n to the free list.
func (p *nodes[T]) take(n *node[T]) T {
	v := n.val
	var zero T
	n.val = zero // let the value go
	n.next, p.free = p.free, n
	return v
}
