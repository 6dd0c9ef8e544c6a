package green

import (
	"net"
	"os"
	"strconv"
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
	f := os.NewFile(uintptr(fd), "")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, l.opError(err)
	}
	c := &conn{h: l.h, stream: true, netw: laddr.Network(), laddr: laddr, raddr: raddr}
	c.lz = &lazyNet{f: f, rc: rc}
	c.rop.init()
	c.urop.onLate = c.keepRead
	c.ufd.Store(&uringFd{u: u, fd: int32(fd), file: f})
	return c, nil
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
		set := func(fd int, level, opt, v int) {
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
		cerr := rc.Control(func(x uintptr) {
			fd := int(x)
			set(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
			if !ka.Enable {
				return
			}
			set(fd, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1)
			if ka.Idle >= 0 {
				set(fd, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, secs(ka.Idle, defaultKeepAlive))
			}
			if ka.Interval >= 0 {
				set(fd, syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, secs(ka.Interval, defaultKeepAlive))
			}
			if ka.Count >= 0 {
				n := ka.Count
				if n == 0 {
					n = defaultKeepAliveCount
				}
				set(fd, syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, n)
			}
		})
		*ok = cerr == nil && err == nil
		return nil
	}
}

// lazyShutdown is CloseRead or CloseWrite of a lazy conn.
func (c *conn) lazyShutdown(write bool) error {
	how := syscall.SHUT_RD
	if write {
		how = syscall.SHUT_WR
	}
	if p := c.lz.nc.Load(); p != nil {
		if s, ok := (*p).(interface{ CloseWrite() error }); ok && how == syscall.SHUT_WR {
			return s.CloseWrite()
		}
		if s, ok := (*p).(interface{ CloseRead() error }); ok && how == syscall.SHUT_RD {
			return s.CloseRead()
		}
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

// tcpAddrOf converts a socket address as package net does.
func tcpAddrOf(sa syscall.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: append(net.IP(nil), sa.Addr[:]...), Port: sa.Port}
	case *syscall.SockaddrInet6:
		a := &net.TCPAddr{IP: append(net.IP(nil), sa.Addr[:]...), Port: sa.Port}
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				a.Zone = ifi.Name
			} else {
				a.Zone = strconv.Itoa(int(sa.ZoneId))
			}
		}
		return a
	}
	return nil
}
