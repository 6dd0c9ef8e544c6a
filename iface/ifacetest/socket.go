package ifacetest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/nettest"

	"github.com/greenshim/greenshim/iface"
)

// loopback is the address every listener of the socket suite binds.
const loopback = "127.0.0.1:0"

// TestSocket tests an implementation of [iface.Socket] on the loopback
// interface. See the package documentation for what it checks.
func TestSocket(t *testing.T, s iface.Socket) {
	t.Run("Conn", func(t *testing.T) { nettest.TestConn(t, makePipe(s)) })
	t.Run("Listen", func(t *testing.T) { testListen(t, s) })
	t.Run("ListenContext", func(t *testing.T) { testListenContext(t, s) })
	t.Run("ListenPacket", func(t *testing.T) { testListenPacket(t, s) })
	t.Run("ListenPacketContext", func(t *testing.T) { testListenPacketContext(t, s) })
	t.Run("AcceptClosed", func(t *testing.T) { testAcceptClosed(t, s) })
	t.Run("ReadDeadline", func(t *testing.T) { testReadDeadline(t, s) })
	t.Run("DialRefused", func(t *testing.T) { testDialRefused(t, s) })
	t.Run("DialContext", func(t *testing.T) { testDialContext(t, s) })
}

// accepted is the result of one Accept.
type accepted struct {
	c   net.Conn
	err error
}

// acceptOne calls ln.Accept once in its own goroutine and delivers the result.
func acceptOne(ln net.Listener) <-chan accepted {
	c := make(chan accepted, 1)
	go func() {
		conn, err := ln.Accept()
		c <- accepted{conn, err}
	}()
	return c
}

// connect accepts on ln the conn made by dial, and returns both ends. If
// either fails it closes what it opened and returns the error; Accept, which
// closing ln unblocks, is waited for at most guard.
func connect(ln net.Listener, dial func(addr string) (net.Conn, error)) (dialed, acc net.Conn, err error) {
	results := acceptOne(ln)
	dialed, err = dial(ln.Addr().String())
	timer := time.NewTimer(guard)
	defer timer.Stop()
	if err != nil {
		ln.Close()
		select {
		case r := <-results:
			if r.c != nil {
				r.c.Close()
			}
		case <-timer.C:
		}
		return nil, nil, err
	}
	select {
	case r := <-results:
		if r.err != nil {
			dialed.Close()
			return nil, nil, r.err
		}
		return dialed, r.c, nil
	case <-timer.C:
		dialed.Close()
		ln.Close()
		return nil, nil, errors.New("ifacetest: Accept did not return the dialed conn")
	}
}

// makePipe makes TCP conn pairs through s for nettest.TestConn.
func makePipe(s iface.Socket) nettest.MakePipe {
	return func() (c1, c2 net.Conn, stop func(), err error) {
		ln, err := s.Listen("tcp", loopback)
		if err != nil {
			return nil, nil, nil, err
		}
		c1, c2, err = connect(ln, func(addr string) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(context.Background(), guard)
			defer cancel()
			return s.DialContext(ctx, "tcp", addr)
		})
		if err != nil {
			ln.Close()
			return nil, nil, nil, err
		}
		stop = func() {
			c1.Close()
			c2.Close()
			ln.Close()
		}
		return c1, c2, stop, nil
	}
}

// now is the time on the clock c's deadlines are on: what c's Now method
// says if it has one (a simulated world's conns, on world time), else the
// wall clock, as for the operating system's sockets.
func now(c any) time.Time {
	if k, ok := c.(interface{ Now() time.Time }); ok {
		return k.Now()
	}
	return time.Now()
}

// pair returns the two ends of a TCP conn made through s, closed when t ends.
func pair(t *testing.T, s iface.Socket) (c1, c2 net.Conn) {
	t.Helper()
	c1, c2, stop, err := makePipe(s)()
	require.NoError(t, err, "make a TCP conn on loopback")
	t.Cleanup(stop)
	return c1, c2
}

// exchange writes a message each way between a and b and checks it arrives.
// Reads are bounded by a deadline guard from now.
func exchange(t *testing.T, a, b net.Conn) {
	t.Helper()
	require.NoError(t, a.SetDeadline(now(a).Add(guard)))
	require.NoError(t, b.SetDeadline(now(b).Add(guard)))
	for _, dir := range []struct{ from, to net.Conn }{{a, b}, {b, a}} {
		msg := []byte("ping " + dir.from.LocalAddr().String())
		_, err := dir.from.Write(msg)
		require.NoError(t, err, "Write")
		got := make([]byte, len(msg))
		_, err = io.ReadFull(dir.to, got)
		require.NoError(t, err, "Read")
		assert.Equal(t, string(msg), string(got))
	}
}

func testListen(t *testing.T, s iface.Socket) {
	ln, err := s.Listen("tcp", loopback)
	require.NoError(t, err, "Listen")
	defer ln.Close()
	dialed, acc, err := connect(ln, func(addr string) (net.Conn, error) { return s.Dial("tcp", addr) })
	require.NoError(t, err, "Dial and Accept")
	defer dialed.Close()
	defer acc.Close()
	assert.Equal(t, dialed.LocalAddr().String(), acc.RemoteAddr().String(), "addresses of the two ends")
	exchange(t, dialed, acc)
}

func testListenContext(t *testing.T, s iface.Socket) {
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	ln, err := s.ListenContext(ctx, "tcp", loopback)
	require.NoError(t, err, "ListenContext")
	defer ln.Close()
	dialed, acc, err := connect(ln, func(addr string) (net.Conn, error) { return s.DialContext(ctx, "tcp", addr) })
	require.NoError(t, err, "DialContext and Accept")
	defer dialed.Close()
	defer acc.Close()
	exchange(t, dialed, acc)
}

