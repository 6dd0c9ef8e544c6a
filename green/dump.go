package green

import (
	"fmt"
	"io"
)

// GreenletInfo describes one greenlet in a run-info dump.
type GreenletInfo struct {
	Greenlet *Greenlet
	Name     string
	State    string // new, runnable, running, waiting, suspended
	WaitsOn  string // for a waiting or suspended greenlet: what it waits on
	Stack    string // its goroutine's stack; empty if it has not started
}

// Info returns every live greenlet of h, oldest first, with its state, what
// it waits on and its stack: gevent's run-info, as data. A greenlet that
// calls it sees itself as running (and the greenlet an outside goroutine's
// call runs in appears as "outside call"). The stacks come from one dump of
// every goroutine, which stops the world for its length: Info costs time
// linear in the goroutines of the process (a few seconds for 100k parked
// greenlets), and a greenlet that calls it holds the hub meanwhile.
func (h *Hub) Info() []GreenletInfo {
	var out []GreenletInfo
	var ws []*worker
	h.look(func() {
		for g := h.all.head; g != nil; g = g.anext {
			gi := GreenletInfo{Greenlet: g, Name: g.Name(), State: g.state.String()}
			if g.state == stWaiting || g.state == stSuspended {
				gi.WaitsOn = g.describeWait()
			}
			out = append(out, gi)
			ws = append(ws, g.w)
		}
	})
	stacks := goroutineStacks()
	for i, w := range ws {
		if w != nil {
			out[i].Stack = w.stackIn(stacks)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Dump writes h's run-info (see Info) to w in a readable form.
func (h *Hub) Dump(w io.Writer) error {
	infos := h.Info()
	s := h.Stats()
	if _, err := fmt.Fprintf(w, "hub %s: %d greenlets (%d parked, %d runnable), %d timers, %d outside in flight\n",
		h.opts.Name, len(infos), s.Parked, s.Runnable, s.Timers, s.InFlight); err != nil {
		return err
	}
	for _, gi := range infos {
		line := fmt.Sprintf("\n%s [%s]", gi.Name, gi.State)
		if gi.WaitsOn != "" {
			line += " waits on " + gi.WaitsOn
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
		if gi.Stack != "" {
			if _, err := fmt.Fprintln(w, gi.Stack); err != nil {
				return err
			}
		}
	}
	return nil
}
