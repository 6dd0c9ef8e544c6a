package green_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// From plain goroutines (the suite's own) the module is package net.
func TestSocket_Conformance(t *testing.T) {
	h := newHub(t, green.Options{})
	ifacetest.TestSocket(t, green.Socket{Hub: h})
}

// The zero Socket finds the caller's hub by itself.
func TestSocket_ConformanceZero(t *testing.T) {
	ifacetest.TestSocket(t, green.Socket{})
}

// listen returns a TCP listener on loopback made through s from the test
// goroutine, closed at the end of the test.
func listen(t *testing.T, s green.Socket) net.Listener {
	t.Helper()
	ln, err := s.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln
}

// echo serves ln from greenlets of the caller's hub: one per conn, each
// writing back what it reads, until ln is closed.
func echo(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		green.Spawn(func() error {
			defer c.Close()
			buf := make([]byte, 512)
			for {
				n, err := c.Read(buf)
				if err != nil {
					return nil
				}
				if _, err := c.Write(buf[:n]); err != nil {
					return err
				}
			}
		})
	}
}

// pingPong dials addr through s, sends rounds messages and checks each echo.
func pingPong(s green.Socket, addr string, rounds int) error {
	c, err := s.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	buf := make([]byte, 64)
	for i := range rounds {
		msg := fmt.Sprintf("ping %d", i)
		if _, err := io.WriteString(c, msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf[:len(msg)]); err != nil {
			return err
		}
		if string(buf[:len(msg)]) != msg {
			return fmt.Errorf("echo %q, want %q", buf[:len(msg)], msg)
		}
	}
	return nil
}

func TestSocket_EchoBetweenGreenlets(t *testing.T) {
	for _, clients := range []int{1, 200} {
		t.Run(fmt.Sprint(clients, "Clients"), func(t *testing.T) {
			h := newHub(t, green.Options{})
			s := green.Socket{Hub: h}
			err := run(t, h, func() error {
				ln, err := s.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return err
				}
				srv := green.Spawn(func() error { return echo(ln) })
				cs := make([]*green.Greenlet, clients)
				for i := range cs {
					cs[i] = green.Spawn(func() error { return pingPong(s, ln.Addr().String(), 20) })
				}
				_, joinErr := green.JoinAll(cs, green.JoinOptions{Timeout: 10 * time.Second})
				ln.Close()
				for _, g := range cs {
					if err := g.Err(); err != nil {
						return err
					}
				}
				if joinErr != nil {
					return joinErr
				}
				return srv.Join()
			})
			require.NoError(t, err)
		})
	}
}

// While one greenlet waits in Read, Accept or Write, the others run: the
// one that wakes it runs on the same hub.
func TestSocket_WaitDoesNotHoldHub(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		var order []string // no lock: one greenlet runs at a time
		var acc net.Conn
		accepter := green.Spawn(func() error {
			order = append(order, "accept")
			c, err := ln.Accept()
			acc = c
			order = append(order, "accepted")
			return err
		})
		green.Yield() // the accepter is parked in Accept now
		order = append(order, "dial")
		c, err := s.Dial("tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		if err := accepter.Join(); err != nil {
			return err
		}
		defer acc.Close()
		reader := green.Spawn(func() error {
			order = append(order, "read")
			buf := make([]byte, 4)
			_, err := io.ReadFull(acc, buf)
			order = append(order, "got "+string(buf))
			return err
		})
		green.Yield()
		for i := range 3 {
			green.Sleep(time.Millisecond)
			order = append(order, fmt.Sprint("tick ", i))
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			return err
		}
		if err := reader.Join(); err != nil {
			return err
		}
		assert.Equal(t, []string{"accept", "dial", "accepted", "read", "tick 0", "tick 1", "tick 2", "got ping"}, order)
		return nil
	})
	require.NoError(t, err)
	assert.Zero(t, h.Stats().InFlight, "waits still counted after every greenlet ended")
}

