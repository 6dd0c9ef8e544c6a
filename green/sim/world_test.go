package sim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// world returns a world of greenlets with hosts a (10.0.0.1) and b
// (10.0.0.2), closed at the end of the test.
func world(t *testing.T, cfg sim.Config) (*sim.World, *sim.Host, *sim.Host) {
	t.Helper()
	w := sim.New(cfg)
	t.Cleanup(w.Close)
	return w, w.MustAddHost("a", "10.0.0.1", "fd00::1"), w.MustAddHost("b", "10.0.0.2", "fd00::2")
}

// run runs main on host h of w, failing the test after 10s of real time.
func run(t *testing.T, h *sim.Host, main func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- h.Run(main) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the world's main did not end within 10s")
		return nil
	}
}

// connect dials addr from host h and accepts the conn on ln, returning
// both ends. From a greenlet of the world.
func connect(h *sim.Host, ln net.Listener, addr string) (dialed, accepted net.Conn, err error) {
	if dialed, err = h.Socket().Dial("tcp", addr); err != nil {
		return nil, nil, err
	}
	if accepted, err = ln.Accept(); err != nil {
		dialed.Close()
		return nil, nil, err
	}
	return dialed, accepted, nil
}

// echoServer serves echo on host h at addr until the world closes.
func echoServer(t *testing.T, h *sim.Host, addr string) net.Listener {
	t.Helper()
	ln, err := h.Socket().Listen("tcp", addr)
	require.NoError(t, err)
	h.Go(func() error { return serve(ln) })
	return ln
}

// serve echoes on the conns of ln, a greenlet each, until ln is closed.
func serve(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return nil
		}
		green.Spawn(func() error {
			defer c.Close()
			_, err := io.Copy(c, c)
			return err
		})
	}
}

