package green_test

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// sockOpts are the options package net sets on the conns its Accept
// returns.
type sockOpts struct{ noDelay, keepAlive, idle, intvl, cnt int }

func readSockOpts(fd int) (o sockOpts, err error) {
	get := func(level, opt int, v *int) {
		if err == nil {
			*v, err = syscall.GetsockoptInt(fd, level, opt)
		}
	}
	get(syscall.IPPROTO_TCP, syscall.TCP_NODELAY, &o.noDelay)
	get(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, &o.keepAlive)
	get(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, &o.idle)
	get(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, &o.intvl)
	get(syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, &o.cnt)
	if o.keepAlive == 0 {
		o.idle, o.intvl, o.cnt = 0, 0, 0 // unused then
	}
	return o, err
}

// netAcceptOpts returns the options of a conn that package net's own
// Accept returns for lc.
func netAcceptOpts(t *testing.T, lc *net.ListenConfig) sockOpts {
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	d, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer d.Close()
	c, err := ln.Accept()
	require.NoError(t, err)
	defer c.Close()
	rc, err := c.(*net.TCPConn).SyscallConn()
	require.NoError(t, err)
	var o sockOpts
	var gerr error
	require.NoError(t, rc.Control(func(fd uintptr) { o, gerr = readSockOpts(int(fd)) }))
	require.NoError(t, gerr)
	return o
}

// onRingPair runs f in a greenlet of a new io_uring hub, with the hub's
// Socket (listening through lc) and both ends of a loopback conn made
// through it: c dialed, acc accepted, both closed after f.
func onRingPair(t *testing.T, lc *net.ListenConfig, f func(s green.Socket, c, acc net.Conn) error) {
	t.Helper()
	uringOrSkip(t)
	h := newHub(t, green.Options{Poller: green.PollerIOURing})
	s := green.Socket{Hub: h, ListenConfig: lc}
	require.NoError(t, run(t, h, func() error {
		c, acc, closeAll, err := connPair(s)
		if err != nil {
			return err
		}
		defer closeAll()
		return f(s, c, acc)
	}))
}

// fdOf returns the descriptor of package net's conn nc.
func fdOf(nc net.Conn) (fd int, err error) {
	rc, err := nc.(*net.TCPConn).SyscallConn()
	if err != nil {
		return -1, err
	}
	err = rc.Control(func(x uintptr) { fd = int(x) })
	return fd, err
}

// A conn accepted on the ring is lazy: no conn of package net underneath,
// and yet its socket has the options package net's Accept would have set
// (inherited from the listening socket), for each kind of keep-alive; so
// does the conn of package net made for it later.
func TestSocket_LazyConnHasNetsOptions(t *testing.T) {
	for name, lc := range map[string]*net.ListenConfig{
		"Default":   {},
		"Period":    {KeepAlive: 40 * time.Second},
		"Off":       {KeepAlive: -1},
		"Config":    {KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 5 * time.Second, Interval: 7 * time.Second, Count: 3}},
		"ConfigOff": {KeepAlive: -1, KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 2500 * time.Millisecond, Interval: -1}},
	} {
		t.Run(name, func(t *testing.T) {
			want := netAcceptOpts(t, lc)
			var got, later sockOpts
			var lazy, made bool
			onRingPair(t, lc, func(_ green.Socket, _, c net.Conn) error {
				var fd int
				lazy, made, fd = green.LazyConn(c)
				if !lazy {
					return nil
				}
				var err error
				if got, err = readSockOpts(fd); err != nil {
					return err
				}
				if fd, err = fdOf(c.(interface{ NetConn() net.Conn }).NetConn()); err != nil {
					return err
				}
				later, err = readSockOpts(fd)
				return err
			})
			require.True(t, lazy, "the accepted conn is not lazy")
			assert.False(t, made, "a conn of package net was made")
			assert.Equal(t, want, got, "the lazy conn's")
			assert.Equal(t, want, later, "package net's conn made later")
		})
	}
}

// goPolled returns the descriptors registered with any epoll instance of
// the process, Go's netpoller's among them (read from /proc/self/fdinfo).
func goPolled(t *testing.T) map[int]bool {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	polled := map[int]bool{}
	for _, e := range ents {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err != nil || link != "anon_inode:[eventpoll]" {
			continue
		}
		info, err := os.ReadFile(filepath.Join("/proc/self/fdinfo", e.Name()))
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(info)) {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "tfd:" {
				if n, err := strconv.Atoi(f[1]); err == nil {
					polled[n] = true
				}
			}
		}
	}
	return polled
}

