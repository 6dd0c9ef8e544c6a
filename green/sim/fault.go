package sim

import (
	"fmt"
	"time"
)

// Faults name hosts; a name that is not a host's panics ("sim: no host
// ..."), as a typo in a fault plan should.

// hostsLocked returns the hosts named.
func (w *World) hostsLocked(names ...string) []*Host {
	hs := make([]*Host, len(names))
	for i, n := range names {
		h := w.byName[n]
		if h == nil {
			panic(fmt.Sprintf("sim: no host %q", n))
		}
		hs[i] = h
	}
	return hs
}

// unlockRun unlocks the world and runs what must run outside its lock:
// the hooks' Then functions, and holds of the hub for woken goroutines.
func (w *World) unlockRun() {
	t := w.thens
	w.thens = nil
	w.mu.Unlock()
	for _, f := range t {
		f()
	}
}

// SetLink sets the link from host a to host b, and from b to a, to l.
func (w *World) SetLink(a, b string, l Link) {
	w.SetLinkOneWay(a, b, l)
	w.SetLinkOneWay(b, a, l)
}

// SetLinkOneWay sets the link from host from to host to. A bad Link
// panics, naming the field.
func (w *World) SetLinkOneWay(from, to string, l Link) {
	if err := l.check(); err != nil {
		panic("sim: SetLink: " + err.Error())
	}
	w.enter()
	defer w.unlockRun()
	hs := w.hostsLocked(from, to)
	k := w.linkLocked(hs[0], hs[1])
	k.cfg, k.own = l, true
	if w.tr != nil {
		w.traceLocked("link", hs[0], 0, fmt.Sprintf("%s>%s %v", from, to, l))
	}
}

// SetDefaultLink sets the link of every pair of hosts that has no link of
// its own (SetLink).
func (w *World) SetDefaultLink(l Link) {
	if err := l.check(); err != nil {
		panic("sim: SetDefaultLink: " + err.Error())
	}
	w.enter()
	defer w.unlockRun()
	w.cfg.Link = l
	for _, k := range w.links {
		if !k.own && k.from != k.to {
			k.cfg = l
		}
	}
}

// Partition cuts the links between every host of group a and every host
// of group b, both ways, until Heal: UDP datagrams are dropped, TCP
// segments (and connection attempts) are held and arrive after the heal,
// as retransmissions would. A host's loopback is never cut.
func (w *World) Partition(a, b []string) {
	w.partition(a, b, true, true)
}

// PartitionOneWay cuts the links from every host of from to every host of
// to, until Heal.
func (w *World) PartitionOneWay(from, to []string) {
	w.partition(from, to, true, false)
}

// Heal undoes Partition between the hosts of a and b, both ways: what was
// held is sent on, in order.
func (w *World) Heal(a, b []string) {
	w.partition(a, b, false, true)
}

// HealAll undoes every partition.
func (w *World) HealAll() {
	w.enter()
	defer w.unlockRun()
	for _, l := range w.sortedLinksLocked() {
		if l.down {
			l.down = false
			w.releaseLocked(l)
		}
	}
	if w.tr != nil {
		w.traceLocked("heal", nil, 0, "all")
	}
}

func (w *World) partition(a, b []string, down, both bool) {
	w.enter()
	defer w.unlockRun()
	ha, hb := w.hostsLocked(a...), w.hostsLocked(b...)
	set := func(x, y *Host) {
		if x == y {
			return
		}
		l := w.linkLocked(x, y)
		l.down = down
		if !down {
			w.releaseLocked(l)
		}
	}
	for _, x := range ha {
		for _, y := range hb {
			set(x, y)
			if both {
				set(y, x)
			}
		}
	}
	if w.tr != nil {
		kind, arrow := "partition", "<>"
		if !down {
			kind = "heal"
		}
		if !both {
			arrow = ">"
		}
		w.traceLocked(kind, nil, 0, fmt.Sprintf("%v%s%v", a, arrow, b))
	}
}

// Clog holds everything host sends and everything sent to it for d of
// world time (FoundationDB's clog): packets are delayed, not lost, and
// go on in order when the clog ends.
func (w *World) Clog(host string, d time.Duration) {
	w.enter()
	defer w.unlockRun()
	h := w.hostsLocked(host)[0]
	for _, o := range w.hosts {
		if o != h {
			w.clogLocked(w.linkLocked(h, o), d)
			w.clogLocked(w.linkLocked(o, h), d)
		}
	}
	if w.tr != nil {
		w.traceLocked("clog", h, 0, fmt.Sprintf("%s for %v", host, d))
	}
}

// ClogLink holds what host from sends to host to for d of world time.
func (w *World) ClogLink(from, to string, d time.Duration) {
	w.enter()
	defer w.unlockRun()
	hs := w.hostsLocked(from, to)
	w.clogLocked(w.linkLocked(hs[0], hs[1]), d)
	if w.tr != nil {
		w.traceLocked("clog", hs[0], 0, fmt.Sprintf("%s>%s for %v", from, to, d))
	}
}

func (w *World) clogLocked(l *link, d time.Duration) {
	if d <= 0 || l.from == l.to {
		return
	}
	until := w.now() + int64(d)
	if until <= l.clogUntil {
		return
	}
	l.clogUntil = until
	w.cancelLocked(l.clogEv)
	l.clogEv = w.atLocked(until, func() {
		l.clogEv = nil
		w.releaseLocked(l)
	})
}

// Hold holds what host from sends to host to (in flight from then on)
// until Release: a test decides exactly when it arrives.
func (w *World) Hold(from, to string) { w.hold(from, to, true) }

// Release sends on, in order, what Hold held.
func (w *World) Release(from, to string) { w.hold(from, to, false) }

func (w *World) hold(from, to string, on bool) {
	w.enter()
	defer w.unlockRun()
	hs := w.hostsLocked(from, to)
	l := w.linkLocked(hs[0], hs[1])
	l.held = on
	if !on {
		w.releaseLocked(l)
	}
	if w.tr != nil {
		kind := "hold"
		if !on {
			kind = "release"
		}
		w.traceLocked(kind, hs[0], 0, from+">"+to)
	}
}

// Reset resets every TCP conn between hosts a and b (or, with a == b,
// every conn of host a), as a middlebox or a crash would: both ends fail
// with ECONNRESET at once, and what was in flight is lost.
func (w *World) Reset(a, b string) {
	w.enter()
	defer w.unlockRun()
	hs := w.hostsLocked(a, b)
	for _, c := range sortedConns(hs[0].conns) {
		if p := c.peer; hs[0] == hs[1] || p != nil && p.host == hs[1] {
			c.resetLocked()
			if p != nil {
				p.resetLocked()
			}
		}
	}
	if w.tr != nil {
		w.traceLocked("reset", hs[0], 0, a+"<>"+b)
	}
}

// sortedLinksLocked returns the links in the order of their hosts, so that
// what a fault does happens in the same order on every run.
func (w *World) sortedLinksLocked() []*link {
	var ls []*link
	for _, a := range w.hosts {
		for _, b := range w.hosts {
			if l := w.links[[2]*Host{a, b}]; l != nil {
				ls = append(ls, l)
			}
		}
	}
	return ls
}
