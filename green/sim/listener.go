package sim

import (
	"context"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

var _ net.Listener = (*Listener)(nil)

// Listener is a simulated TCP listener, a net.Listener. Connections that
// arrive while Backlog conns wait to be accepted are refused.
type Listener struct {
	w    *World
	host *Host
	addr netip.AddrPort
	tcp  *net.TCPAddr

	// Guarded by w.mu.
	queue     []*Conn
	closed    bool
	deadline  int64
	accepters waitList
}

// Backlog is how many connections a listener holds unaccepted.
const Backlog = 1 << 16

func (l *Listener) opError(err error) error {
	return &net.OpError{Op: "accept", Net: "tcp", Addr: l.tcp, Err: err}
}

// Accept waits for a connection and returns it, a *Conn.
func (l *Listener) Accept() (net.Conn, error) {
	w := l.w
	w.enter()
	defer w.unlockRun()
	for {
		switch {
		case l.closed:
			return nil, l.opError(net.ErrClosed)
		case len(l.queue) > 0:
			c := l.queue[0]
			l.queue[0] = nil
			l.queue = l.queue[1:]
			return c, nil
		case l.deadline != 0 && w.now() >= l.deadline:
			return nil, l.opError(os.ErrDeadlineExceeded)
		}
		if err := w.waitLocked(&l.accepters, l.deadline, "sim accept"); err != nil {
			return nil, l.opError(err)
		}
	}
}

// Close stops listening: waiting Accepts fail with net.ErrClosed, and the
// conns not yet accepted are reset.
func (l *Listener) Close() error {
	w := l.w
	w.enter()
	defer w.unlockRun()
	if l.closed {
		return &net.OpError{Op: "close", Net: "tcp", Addr: l.tcp, Err: net.ErrClosed}
	}
	l.closeLocked()
	return nil
}

func (l *Listener) closeLocked() {
	if l.closed {
		return
	}
	l.closed = true
	delete(l.host.listeners, l.addr)
	l.host.unbindLocked(protoTCP, l.addr.Port())
	for _, c := range l.queue {
		c.linger0 = true
		c.closeLocked()
	}
	l.queue = nil
	l.accepters.wakeAll()
}

// Addr returns the listener's address, a *net.TCPAddr.
func (l *Listener) Addr() net.Addr { return l.tcp }

// SetDeadline sets the deadline of Accept, a time on the world's clock.
func (l *Listener) SetDeadline(t time.Time) error {
	w := l.w
	w.enter()
	defer w.unlockRun()
	if l.closed {
		return l.opError(net.ErrClosed)
	}
	l.deadline = w.worldTime(t)
	l.accepters.wakeAll()
	return nil
}

func (h *Host) unbindLocked(proto int, port uint16) {
	if h.ports[proto][port]--; h.ports[proto][port] <= 0 {
		delete(h.ports[proto], port)
	}
}

// listenerForLocked finds the listener of h for a conn to dst.
func (h *Host) listenerForLocked(dst netip.AddrPort) *Listener {
	if l := h.listeners[dst]; l != nil {
		return l
	}
	port := dst.Port()
	if dst.Addr().Is4() {
		if l := h.listeners[netip.AddrPortFrom(netip.IPv4Unspecified(), port)]; l != nil {
			return l
		}
	}
	return h.listeners[netip.AddrPortFrom(netip.IPv6Unspecified(), port)]
}

// listenTCP binds a listener on h at ap (port 0: an ephemeral one).
func (h *Host) listenTCP(network string, ap netip.AddrPort) (*Listener, error) {
	w := h.w
	w.enter()
	defer w.unlockRun()
	fail := func(err error) (*Listener, error) {
		return nil, &net.OpError{Op: "listen", Net: network, Addr: net.TCPAddrFromAddrPort(ap), Err: err}
	}
	ap, err := h.bindLocked(protoTCP, ap)
	if err != nil {
		return fail(err)
	}
	l := &Listener{w: w, host: h, addr: ap, tcp: net.TCPAddrFromAddrPort(ap)}
	h.listeners[ap] = l
	h.ports[protoTCP][ap.Port()]++
	return l, nil
}

// bindLocked checks that h may bind a socket of proto at ap and returns
// the address to bind, with an ephemeral port for port 0; the caller
// records the socket and counts its port. Its errors are bind's.
func (h *Host) bindLocked(proto int, ap netip.AddrPort) (netip.AddrPort, error) {
	if h.w.closed {
		return ap, net.ErrClosed
	}
	if err := h.downErrLocked("bind"); err != nil {
		return ap, err
	}
	if !ap.Addr().IsUnspecified() && !h.owns(ap.Addr()) {
		return ap, os.NewSyscallError("bind", syscall.EADDRNOTAVAIL)
	}
	port := ap.Port()
	if port == 0 {
		p, ok := h.ephemeralLocked(proto)
		if !ok {
			return ap, os.NewSyscallError("bind", syscall.EADDRINUSE)
		}
		port = p
	} else if h.ports[proto][port] > 0 && (proto == protoUDP || h.listenerClashLocked(ap.Addr(), port)) {
		// A UDP port is taken by any socket on it; a TCP one only by a
		// listener on the same or an unspecified address.
		return ap, os.NewSyscallError("bind", syscall.EADDRINUSE)
	}
	return netip.AddrPortFrom(ap.Addr(), port), nil
}

// listenerClashLocked reports whether a listener on ip:port would clash
// with one already bound (the same address, or either unspecified).
func (h *Host) listenerClashLocked(ip netip.Addr, port uint16) bool {
	for ap := range h.listeners {
		if ap.Port() == port && (ap.Addr() == ip || ap.Addr().IsUnspecified() || ip.IsUnspecified()) {
			return true
		}
	}
	return false
}

// dialTCP connects from h to dst.
func (h *Host) dialTCP(ctx context.Context, network string, dst netip.AddrPort) (*Conn, error) {
	w := h.w
	w.enter()
	defer w.unlockRun()
	fail := func(err error) (*Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Addr: net.TCPAddrFromAddrPort(dst), Err: err}
	}
	if w.closed {
		return fail(net.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if err := h.downErrLocked("connect"); err != nil {
		return fail(err)
	}
	to := h.routeLocked(dst.Addr())
	if to == nil {
		return fail(os.NewSyscallError("connect", syscall.EHOSTUNREACH))
	}
	src, ok := h.sourceFor(dst.Addr())
	if !ok {
		return fail(os.NewSyscallError("connect", syscall.ENETUNREACH))
	}
	port, ok := h.ephemeralLocked(protoTCP)
	if !ok {
		return fail(os.NewSyscallError("connect", syscall.EADDRNOTAVAIL))
	}
	h.ports[protoTCP][port]++
	if dst.Addr().IsUnspecified() { // as Linux: the unspecified address is this host
		dst = netip.AddrPortFrom(src, dst.Port())
	}
	c := w.newConnLocked(h, netip.AddrPortFrom(src, port), dst)
	p := w.newPacketLocked()
	*p = packet{kind: pSyn, from: h, to: to, src: c.local, dst: dst, conn: c}
	w.sendLocked(p)

	// The context ends the wait through its Done channel alone, on
	// whichever clock made it: a context of the world's Time fires in
	// world time, one of package time in its own.
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() {
			w.mu.Lock()
			c.dialers.wakeAll()
			w.unlockRun()
		})
		defer stop()
	}
	for c.state == cDialing {
		err := ctx.Err()
		if err == nil {
			err = w.waitLocked(&c.dialers, 0, "sim dial")
		}
		if err != nil {
			c.closeLocked()
			return fail(err)
		}
	}
	if c.state == cRefused {
		err := c.dialErr
		c.closeLocked()
		return fail(err)
	}
	return c, nil
}

// synArrives is the arrival of a connection attempt at p.to.
func synArrives(p *packet) {
	c := p.conn // the dialer
	w := c.w
	h := p.to
	l := h.listenerForLocked(p.dst)
	if l == nil || l.closed || len(l.queue) >= Backlog || c.closed {
		// Refused: the answer is a reset.
		w.sendLocked(&packet{kind: pRst, from: h, to: p.from, src: p.dst, dst: p.src, deliver: func(*packet) {
			if c.state == cDialing {
				c.state = cRefused
				c.dialErr = os.NewSyscallError("connect", syscall.ECONNREFUSED)
				c.dialers.wakeAll()
			}
		}})
		return
	}
	s := w.newConnLocked(h, p.dst, p.src)
	h.ports[protoTCP][p.dst.Port()]++ // the accepted conn holds the port too
	s.state = cOpen
	s.peer, c.peer = c, s
	l.queue = append(l.queue, s)
	l.accepters.wakeOne()
	s.sendLocked(pSynAck, nil)
}