// The point of a lazy conn: its socket is on no epoll instance, Go's
// netpoller's included, until a conn of package net is made for it; then
// that conn's descriptor is (which shows the check can see one).
func TestSocket_LazyConnIsNotPolled(t *testing.T) {
	var before, after map[int]bool
	var fd, netFd int
	var made bool
	onRingPair(t, nil, func(_ green.Socket, _, c net.Conn) error {
		_, _, fd = green.LazyConn(c)
		before = goPolled(t)
		nc := c.(interface{ NetConn() net.Conn }).NetConn()
		_, made, _ = green.LazyConn(c)
		var err error
		netFd, err = fdOf(nc)
		after = goPolled(t)
		return err
	})
	assert.False(t, before[fd], "the accepted socket (fd %d) is on an epoll instance", fd)
	assert.True(t, made, "NetConn made no conn of package net")
	assert.NotEqual(t, fd, netFd, "package net's conn has its own descriptor")
	assert.True(t, after[netFd], "package net's conn (fd %d) is not on Go's netpoller", netFd)
}

// A lazy conn serves a plain goroutine and a greenlet of another hub too
// (through a conn of package net, made then, with the deadline set
// before); closed, every way of using it reports net.ErrClosed, as package
// net's conn does.
func TestSocket_LazyConnOffHubAndClosed(t *testing.T) {
	uringOrSkip(t)
	h := newHub(t, green.Options{Poller: green.PollerIOURing})
	h2 := newHub(t, green.Options{Poller: green.PollerIOURing})
	s := green.Socket{Hub: h}
	var c, acc net.Conn
	var closeAll func()
	err := run(t, h, func() error {
		var err error
		c, acc, closeAll, err = connPair(s)
		return err
	})
	require.NoError(t, err)
	defer closeAll()
	lazy, made, _ := green.LazyConn(acc)
	require.True(t, lazy)
	require.False(t, made)

	// A deadline set while lazy holds for the conn made later.
	require.NoError(t, acc.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err = acc.Read(make([]byte, 1)) // a plain goroutine
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	_, made, _ = green.LazyConn(acc)
	assert.True(t, made)
	require.NoError(t, acc.SetReadDeadline(time.Time{}))

	// A plain goroutine writes; a greenlet of another hub reads.
	go c.Write([]byte("hi"))
	var got []byte
	err = run(t, h2, func() error {
		b := make([]byte, 2)
		_, err := io.ReadFull(acc, b)
		got = b
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []byte("hi"), got)

	require.NoError(t, acc.Close())
	for name, f := range map[string]func() error{
		"Read":        func() error { _, err := acc.Read(make([]byte, 1)); return err },
		"Write":       func() error { _, err := acc.Write([]byte{1}); return err },
		"Close":       acc.Close,
		"SetDeadline": func() error { return acc.SetDeadline(time.Time{}) },
		"CloseWrite":  func() error { return acc.(interface{ CloseWrite() error }).CloseWrite() },
	} {
		assert.ErrorIs(t, f(), net.ErrClosed, name)
	}
}

// Closed before anything made a conn of package net, a lazy conn reports
// net.ErrClosed to its greenlets and to goroutines, and NetConn's conn
// fails the same way.
func TestSocket_LazyConnClosedWhileLazy(t *testing.T) {
	var acc net.Conn
	onRingPair(t, nil, func(_ green.Socket, c, a net.Conn) error {
		acc = a
		r := green.Spawn(func() error { _, err := a.Read(make([]byte, 1)); return err })
		green.Yield() // r waits in a recv on the ring
		require.NoError(t, a.Close())
		assert.ErrorIs(t, r.JoinTimeout(5*time.Second), net.ErrClosed, "the waiting reader")
		_, err := a.Write([]byte{1})
		assert.ErrorIs(t, err, net.ErrClosed, "a greenlet's Write")
		// The peer sees the end.
		n, err := c.Read(make([]byte, 1))
		assert.Equal(t, 0, n)
		assert.ErrorIs(t, err, io.EOF, "the peer's Read")
		return nil
	})
	_, made, _ := green.LazyConn(acc)
	assert.False(t, made)
	_, err := acc.Read(make([]byte, 1))
	assert.ErrorIs(t, err, net.ErrClosed, "a goroutine's Read")
	_, err = acc.(interface{ NetConn() net.Conn }).NetConn().Write([]byte{1})
	assert.ErrorIs(t, err, net.ErrClosed, "NetConn's Write")
}

// CloseWrite of a lazy conn sends FIN: the peer reads what was written and
// then io.EOF, and can still write back.
func TestSocket_LazyConnCloseWrite(t *testing.T) {
	onRingPair(t, nil, func(_ green.Socket, c, a net.Conn) error {
		if _, err := a.Write([]byte("bye")); err != nil {
			return err
		}
		if err := a.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
			return err
		}
		got, err := io.ReadAll(c)
		if err != nil {
			return err
		}
		assert.Equal(t, "bye", string(got))
		if _, err := c.Write([]byte("ok")); err != nil {
			return err
		}
		b := make([]byte, 2)
		if _, err := io.ReadFull(a, b); err != nil {
			return err
		}
		assert.True(t, bytes.Equal(b, []byte("ok")))
		_, made, _ := green.LazyConn(a)
		assert.False(t, made)
		return nil
	})
}

// A greenlet's Dial of an IP address on an io_uring hub connects on the
// ring and returns a lazy conn, with package net's options and addresses;
// a refused connect is package net's error.
func TestSocket_RingDial(t *testing.T) {
	uringOrSkip(t)                                // before netAcceptOpts
	want := netAcceptOpts(t, &net.ListenConfig{}) // what a dialed conn of package net has too
	onRingPair(t, nil, func(s green.Socket, c, acc net.Conn) error {
		lazy, made, fd := green.LazyConn(c)
		require.True(t, lazy, "the dialed conn is not lazy")
		assert.False(t, made)
		got, err := readSockOpts(fd)
		if err != nil {
			return err
		}
		assert.Equal(t, want, got)
		assert.Equal(t, acc.RemoteAddr().String(), c.LocalAddr().String())
		assert.Equal(t, acc.LocalAddr().String(), c.RemoteAddr().String())
		assert.Equal(t, "tcp", c.RemoteAddr().Network())

		// Nothing listens on a port just closed.
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := ln.Addr().String()
		ln.Close()
		_, err = s.Dial("tcp", addr)
		var oe *net.OpError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, "dial", oe.Op)
		assert.Equal(t, addr, oe.Addr.String())
		assert.ErrorIs(t, err, syscall.ECONNREFUSED)
		return nil
	})
}

