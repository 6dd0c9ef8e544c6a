package sim

import (
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

var (
	_ net.PacketConn = (*UDPConn)(nil)
	_ net.Conn       = (*UDPConn)(nil)
)

// UDPConn is a simulated UDP socket: a net.PacketConn, and a net.Conn
// when dialed (connected UDP). Datagrams larger than the world's MTU fail
// with EMSGSIZE; a datagram that finds the receive queue full (RecvBuffer
// bytes) or no socket at its address is dropped.
type UDPConn struct {
	w      *World
	host   *Host
	local  netip.AddrPort
	remote netip.AddrPort // connected to, if valid
	laddr  *net.UDPAddr
	raddr  *net.UDPAddr

	// Guarded by w.mu.
	queue    []datagram
	qbytes   int
	closed   bool
	rdl, wdl int64
	readers  waitList
}

type datagram struct {
	from netip.AddrPort
	data []byte
}

// RecvBuffer bounds the bytes a UDP socket holds unread.
const RecvBuffer = 256 << 10

func (u *UDPConn) opError(op string, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: "udp", Source: u.laddr, Addr: addr, Err: err}
}

// listenUDP binds a UDP socket on h at ap (port 0: an ephemeral one),
// connected to remote if it is valid.
func (h *Host) listenUDP(network string, ap, remote netip.AddrPort) (*UDPConn, error) {
	w := h.w
	w.enter()
	defer w.unlockRun()
	op := "listen"
	if remote.IsValid() {
		op = "dial"
	}
	fail := func(err error) (*UDPConn, error) {
		var a net.Addr = net.UDPAddrFromAddrPort(ap)
		if remote.IsValid() {
			a = net.UDPAddrFromAddrPort(remote)
		}
		return nil, &net.OpError{Op: op, Net: network, Addr: a, Err: err}
	}
	ap, err := h.bindLocked(protoUDP, ap)
	if err != nil {
		return fail(err)
	}
	u := &UDPConn{w: w, host: h, local: ap, remote: remote, laddr: net.UDPAddrFromAddrPort(ap)}
	if remote.IsValid() {
		u.raddr = net.UDPAddrFromAddrPort(remote)
	}
	h.udps[ap] = u
	h.ports[protoUDP][ap.Port()]++
	return u, nil
}

// udpForLocked finds the socket of h that receives a datagram for dst
// from src.
func (h *Host) udpForLocked(dst, src netip.AddrPort) *UDPConn {
	u := h.udps[dst]
	if u == nil && dst.Addr().Is4() {
		u = h.udps[netip.AddrPortFrom(netip.IPv4Unspecified(), dst.Port())]
	}
	if u == nil {
		u = h.udps[netip.AddrPortFrom(netip.IPv6Unspecified(), dst.Port())]
	}
	if u != nil && u.remote.IsValid() && u.remote != src {
		return nil // a connected socket takes only its peer's
	}
	return u
}

