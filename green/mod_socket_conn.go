package green

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// conn is a net.Conn of the socket module: a conn of package net whose Read
// and Write, called from a greenlet, park only that greenlet.
//
// From a greenlet, Read calls read(2) on the hub through the conn's
// syscall.RawConn with a callback that tries once and never waits (RawConn
// checks closing and the deadline first, under package net's read lock, as
// Read does), so no goroutine is involved while data is there. On EAGAIN
// the greenlet parks on the hub's poller (mod_socket_poller_linux.go) until
// the descriptor is readable, and tries again; without a poller (another
// hub's greenlet first registered the conn, or no epoll) a helper goroutine
// waits for readiness instead (ioWait). Write runs package net's Write off
// the hub (writeOp). Both cost no allocation in the common case. On a hub
// whose poller is io_uring, Read and Write instead put a recv or a send on
// the hub's ring and park (mod_socket_uring_io_linux.go).
type conn struct {
	net.Conn // package net's conn (nil until made, if lz is set: see nc)

	pollable

	h      *Hub // the hint of Socket.Hub
	stream bool // a read of 0 bytes means EOF
	netw   string
	laddr  net.Addr
	raddr  net.Addr

	// The deadlines the user set, in unix nanoseconds (0: none): a
	// greenlet's wait on the poller arms a timer for them, and a helper
	// kicked out with a past deadline (see ioWait) puts them back.
	rdl, wdl atomic.Int64

	// The read op is used under the gate, so a greenlet's Read does not
	// allocate; the write op is taken by swap, and a concurrent second
	// writer makes its own.
	rop  ioOp
	gate atomic.Pointer[readGate]
	wop  atomic.Pointer[writeOp] // nil: taken, or not made yet

	// The io_uring backend's (mod_socket_uring_linux.go): its read and
	// write ops, used under the read gate and the write gate, and the
	// bytes a cancelled recv had read, for the next Read (read gate).
	urop, uwop uop
	wgate      atomic.Pointer[readGate]
	stash      []byte

	// lz is set if c is lazy: Conn is nil, and made by nc when needed
	// (mod_socket_lazy.go).
	lz *lazyNet
}

// readGate lets the greenlets of one hub, the first to read c, take turns
// on the fast path: one reads (or waits for data) at a time, the others
// wait in line on the hub. Package net's read lock, taken by the fast path,
// is then never contended on the hub.
type readGate struct {
	h *Hub
	s Semaphore // one permit, bound to h
}

// gateFor returns c's read gate if g may use it, or nil. Hub context, on g.
func (c *conn) gateFor(g *Greenlet) *readGate { return gateIn(&c.gate, g, "socket read") }

// gateIn returns the gate in *p, made on first use, if g may use it, or nil.
// Hub context, on g.
func gateIn(p *atomic.Pointer[readGate], g *Greenlet, what string) *readGate {
	gt := p.Load()
	if gt == nil {
		n := &readGate{h: g.h}
		n.s.b.bind(g.h, what)
		if !p.CompareAndSwap(nil, n) {
			n = p.Load()
		}
		gt = n
	}
	if gt.h != g.h {
		return nil
	}
	return gt
}

// ioOp carries one read or write through the RawConn callback, which runs
// synchronously on the calling greenlet; the callbacks are bound once so
// that passing them does not allocate.
type ioOp struct {
	p     []byte
	n     int
	errno syscall.Errno

	read func(fd uintptr) bool
	rw   *ioWait // readiness wait, reused while not abandoned
}

func (op *ioOp) init() {
	op.read = op.readOnce
}

// maxRW caps one system call, as package net does (1 GiB).
const maxRW = 1 << 30

// readOnce reads once, without waiting.
func (op *ioOp) readOnce(fd uintptr) bool {
	p := op.p
	if len(p) > maxRW {
		p = p[:maxRW]
	}
	for {
		n, err := sysRead(fd, p)
		if err == syscall.EINTR {
			continue
		}
		op.n, op.errno = max(n, 0), errnoOf(err)
		return true
	}
}

func errnoOf(err error) syscall.Errno {
	if err == nil {
		return 0
	}
	if e, ok := err.(syscall.Errno); ok {
		return e
	}
	return syscall.EIO
}

