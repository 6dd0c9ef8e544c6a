package green

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

// ringConn makes the module's conn of fd, accepted by a greenlet of u's hub:
// a lazy conn (mod_socket_lazy.go) for tcp, otherwise one of package net.
func (l *listener) ringConn(u *uringRing, fd int) (net.Conn, error) {
	if !l.tcp || !l.inherits {
		return l.newConn(fd)
	}
	var laddr, raddr net.Addr
	if sa, err := syscall.Getsockname(fd); err == nil {
		laddr = tcpAddrOf(sa)
	}
	if sa, err := syscall.Getpeername(fd); err == nil {
		raddr = tcpAddrOf(sa) // as net.FileConn: none once the peer has gone
	}
	if laddr == nil {
		return l.newConn(fd)
	}
	c, err := newLazyConn(l.h, u, fd, laddr, raddr)
	if err != nil {
		return nil, l.opError(err)
	}
	return c, nil
}

// newLazyConn makes a lazy conn of fd, a connected tcp socket whose
// options are set, on u's ring; fd is closed if that fails.
func newLazyConn(h *Hub, u *uringRing, fd int, laddr, raddr net.Addr) (*conn, error) {
	f := os.NewFile(uintptr(fd), "")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	c := &conn{h: h, stream: true, netw: laddr.Network(), laddr: laddr, raddr: raddr}
	c.lz = &lazyNet{f: f, rc: rc}
	c.rop.init()
	c.urop.onLate = c.keepRead
	c.ufd.Store(&uringFd{u: u, fd: int32(fd), file: f})
	return c, nil
}

// ringDial dials on g's hub's ring and returns a lazy conn, where it can
// do what the dialer d would: a tcp address with an IP literal, and a
// dialer with no deadline, local address, control function or
// multipath, under a context that cannot end. It reports false where it
// cannot; the caller then dials through package net.
//
// The connect runs on the ring as reads and writes do: no goroutine of
// package net's dial, no cancel function registered per connect, and the
// conn is on no netpoller (see mod_socket_lazy.go).
func ringDial(h *Hub, g *Greenlet, d *net.Dialer, ctx context.Context, network, address string) (net.Conn, error, bool) {
	if network != "tcp" && network != "tcp4" && network != "tcp6" || ctx.Done() != nil ||
		d.Timeout != 0 || !d.Deadline.IsZero() || d.LocalAddr != nil || d.Control != nil ||
		d.ControlContext != nil || d.Cancel != nil || d.MultipathTCP() {
		return nil, nil, false
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Addr().Zone() != "" || ap.Addr().IsUnspecified() || ap.Addr().Is4In6() {
		return nil, nil, false
	}
	var family int
	var sa []byte
	switch a := ap.Addr(); {
	case a.Is4() && network != "tcp6":
		family = syscall.AF_INET
		sa = make([]byte, syscall.SizeofSockaddrInet4)
		b := a.As4()
		copy(sa[4:8], b[:])
	case a.Is6() && network != "tcp4":
		family = syscall.AF_INET6
		sa = make([]byte, syscall.SizeofSockaddrInet6)
		b := a.As16()
		copy(sa[8:24], b[:])
	default:
		return nil, nil, false
	}
	binary.NativeEndian.PutUint16(sa[0:2], uint16(family))
	binary.BigEndian.PutUint16(sa[2:4], ap.Port())
	u := uringOf(g.h)
	if u == nil {
		return nil, nil, false
	}
	raddr := &net.TCPAddr{IP: ap.Addr().AsSlice(), Port: int(ap.Port())}
	fail := func(sys string, err error) (net.Conn, error, bool) {
		return nil, &net.OpError{Op: "dial", Net: network, Addr: raddr, Err: os.NewSyscallError(sys, err)}, true
	}
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
	if err != nil {
		return fail("socket", err)
	}
	ka := keepAliveOf(d.KeepAliveConfig, d.KeepAlive)
	owned := false // by the conn: else closed, however this returns (a kill unwinds)
	defer func() {
		if !owned {
			syscall.Close(fd)
		}
	}()
	if err := setTCPOpts(fd, ka); err != nil {
		return fail("setsockopt", err)
	}
	uf := &uringFd{u: u, fd: int32(fd)}
	op := &uop{opcode: uringOpConnect, uf: uf, p: sa}
	res, err := u.do(g, op, 0, "socket dial")
	if err != nil {
		return nil, err, true // a green error: do has cancelled the connect
	}
	if res < 0 {
		return fail("connect", syscall.Errno(-res))
	}
	var laddr net.Addr
	if lsa, err := syscall.Getsockname(fd); err == nil {
		laddr = tcpAddrOf(lsa)
	}
	if laddr == nil {
		laddr = &net.TCPAddr{}
	}
	owned = true // newLazyConn closes it if it fails
	c, err := newLazyConn(h, u, fd, laddr, raddr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Addr: raddr, Err: err}, true
	}
	return c, nil, true
}

