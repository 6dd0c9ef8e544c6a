package green

import (
	"context"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// packetConn is a net.PacketConn of the socket module: ReadFrom and WriteTo,
// called from a greenlet, park only that greenlet.
//
// From a greenlet, ReadFrom on a UDP conn calls recvfrom(2) through the
// RawConn without waiting, as a conn's Read does. Other packet conns
// (unixgram) and WriteTo first wait, off the hub, until the descriptor is
// ready and then make package net's call, which then does not wait unless
// another goroutine drains (or fills) the socket in between; UDP sends
// practically never wait.
type packetConn struct {
	net.PacketConn // package net's packet conn; every other method is its

	h     *Hub
	rc    syscall.RawConn
	udp   bool
	netw  string
	laddr net.Addr

	// The deadlines the user set (see conn).
	rdl, wdl atomic.Int64
	// A greenlet reads (writes) through the fast path: its helper may
	// hold package net's lock, so others go off the hub (see conn.Read).
	rbusy, wbusy atomic.Bool
}

func wrapPacketConn(h *Hub, pc net.PacketConn) net.PacketConn {
	w := &packetConn{PacketConn: pc, h: h, laddr: pc.LocalAddr()}
	w.netw = w.laddr.Network()
	_, w.udp = pc.(*net.UDPConn)
	if fastPath {
		w.rc = rawConnOf(pc)
	}
	return w
}

// NetPacketConn returns the packet conn of package net underneath. Its
// methods block the hub.
func (c *packetConn) NetPacketConn() net.PacketConn { return c.PacketConn }

// recvOp carries one recvfrom through the RawConn callback.
type recvOp struct {
	p     []byte
	n     int
	from  syscall.Sockaddr
	errno syscall.Errno
}

func (op *recvOp) recvOnce(fd uintptr) bool {
	for {
		n, from, err := sysRecvfrom(fd, op.p)
		if err == syscall.EINTR {
			continue
		}
		op.n, op.from, op.errno = max(n, 0), from, errnoOf(err)
		return true
	}
}

// ReadFrom copies net.PacketConn's ReadFrom; from a greenlet it parks only
// the greenlet.
func (c *packetConn) ReadFrom(p []byte) (int, net.Addr, error) {
	g := callerGreenlet(c.h)
	if g == nil {
		return c.PacketConn.ReadFrom(p)
	}
	if c.rc == nil || !c.rbusy.CompareAndSwap(false, true) {
		var n int
		var from net.Addr
		err := offHub(g, "socket readfrom", context.Background(), func(context.Context) (error, func()) {
			var err error
			n, from, err = c.PacketConn.ReadFrom(p)
			return err, nil
		})
		return n, from, err
	}
	defer c.rbusy.Store(false)
	if !c.udp {
		if err := c.ready(g, pollIn, "socket readfrom"); err != nil {
			return 0, nil, err
		}
		return c.PacketConn.ReadFrom(p)
	}
	op := recvOp{p: p}
	var w *ioWait
	for {
		if err := c.rc.Read(op.recvOnce); err != nil {
			return 0, nil, c.opError("read", nil, unwrapOp(err))
		}
		switch op.errno {
		case 0:
			return op.n, udpAddrOf(op.from), nil
		case syscall.EAGAIN:
			if w == nil {
				w = newIOWait(c.rc, c, pollIn)
			}
			if err := w.wait(g, "socket readfrom"); err != nil {
				return 0, nil, err
			}
		default:
			return 0, nil, c.opError("read", nil, os.NewSyscallError("recvfrom", op.errno))
		}
	}
}

// WriteTo copies net.PacketConn's WriteTo; from a greenlet it parks only
// the greenlet while the socket has no room.
func (c *packetConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	g := callerGreenlet(c.h)
	if g == nil {
		return c.PacketConn.WriteTo(p, addr)
	}
	if c.rc == nil || !c.wbusy.CompareAndSwap(false, true) {
		var n int
		err := offHub(g, "socket writeto", context.Background(), func(context.Context) (error, func()) {
			var err error
			n, err = c.PacketConn.WriteTo(p, addr)
			return err, nil
		})
		return n, err
	}
	defer c.wbusy.Store(false)
	if err := c.ready(g, pollOut, "socket writeto"); err != nil {
		return 0, err
	}
	return c.PacketConn.WriteTo(p, addr)
}

// ready returns once the descriptor is ready for events (or closed, or past
// its deadline: package net's call then says so), parking g meanwhile.
func (c *packetConn) ready(g *Greenlet, events int16, what string) error {
	var ok bool
	check := func(fd uintptr) bool {
		ok = pollNow(fd, events)
		return true
	}
	var w *ioWait
	for {
		var err error
		if events == pollIn {
			err = c.rc.Read(check)
		} else {
			err = c.rc.Write(check)
		}
		if err != nil || ok {
			return nil // package net's call reports err
		}
		if w == nil {
			w = newIOWait(c.rc, c, events)
		}
		if err := w.wait(g, what); err != nil {
			return err
		}
	}
}

// SetDeadline copies net.PacketConn's SetDeadline.
func (c *packetConn) SetDeadline(t time.Time) error {
	c.rdl.Store(unixNano(t))
	c.wdl.Store(unixNano(t))
	return c.PacketConn.SetDeadline(t)
}

// SetReadDeadline copies net.PacketConn's SetReadDeadline.
func (c *packetConn) SetReadDeadline(t time.Time) error {
	c.rdl.Store(unixNano(t))
	return c.PacketConn.SetReadDeadline(t)
}

// SetWriteDeadline copies net.PacketConn's SetWriteDeadline.
func (c *packetConn) SetWriteDeadline(t time.Time) error {
	c.wdl.Store(unixNano(t))
	return c.PacketConn.SetWriteDeadline(t)
}

func (c *packetConn) expire(events int16) {
	if events == pollIn {
		c.PacketConn.SetReadDeadline(longAgo)
	} else {
		c.PacketConn.SetWriteDeadline(longAgo)
	}
}

func (c *packetConn) restore(events int16) {
	if events == pollIn {
		c.PacketConn.SetReadDeadline(timeOf(c.rdl.Load()))
	} else {
		c.PacketConn.SetWriteDeadline(timeOf(c.wdl.Load()))
	}
}

func (c *packetConn) opError(op string, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: c.netw, Source: c.laddr, Addr: addr, Err: err}
}

// udpAddrOf converts a recvfrom address as package net does.
func udpAddrOf(sa syscall.Sockaddr) net.Addr {
	if ip, port, zone, ok := ipOfSockaddr(sa); ok {
		return &net.UDPAddr{IP: ip, Port: port, Zone: zone}
	}
	return nil
}

// tcpAddrOf converts a getsockname or getpeername address as package net
// does.
func tcpAddrOf(sa syscall.Sockaddr) net.Addr {
	if ip, port, zone, ok := ipOfSockaddr(sa); ok {
		return &net.TCPAddr{IP: ip, Port: port, Zone: zone}
	}
	return nil
}

// ipOfSockaddr returns the IP, port and zone of an inet socket address, the
// zone named as package net names it: the interface's name, or its index
// if it has none.
func ipOfSockaddr(sa syscall.Sockaddr) (ip net.IP, port int, zone string, ok bool) {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return append(net.IP(nil), sa.Addr[:]...), sa.Port, "", true
	case *syscall.SockaddrInet6:
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				zone = ifi.Name
			} else {
				zone = strconv.Itoa(int(sa.ZoneId))
			}
		}
		return append(net.IP(nil), sa.Addr[:]...), sa.Port, zone, true
	}
	return nil, 0, "", false
}
