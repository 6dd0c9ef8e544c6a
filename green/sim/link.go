package sim

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/greenshim/greenshim/green"
)

// Link is how one direction between two hosts carries packets: data, a
// fault plan that a failing run can print. The zero Link is perfect: no
// delay, no loss, unlimited bandwidth.
type Link struct {
	// Latency delays every packet.
	Latency time.Duration
	// Jitter adds a delay drawn uniformly from [0, Jitter) to each
	// packet (or, with ExpJitter, from an exponential distribution of
	// mean Jitter). TCP segments still arrive in order (a segment waits
	// for the one before); UDP datagrams may overtake each other.
	Jitter time.Duration
	// ExpJitter draws Jitter from an exponential distribution (a long
	// tail, as real networks have), capped at 20 times its mean.
	ExpJitter bool
	// Bandwidth, in bytes per second, makes a packet of n bytes occupy
	// the link for n/Bandwidth after the packets before it; zero is
	// unlimited.
	Bandwidth int64
	// Loss is the probability that a packet is lost. A UDP datagram is
	// dropped; a TCP segment is retransmitted, so arrives RTO (200ms)
	// later for each loss in a row: TCP stays reliable.
	Loss float64
	// Duplicate is the probability that a UDP datagram arrives twice.
	Duplicate float64
	// Reorder is the probability that a UDP datagram is held back by an
	// extra delay of up to Latency+Jitter+1ms, so that later ones
	// overtake it.
	Reorder float64
}

// RTO is the delay a lost TCP segment costs: the retransmission timeout.
const RTO = 200 * time.Millisecond

func (l Link) check() error {
	switch {
	case l.Latency < 0:
		return fmt.Errorf("Latency is negative (%v)", l.Latency)
	case l.Jitter < 0:
		return fmt.Errorf("Jitter is negative (%v)", l.Jitter)
	case l.Bandwidth < 0:
		return fmt.Errorf("Bandwidth is negative (%d)", l.Bandwidth)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"Loss", l.Loss}, {"Duplicate", l.Duplicate}, {"Reorder", l.Reorder}} {
		if !(p.v >= 0 && p.v <= 1) {
			return fmt.Errorf("%s is %v, not a probability in [0, 1]", p.name, p.v)
		}
	}
	if l.Loss == 1 {
		return errors.New("Loss is 1: TCP could never deliver; use Partition")
	}
	return nil
}

func (l Link) String() string {
	dist := "uniform"
	if l.ExpJitter {
		dist = "exp"
	}
	return fmt.Sprintf("latency=%v jitter=%v(%s) bandwidth=%dB/s loss=%v dup=%v reorder=%v",
		l.Latency, l.Jitter, dist, l.Bandwidth, l.Loss, l.Duplicate, l.Reorder)
}

// link is the state of one direction from one host to another. Guarded
// by the world's lock.
type link struct {
	from, to  *Host
	cfg       Link
	own       bool               // cfg set for this link (SetLink), not the world's default
	down      bool               // partitioned: UDP dropped, TCP held until Heal
	held      bool               // Hold: everything held until Release
	clogUntil int64              // clogged until then: everything held
	clogEv    *event             // the clog's end
	queue     []*packet          // held, in the order sent
	flying    map[*event]*packet // scheduled to arrive
	busyUntil int64              // the link is transmitting until then (Bandwidth)
}

// linkLocked returns the link from a to b, made on first use.
func (w *World) linkLocked(a, b *Host) *link {
	k := [2]*Host{a, b}
	l := w.links[k]
	if l == nil {
		l = &link{from: a, to: b, cfg: w.cfg.Link}
		if a == b {
			l.cfg = w.cfg.Loopback
		}
		w.links[k] = l
	}
	return l
}

// linkOfLocked is linkLocked(p.from, p.to), through the link p's conn
// keeps (Conn.lk): a map lookup less per TCP packet. A conn's packets all
// go from its host to its peer's, and routes never change once found.
func (w *World) linkOfLocked(p *packet) *link {
	c := p.conn
	if c == nil || c.host != p.from {
		return w.linkLocked(p.from, p.to)
	}
	if c.lk == nil || c.lk.to != p.to {
		c.lk = w.linkLocked(p.from, p.to)
	}
	return c.lk
}

func (l *link) blocked(now int64) bool { return l.held || l.down || now < l.clogUntil }

