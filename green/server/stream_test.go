package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server"
)

// echo writes back what it reads until the peer closes.
func echo(c net.Conn) { io.Copy(c, c) }

// roundTrip dials addr through s, sends msg and returns the echo.
func roundTrip(s green.Socket, addr, msg string) (string, error) {
	c, err := s.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := io.WriteString(c, msg); err != nil {
		return "", err
	}
	got := make([]byte, len(msg))
	_, err = io.ReadFull(c, got)
	return string(got), err
}

func listen(t *testing.T, h *green.Hub) net.Listener {
	t.Helper()
	var ln net.Listener
	require.NoError(t, run(t, h, func() error {
		var err error
		ln, err = green.Socket{Hub: h}.Listen("tcp", "127.0.0.1:0")
		return err
	}))
	return ln
}

func TestStreamServer_HandlerPerConnGreenlet(t *testing.T) {
	h := newHub(t, nil)
	const clients = 50
	seen := map[*green.Greenlet]bool{}
	srv := &server.StreamServer{Handler: func(c net.Conn) {
		seen[green.Current()] = true // hub-only state: no lock needed
		echo(c)
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		require.NoError(t, srv.Start(ln))
		var cs []*green.Greenlet
		for i := range clients {
			cs = append(cs, green.SpawnValue(func() (any, error) {
				return roundTrip(green.Socket{}, srv.Address().String(), fmt.Sprintf("hello %d", i))
			}))
		}
		for i, g := range cs {
			if err := g.Join(); err != nil {
				return err
			}
			assert.Equal(t, fmt.Sprintf("hello %d", i), g.Value())
		}
		return srv.Stop(time.Second)
	}))
	assert.Len(t, seen, clients, "one greenlet per connection")
	assert.NotContains(t, seen, (*green.Greenlet)(nil))
}

func TestStreamServer_ServeReturnsErrClosed(t *testing.T) {
	cases := []struct {
		name  string
		close func(*server.StreamServer) error
	}{
		{"Close", (*server.StreamServer).Close},
		{"Stop", func(s *server.StreamServer) error { return s.Stop(time.Second) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHub(t, nil)
			srv := &server.StreamServer{Handler: echo}
			require.NoError(t, run(t, h, func() error {
				ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return err
				}
				serving := green.Spawn(func() error { return srv.Serve(ln) })
				got, err := roundTrip(green.Socket{}, ln.Addr().String(), "ping")
				require.NoError(t, err)
				assert.Equal(t, "ping", got)
				require.NoError(t, c.close(srv))
				assert.ErrorIs(t, serving.Join(), server.ErrClosed)
				_, err = green.Socket{}.Dial("tcp", ln.Addr().String())
				assert.ErrorIs(t, err, syscall.ECONNREFUSED, "the listener is closed")
				assert.ErrorIs(t, srv.Serve(ln), server.ErrClosed, "a server starts once")
				return nil
			}))
		})
	}
}

func TestStreamServer_StartTwice(t *testing.T) {
	h := newHub(t, nil)
	srv := &server.StreamServer{Handler: echo}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		ln2, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		assert.ErrorContains(t, srv.Start(ln2), "server: already started")
		_, err = ln2.Accept()
		assert.ErrorIs(t, err, net.ErrClosed, "a refused listener is closed")
		return srv.Stop(0)
	}))
}

// Close stops accepting; the handlers that run go on to their end.
func TestStreamServer_CloseLetsHandlersFinish(t *testing.T) {
	h := newHub(t, nil)
	var started, release green.Event
	finished := false
	srv := &server.StreamServer{Handler: func(c net.Conn) {
		started.Set()
		release.Wait()
		io.WriteString(c, "done")
		finished = true
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, started.Wait())
		require.NoError(t, srv.Close())
		release.Set()
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Equal(t, "done", string(got))
		assert.True(t, finished)
		return nil
	}))
}

// Stop waits up to its grace for the handlers, then kills the rest, which
// unwind (their deferred calls run) and whose conns are closed.
func TestStreamServer_StopKillsAfterGrace(t *testing.T) {
	h := newHub(t, nil)
	var started green.Event
	outcome := map[string]string{}
	srv := &server.StreamServer{Handler: func(c net.Conn) {
		name, _ := bufio.NewReader(c).ReadString('\n')
		name = strings.TrimSpace(name)
		outcome[name] = "killed"
		defer func() {
			if outcome[name] == "killed" {
				io.WriteString(c, "unwound") // the deferred call runs, the conn is still open
			}
		}()
		started.Set()
		if name == "quick" {
			green.Sleep(10 * time.Millisecond)
		} else {
			green.Sleep(time.Hour)
		}
		outcome[name] = "finished"
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		var conns []net.Conn
		for _, name := range []string{"quick", "slow"} {
			c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
			defer c.Close()
			fmt.Fprintln(c, name)
			conns = append(conns, c)
		}
		for len(outcome) < 2 {
			started.Clear()
			require.NoError(t, started.Wait())
		}
		require.NoError(t, srv.Stop(500*time.Millisecond))
		assert.Equal(t, map[string]string{"quick": "finished", "slow": "killed"}, outcome)
		got, err := io.ReadAll(conns[1])
		require.NoError(t, err, "the killed handler's conn is closed")
		assert.Equal(t, "unwound", string(got))
		return nil
	}))
}