func wrapConn(h *Hub, c net.Conn) net.Conn {
	w := &conn{Conn: c, h: h, laddr: c.LocalAddr(), raddr: c.RemoteAddr()}
	w.netw = w.laddr.Network()
	switch w.netw {
	case "udp", "udp4", "udp6", "unixgram", "ip", "ip4", "ip6":
	default:
		w.stream = true
	}
	if fastPath {
		w.rc = rawConnOf(c)
	}
	w.rop.init()
	w.urop.onLate = w.keepRead
	if pc, ok := c.(net.PacketConn); ok && !w.stream {
		return &datagramConn{conn: w, pc: pc}
	}
	return w
}

// datagramConn is a dialed datagram conn of the socket module (UDP,
// unixgram, IP): a conn, and also a net.PacketConn, as package net's
// *UDPConn is. Go's resolver depends on it: it tells a UDP exchange from a
// TCP one by whether its conn is a net.PacketConn, and otherwise frames its
// queries for TCP, which no name server understands over UDP.
type datagramConn struct {
	*conn
	pc net.PacketConn // package net's conn, as a packet conn
}

// ReadFrom copies the ReadFrom of package net's conn on a connected socket:
// it reads as Read does (from a greenlet, parking only the greenlet), and
// the datagram comes from the peer the socket is connected to, the only
// one the system lets through.
func (c *datagramConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, err := c.conn.Read(p)
	if err != nil {
		return n, nil, err
	}
	return n, c.raddr, nil
}

// WriteTo copies the WriteTo of package net's conn, which refuses a
// connected socket at once (net.ErrWriteToConnected for UDP): it never
// waits.
func (c *datagramConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	return c.pc.WriteTo(p, addr)
}

// NetConn returns the conn of package net underneath, for its own methods
// (SetKeepAlive, SetNoDelay, File, ...). Its Read and Write block the hub.
func (c *conn) NetConn() net.Conn { return c.nc() }

// LocalAddr copies net.Conn's LocalAddr.
func (c *conn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr copies net.Conn's RemoteAddr.
func (c *conn) RemoteAddr() net.Addr { return c.raddr }

// CloseWrite shuts down the writing side, as (*net.TCPConn).CloseWrite; it
// fails if the conn underneath has no CloseWrite.
func (c *conn) CloseWrite() error {
	if c.lz != nil && c.lz.nc.Load() == nil {
		return c.lazyShutdown(true)
	}
	if cw, ok := c.nc().(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return &net.OpError{Op: "close", Net: c.netw, Source: c.laddr, Addr: c.raddr, Err: errors.ErrUnsupported}
}

// CloseRead shuts down the reading side, as (*net.TCPConn).CloseRead.
func (c *conn) CloseRead() error {
	if c.lz != nil && c.lz.nc.Load() == nil {
		return c.lazyShutdown(false)
	}
	if cr, ok := c.nc().(interface{ CloseRead() error }); ok {
		return cr.CloseRead()
	}
	return &net.OpError{Op: "close", Net: c.netw, Source: c.laddr, Addr: c.raddr, Err: errors.ErrUnsupported}
}

// Read copies net.Conn's Read; from a greenlet it parks only the greenlet.
func (c *conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return c.nc().Read(p)
	}
	g := callerGreenlet(c.h)
	if g == nil {
		return c.nc().Read(p)
	}
	if c.rc == nil && c.lz == nil {
		return nativeIO(g, "socket read", p, c.Conn.Read)
	}
	gt := c.gateFor(g)
	if gt == nil {
		// A greenlet of another hub: its wait would hold package net's
		// read lock, which c's hub's greenlets must not meet.
		return nativeIO(g, "socket read", p, c.nc().Read)
	}
	if err := gt.s.acquire(g, 1, block, 0, "socket read"); err != nil {
		return 0, err
	}
	defer gt.s.releaseFront(1, "socket read")
	if uf := c.uringFor(g); uf != nil {
		return c.readURing(g, uf, p)
	}
	if c.lz != nil {
		return nativeIO(g, "socket read", p, c.nc().Read) // its ring has closed
	}
	op := &c.rop
	defer func() { op.p = nil }()
	op.p = p
	for {
		if err := c.rc.Read(op.read); err != nil {
			return 0, c.opError("read", unwrapOp(err))
		}
		switch op.errno {
		case 0:
			if op.n == 0 && c.stream {
				return 0, io.EOF
			}
			return op.n, nil
		case syscall.EAGAIN:
			if s, fresh := c.slotFor(g); fresh {
				continue
			} else if s != nil {
				if err := s.wait(g, c.rdl.Load(), "socket read"); err != nil {
					return 0, err
				}
				continue
			}
			op.rw = op.rw.reuse(c.rc, c, pollIn)
			if err := op.rw.wait(g, "socket read"); err != nil {
				return 0, err
			}
		default:
			return 0, c.opError("read", os.NewSyscallError("read", op.errno))
		}
	}
}

// Write copies net.Conn's Write (it writes all of p or fails); from a
// greenlet it parks only the greenlet while package net's Write runs on a
// goroutine of its own (see writeOp).
func (c *conn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return c.nc().Write(p)
	}
	g := callerGreenlet(c.h)
	if g == nil {
		return c.nc().Write(p)
	}
	if c.rc != nil || c.lz != nil {
		if uf := c.uringFor(g); uf != nil {
			return c.writeURing(g, uf, p)
		}
	}
	if c.lz != nil {
		return nativeIO(g, "socket write", p, c.nc().Write) // another hub's greenlet, or its ring has closed
	}
	op := c.wop.Swap(nil)
	if op == nil {
		op = &writeOp{c: c}
		op.run, op.done = op.write, op.finish
	}
	n, err, reusable := op.do(g, p)
	if reusable {
		c.wop.Store(op)
	}
	return n, err
}

