package sim

import (
	"cmp"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync/atomic"
	"syscall"
	"time"
)

var _ net.Conn = (*Conn)(nil)

// Conn is one end of a simulated TCP connection: a net.Conn with the
// methods of *net.TCPConn that servers and clients use (CloseRead,
// CloseWrite, SetLinger, SetKeepAlive, SetNoDelay). See # Network in the
// package doc for its semantics.
type Conn struct {
	w     *World
	host  *Host
	id    uint64
	hidx  int // index in host.conns while open; guarded by w.mu
	local netip.AddrPort
	remot netip.AddrPort
	laddr atomic.Pointer[net.TCPAddr] // made on first use: most conns never ask
	raddr atomic.Pointer[net.TCPAddr]

	// Guarded by w.mu.
	peer     *Conn
	state    cstate
	dialErr  error
	rbuf     []byte // delivered, unread: rbuf[roff:]
	roff     int
	eof      bool  // the peer's FIN arrived
	rerr     error // reset
	rshut    bool  // CloseRead
	wshut    bool  // CloseWrite or Close
	closed   bool
	linger0  bool
	inflight int   // bytes sent and not yet arrived
	lastAt   int64 // arrival time of the last packet sent (order)
	lk       *link // c's link to its peer, once looked up
	rdl, wdl int64 // deadlines, world time; 0 none
	readers  waitList
	writers  waitList
	dialers  waitList
}

type cstate uint8

const (
	cDialing cstate = iota
	cOpen
	cRefused
)

// maxSegment bounds the bytes of one data packet.
const maxSegment = 64 << 10

func (w *World) newConnLocked(h *Host, local, remote netip.AddrPort) *Conn {
	w.flows++ // conn IDs share the counter: both only order things
	c := &Conn{w: w, host: h, id: w.flows, local: local, remot: remote}
	c.hidx = len(h.conns)
	h.conns = append(h.conns, c)
	return c
}

// removeConnLocked takes c out of h.conns: the last takes its place.
func (h *Host) removeConnLocked(c *Conn) {
	i := c.hidx
	if i < 0 || i >= len(h.conns) || h.conns[i] != c {
		return
	}
	last := len(h.conns) - 1
	h.conns[i] = h.conns[last]
	h.conns[i].hidx = i
	h.conns[last] = nil
	h.conns = h.conns[:last]
	c.hidx = -1
}

// sortedConns returns a copy of conns ordered by id, the order they were
// made: deterministic, whatever order removals left them in.
func sortedConns(conns []*Conn) []*Conn {
	cs := slices.Clone(conns)
	slices.SortFunc(cs, func(a, b *Conn) int { return cmp.Compare(a.id, b.id) })
	return cs
}

// unread is how many bytes wait to be read.
func (c *Conn) unread() int { return len(c.rbuf) - c.roff }

// room is how many more bytes c may send now.
func (c *Conn) room() int {
	n := c.w.cfg.Buffer - c.inflight
	if c.peer != nil {
		n -= c.peer.unread()
	}
	return n
}

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: c.tcpAddr(&c.laddr, c.local), Addr: c.tcpAddr(&c.raddr, c.remot), Err: err}
}

// tcpAddr returns the *net.TCPAddr of ap kept in p, made on the first
// call: two allocations a conn saves when nothing asks for its addresses.
// Every call returns the same pointer, as net.TCPConn's do.
func (c *Conn) tcpAddr(p *atomic.Pointer[net.TCPAddr], ap netip.AddrPort) *net.TCPAddr {
	if a := p.Load(); a != nil {
		return a
	}
	a := net.TCPAddrFromAddrPort(ap)
	if p.CompareAndSwap(nil, a) {
		return a
	}
	return p.Load()
}

// Read copies net.TCPConn's Read: it waits for data, and returns io.EOF
// once the peer has closed its side and everything before was read.
func (c *Conn) Read(b []byte) (int, error) {
	w := c.w
	w.enter()
	defer w.unlockRun()
	for {
		switch {
		case c.closed:
			return 0, c.opError("read", net.ErrClosed)
		case c.unread() > 0:
			n := copy(b, c.rbuf[c.roff:])
			c.roff += n
			if c.roff == len(c.rbuf) {
				c.rbuf, c.roff = c.rbuf[:0], 0
			}
			if n > 0 && c.peer != nil {
				c.peer.writers.wakeAll()
			}
			return n, nil
		case c.rerr != nil:
			return 0, c.opError("read", c.rerr)
		case c.eof || c.rshut:
			return 0, io.EOF
		case len(b) == 0:
			return 0, nil
		case c.rdl != 0 && w.now() >= c.rdl:
			return 0, c.opError("read", os.ErrDeadlineExceeded)
		}
		if err := w.waitLocked(&c.readers, c.rdl, "sim read"); err != nil {
			return 0, c.opError("read", err)
		}
	}
}