func TestStreamServer_PoolBoundsHandlers(t *testing.T) {
	h := newHub(t, nil)
	const size, clients = 2, 6
	running, most := 0, 0
	srv := &server.StreamServer{Pool: green.NewPool(size), Handler: func(c net.Conn) {
		running++
		most = max(most, running)
		green.Sleep(5 * time.Millisecond)
		running--
		echo(c)
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		var cs []*green.Greenlet
		for range clients {
			cs = append(cs, green.Spawn(func() error {
				_, err := roundTrip(green.Socket{}, ln.Addr().String(), "x")
				return err
			}))
		}
		_, err = green.JoinAll(cs, green.JoinOptions{StopOnError: true})
		require.NoError(t, err)
		return srv.Stop(time.Second)
	}))
	assert.Equal(t, size, most)
}

// countingListener counts the conns its listener has accepted.
type countingListener struct {
	net.Listener
	n int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n++
	}
	return c, err
}

// With many connections pending, the accept loop lets handlers run after
// MaxAccept of them, instead of accepting them all first.
func TestStreamServer_MaxAcceptLetsHandlersRun(t *testing.T) {
	const pending = 60
	for _, maxAccept := range []int{1, 10, 25} {
		t.Run(fmt.Sprint(maxAccept), func(t *testing.T) {
			h := newHub(t, nil)
			ln := &countingListener{Listener: listen(t, h)}
			firstSaw := -1
			srv := &server.StreamServer{MaxAccept: maxAccept, Handler: func(c net.Conn) {
				if firstSaw < 0 {
					firstSaw = ln.n
				}
			}}
			for range pending { // queued in the listener's backlog
				c, err := net.Dial("tcp", ln.Addr().String())
				require.NoError(t, err)
				defer c.Close()
			}
			require.NoError(t, run(t, h, func() error {
				require.NoError(t, srv.Start(ln))
				for ln.n < pending {
					green.Sleep(time.Millisecond)
				}
				return srv.Stop(time.Second)
			}))
			assert.Equal(t, maxAccept, firstSaw, "accepted when the first handler ran")
		})
	}
}

// A listener that fails for good (here: shut down under the server, which
// makes accept(2) fail with EINVAL) ends Serve with its error.
func TestStreamServer_FatalAcceptError(t *testing.T) {
	h := newHub(t, nil)
	srv := &server.StreamServer{Handler: echo}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		serving := green.Spawn(func() error { return srv.Serve(ln) })
		green.Yield()
		rc, err := ln.(interface{ NetListener() net.Listener }).NetListener().(syscall.Conn).SyscallConn()
		require.NoError(t, err)
		require.NoError(t, rc.Control(func(fd uintptr) { syscall.Shutdown(int(fd), syscall.SHUT_RD) }))
		err = serving.Join()
		assert.ErrorIs(t, err, syscall.EINVAL)
		assert.NotErrorIs(t, err, server.ErrClosed)
		return nil
	}))
}

// A handler that panics ends its greenlet (the hub reports it) and its
// conn; the server serves on.
func TestStreamServer_HandlerPanic(t *testing.T) {
	var p panics
	h := newHub(t, &p)
	srv := &server.StreamServer{Handler: func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		if line == "panic\n" {
			panic("boom")
		}
		io.WriteString(c, line)
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		io.WriteString(c, "panic\n")
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Empty(t, got, "the panicking handler's conn is closed")
		reply, err := roundTrip(green.Socket{}, ln.Addr().String(), "still here\n")
		require.NoError(t, err)
		assert.Equal(t, "still here\n", reply)
		return srv.Stop(time.Second)
	}))
	require.Equal(t, 1, p.len())
	var pe *green.PanicError
	require.ErrorAs(t, p.gs[0].Err(), &pe)
	assert.Equal(t, "boom", pe.Value)
}

