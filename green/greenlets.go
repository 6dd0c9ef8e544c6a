package green

// Greenlets returns every live greenlet of h (spawned and not yet ended,
// started or not), oldest first: the list Info describes, without the
// stacks, so cheap enough to call often. A simulated host's crash uses it
// to find the greenlets it must kill ([Inherited.Of] tells whose they
// are). A SpawnLater greenlet joins the list when its delay has passed.
// It may be called from any greenlet or goroutine (the short-lived
// greenlets that run outside goroutines' calls are not listed); the list
// is a snapshot.
func (h *Hub) Greenlets() []*Greenlet {
	var out []*Greenlet
	h.look(func() {
		out = make([]*Greenlet, 0, h.all.n)
		for g := h.all.head; g != nil; g = g.anext {
			if g.x == nil || !g.x.outside { // not the call that asks
				out = append(out, g)
			}
		}
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