// Write copies net.TCPConn's Write: it waits while the conn's buffers are
// full (the peer does not read), and returns once every byte is on its
// way.
func (c *Conn) Write(b []byte) (int, error) {
	w := c.w
	w.enter()
	defer w.unlockRun()
	n := 0
	for {
		switch {
		case c.closed:
			return n, c.opError("write", net.ErrClosed)
		case c.rerr != nil:
			return n, c.opError("write", os.NewSyscallError("write", syscall.EPIPE))
		case c.wshut:
			return n, c.opError("write", os.NewSyscallError("write", syscall.EPIPE))
		case c.wdl != 0 && w.now() >= c.wdl:
			return n, c.opError("write", os.ErrDeadlineExceeded)
		case n == len(b):
			return n, nil
		}
		if room := c.room(); room > 0 {
			k := min(room, len(b)-n, maxSegment)
			if c.fastLocked() {
				// A perfect link with nothing in flight: straight into
				// the peer's buffer, without a packet.
				q := c.peer
				q.rbuf = append(q.rbuf, b[n:n+k]...)
				q.readers.wakeAll()
				n += k
				continue
			}
			c.inflight += k
			c.sendLocked(pData, append([]byte(nil), b[n:n+k]...))
			n += k
			continue
		}
		if err := w.waitLocked(&c.writers, c.wdl, "sim write"); err != nil {
			return n, c.opError("write", err)
		}
	}
}

// fastLocked reports whether data c writes may go straight into its peer's
// buffer: what a packet on c's link would come to, with nothing to see it
// (no hook, no trace), nothing to delay it, and nothing of c's in flight.
func (c *Conn) fastLocked() bool {
	w := c.w
	q := c.peer
	if w.hook != nil || w.tr != nil || q == nil || q.closed || q.rshut || q.rerr != nil || c.inflight > 0 {
		return false
	}
	l := c.lk
	if l == nil {
		to := c.host.routeLocked(c.remot.Addr())
		if to == nil {
			return false
		}
		l = w.linkLocked(c.host, to)
		c.lk = l
	}
	if l.from == l.to {
		return w.cfg.Loopback == (Link{})
	}
	if l.cfg != (Link{}) || l.held || l.down || len(l.queue) > 0 {
		return false
	}
	if l.clogUntil == 0 && c.lastAt == 0 {
		return true // never clogged, nothing ever in flight: no need for the time
	}
	now := w.now()
	return now >= l.clogUntil && c.lastAt <= now
}

// sendLocked sends a packet of kind from c to its peer.
func (c *Conn) sendLocked(kind pkind, data []byte) {
	var to *Host
	if c.lk != nil {
		to = c.lk.to // the route, found once (linkOfLocked)
	} else {
		to = c.w.byAddrOr(c.host, c.remot.Addr())
	}
	if to == nil {
		return
	}
	p := c.w.newPacketLocked()
	*p = packet{kind: kind, from: c.host, to: to, src: c.local, dst: c.remot, data: data, conn: c}
	c.w.sendLocked(p)
}

// arrive delivers a packet c sent to c's peer. World lock held.
func (c *Conn) arrive(p *packet) {
	switch p.kind {
	case pData:
		c.inflight -= len(p.data)
		c.writers.wakeAll()
		q := c.peer
		if q == nil || q.closed || q.rshut {
			if q != nil && !q.linger0 {
				// Data for a closed socket: it answers with a reset.
				q.sendLocked(pRst, nil)
			}
			return
		}
		if q.rerr != nil {
			return
		}
		q.rbuf = append(q.rbuf, p.data...)
		q.readers.wakeAll()
	case pFin:
		if q := c.peer; q != nil {
			q.eof = true
			q.readers.wakeAll()
		}
	case pRst:
		if q := c.peer; q != nil {
			q.resetLocked()
		}
	case pSynAck:
		q := c.peer // the dialer
		if q.closed {
			c.resetLocked() // it gave up meanwhile
			return
		}
		q.state = cOpen
		q.dialers.wakeAll()
	}
}

// resetLocked makes c fail with ECONNRESET from now on, and drops what
// it had not read.
func (c *Conn) resetLocked() {
	if c.rerr != nil || c.closed {
		return
	}
	c.rerr = os.NewSyscallError("read", syscall.ECONNRESET)
	c.rbuf, c.roff = nil, 0
	c.inflight = 0
	if c.state == cDialing {
		c.state = cRefused
		c.dialErr = os.NewSyscallError("connect", syscall.ECONNRESET)
	}
	c.readers.wakeAll()
	c.writers.wakeAll()
	c.dialers.wakeAll()
}