// A Write that fills the socket buffers parks until the peer reads.
func TestSocket_WriteWaitsForRoom(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	const size = 16 << 20 // more than loopback buffers hold
	err := run(t, h, func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		c, err := s.Dial("tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		acc, err := ln.Accept()
		if err != nil {
			return err
		}
		defer acc.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		acc.SetDeadline(time.Now().Add(5 * time.Second))
		readerRan := false
		w := green.Spawn(func() error {
			n, err := c.Write(make([]byte, size))
			if err == nil && n != size {
				err = fmt.Errorf("wrote %d of %d", n, size)
			}
			return err
		})
		green.Yield() // the writer fills the buffers and parks
		readerRan = !w.Ready()
		n, err := io.Copy(io.Discard, io.LimitReader(acc, size))
		if err != nil || n != size {
			return fmt.Errorf("read %d of %d: %v", n, size, err)
		}
		assert.True(t, readerRan, "the writer held the hub until done")
		return w.Join()
	})
	require.NoError(t, err)
}

// Closing a conn or listener wakes a greenlet waiting on it with
// net.ErrClosed in a *net.OpError, as package net does.
func TestSocket_CloseWakesWaiter(t *testing.T) {
	cases := []struct {
		name string
		// wait blocks on one end and returns the error; close closes it.
		op string
	}{
		{"Read", "read"},
		{"Accept", "accept"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(t, green.Options{})
			s := green.Socket{Hub: h}
			err := run(t, h, func() error {
				ln, err := s.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return err
				}
				defer ln.Close()
				var wait func() error
				var closeIt func() error
				switch tc.op {
				case "accept":
					wait = func() error { _, err := ln.Accept(); return err }
					closeIt = ln.Close
				case "read":
					c, err := s.Dial("tcp", ln.Addr().String())
					if err != nil {
						return err
					}
					defer c.Close()
					wait = func() error { _, err := c.Read(make([]byte, 8)); return err }
					closeIt = c.Close
				}
				waiter := green.Spawn(wait)
				green.Yield() // the waiter parks
				if waiter.Ready() {
					return fmt.Errorf("%s returned at once: %v", tc.op, waiter.Err())
				}
				if err := closeIt(); err != nil {
					return err
				}
				err = waiter.JoinTimeout(5 * time.Second)
				assert.ErrorIs(t, err, net.ErrClosed)
				var oe *net.OpError
				if assert.ErrorAs(t, err, &oe) {
					assert.Equal(t, tc.op, oe.Op)
				}
				return nil
			})
			require.NoError(t, err)
		})
	}
}

// Errors from a greenlet's calls are package net's.
func TestSocket_ErrorsFromGreenlet(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	ln := listen(t, s)
	closedLn, err := s.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := closedLn.Addr().String()
	require.NoError(t, closedLn.Close())

	cases := []struct {
		name  string
		fn    func() error
		want  error
		op    string
		isTmo bool
	}{
		{"ReadDeadlinePast", func() error {
			c := mustDial(s, ln)
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(-time.Second))
			_, err := c.Read(make([]byte, 1))
			return err
		}, os.ErrDeadlineExceeded, "read", true},
		{"ReadDeadlineFuture", func() error {
			c := mustDial(s, ln)
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			_, err := c.Read(make([]byte, 1))
			return err
		}, os.ErrDeadlineExceeded, "read", true},
		{"WriteClosed", func() error {
			c := mustDial(s, ln)
			c.Close()
			_, err := c.Write([]byte("x"))
			return err
		}, net.ErrClosed, "write", false},
		{"DialRefused", func() error {
			_, err := s.Dial("tcp", refused)
			return err
		}, syscall.ECONNREFUSED, "dial", false},
		{"DialCanceled", func() error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := s.DialContext(ctx, "tcp", ln.Addr().String())
			return err
		}, context.Canceled, "dial", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NoError(t, run(t, h, func() error { err = tc.fn(); return nil }))
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var oe *net.OpError
			if assert.ErrorAs(t, err, &oe) {
				assert.Equal(t, tc.op, oe.Op)
				assert.Equal(t, tc.isTmo, oe.Timeout(), "Timeout()")
			}
		})
	}
}

