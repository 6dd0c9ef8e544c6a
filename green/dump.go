package green

import (
	"fmt"
	"io"
	"time"
)

// GreenletInfo describes one greenlet in a run-info dump.
type GreenletInfo struct {
	Greenlet *Greenlet
	Name     string
	State    string // new, runnable, running, waiting, suspended, detached; holding (see Info)
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
//
// While a greenlet holds the hub (for a few milliseconds at the time of the
// call, as the blocking monitor sees it), the list cannot be read: Info
// then returns the holder alone, in state "holding", with the wait it is
// in (if it is stopped in one) and its stack.
func (h *Hub) Info() []GreenletInfo {
	type list struct {
		infos []GreenletInfo
		ws    []*worker
	}
	l, ok := inspect(h, func() (l list) {
		for g := h.all.head; g != nil; g = g.anext {
			// Names are made below, off the hub: a spawn site's costs
			// a symbol lookup.
			gi := GreenletInfo{Greenlet: g, State: g.state.String()}
			switch g.state {
			case stWaiting, stSuspended:
				gi.WaitsOn = g.describeWait()
			case stDetached:
				gi.WaitsOn = h.ho.waitOf(g)
			}
			l.infos = append(l.infos, gi)
			l.ws = append(l.ws, g.w)
		}
		return l
	})
	if !ok {
		return h.holderInfo()
	}
	out, ws := l.infos, l.ws
	for i := range out {
		out[i].Name = out[i].Greenlet.Name()
	}
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

// holderInfo describes the greenlet holding h, for Info while it does.
func (h *Hub) holderInfo() []GreenletInfo {
	g := h.cur.Load()
	if g == nil {
		return nil
	}
	gi := GreenletInfo{Greenlet: g, Name: g.Name(), State: "holding"}
	s := readG(g.w.gid.Load())
	if wait, ok := s.foreign(); ok {
		pcs := s.walk()
		if readG(g.w.gid.Load()).same(s) {
			gi.WaitsOn, gi.Stack = wait, stackString(classify(pcs).frames)
		}
	}
	if gi.Stack == "" {
		gi.Stack = monitorStack(g)
	}
	return []GreenletInfo{gi}
}

// Dump writes h's run-info (see Info) to w in a readable form; while a
// greenlet holds the hub, its counters are those published before the hold
// and it lists the holder alone.
func (h *Hub) Dump(w io.Writer) error {
	infos := h.Info()
	s := h.Stats()
	if _, err := fmt.Fprintf(w, "hub %s: %d greenlets (%d parked, %d runnable), %d timers, %d outside in flight\n",
		h.opts.Name, s.Live, s.Parked, s.Runnable, s.Timers, s.InFlight); err != nil {
		return err
	}
	if s.HeldBy != "" {
		if _, err := fmt.Fprintf(w, "held by %s for %v: the other greenlets cannot be listed until it lets go\n",
			s.HeldBy, s.HeldFor.Round(time.Millisecond)); err != nil {
			return err
		}
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
