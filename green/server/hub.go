package server

import "github.com/greenshim/greenshim/green"

// hubOf returns the hub a server starting now belongs to: the one given,
// else the calling greenlet's, else the process's default hub.
func hubOf(given *green.Hub) *green.Hub {
	if given != nil {
		return given
	}
	if g := green.Current(); g != nil {
		return g.Hub()
	}
	return green.Default()
}

// onHub runs f in a greenlet of h: at once if the caller is one, otherwise
// in a new greenlet that the caller, an outside goroutine, waits for (it
// blocks only itself).
func onHub(h *green.Hub, f func() error) error {
	if g := green.Current(); g != nil && g.Hub() == h {
		return f()
	}
	return h.Spawn(f).Join()
}