// Packet is what the world's hook (World.OnPacket) sees of each TCP
// segment and UDP datagram as it is sent.
type Packet struct {
	Net      string // "tcp" or "udp"
	Kind     string // tcp: "syn", "syn-ack", "data", "fin", "rst"; udp: "datagram"
	Src, Dst netip.AddrPort
	SrcHost  string
	DstHost  string
	// Data is the payload. The hook may change its bytes (to corrupt
	// it), not its length; it must not keep it.
	Data []byte
}

// Verdict is what the hook decides for a packet. The zero Verdict lets
// it through unchanged.
type Verdict struct {
	// Drop loses the packet: a UDP datagram is gone, a TCP segment is
	// retransmitted after RTO (TCP stays reliable).
	Drop bool
	// Delay adds to the packet's delay.
	Delay time.Duration
	// Duplicate delivers a UDP datagram this many more times (ignored
	// for TCP, which discards duplicates).
	Duplicate int
	// Then, if set, runs once the packet is on its way, outside the
	// world's lock, before the call that sent it returns: it may call
	// the world's fault methods ("partition right after the write that
	// contains X"). With Mode Greenlets nothing else runs in between.
	Then func()
}

// OnPacket sets the hook that sees every packet sent between two
// different hosts (not a host's loopback) and decides its fate; nil
// removes it. The hook runs under the world's lock: it must not call the
// World (use Verdict.Then) and must not wait.
func (w *World) OnPacket(hook func(*Packet) Verdict) {
	w.mu.Lock()
	w.hook = hook
	w.mu.Unlock()
}

// packet is a TCP segment or a UDP datagram on its way.
type packet struct {
	kind    pkind
	from    *Host
	to      *Host
	src     netip.AddrPort
	dst     netip.AddrPort
	data    []byte
	conn    *Conn // tcp: the sending end (for order); for a syn, the dialer
	flow    uint64
	deliver func(p *packet) // if set, runs under w.mu at arrival; else by kind
}

type pkind uint8

const (
	pSyn pkind = iota
	pSynAck
	pData
	pFin
	pRst
	pDatagram
)

var pkindNames = [...]string{"syn", "syn-ack", "data", "fin", "rst", "datagram"}

func (k pkind) String() string { return pkindNames[k] }

func (p *packet) net() string {
	if p.kind == pDatagram {
		return "udp"
	}
	return "tcp"
}

// sendLocked puts p on its way from p.from to p.to.
func (w *World) sendLocked(p *packet) {
	if w.tr != nil {
		w.flows++
		p.flow = w.flows
		w.traceLocked("net.send", p.from, p.flow, p.describe())
	}
	if p.from == p.to { // loopback: no hook, no faults
		if w.cfg.Loopback == (Link{}) {
			w.arriveLocked(p)
			return
		}
		w.scheduleLocked(w.linkLocked(p.from, p.to), p, w.now(), 0)
		return
	}
	var extra int64
	dups := 0
	if w.hook != nil {
		v := w.hook(&Packet{Net: p.net(), Kind: p.kind.String(), Src: p.src, Dst: p.dst,
			SrcHost: p.from.name, DstHost: p.to.name, Data: p.data})
		if v.Then != nil {
			w.thens = append(w.thens, v.Then)
		}
		if v.Drop {
			if p.kind == pDatagram {
				w.dropLocked(p, "hook")
				return
			}
			extra += int64(RTO)
		}
		extra += int64(v.Delay)
		if p.kind == pDatagram {
			dups = v.Duplicate
		}
	}
	l := w.linkOfLocked(p)
	for i := 0; i <= dups; i++ {
		q := p
		if i > 0 {
			c := *p
			c.data = append([]byte(nil), p.data...)
			q = &c
		}
		w.routeLocked(l, q, extra)
	}
}

// routeLocked sends p over l, or holds it there.
func (w *World) routeLocked(l *link, p *packet, extra int64) {
	now := w.now()
	if l.down && p.kind == pDatagram {
		w.dropLocked(p, "partition")
		return
	}
	if l.blocked(now) || len(l.queue) > 0 {
		l.queue = append(l.queue, p)
		return
	}
	w.scheduleLocked(l, p, now, extra)
}