// Close copies net.TCPConn's Close: the peer reads EOF after what was
// sent (or, after SetLinger(0), fails with ECONNRESET), and data that
// arrives for a closed conn is answered with a reset.
func (c *Conn) Close() error {
	w := c.w
	w.enter()
	defer w.unlockRun()
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	c.closeLocked()
	return nil
}

func (c *Conn) closeLocked() {
	if c.closed {
		return
	}
	if c.state == cOpen && c.rerr == nil {
		if c.linger0 {
			c.sendLocked(pRst, nil)
		} else if !c.wshut {
			c.sendLocked(pFin, nil)
		}
	}
	c.closed, c.wshut = true, true
	c.rbuf, c.roff = nil, 0
	if h := c.host; h != nil {
		h.removeConnLocked(c)
		if c.local.Port() != 0 {
			if h.ports[protoTCP][c.local.Port()]--; h.ports[protoTCP][c.local.Port()] <= 0 {
				delete(h.ports[protoTCP], c.local.Port())
			}
		}
	}
	c.readers.wakeAll()
	c.writers.wakeAll()
	c.dialers.wakeAll()
}

// CloseWrite copies net.TCPConn's CloseWrite: the peer reads EOF once it
// has read what was sent; c may still read.
func (c *Conn) CloseWrite() error {
	w := c.w
	w.enter()
	defer w.unlockRun()
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	if !c.wshut {
		c.wshut = true
		if c.rerr == nil {
			c.sendLocked(pFin, nil)
		}
		c.writers.wakeAll()
	}
	return nil
}

// CloseRead copies net.TCPConn's CloseRead: reads return EOF, and what
// arrives from now on is answered with a reset.
func (c *Conn) CloseRead() error {
	w := c.w
	w.enter()
	defer w.unlockRun()
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	c.rshut = true
	c.rbuf, c.roff = nil, 0
	c.readers.wakeAll()
	return nil
}

// SetLinger copies net.TCPConn's SetLinger as far as Close sees it: 0
// makes Close reset the connection; any other value is a normal close.
func (c *Conn) SetLinger(sec int) error {
	w := c.w
	w.enter()
	defer w.unlockRun()
	if c.closed {
		return c.opError("set", net.ErrClosed)
	}
	c.linger0 = sec == 0
	return nil
}

// SetKeepAlive is accepted and does nothing: the simulated network never
// drops an idle conn.
func (c *Conn) SetKeepAlive(bool) error { return nil }

// SetKeepAlivePeriod is accepted and does nothing.
func (c *Conn) SetKeepAlivePeriod(time.Duration) error { return nil }

// SetNoDelay is accepted and does nothing: every Write is sent at once.
func (c *Conn) SetNoDelay(bool) error { return nil }

// LocalAddr returns the conn's address, a *net.TCPAddr.
func (c *Conn) LocalAddr() net.Addr { return c.tcpAddr(&c.laddr, c.local) }

// RemoteAddr returns the peer's address, a *net.TCPAddr.
func (c *Conn) RemoteAddr() net.Addr { return c.tcpAddr(&c.raddr, c.remot) }

// Host returns the host c belongs to.
func (c *Conn) Host() *Host { return c.host }

// Now returns the time on the clock c's deadlines are on: the world's
// (World.Now). Code that computes deadlines for conns it did not make (a
// server's timeouts: green/server/httpserver looks for this method) reads
// it here rather than package time.
func (c *Conn) Now() time.Time { return c.w.Now() }

// SetDeadline sets the read and write deadlines, times on the world's
// clock (see World.Now); the zero time means none. A wait in progress
// looks at the new deadline at once.
func (c *Conn) SetDeadline(t time.Time) error { return c.setDeadline(t, true, true) }

// SetReadDeadline sets the read deadline, as SetDeadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.setDeadline(t, true, false) }

// SetWriteDeadline sets the write deadline, as SetDeadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.setDeadline(t, false, true) }

func (c *Conn) setDeadline(t time.Time, r, wr bool) error {
	w := c.w
	w.enter()
	defer w.unlockRun()
	if c.closed {
		return c.opError("set", net.ErrClosed)
	}
	d := w.worldTime(t)
	if r {
		c.rdl = d
		c.readers.wakeAll()
	}
	if wr {
		c.wdl = d
		c.writers.wakeAll()
	}
	return nil
}

// byAddrOr returns the host that owns ip, as seen from h.
func (w *World) byAddrOr(h *Host, ip netip.Addr) *Host { return h.routeLocked(ip) }