// mustDial dials ln through s; the dial to a listening loopback port cannot
// fail but for lack of descriptors, which panics.
func mustDial(s green.Socket, ln net.Listener) net.Conn {
	c, err := s.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	return c
}

// A peer's close reads as io.EOF, unwrapped, as in package net.
func TestSocket_EOF(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	ln := listen(t, s)
	err := run(t, h, func() error {
		c := mustDial(s, ln)
		defer c.Close()
		acc, err := ln.Accept()
		if err != nil {
			return err
		}
		r := green.Spawn(func() error {
			b, err := io.ReadAll(c)
			if err == nil && string(b) != "bye" {
				err = fmt.Errorf("read %q", b)
			}
			return err
		})
		acc.Write([]byte("bye"))
		acc.(interface{ CloseWrite() error }).CloseWrite()
		defer acc.Close()
		return r.JoinTimeout(5 * time.Second)
	})
	require.NoError(t, err)
}

// A greenlet killed in Read or timed out of it loses no data: the bytes
// arrive at the next Read.
func TestSocket_AbandonedReadLosesNothing(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	ln := listen(t, s)
	err := run(t, h, func() error {
		c := mustDial(s, ln)
		defer c.Close()
		acc, err := ln.Accept()
		if err != nil {
			return err
		}
		defer acc.Close()
		buf := make([]byte, 16)
		g := green.Spawn(func() error { _, err := c.Read(buf); return err })
		green.Yield()
		g.Kill()
		assert.True(t, g.Killed())
		err = green.WithTimeout(10*time.Millisecond, func() error { _, err := c.Read(buf); return err })
		assert.ErrorIs(t, err, green.ErrTimeout)
		acc.Write([]byte("kept"))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		assert.Equal(t, "kept", string(buf[:n]))
		return nil
	})
	require.NoError(t, err)
}

// The same conn serves a greenlet and a plain goroutine at once.
func TestSocket_GreenletAndGoroutine(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	ln := listen(t, s)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() { // a plain goroutine serves
		defer wg.Done()
		c, err := ln.Accept()
		if !assert.NoError(t, err) {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	err := run(t, h, func() error { return pingPong(s, ln.Addr().String(), 50) })
	require.NoError(t, err)
}

func TestSocket_UDPBetweenGreenlets(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		a, err := s.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer a.Close()
		b, err := s.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer b.Close()
		a.SetDeadline(time.Now().Add(5 * time.Second))
		b.SetDeadline(time.Now().Add(5 * time.Second))
		r := green.SpawnValue(func() (any, error) {
			buf := make([]byte, 64)
			n, from, err := b.ReadFrom(buf)
			if err != nil {
				return nil, err
			}
			if from.String() != a.LocalAddr().String() {
				return nil, fmt.Errorf("from %v, want %v", from, a.LocalAddr())
			}
			return string(buf[:n]), nil
		})
		green.Yield() // the reader parks
		if _, err := a.WriteTo([]byte("datagram"), b.LocalAddr()); err != nil {
			return err
		}
		if err := r.Join(); err != nil {
			return err
		}
		assert.Equal(t, "datagram", r.Value())
		return nil
	})
	require.NoError(t, err)
}

// net/http serves a listener of the module and dials through it.
func TestSocket_HTTP(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	ln := listen(t, s)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.URL.Path)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		<-served
	}()
	tr := &http.Transport{DialContext: s.DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + ln.Addr().String() + "/x")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "hello /x", string(b))
}