// scheduleLocked draws p's delay on l and schedules its arrival.
func (w *World) scheduleLocked(l *link, p *packet, now, extra int64) {
	c := &l.cfg
	at := now + extra
	if c.Bandwidth > 0 {
		start := max(now, l.busyUntil)
		l.busyUntil = start + int64(len(p.data)+40)*int64(time.Second)/c.Bandwidth
		at = l.busyUntil + extra
	}
	at += int64(c.Latency)
	if c.Jitter > 0 {
		if c.ExpJitter {
			at += int64(min(w.rng.ExpFloat64(), 20) * float64(c.Jitter))
		} else {
			at += w.rng.Int64N(int64(c.Jitter))
		}
	}
	if p.kind == pDatagram {
		if c.Loss > 0 && w.rng.Float64() < c.Loss {
			w.dropLocked(p, "loss")
			return
		}
		if c.Reorder > 0 && w.rng.Float64() < c.Reorder {
			at += w.rng.Int64N(int64(c.Latency+c.Jitter+time.Millisecond)) + 1
		}
		if c.Duplicate > 0 && w.rng.Float64() < c.Duplicate {
			d := *p
			d.data = append([]byte(nil), p.data...)
			w.flyLocked(l, &d, at+1)
		}
	} else {
		for c.Loss > 0 && w.rng.Float64() < c.Loss {
			at += int64(RTO)
		}
		if s := p.conn; s != nil {
			at = max(at, s.lastAt) // in order
			s.lastAt = at
		}
	}
	if at <= now {
		w.arriveLocked(p)
		return
	}
	w.flyLocked(l, p, at)
}

// flyLocked schedules p's arrival over l at at, keeping it among l's
// packets in flight, which Hold takes back.
func (w *World) flyLocked(l *link, p *packet, at int64) {
	var e *event
	e = w.atLocked(at, func() {
		delete(l.flying, e)
		w.arriveLocked(p)
	})
	if e.idx >= 0 {
		if l.flying == nil {
			l.flying = map[*event]*packet{}
		}
		l.flying[e] = p
	}
}

// landLocked takes back every packet in flight on l, in the order they
// would have arrived, into its queue ahead of what it holds already.
func (w *World) landLocked(l *link) {
	if len(l.flying) == 0 {
		return
	}
	es := make([]*event, 0, len(l.flying))
	for e := range l.flying {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b *event) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	held := make([]*packet, 0, len(es)+len(l.queue))
	for _, e := range es {
		w.cancelLocked(e)
		held = append(held, l.flying[e])
	}
	l.flying = nil
	l.queue = append(held, l.queue...)
}

func (w *World) arriveLocked(p *packet) {
	if w.tr != nil {
		w.traceLocked("net.deliver", p.to, p.flow, p.describe())
	}
	switch {
	case p.deliver != nil:
		p.deliver(p)
	case p.kind == pSyn:
		synArrives(p)
		w.recycleLocked(p)
	case p.kind == pDatagram:
		datagramArrives(p)
	default:
		p.conn.arrive(p)
		w.recycleLocked(p)
	}
}

// newPacketLocked returns a zero packet, one that has arrived if any: a
// dial and a close send four TCP packets that arrive at once on a perfect
// link, and a world of ten thousand clients would allocate each.
func (w *World) newPacketLocked() *packet {
	if n := len(w.pfree); n > 0 {
		p := w.pfree[n-1]
		w.pfree[n-1] = nil
		w.pfree = w.pfree[:n-1]
		return p
	}
	return new(packet)
}

// recycleLocked keeps p, a TCP packet that has arrived, for the next
// newPacketLocked: nothing refers to it any more (its arrival copied its
// data; its event and its place among the link's flying are gone).
func (w *World) recycleLocked(p *packet) {
	if len(w.pfree) < maxFreePackets {
		*p = packet{}
		w.pfree = append(w.pfree, p)
	}
}

// maxFreePackets bounds the packets a world keeps for reuse.
const maxFreePackets = 1024

func (w *World) dropLocked(p *packet, why string) {
	if w.tr != nil {
		w.traceLocked("net.drop", p.from, p.flow, why+" "+p.describe())
	}
}

// releaseLocked sends what l holds, in order, if it is no longer
// blocked.
func (w *World) releaseLocked(l *link) {
	now := w.now()
	if l.blocked(now) {
		return
	}
	q := l.queue
	l.queue = nil
	for _, p := range q {
		if l.blocked(now) { // a packet's delivery cannot block it again, but stay safe
			l.queue = append(l.queue, p)
			continue
		}
		w.scheduleLocked(l, p, now, 0)
	}
}

func (p *packet) describe() string {
	return fmt.Sprintf("%s %s %v>%v %dB", p.net(), p.kind, p.src, p.dst, len(p.data))
}

// traceLocked records a world event.
func (w *World) traceLocked(kind string, h *Host, flow uint64, what string) {
	e := green.TraceEvent{At: time.Duration(w.now()), Kind: green.TraceKind(kind), What: what, Flow: flow}
	if w.hub != nil {
		e.At = w.tr.Now()
	}
	if h != nil {
		e.Host = h.name
	}
	w.tr.Add(e)
}