func testListenPacket(t *testing.T, s iface.Socket) {
	a, err := s.ListenPacket("udp", loopback)
	require.NoError(t, err, "ListenPacket")
	defer a.Close()
	b, err := s.ListenPacket("udp", loopback)
	require.NoError(t, err, "ListenPacket")
	defer b.Close()
	exchangePackets(t, a, b)

	c, err := s.Dial("udp", a.LocalAddr().String())
	require.NoError(t, err, "Dial udp")
	defer c.Close()
	_, err = c.Write([]byte("dialed"))
	require.NoError(t, err, "Write on a dialed UDP conn")
	require.NoError(t, a.SetReadDeadline(now(a).Add(guard)))
	buf := make([]byte, 64)
	n, from, err := a.ReadFrom(buf)
	require.NoError(t, err, "ReadFrom")
	assert.Equal(t, "dialed", string(buf[:n]))
	assert.Equal(t, c.LocalAddr().String(), from.String(), "sender address")
}

func testListenPacketContext(t *testing.T, s iface.Socket) {
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	a, err := s.ListenPacketContext(ctx, "udp", loopback)
	require.NoError(t, err, "ListenPacketContext")
	defer a.Close()
	b, err := s.ListenPacketContext(ctx, "udp", loopback)
	require.NoError(t, err, "ListenPacketContext")
	defer b.Close()
	exchangePackets(t, a, b)
}

// exchangePackets sends a datagram each way between a and b and checks it
// arrives from the right address. Reads are bounded by a deadline guard from
// now.
func exchangePackets(t *testing.T, a, b net.PacketConn) {
	t.Helper()
	require.NoError(t, a.SetDeadline(now(a).Add(guard)))
	require.NoError(t, b.SetDeadline(now(b).Add(guard)))
	for _, dir := range []struct{ from, to net.PacketConn }{{a, b}, {b, a}} {
		msg := []byte("ping " + dir.from.LocalAddr().String())
		_, err := dir.from.WriteTo(msg, dir.to.LocalAddr())
		require.NoError(t, err, "WriteTo")
		buf := make([]byte, 2*len(msg))
		n, from, err := dir.to.ReadFrom(buf)
		require.NoError(t, err, "ReadFrom")
		assert.Equal(t, string(msg), string(buf[:n]))
		assert.Equal(t, dir.from.LocalAddr().String(), from.String(), "sender address")
	}
}

func testAcceptClosed(t *testing.T, s iface.Socket) {
	cases := []struct {
		name string
		// accept calls Accept on ln and closes ln, in some order.
		accept func(t *testing.T, ln net.Listener) error
	}{
		{"ClosedBefore", func(_ *testing.T, ln net.Listener) error {
			ln.Close()
			_, err := ln.Accept()
			return err
		}},
		{"ClosedWhileWaiting", func(t *testing.T, ln net.Listener) error {
			results := acceptOne(ln)
			ln.Close()
			r := recv(t, results, "Accept on a listener closed while it waits")
			return r.err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ln, err := s.Listen("tcp", loopback)
			require.NoError(t, err, "Listen")
			defer ln.Close()
			err = c.accept(t, ln)
			require.Error(t, err, "Accept on a closed listener")
			assert.ErrorIs(t, err, net.ErrClosed)
			var opErr *net.OpError
			assert.ErrorAs(t, err, &opErr)
		})
	}
}

func testReadDeadline(t *testing.T, s iface.Socket) {
	cases := []struct {
		name  string
		after time.Duration // deadline, from now
	}{
		{"Past", -time.Second},
		{"Future", 20 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c1, _ := pair(t, s)
			require.NoError(t, c1.SetReadDeadline(now(c1).Add(c.after)))
			var err error
			within(t, "Read past its deadline", func() { _, err = c1.Read(make([]byte, 1)) })
			require.Error(t, err, "Read past its deadline")
			assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
			var netErr net.Error
			if assert.ErrorAs(t, err, &netErr) {
				assert.True(t, netErr.Timeout(), "Timeout() of %v", err)
			}
			var opErr *net.OpError
			assert.ErrorAs(t, err, &opErr)
		})
	}
}

func testDialRefused(t *testing.T, s iface.Socket) {
	ln, err := s.Listen("tcp", loopback)
	require.NoError(t, err, "Listen")
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	var c net.Conn
	within(t, "Dial to a closed port", func() { c, err = s.Dial("tcp", addr) })
	if c != nil {
		c.Close()
	}
	require.Error(t, err, "Dial to a closed port")
	var opErr *net.OpError
	if assert.ErrorAs(t, err, &opErr) {
		assert.Equal(t, "dial", opErr.Op)
	}
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
}

func testDialContext(t *testing.T, s iface.Socket) {
	ln, err := s.Listen("tcp", loopback)
	require.NoError(t, err, "Listen")
	defer ln.Close()

	cases := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"Canceled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"Expired", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}, context.DeadlineExceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := c.ctx()
			defer cancel()
			var conn net.Conn
			var err error
			within(t, "DialContext", func() { conn, err = s.DialContext(ctx, "tcp", ln.Addr().String()) })
			if conn != nil {
				conn.Close()
			}
			require.Error(t, err, "DialContext with a done context")
			assert.ErrorIs(t, err, c.want)
			var opErr *net.OpError
			assert.ErrorAs(t, err, &opErr)
		})
	}
}