// Out of descriptors, Accept fails with a temporary error wrapping EMFILE
// and loses no connection: once descriptors are free again, the next
// Accept returns it. limitAbove is how many descriptors are left: none
// (accept4 fails) or one (net.FileConn's duplicate fails).
func TestSocket_AcceptOutOfDescriptors(t *testing.T) {
	for _, limitAbove := range []uint64{0, 1} {
		t.Run(fmt.Sprint("free=", limitAbove), func(t *testing.T) {
			h := newHub(t, green.Options{})
			s := green.Socket{Hub: h}
			ln := listen(t, s)
			c, err := net.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
			defer c.Close()

			var old syscall.Rlimit
			require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old))
			defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
			err = run(t, h, func() error {
				f, err := os.Open(os.DevNull)
				if err != nil {
					return err
				}
				lowest := uint64(f.Fd()) // the lowest free descriptor
				f.Close()
				lim := old
				lim.Cur = lowest + limitAbove
				if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
					return err
				}
				_, aerr := ln.Accept()
				syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
				assert.ErrorIs(t, aerr, syscall.EMFILE)
				var ne net.Error
				if assert.ErrorAs(t, aerr, &ne) {
					assert.True(t, ne.Temporary(), "Temporary() of %v", aerr) //nolint:staticcheck // net/http's test
				}
				acc, err := ln.Accept()
				if err != nil {
					return fmt.Errorf("Accept after the limit was lifted: %w", err)
				}
				defer acc.Close()
				acc.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := c.Write([]byte("hi")); err != nil {
					return err
				}
				buf := make([]byte, 2)
				_, err = io.ReadFull(acc, buf)
				return err
			})
			require.NoError(t, err)
		})
	}
}

// connPair returns both ends of a loopback TCP conn made through s, from
// the calling greenlet.
func connPair(s green.Socket) (c, acc net.Conn, closeAll func(), err error) {
	ln, err := s.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	defer ln.Close()
	return pairOn(s, ln)
}

// pairOn dials ln through s and accepts the conn: both ends, and a func that
// closes them.
func pairOn(s green.Socket, ln net.Listener) (c, acc net.Conn, closeAll func(), err error) {
	return pairAt(s, ln, ln.Addr().String())
}

// pairAt is pairOn dialing addr, an address of ln ("localhost:port", say).
func pairAt(s green.Socket, ln net.Listener, addr string) (c, acc net.Conn, closeAll func(), err error) {
	if c, err = s.Dial("tcp", addr); err != nil {
		return nil, nil, nil, err
	}
	if acc, err = ln.Accept(); err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	return c, acc, func() { c.Close(); acc.Close() }, nil
}

// A greenlet waiting in Read sees a deadline set meanwhile by another.
func TestSocket_DeadlineChangeWakesReader(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		c, _, closeAll, err := connPair(s)
		if err != nil {
			return err
		}
		defer closeAll()
		r := green.Spawn(func() error { _, err := c.Read(make([]byte, 1)); return err })
		green.Yield() // r parks in Read, with no deadline
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		err = r.JoinTimeout(5 * time.Second)
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		return nil
	})
	require.NoError(t, err)
}