func TestHost_WhichHostAmI(t *testing.T) {
	w, a, b := world(t, sim.Config{})
	sock := w.Socket() // dispatches to the caller's host
	err := run(t, b, func() error {
		if sim.Current() != b {
			return fmt.Errorf("main runs on %v", sim.Current())
		}
		ln, err := sock.Listen("tcp", "10.0.0.2:7")
		if err != nil {
			return err
		}
		defer ln.Close()
		got := make(chan string, 1)
		green.Spawn(func() error { // a child of main: on b too
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			got <- c.RemoteAddr().(*net.TCPAddr).IP.String() + " seen on " + sim.Current().Name()
			return c.Close()
		})
		g := a.Go(func() error {
			// A grandchild of a greenlet started on a dials through the
			// dispatching module: from a's address.
			return green.Spawn(func() error {
				c, err := sock.Dial("tcp", "b:7")
				if err != nil {
					return err
				}
				return c.Close()
			}).Join()
		})
		if err := g.Join(); err != nil {
			return err
		}
		s, _, err := green.Recv(got)
		if err != nil {
			return err
		}
		if s != "10.0.0.1 seen on b" {
			return fmt.Errorf("accepted %s", s)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Nil(t, sim.Current(), "a plain goroutine runs on no host")
}

func TestWorld_AddHostBadInput(t *testing.T) {
	w := sim.New(sim.Config{})
	defer w.Close()
	w.MustAddHost("a", "10.0.0.1")
	cases := []struct {
		name, host string
		addrs      []string
		want       string
	}{
		{"Empty", "", nil, "needs a name"},
		{"Taken", "a", nil, "exists already"},
		{"BadChar", "a b", nil, "is not a letter"},
		{"Localhost", "localhost", nil, "localhost"},
		{"BadAddr", "c", []string{"10.0.0"}, `address "10.0.0"`},
		{"Loopback", "c", []string{"127.0.0.2"}, "loopback"},
		{"AddrTaken", "c", []string{"10.0.0.1"}, `belongs to host "a"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := w.AddHost(c.host, c.addrs...)
			assert.Nil(t, h)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), "sim: "), err.Error())
		})
	}
	assert.Panics(t, func() { w.MustAddHost("") })
	h := w.MustAddHost("auto")
	assert.Equal(t, "10.0.0.2", h.Addr().String(), "the next free automatic address")
	assert.Equal(t, []netip.Addr{h.Addr(), netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}, h.Addrs())
	assert.Nil(t, w.Host("nope"))
	assert.Len(t, w.Hosts(), 2)
}

func TestWorld_Misuse(t *testing.T) {
	assert.PanicsWithValue(t, "sim: Config.MTU is negative (-1)", func() { sim.New(sim.Config{MTU: -1}) })
	assert.PanicsWithValue(t, "sim: Config.Buffer is negative (-1)", func() { sim.New(sim.Config{Buffer: -1}) })
	assert.PanicsWithValue(t, "sim: Config.Link: Loss is 2, not a probability in [0, 1]", func() { sim.New(sim.Config{Link: sim.Link{Loss: 2}}) })
	assert.PanicsWithValue(t, "sim: Config.Hub is set with Mode Goroutines", func() {
		sim.New(sim.Config{Mode: sim.Goroutines, Hub: green.Default()})
	})
	w := sim.New(sim.Config{Mode: sim.Goroutines})
	defer w.Close()
	a := w.MustAddHost("a")
	assert.PanicsWithValue(t, `sim: no host "x"`, func() { w.Partition([]string{"a"}, []string{"x"}) })
	assert.PanicsWithValue(t, "sim: SetLink: Latency is negative (-1ns)", func() { w.SetLink("a", "a", sim.Link{Latency: -1}) })
	// In a world of goroutines, greenlets started through a host run on
	// green's default hub, on that host.
	require.NoError(t, a.Run(func() error {
		if sim.Current() != a {
			return errors.New("not on a")
		}
		return green.Spawn(func() error {
			if sim.Current() != a {
				return errors.New("a child not on a")
			}
			return nil
		}).Join()
	}))
	assert.Panics(t, func() { w.Rand(nil) })
	assert.PanicsWithValue(t, "sim: DialContext with a nil context", func() { a.Socket().DialContext(nil, "tcp", "a:1") }) //nolint:staticcheck // the nil is the test
	g := sim.New(sim.Config{})
	defer g.Close()
	ga := g.MustAddHost("a")
	assert.PanicsWithValue(t, "sim: Go of a nil function", func() { ga.Go(nil) })
	assert.PanicsWithValue(t, "sim: Run of a nil function", func() { ga.Run(nil) })
	assert.Equal(t, "", sim.HostName(green.Default().Spawn(func() error { return nil })))
	_, err := a.Socket().Dial("ipx", "b:1")
	assert.ErrorContains(t, err, "unknown network ipx")
	_, err = a.Socket().Dial("tcp", "nohost:1")
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr)
	assert.True(t, dnsErr.IsNotFound)
	_, err = a.Socket().Listen("tcp", "10.9.9.9:1")
	assert.ErrorIs(t, err, syscall.EADDRNOTAVAIL)
	_, err = a.Socket().Listen("udp", ":1")
	assert.Error(t, err, "Listen on udp")
}

// Backpressure: a writer whose peer does not read waits once the buffers
// are full, and goes on as the peer reads.
func TestConn_Backpressure(t *testing.T) {
	_, a, b := world(t, sim.Config{Buffer: 1000})
	ln, err := b.Socket().Listen("tcp", ":9")
	require.NoError(t, err)
	err = run(t, a, func() error {
		c, s, err := connect(a, ln, "b:9")
		if err != nil {
			return err
		}
		wrote := 0
		g := green.Spawn(func() error {
			n, err := c.Write(make([]byte, 2500))
			wrote = n
			return err
		})
		green.Yield()
		if wrote != 0 || g.Ready() {
			return errors.New("a 2500-byte write into a 1000-byte buffer did not wait")
		}
		got, err := io.ReadAll(io.LimitReader(s, 2500))
		if err != nil || len(got) != 2500 {
			return fmt.Errorf("read %d, %v", len(got), err)
		}
		return g.Join()
	})
	require.NoError(t, err)
}

// FIN and RST: CloseWrite gives the peer EOF after the data and leaves the
// other direction open; data for a closed conn is answered with a reset;
// a refused dial is ECONNREFUSED; World.Reset resets both ends.
func TestConn_CloseAndReset(t *testing.T) {
	w, a, b := world(t, sim.Config{Link: sim.Link{Latency: time.Millisecond}})
	ln, err := b.Socket().Listen("tcp", ":9")
	require.NoError(t, err)
	err = run(t, a, func() error {
		c, s, err := connect(a, ln, "10.0.0.2:9")
		if err != nil {
			return err
		}
		c.Write([]byte("bye"))
		c.(*sim.Conn).CloseWrite()
		if got, err := io.ReadAll(s); err != nil || string(got) != "bye" {
			return fmt.Errorf("read %q, %v before EOF", got, err)
		}
		s.Write([]byte("still open"))
		buf := make([]byte, 32)
		if n, err := c.Read(buf); err != nil || string(buf[:n]) != "still open" {
			return fmt.Errorf("half-closed conn read %q, %v", buf[:n], err)
		}
		s.Close()
		green.Sleep(10 * time.Millisecond) // the FIN arrives
		if _, err := c.Write([]byte("x")); err == nil {
			// CloseWrite was called: EPIPE at once.
		}
		if _, err := c.Read(buf); err != io.EOF {
			return fmt.Errorf("read after the peer's close: %v, want EOF", err)
		}

		// Refused.
		if _, err := a.Socket().Dial("tcp", "b:10"); !errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("dial to a closed port: %v", err)
		}

		// Data for a closed conn, and World.Reset.
		c2, err := a.Socket().Dial("tcp", "b:9")
		if err != nil {
			return err
		}
		s2, _ := ln.Accept()
		s2.Close()
		c2.Write([]byte("late"))
		green.Sleep(10 * time.Millisecond) // the data, and the reset back
		if _, err := c2.Read(buf); !errors.Is(err, syscall.ECONNRESET) {
			return fmt.Errorf("read after data to a closed peer: %v, want ECONNRESET", err)
		}
		c3, _ := a.Socket().Dial("tcp", "b:9")
		s3, _ := ln.Accept()
		w.Reset("a", "b")
		_, err1 := c3.Read(buf)
		_, err2 := s3.Write(buf)
		var op *net.OpError
		if !errors.Is(err1, syscall.ECONNRESET) || !errors.Is(err2, syscall.EPIPE) || !errors.As(err1, &op) {
			return fmt.Errorf("after Reset: read %v, write %v", err1, err2)
		}
		return nil
	})
	require.NoError(t, err)
}

// Latency, partitions, clogs and holds act in exact world time on a
// virtual hub.
func TestFault_WorldTime(t *testing.T) {
	w, a, b := world(t, sim.Config{Link: sim.Link{Latency: 10 * time.Millisecond}})
	echoServer(t, b, ":7")
	err := run(t, a, func() error {
		c, err := a.Socket().Dial("tcp", "b:7")
		if err != nil {
			return err
		}
		defer c.Close()
		rtt := func() (time.Duration, error) {
			start := w.Now()
			if _, err := c.Write([]byte("x")); err != nil {
				return 0, err
			}
			_, err := io.ReadFull(c, make([]byte, 1))
			return w.Now().Sub(start), err
		}
		cases := []struct {
			name  string
			fault func()
			want  time.Duration
		}{
			{"Latency", func() {}, 20 * time.Millisecond},
			// A clog holds; when it ends, what it held goes on with its latency.
			{"Clog", func() { w.Clog("b", time.Second) }, time.Second + 20*time.Millisecond},
			{"ClogLink", func() { w.ClogLink("a", "b", time.Second) }, time.Second + 20*time.Millisecond},
			{"PartitionHealed", func() {
				w.Partition([]string{"a"}, []string{"b"})
				green.SpawnLater(3*time.Second, func() error { w.Heal([]string{"a"}, []string{"b"}); return nil })
			}, 3*time.Second + 20*time.Millisecond},
			{"HoldReleased", func() {
				w.Hold("b", "a")
				green.SpawnLater(time.Second, func() error { w.Release("b", "a"); return nil })
			}, time.Second + 10*time.Millisecond},
			{"Bandwidth", func() { w.SetLinkOneWay("a", "b", sim.Link{Latency: 10 * time.Millisecond, Bandwidth: 41}) }, time.Second + 20*time.Millisecond},
		}
		for _, k := range cases {
			k.fault()
			got, err := rtt()
			if err != nil {
				return fmt.Errorf("%s: %v", k.name, err)
			}
			if got != k.want {
				return fmt.Errorf("%s: round trip %v, want %v", k.name, got, k.want)
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// The hook sees each packet; "partition right after the write that
// contains X", and a corrupted datagram.
func TestFault_Hook(t *testing.T) {
	w, a, b := world(t, sim.Config{Link: sim.Link{Latency: time.Millisecond}})
	echoServer(t, b, ":7")
	var seen []string
	w.OnPacket(func(p *sim.Packet) sim.Verdict {
		seen = append(seen, p.Net+" "+p.Kind+" "+p.SrcHost+">"+p.DstHost)
		if bytes.Contains(p.Data, []byte("X")) {
			return sim.Verdict{Then: func() { w.Partition([]string{"a"}, []string{"b"}) }}
		}
		return sim.Verdict{}
	})
	err := run(t, a, func() error {
		c, err := a.Socket().Dial("tcp", "b:7")
		if err != nil {
			return err
		}
		defer c.Close()
		// The write containing X reaches b; the partition right after
		// it holds b's echo until the heal.
		c.Write([]byte("X marks it"))
		buf := make([]byte, 16)
		c.SetReadDeadline(w.Now().Add(time.Second))
		if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("read across the partition: %v", err)
		}
		c.SetReadDeadline(time.Time{})
		w.OnPacket(nil)
		w.HealAll()
		n, err := io.ReadFull(c, buf[:10])
		if err != nil || string(buf[:n]) != "X marks it" {
			return fmt.Errorf("after the heal: %q %v", buf[:n], err)
		}
		w.OnPacket(func(p *sim.Packet) sim.Verdict {
			if bytes.Equal(p.Data, []byte("corrupt me")) {
				p.Data[0] = 'C'
			}
			return sim.Verdict{}
		})
		w.HealAll()

		// UDP: the hook corrupts.
		u, err := b.Socket().ListenPacket("udp", ":5")
		if err != nil {
			return err
		}
		d, err := a.Socket().Dial("udp", "b:5")
		if err != nil {
			return err
		}
		d.Write([]byte("corrupt me"))
		n, _, err = u.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "Corrupt me" {
			return fmt.Errorf("udp: %q %v", buf[:n], err)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"tcp syn a>b", "tcp syn-ack b>a", "tcp data a>b", "tcp data b>a"}, seen)
}

// UDP: MTU, loss, duplication and reordering, all from the seed.
func TestUDP_Faults(t *testing.T) {
	count := func(seed uint64) (got []string, err error) {
		w, a, b := world(t, sim.Config{Seed: seed, MTU: 100})
		w.SetLink("a", "b", sim.Link{Latency: time.Millisecond, Jitter: time.Millisecond, Loss: 0.2, Duplicate: 0.2, Reorder: 0.3})
		err = run(t, a, func() error {
			u, err := b.Socket().ListenPacket("udp", "10.0.0.2:5")
			if err != nil {
				return err
			}
			d, err := a.Socket().Dial("udp", "10.0.0.2:5")
			if err != nil {
				return err
			}
			if _, err := d.Write(make([]byte, 101)); !errors.Is(err, syscall.EMSGSIZE) {
				return fmt.Errorf("a datagram over the MTU: %v", err)
			}
			for i := range 50 {
				d.Write([]byte(fmt.Sprint(i)))
			}
			u.SetReadDeadline(w.Now().Add(time.Second))
			buf := make([]byte, 100)
			for {
				n, _, err := u.ReadFrom(buf)
				if err != nil {
					return nil
				}
				got = append(got, string(buf[:n]))
			}
		})
		return got, err
	}
	got, err := count(1)
	require.NoError(t, err)
	again, _ := count(1)
	other, _ := count(2)
	assert.Equal(t, got, again, "the same seed, the same datagrams")
	assert.NotEqual(t, got, other, "another seed, other datagrams")
	seen := map[string]int{}
	inOrder := true
	for i, s := range got {
		seen[s]++
		if i > 0 && len(s) == len(got[i-1]) && s < got[i-1] {
			inOrder = false
		}
	}
	assert.Less(t, len(seen), 50, "some were lost")
	assert.Greater(t, len(got), len(seen), "some came twice")
	assert.False(t, inOrder, "some were reordered")
}

// The same seed gives the same run, bit for bit: the trace of hub and
// world events hashes the same.
func TestWorld_Deterministic(t *testing.T) {
	var traces []*green.Trace
	runOnce := func(seed uint64) (uint64, string) {
		tr := &green.Trace{}
		traces = append(traces, tr)
		w := sim.New(sim.Config{Seed: seed, Trace: tr, Link: sim.Link{Latency: time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.1}})
		defer w.Close()
		a, b := w.MustAddHost("a"), w.MustAddHost("b")
		var out strings.Builder
		// Everything from greenlets: a plain goroutine's calls land
		// wherever the Go scheduler puts them.
		err := run(t, a, func() error {
			ln, err := b.Socket().Listen("tcp", ":7")
			if err != nil {
				return err
			}
			b.Go(func() error { return serve(ln) })
			var gs []*green.Greenlet
			for i := range 5 {
				gs = append(gs, green.Spawn(func() error {
					c, err := a.Socket().Dial("tcp", "b:7")
					if err != nil {
						return err
					}
					defer c.Close()
					msg := fmt.Sprintf("client %d", i)
					c.Write([]byte(msg))
					io.ReadFull(c, make([]byte, len(msg)))
					fmt.Fprintf(&out, "%s at %v\n", msg, w.Since())
					return nil
				}))
			}
			_, err = green.JoinAll(gs, green.JoinOptions{})
			ln.Close()
			green.Sleep(time.Second) // every FIN and reset arrives
			return err
		})
		require.NoError(t, err)
		assert.Empty(t, tr.Breakers())
		kinds := map[string]bool{}
		for _, e := range tr.Events() {
			kinds[string(e.Kind)+" "+e.Host] = true
		}
		for _, k := range []string{"net.send a", "net.deliver b", "net.send b", "net.deliver a", "start a", "start b"} {
			assert.True(t, kinds[k], "the trace has %q events", k)
		}
		return tr.Hash(), out.String()
	}
	h1, o1 := runOnce(7)
	h2, o2 := runOnce(7)
	h3, o3 := runOnce(8)
	assert.Equal(t, o1, o2)
	if !assert.Equal(t, h1, h2, "trace hashes of one seed") {
		t.Log(traces[0].Diff(traces[1]))
	}
	assert.NotEqual(t, o1, o3)
	assert.NotEqual(t, h1, h3)
}

// A conn with one end in a greenlet and the other in a plain goroutine,
// in a world of greenlets and in one of goroutines.
func TestConn_GreenletAndGoroutine(t *testing.T) {
	for _, mode := range []sim.Mode{sim.Greenlets, sim.Goroutines} {
		t.Run(mode.String(), func(t *testing.T) {
			w := sim.New(sim.Config{Mode: mode, Link: sim.Link{Latency: time.Millisecond}})
			defer w.Close()
			a, b := w.MustAddHost("a"), w.MustAddHost("b")
			ln, err := b.Socket().Listen("tcp", ":7")
			require.NoError(t, err)
			go func() { // the server: a plain goroutine
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				io.Copy(c, c)
			}()
			hub := w.Hub()
			if hub == nil {
				hub = green.New(green.Options{})
				defer hub.Close()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err = hub.Run(func() error { // the client: a greenlet
				c, err := a.Socket().DialContext(ctx, "tcp", "b:7")
				if err != nil {
					return err
				}
				defer c.Close()
				for i := range 20 {
					msg := fmt.Sprint("ping ", i)
					c.Write([]byte(msg))
					buf := make([]byte, len(msg))
					if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
						return fmt.Errorf("%q %v", buf, err)
					}
				}
				return nil
			})
			require.NoError(t, err)
		})
	}
}

// Each host has its own loopback: a's 127.0.0.1:80 is not b's, and IPv6
// works as IPv4 does.
func TestHost_OwnLoopback(t *testing.T) {
	_, a, b := world(t, sim.Config{Mode: sim.Goroutines})
	ln, err := a.Socket().Listen("tcp", "127.0.0.1:80")
	require.NoError(t, err)
	defer ln.Close()
	_, err = b.Socket().Dial("tcp", "127.0.0.1:80")
	assert.ErrorIs(t, err, syscall.ECONNREFUSED, "b's loopback has no listener")
	c, err := a.Socket().Dial("tcp", "localhost:80")
	require.NoError(t, err)
	c.Close()

	ln6, err := b.Socket().Listen("tcp6", "[::]:81")
	require.NoError(t, err)
	defer ln6.Close()
	c, err = a.Socket().Dial("tcp6", "b:81")
	require.NoError(t, err)
	assert.Equal(t, "[fd00::1]", c.LocalAddr().String()[:len("[fd00::1]")])
	c.Close()
	_, err = a.Socket().Dial("tcp4", "[fd00::2]:81")
	assert.Error(t, err, "tcp4 to an IPv6 address")
	_, err = a.Socket().Dial("tcp", "10.9.9.9:81")
	assert.ErrorIs(t, err, syscall.EHOSTUNREACH)
}

// Deadlines are world times: an Accept and a UDP read past theirs fail
// after exactly that much virtual time, with os.ErrDeadlineExceeded.
func TestDeadline_WorldTime(t *testing.T) {
	w, a, _ := world(t, sim.Config{})
	err := run(t, a, func() error {
		ln, err := a.Socket().Listen("tcp", ":1")
		if err != nil {
			return err
		}
		defer ln.Close()
		u, err := a.Socket().ListenPacket("udp", ":1")
		if err != nil {
			return err
		}
		defer u.Close()
		cases := []struct {
			name string
			wait func(deadline time.Time) error
		}{
			{"Accept", func(d time.Time) error {
				ln.(*sim.Listener).SetDeadline(d)
				_, err := ln.Accept()
				return err
			}},
			{"ReadFrom", func(d time.Time) error {
				u.SetReadDeadline(d)
				_, _, err := u.ReadFrom(make([]byte, 1))
				return err
			}},
		}
		for _, c := range cases {
			start := w.Now()
			err := c.wait(start.Add(1500 * time.Millisecond))
			var ne net.Error
			if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
				return fmt.Errorf("%s: %v", c.name, err)
			}
			if d := w.Now().Sub(start); d != 1500*time.Millisecond {
				return fmt.Errorf("%s: failed after %v", c.name, d)
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// Jitter, uniform or exponential, varies each packet's delay from the
// seed; TCP still delivers in order.
func TestLink_Jitter(t *testing.T) {
	for _, exp := range []bool{false, true} {
		t.Run(fmt.Sprint("exp=", exp), func(t *testing.T) {
			l := sim.Link{Latency: 10 * time.Millisecond, Jitter: 5 * time.Millisecond, ExpJitter: exp}
			assert.Contains(t, l.String(), "jitter=5ms")
			w, a, b := world(t, sim.Config{Seed: 3, Link: l})
			echoServer(t, b, ":7")
			err := run(t, a, func() error {
				c, err := a.Socket().Dial("tcp", "b:7")
				if err != nil {
					return err
				}
				defer c.Close()
				rtts := map[time.Duration]bool{}
				for i := range 20 {
					start := w.Now()
					msg := []byte(fmt.Sprintf("%02d", i))
					c.Write(msg[:1])
					c.Write(msg[1:]) // two segments, each with its own delay
					got := make([]byte, 2)
					if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
						return fmt.Errorf("round %d: %q %v", i, got, err)
					}
					d := w.Now().Sub(start)
					if d < 20*time.Millisecond {
						return fmt.Errorf("round trip %v under twice the latency", d)
					}
					rtts[d] = true
				}
				if len(rtts) < 10 {
					return fmt.Errorf("only %d distinct round trips in 20", len(rtts))
				}
				return nil
			})
			require.NoError(t, err)
		})
	}
}

// Hold takes back what is in flight: a segment sent before the Hold
// arrives only after the Release, in order with what was sent after.
func TestFault_HoldInFlight(t *testing.T) {
	w, a, b := world(t, sim.Config{Link: sim.Link{Latency: 100 * time.Millisecond}})
	ln, err := b.Socket().Listen("tcp", ":9")
	require.NoError(t, err)
	err = run(t, a, func() error {
		c, s, err := connect(a, ln, "b:9")
		if err != nil {
			return err
		}
		c.Write([]byte("one "))
		green.Sleep(50 * time.Millisecond) // "one" is half way
		w.Hold("a", "b")
		c.Write([]byte("two"))
		green.SpawnLater(time.Second, func() error { w.Release("a", "b"); return nil })
		start := w.Now()
		got := make([]byte, 7)
		if _, err := io.ReadFull(s, got); err != nil || string(got) != "one two" {
			return fmt.Errorf("read %q %v", got, err)
		}
		if d := w.Now().Sub(start); d != time.Second+100*time.Millisecond {
			return fmt.Errorf("arrived after %v, want the release plus the latency", d)
		}
		return nil
	})
	require.NoError(t, err)
}

// Closing a world on a hub of the user's while its greenlets wait with
// deadlines: the waiters, woken by the world's Close, cancel deadline
// events that Close has already dropped.
func TestWorld_CloseBeforeItsHub(t *testing.T) {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	w := sim.New(sim.Config{Hub: h})
	a := w.MustAddHost("a")
	started := make(chan error, 1)
	var readers []*green.Greenlet
	go func() {
		started <- h.Run(func() error {
			for i := range 3 {
				u, err := a.Socket().ListenPacket("udp", fmt.Sprintf(":%d", 100+i))
				if err != nil {
					return err
				}
				readers = append(readers, a.Go(func() error {
					u.SetReadDeadline(w.Now().Add(time.Hour))
					_, _, err := u.ReadFrom(make([]byte, 1))
					return err
				}))
			}
			green.Yield() // the readers park, each with its deadline armed
			w.Close()
			return nil
		})
	}()
	select {
	case err := <-started:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not end within 10s")
	}
	h.Close()
	require.Len(t, readers, 3)
	for _, g := range readers {
		var pe *green.PanicError
		assert.False(t, errors.As(g.Err(), &pe), "a reader panicked: %v", g.Err())
	}
}

// A world's trace says what can make its run differ under the same seed:
// a world of goroutines, whose calls the Go scheduler orders, and a
// goroutine calling into a world of greenlets. A run of greenlets alone
// says nothing (TestWorld_Deterministic).
func TestWorld_TraceNamesWhatBreaksDeterminism(t *testing.T) {
	breakers := func(tr *green.Trace) string {
		var s []string
		for _, b := range tr.Breakers() {
			s = append(s, b.What)
		}
		return strings.Join(s, "\n")
	}

	tr := new(green.Trace)
	w := sim.New(sim.Config{Mode: sim.Goroutines, Trace: tr})
	w.Close()
	assert.Contains(t, breakers(tr), "a world of goroutines")

	tr = new(green.Trace)
	w, a, b := world(t, sim.Config{Trace: tr})
	ln := echoServer(t, b, ":7")
	defer ln.Close()
	require.Empty(t, tr.Breakers(), "greenlets alone")
	require.Empty(t, tr.Breakers(), "set up from outside with no greenlet live")
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- a.Run(func() error {
			close(ready)
			green.Sleep(time.Second) // live while the goroutine dials
			return nil
		})
	}()
	<-ready
	c, err := a.Socket().Dial("tcp", "b:7") // from the test's goroutine
	require.NoError(t, err)
	c.Close()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not end within 10s")
	}
	assert.Contains(t, breakers(tr), "a goroutine outside the world's hub")
	w.Close()
}

// Binding follows the kernel's rules: a TCP port is taken by a listener on
// the same or an unspecified address (not by one on another address); a
// UDP port by any socket on it; port 0 picks a free ephemeral port; a
// closed listener gives its port back.
func TestHost_BindRules(t *testing.T) {
	_, a, _ := world(t, sim.Config{Mode: sim.Goroutines})
	s := a.Socket()
	l1, err := s.Listen("tcp", "10.0.0.1:80")
	require.NoError(t, err)
	l2, err := s.Listen("tcp", "127.0.0.1:80")
	require.NoError(t, err, "another address, same port")
	_, err = s.Listen("tcp", "10.0.0.1:80")
	assert.ErrorIs(t, err, syscall.EADDRINUSE, "the same address")
	_, err = s.Listen("tcp", ":80")
	assert.ErrorIs(t, err, syscall.EADDRINUSE, "unspecified over a bound address")
	var oe *net.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "listen", oe.Op)
	l1.Close()
	l2.Close()
	l3, err := s.Listen("tcp", ":80")
	require.NoError(t, err, "the port was given back")
	l3.Close()

	u1, err := s.ListenPacket("udp", "10.0.0.1:53")
	require.NoError(t, err)
	_, err = s.ListenPacket("udp", "127.0.0.1:53")
	assert.ErrorIs(t, err, syscall.EADDRINUSE, "a UDP port is taken by any socket on it")
	u1.Close()

	e1, err := s.Listen("tcp", ":0")
	require.NoError(t, err)
	e2, err := s.Listen("tcp", ":0")
	require.NoError(t, err)
	assert.NotEqual(t, e1.Addr().String(), e2.Addr().String(), "two ephemeral ports")
	e1.Close()
	e2.Close()

	_, err = s.ListenPacket("tcp", ":1")
	assert.ErrorContains(t, err, "unknown network tcp", "ListenPacket on tcp")
	_, err = s.Listen("udp4", ":1")
	assert.ErrorContains(t, err, "unknown network udp4", "Listen on udp4")
}