// ReadFrom copies net.UDPConn's ReadFrom: it waits for a datagram and
// returns it (truncated to b) with its sender's *net.UDPAddr.
func (u *UDPConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := u.read(b, "read")
	if err != nil {
		return n, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// Read copies net.UDPConn's Read: ReadFrom without the address.
func (u *UDPConn) Read(b []byte) (int, error) {
	n, _, err := u.read(b, "read")
	return n, err
}

func (u *UDPConn) read(b []byte, op string) (int, netip.AddrPort, error) {
	w := u.w
	w.enter()
	defer w.unlockRun()
	for {
		switch {
		case u.closed:
			return 0, netip.AddrPort{}, u.opError(op, u.raddr, net.ErrClosed)
		case len(u.queue) > 0:
			d := u.queue[0]
			u.queue[0] = datagram{}
			u.queue = u.queue[1:]
			u.qbytes -= len(d.data)
			return copy(b, d.data), d.from, nil
		case u.rdl != 0 && w.now() >= u.rdl:
			return 0, netip.AddrPort{}, u.opError(op, u.raddr, os.ErrDeadlineExceeded)
		}
		if err := w.waitLocked(&u.readers, u.rdl, "sim udp read"); err != nil {
			return 0, netip.AddrPort{}, u.opError(op, u.raddr, err)
		}
	}
}

// WriteTo copies net.UDPConn's WriteTo: it sends one datagram to addr (a
// *net.UDPAddr, or any net.Addr whose String is an IP and port) and
// never waits.
func (u *UDPConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	if u.remote.IsValid() {
		return 0, u.opError("write", addr, syscall.EISCONN)
	}
	if addr == nil {
		return 0, u.opError("write", nil, syscall.EDESTADDRREQ)
	}
	dst, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return 0, u.opError("write", addr, err)
	}
	return u.send(b, dst, addr)
}

// Write copies a connected net.UDPConn's Write.
func (u *UDPConn) Write(b []byte) (int, error) {
	if !u.remote.IsValid() {
		return 0, u.opError("write", nil, syscall.EDESTADDRREQ)
	}
	return u.send(b, u.remote, u.raddr)
}

func (u *UDPConn) send(b []byte, dst netip.AddrPort, addr net.Addr) (int, error) {
	w := u.w
	w.enter()
	defer w.unlockRun()
	switch {
	case u.closed:
		return 0, u.opError("write", addr, net.ErrClosed)
	case u.wdl != 0 && w.now() >= u.wdl:
		return 0, u.opError("write", addr, os.ErrDeadlineExceeded)
	case len(b) > w.cfg.MTU:
		return 0, u.opError("write", addr, os.NewSyscallError("sendto", syscall.EMSGSIZE))
	}
	dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	to := u.host.routeLocked(dst.Addr())
	if to == nil {
		return 0, u.opError("write", addr, os.NewSyscallError("sendto", syscall.EHOSTUNREACH))
	}
	src := u.local
	if src.Addr().IsUnspecified() {
		a, ok := u.host.sourceFor(dst.Addr())
		if !ok {
			return 0, u.opError("write", addr, os.NewSyscallError("sendto", syscall.ENETUNREACH))
		}
		src = netip.AddrPortFrom(a, src.Port())
	}
	w.sendLocked(&packet{kind: pDatagram, from: u.host, to: to, src: src, dst: dst,
		data: append([]byte(nil), b...)})
	return len(b), nil
}

// datagramArrives is the arrival of a datagram at p.to.
func datagramArrives(p *packet) {
	u := p.to.udpForLocked(p.dst, p.src)
	if u == nil || u.closed || u.qbytes+len(p.data) > RecvBuffer {
		if p.to.w.tr != nil {
			p.to.w.dropLocked(p, "no room or no socket")
		}
		return
	}
	u.queue = append(u.queue, datagram{from: p.src, data: p.data})
	u.qbytes += len(p.data)
	u.readers.wakeOne()
}

// Close closes the socket: waiting reads fail with net.ErrClosed.
func (u *UDPConn) Close() error {
	w := u.w
	w.enter()
	defer w.unlockRun()
	if u.closed {
		return u.opError("close", nil, net.ErrClosed)
	}
	u.closeLocked()
	return nil
}

func (u *UDPConn) closeLocked() {
	if u.closed {
		return
	}
	u.closed = true
	delete(u.host.udps, u.local)
	u.host.unbindLocked(protoUDP, u.local.Port())
	u.queue = nil
	u.readers.wakeAll()
}

// LocalAddr returns the socket's address, a *net.UDPAddr.
func (u *UDPConn) LocalAddr() net.Addr { return u.laddr }

// RemoteAddr returns the connected peer's *net.UDPAddr, or nil.
func (u *UDPConn) RemoteAddr() net.Addr {
	if u.raddr == nil {
		return nil
	}
	return u.raddr
}

// Now returns the time on the clock u's deadlines are on: the world's
// (World.Now), as Conn.Now.
func (u *UDPConn) Now() time.Time { return u.w.Now() }

// SetDeadline sets the read and write deadlines, times on the world's
// clock.
func (u *UDPConn) SetDeadline(t time.Time) error { return u.setDeadline(t, true, true) }

// SetReadDeadline sets the read deadline.
func (u *UDPConn) SetReadDeadline(t time.Time) error { return u.setDeadline(t, true, false) }

// SetWriteDeadline sets the write deadline.
func (u *UDPConn) SetWriteDeadline(t time.Time) error { return u.setDeadline(t, false, true) }

func (u *UDPConn) setDeadline(t time.Time, r, wr bool) error {
	w := u.w
	w.enter()
	defer w.unlockRun()
	if u.closed {
		return u.opError("set", nil, net.ErrClosed)
	}
	d := w.worldTime(t)
	if r {
		u.rdl = d
		u.readers.wakeAll()
	}
	if wr {
		u.wdl = d
	}
	return nil
}
