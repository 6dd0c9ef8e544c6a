package green

import (
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A tcp conn that a greenlet accepted, or dialed (ringDial), on an
// io_uring hub has no conn of package net underneath until something needs
// one: NetConn, a call from outside the hub's greenlets, or a greenlet of
// another hub. Its greenlets read and write through the hub's ring on the
// socket's own descriptor, which is all a server's connection usually
// does.
//
// Why: a conn of package net is registered with Go's netpoller. While any
// Go timer is pending (the hub's monitor always has one), the runtime
// parks a thread that has nothing to run in epoll_wait, and that thread
// wakes for every segment that arrives on every registered socket, though
// no goroutine waits on it: under wrk -c100 a green server paid 10,000
// such wake-ups a second, on the core the clients need. Making the conn
// (net.FileConn: a dup, fcntl, epoll_ctl, getsockname, getpeername, five
// setsockopts) was also most of what accepting a connection cost.
//
// What package net's Accept would set on each conn, Listen sets once on
// the listening socket, whose options accepted sockets inherit
// (inheritControl); ringDial sets them on its socket. A conn of package net
// made later (materialize) keeps them.

// lazyNet is a lazy conn's state.
type lazyNet struct {
	f      *os.File // the socket's descriptor; the ring's (uringFd.file) too
	rc     syscall.RawConn
	mu     sync.Mutex               // serializes making nc with Close and deadlines
	nc     atomic.Pointer[net.Conn] // made by materialize, under mu
	closed atomic.Bool              // Close was called (under mu)
}

// nc returns package net's conn under c, made now if c is lazy and has
// none yet: a conn whose methods fail if c is closed or one cannot be made
// (out of descriptors).
func (c *conn) nc() net.Conn {
	if c.lz == nil {
		return c.Conn
	}
	if p := c.lz.nc.Load(); p != nil {
		return *p
	}
	return c.materialize()
}

func (c *conn) materialize() net.Conn {
	l := c.lz
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := l.nc.Load(); p != nil {
		return *p
	}
	if l.closed.Load() {
		return failedConn{c, net.ErrClosed}
	}
	// net.FileConn sets package net's default keep-alive on the socket
	// (the same socket: its descriptor is a dup): put back what it had.
	opts := c.sockOpts()
	nc, err := net.FileConn(l.f)
	if err != nil {
		return failedConn{c, unwrapOp(err)}
	}
	opts.restore()
	nc.SetReadDeadline(timeOf(c.rdl.Load()))
	nc.SetWriteDeadline(timeOf(c.wdl.Load()))
	l.nc.Store(&nc)
	return nc
}

// lazyReady is what package net's RawConn checks before an operation:
// closing, then the deadline.
func (c *conn) lazyReady(deadline int64) error {
	if c.lz.closed.Load() {
		return net.ErrClosed
	}
	if deadline != 0 && time.Now().UnixNano() >= deadline {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// lazySetDeadline passes a new deadline on to package net's conn, if made.
func (c *conn) lazySetDeadline(set func(net.Conn) error) error {
	l := c.lz
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return &net.OpError{Op: "set", Net: c.netw, Addr: c.laddr, Err: net.ErrClosed}
	}
	if p := l.nc.Load(); p != nil {
		return set(*p)
	}
	return nil
}

// lazyClose is Close of a lazy conn: the descriptor itself is closed by
// closeSlot, once the ring's operations on it have ended.
func (c *conn) lazyClose() error {
	l := c.lz
	l.mu.Lock()
	was := l.closed.Swap(true)
	p := l.nc.Load()
	l.mu.Unlock()
	if was {
		return c.opError("close", net.ErrClosed)
	}
	if p != nil {
		(*p).Close()
	}
	c.closeSlot()
	return nil
}

// failedConn stands for package net's conn of a lazy conn when it cannot be
// made: every call fails with err, as package net's calls on a closed conn
// do with net.ErrClosed.
type failedConn struct {
	c   *conn
	err error
}

func (f failedConn) fail(op string) error            { return f.c.opError(op, f.err) }
func (f failedConn) Read([]byte) (int, error)        { return 0, f.fail("read") }
func (f failedConn) Write([]byte) (int, error)       { return 0, f.fail("write") }
func (f failedConn) Close() error                    { return f.fail("close") }
func (f failedConn) LocalAddr() net.Addr             { return f.c.laddr }
func (f failedConn) RemoteAddr() net.Addr            { return f.c.raddr }
func (f failedConn) SetDeadline(time.Time) error     { return f.setErr() }
func (f failedConn) SetReadDeadline(time.Time) error { return f.setErr() }
func (f failedConn) SetWriteDeadline(time.Time) error {
	return f.setErr()
}
func (f failedConn) setErr() error {
	return &net.OpError{Op: "set", Net: f.c.netw, Addr: f.c.laddr, Err: f.err}
}