// fullListener returns the address of a loopback listener whose accept
// queue is full, so that a connect to it waits (its SYNs are dropped), and
// a func that closes it.
func fullListener(t *testing.T) (string, func()) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, syscall.Listen(fd, 0)) // room for one connection
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	first, err := net.Dial("tcp", addr) // takes the room
	require.NoError(t, err)
	return addr, func() { first.Close(); syscall.Close(fd) }
}

// A greenlet killed while its Dial connects on the ring ends at once, and
// leaves no descriptor behind.
func TestSocket_RingDialKilled(t *testing.T) {
	uringOrSkip(t)
	if _, err := openFDs(); err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	addr, closeFull := fullListener(t)
	defer closeFull()
	h := newHub(t, green.Options{Poller: green.PollerIOURing})
	s := green.Socket{Hub: h}
	var before, after int
	var dialErr error
	var ended, killed bool
	err := run(t, h, func() error {
		ln, err := listenWarm(s)
		if err != nil {
			return err
		}
		defer ln.Close()
		before, _ = openFDs()
		d := green.Spawn(func() error { _, dialErr = s.Dial("tcp", addr); return dialErr })
		green.Sleep(50 * time.Millisecond)
		ended = d.Ready()
		d.Kill()
		if err := d.JoinTimeout(5 * time.Second); err != nil {
			return err
		}
		killed = d.Killed()
		after, _ = openFDs()
		return nil
	})
	require.NoError(t, err)
	require.False(t, ended, "the dial to a full listener ended by itself: %v", dialErr)
	assert.True(t, killed)
	// The count is the process's: earlier tests' hubs may still be closing
	// descriptors meanwhile. A leak shows as one more.
	assert.LessOrEqual(t, after, before, "descriptors open before and after the killed dial")
}

// The ring dials IPv6 addresses too.
func TestSocket_RingDialIPv6(t *testing.T) {
	uringOrSkip(t)
	if ln, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here:", err)
	} else {
		ln.Close()
	}
	h := newHub(t, green.Options{Poller: green.PollerIOURing})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		ln, err := s.Listen("tcp", "[::1]:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		c, acc, closeAll, err := pairOn(s, ln)
		if err != nil {
			return err
		}
		defer closeAll()
		lazy, _, _ := green.LazyConn(c)
		assert.True(t, lazy, "the dialed conn is not lazy")
		assert.Equal(t, ln.Addr().String(), c.RemoteAddr().String())
		assert.Equal(t, acc.RemoteAddr().String(), c.LocalAddr().String())
		if _, err := c.Write([]byte{7}); err != nil {
			return err
		}
		b := make([]byte, 1)
		if _, err := io.ReadFull(acc, b); err != nil {
			return err
		}
		assert.Equal(t, byte(7), b[0])
		return nil
	})
	require.NoError(t, err)
}