// SetDeadline copies net.Conn's SetDeadline.
func (c *conn) SetDeadline(t time.Time) error {
	c.rdl.Store(unixNano(t))
	c.wdl.Store(unixNano(t))
	err := c.setNetDeadline(func(nc net.Conn) error { return nc.SetDeadline(t) })
	c.wakeSlot()
	return err
}

// SetReadDeadline copies net.Conn's SetReadDeadline.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.rdl.Store(unixNano(t))
	err := c.setNetDeadline(func(nc net.Conn) error { return nc.SetReadDeadline(t) })
	c.wakeSlot()
	return err
}

// SetWriteDeadline copies net.Conn's SetWriteDeadline.
func (c *conn) SetWriteDeadline(t time.Time) error {
	c.wdl.Store(unixNano(t))
	// A Write off the hub (writeOp) sees it on package net's conn; a send
	// in flight on the ring is woken to look at it. (No greenlet waits on
	// the poller to write.)
	err := c.setNetDeadline(func(nc net.Conn) error { return nc.SetWriteDeadline(t) })
	c.wakeURing()
	return err
}

// setNetDeadline passes a deadline on to package net's conn: c's, or a
// lazy conn's once made (lazySetDeadline).
func (c *conn) setNetDeadline(set func(net.Conn) error) error {
	if c.lz != nil {
		return c.lazySetDeadline(set)
	}
	return set(c.Conn)
}

// Close copies net.Conn's Close, and wakes the greenlets waiting on c.
func (c *conn) Close() error {
	if c.lz != nil {
		return c.lazyClose()
	}
	err := c.Conn.Close()
	c.closeSlot()
	return err
}

func (c *conn) expire(events int16) {
	if events == pollIn {
		c.Conn.SetReadDeadline(longAgo)
	} else {
		c.Conn.SetWriteDeadline(longAgo)
	}
}

func (c *conn) restore(events int16) {
	if events == pollIn {
		c.Conn.SetReadDeadline(timeOf(c.rdl.Load()))
	} else {
		c.Conn.SetWriteDeadline(timeOf(c.wdl.Load()))
	}
}

// longAgo is a deadline in the past, as net/http uses to wake a Read.
var longAgo = time.Unix(1, 0)

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return max(t.UnixNano(), 1)
}

func timeOf(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func (c *conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.netw, Source: c.laddr, Addr: c.raddr, Err: err}
}

// unwrapOp returns the cause of a RawConn error (net.ErrClosed,
// os.ErrDeadlineExceeded), which package net wraps in an OpError of op
// "raw-read" or "raw-write".
func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}

// nativeIO runs a blocking Read or Write of package net off the hub while g
// waits: the path of conns without a RawConn. A greenlet that stops waiting
// abandons the call, which may still read into or write from p.
func nativeIO(g *Greenlet, what string, p []byte, f func([]byte) (int, error)) (int, error) {
	var n int
	err := offHub(g, what, context.Background(), func(context.Context) (error, func()) {
		var err error
		n, err = f(p)
		return err, nil
	})
	return n, err
}