// A detached conn outlives its handler: the greenlet it was handed to
// uses it after the handler returned.
func TestStreamServer_Detach(t *testing.T) {
	h := newHub(t, nil)
	var srv *server.StreamServer
	srv = &server.StreamServer{Handler: func(c net.Conn) {
		srv.Detach(c)
		green.Spawn(func() error {
			defer c.Close()
			green.Sleep(10 * time.Millisecond) // the handler has returned by now
			_, err := io.WriteString(c, "later")
			return err
		})
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Equal(t, "later", string(got))
		return srv.Stop(time.Second)
	}))
	assert.PanicsWithValue(t, "server: Detach called outside a greenlet of the server's hub", func() { srv.Detach(nil) })
}

// A plain goroutine may start, use and stop a server: the calls run on
// the server's hub.
func TestStreamServer_FromPlainGoroutine(t *testing.T) {
	h := newHub(t, nil)
	ln := listen(t, h)
	srv := &server.StreamServer{Hub: h, Handler: func(c net.Conn) {
		if green.Current() == nil || green.Current().Hub() != h {
			io.WriteString(c, "not a greenlet of h")
			return
		}
		echo(c)
	}}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "ping")
	got := make([]byte, 4)
	_, err = io.ReadFull(c, got)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(got))
	c.Close() // the handler ends
	require.NoError(t, srv.Stop(5*time.Second))
	select {
	case err := <-served:
		assert.ErrorIs(t, err, server.ErrClosed)
	case <-ctxFor(t).Done():
		t.Fatal("Serve did not return")
	}
}

// When the greenlet that serves is killed, Serve stops the server on its
// way out: handlers get StopTimeout, then are killed.
func TestStreamServer_ServeKilledStops(t *testing.T) {
	h := newHub(t, nil)
	killed := false
	srv := &server.StreamServer{StopTimeout: 20 * time.Millisecond, Handler: func(c net.Conn) {
		defer func() { killed = true }()
		green.Sleep(time.Hour)
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		serving := green.Spawn(func() error { return srv.Serve(ln) })
		c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		for srv.Address() == nil {
			green.Yield()
		}
		green.Sleep(5 * time.Millisecond) // the handler starts
		serving.Kill()
		assert.True(t, killed)
		_, err = io.ReadAll(c)
		assert.NoError(t, err, "the handler's conn is closed")
		return nil
	}))
}

func TestStreamServer_Misuse(t *testing.T) {
	cases := []struct {
		name string
		srv  *server.StreamServer
		want string
	}{
		{"nil handler", &server.StreamServer{}, "server: StreamServer with a nil Handler"},
		{"negative MaxAccept", &server.StreamServer{Handler: echo, MaxAccept: -1}, "server: StreamServer with a negative MaxAccept, MinDelay or MaxDelay"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.PanicsWithValue(t, c.want, func() { c.srv.Start(nil) })
		})
	}
}

func TestStreamServer_ListenAndServe(t *testing.T) {
	h := newHub(t, nil)
	srv := &server.StreamServer{Addr: "127.0.0.1:0", Handler: echo}
	require.NoError(t, run(t, h, func() error {
		serving := green.Spawn(srv.ListenAndServe)
		for srv.Address() == nil {
			green.Yield()
		}
		got, err := roundTrip(green.Socket{}, srv.Address().String(), "hi")
		require.NoError(t, err)
		assert.Equal(t, "hi", got)
		require.NoError(t, srv.Stop(time.Second))
		assert.ErrorIs(t, serving.Join(), server.ErrClosed)
		bad := &server.StreamServer{Addr: "127.0.0.1:nope", Handler: echo}
		err = bad.ListenAndServe()
		var oe *net.OpError
		assert.True(t, errors.As(err, &oe), "%v", err)
		return nil
	}))
}

// A handler may stop its own server: the other handlers are killed, it
// goes on to its end.
func TestStreamServer_StopFromAHandler(t *testing.T) {
	h := newHub(t, nil)
	var srv *server.StreamServer
	var others green.Event
	busy, killed, stopperDone := 0, 0, false
	srv = &server.StreamServer{Handler: func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		if line != "stop\n" {
			defer func() { killed++ }()
			if busy++; busy == 2 {
				others.Set()
			}
			green.Sleep(time.Hour)
			return
		}
		require.NoError(t, others.Wait())
		assert.NoError(t, srv.Stop(10*time.Millisecond))
		io.WriteString(c, "stopped")
		stopperDone = true
	}}
	require.NoError(t, run(t, h, func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(ln))
		for _, msg := range []string{"wait\n", "wait\n", "stop\n"} {
			c, err := green.Socket{}.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
			defer c.Close()
			io.WriteString(c, msg)
			if msg == "stop\n" {
				got, err := io.ReadAll(c)
				require.NoError(t, err)
				assert.Equal(t, "stopped", string(got))
			}
		}
		return nil
	}))
	assert.Equal(t, 2, killed)
	assert.True(t, stopperDone)
}