// Two greenlets reading one conn at once each get a message; so do, in
// turn, a greenlet of another hub and a plain goroutine.
func TestSocket_ConcurrentReaders(t *testing.T) {
	h := newHub(t, green.Options{})
	h2 := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		c, acc, closeAll, err := connPair(s)
		if err != nil {
			return err
		}
		defer closeAll()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		read := func() error {
			buf := make([]byte, 4)
			if _, err := io.ReadFull(c, buf); err != nil {
				return err
			}
			if string(buf) != "ping" {
				return fmt.Errorf("read %q", buf)
			}
			return nil
		}
		r1, r2 := green.Spawn(read), green.Spawn(read)
		green.Yield() // r1 and r2 park
		if _, err := acc.Write([]byte("pingping")); err != nil {
			return err
		}
		for _, g := range []*green.Greenlet{r1, r2} {
			if err := g.JoinTimeout(5 * time.Second); err != nil {
				return err
			}
		}
		for _, start := range []func(chan<- error){
			func(ch chan<- error) { go func() { ch <- h2.Run(read) }() },
			func(ch chan<- error) { go func() { ch <- read() }() },
		} {
			ch := make(chan error, 1)
			start(ch)
			if _, err := acc.Write([]byte("ping")); err != nil {
				return err
			}
			v, _, err := green.Recv(ch)
			if err != nil {
				return err
			}
			if v != nil {
				return v
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// A greenlet killed in a Write that waits for room stops at once, and the
// conn's write deadline is the user's again afterwards.
func TestSocket_KilledWrite(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		c, acc, closeAll, err := connPair(s)
		if err != nil {
			return err
		}
		defer closeAll()
		w := green.Spawn(func() error { _, err := c.Write(make([]byte, 16<<20)); return err })
		green.Yield() // w waits for room: nobody reads acc
		if err := w.KillTimeout(5 * time.Second); err != nil {
			return err
		}
		assert.True(t, w.Killed())
		drained := green.Spawn(func() error {
			acc.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err := io.Copy(io.Discard, acc)
			return err
		})
		if _, err := c.Write([]byte("after")); err != nil {
			return fmt.Errorf("Write after the kill: %w", err)
		}
		c.(interface{ CloseWrite() error }).CloseWrite()
		return drained.JoinTimeout(5 * time.Second)
	})
	require.NoError(t, err)
}

// A dialed UDP conn (as a resolver uses) sends and receives datagrams from a
// greenlet; an empty datagram reads as 0 bytes, not io.EOF.
func TestSocket_DialedUDP(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		srv, err := s.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := s.Dial("udp", srv.LocalAddr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		srv.SetDeadline(time.Now().Add(5 * time.Second))
		answer := green.Spawn(func() error {
			buf := make([]byte, 64)
			n, from, err := srv.ReadFrom(buf)
			if err != nil {
				return err
			}
			if _, err := srv.WriteTo(nil, from); err != nil {
				return err
			}
			_, err = srv.WriteTo(append([]byte("re: "), buf[:n]...), from)
			return err
		})
		if _, err := c.Write([]byte("query")); err != nil {
			return err
		}
		buf := make([]byte, 64)
		for _, want := range []string{"", "re: query"} {
			n, err := c.Read(buf)
			if err != nil {
				return err
			}
			assert.Equal(t, want, string(buf[:n]))
		}
		return answer.Join()
	})
	require.NoError(t, err)
}

// Several greenlets accepting on one listener at once each get a conn, and
// one killed while it waits leaves nothing counted in flight.
func TestSocket_ConcurrentAccepters(t *testing.T) {
	for _, accepters := range []int{2, 5} {
		t.Run(fmt.Sprint(accepters, "Accepters"), func(t *testing.T) {
			h := newHub(t, green.Options{})
			s := green.Socket{Hub: h}
			err := run(t, h, func() error {
				ln, err := s.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return err
				}
				defer ln.Close()
				accept := func() error {
					c, err := ln.Accept()
					if err == nil {
						c.Close()
					}
					return err
				}
				// The first accepter is killed while it waits: every
				// other one still gets a conn.
				killed := green.Spawn(accept)
				gs := make([]*green.Greenlet, accepters)
				for i := range gs {
					gs[i] = green.Spawn(accept)
				}
				green.Yield() // all of them park in Accept
				if err := killed.KillTimeout(5 * time.Second); err != nil {
					return err
				}
				for range gs {
					c, err := s.Dial("tcp", ln.Addr().String())
					if err != nil {
						return err
					}
					defer c.Close()
				}
				if _, err := green.JoinAll(gs, green.JoinOptions{Timeout: 5 * time.Second}); err != nil {
					return fmt.Errorf("not every accepter got a conn: %w", err)
				}
				for _, g := range gs {
					if err := g.Err(); err != nil {
						return err
					}
				}
				assert.Zero(t, h.Stats().InFlight, "waits still counted after every accepter returned")
				return nil
			})
			require.NoError(t, err)
		})
	}
}