// inheritControl returns a ListenConfig.Control that runs user's (if
// any) and then sets, on a tcp socket about to listen, the options package
// net's Accept sets on each conn it returns: TCP_NODELAY, and keep-alive as
// ka says. The sockets the listener accepts inherit them from the start,
// so a lazy conn needs no system call for them. *ok reports whether they
// were set; where not, the listener's conns are made by net.FileConn,
// which sets them on each.
func inheritControl(user func(string, string, syscall.RawConn) error, ka net.KeepAliveConfig, ok *bool) func(string, string, syscall.RawConn) error {
	return func(network, address string, rc syscall.RawConn) error {
		if user != nil {
			if err := user(network, address, rc); err != nil {
				return err
			}
		}
		if network != "tcp" && network != "tcp4" && network != "tcp6" {
			return nil
		}
		var err error
		cerr := rc.Control(func(fd uintptr) { err = setTCPOpts(int(fd), ka) })
		*ok = cerr == nil && err == nil
		return nil
	}
}

// lazyShutdown is CloseRead or CloseWrite of a lazy conn that has no conn
// of package net yet (one made meanwhile shares the socket).
func (c *conn) lazyShutdown(write bool) error {
	how := syscall.SHUT_RD
	if write {
		how = syscall.SHUT_WR
	}
	if c.lz.closed.Load() {
		return c.opError("close", net.ErrClosed)
	}
	var err error
	if cerr := c.lz.rc.Control(func(fd uintptr) { err = syscall.Shutdown(int(fd), how) }); cerr != nil {
		return c.opError("close", net.ErrClosed) // closed meanwhile
	}
	if err != nil {
		return c.opError("close", os.NewSyscallError("shutdown", err))
	}
	return nil
}

// lazyOpts are a lazy conn's keep-alive options, read before net.FileConn
// changes them.
type lazyOpts struct {
	c    *conn
	vals [4]int
	ok   [4]bool
}

var keepAliveOpts = [4]struct{ level, opt int }{
	{syscall.SOL_SOCKET, syscall.SO_KEEPALIVE},
	{syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE},
	{syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL},
	{syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT},
}

func (c *conn) sockOpts() *lazyOpts {
	o := &lazyOpts{c: c}
	c.lz.rc.Control(func(fd uintptr) {
		for i, k := range keepAliveOpts {
			v, err := syscall.GetsockoptInt(int(fd), k.level, k.opt)
			o.vals[i], o.ok[i] = v, err == nil
		}
	})
	return o
}

// restore puts the options back.
func (o *lazyOpts) restore() {
	o.c.lz.rc.Control(func(fd uintptr) {
		for i, k := range keepAliveOpts {
			if o.ok[i] {
				syscall.SetsockoptInt(int(fd), k.level, k.opt, o.vals[i])
			}
		}
	})
}

// setTCPOpts sets on a tcp socket what package net sets on a conn it
// returns: TCP_NODELAY, and keep-alive as ka says (zero fields: package
// net's defaults; negative: left as they are).
func setTCPOpts(fd int, ka net.KeepAliveConfig) error {
	var err error
	set := func(level, opt, v int) {
		if err == nil {
			err = syscall.SetsockoptInt(fd, level, opt, v)
		}
	}
	secs := func(d, def time.Duration) int {
		if d == 0 {
			d = def
		}
		return int((d + time.Second - 1) / time.Second) // up, as package net
	}
	set(syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	if !ka.Enable {
		return err
	}
	set(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1)
	if ka.Idle >= 0 {
		set(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, secs(ka.Idle, defaultKeepAlive))
	}
	if ka.Interval >= 0 {
		set(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, secs(ka.Interval, defaultKeepAlive))
	}
	if ka.Count >= 0 {
		n := ka.Count
		if n == 0 {
			n = defaultKeepAliveCount
		}
		set(syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, n)
	}
	return err
}
