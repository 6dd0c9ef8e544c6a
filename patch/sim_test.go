package patch_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

func simSpec(t *testing.T, text string) patch.Options {
	t.Helper()
	s, err := patch.ParseSpec(text)
	require.NoError(t, err)
	return s.Options
}

// Plain goroutines under "sim" share the default world: a listener on
// the loopback and a dial to it meet in memory, in a simulated conn.
func TestSimSet_GoroutinesUseTheDefaultWorld(t *testing.T) {
	patch.ForTest(t, simSpec(t, "sim"))
	l, err := registry.Socket().Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	c, err := registry.Socket().Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	assert.IsType(t, (*sim.Conn)(nil), c)
	assert.Equal(t, "host", c.(*sim.Conn).Host().Name())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var s net.Conn
	select {
	case s = <-accepted:
		require.NotNil(t, s, "Accept failed")
	case <-ctx.Done():
		t.Fatal("no conn accepted in 10s")
	}
	defer s.Close()
	_, err = io.WriteString(c, "hi")
	require.NoError(t, err)
	buf := make([]byte, 2)
	_, err = io.ReadFull(s, buf)
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf))

	addrs, err := registry.DNS().LookupHost(ctx, "host")
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.1"}, addrs)
	_, err = registry.DNS().LookupHost(ctx, "example.com")
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr)
	assert.True(t, dnsErr.IsNotFound)
}

// Greenlets started through hosts use their own host's modules through
// the registry: the same code runs as server and as client.
func TestSimSet_GreenletsUseTheirHost(t *testing.T) {
	patch.ForTest(t, simSpec(t, "sim"))
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	srv := w.MustAddHost("server", "10.0.0.1")
	cli := w.MustAddHost("client", "10.0.0.2")
	srv.Go(func() error {
		l, err := registry.Socket().Listen("tcp", ":80")
		if err != nil {
			return err
		}
		defer l.Close()
		c, err := l.Accept()
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = io.WriteString(c, c.RemoteAddr().String())
		return err
	})
	var got string
	var slept time.Duration
	err := cli.Run(func() error {
		start := registry.Time().Now()
		registry.Time().Sleep(time.Hour) // the world's virtual clock: instant
		slept = registry.Time().Since(start)
		c, err := registry.Socket().Dial("tcp", "server:80")
		if err != nil {
			return err
		}
		defer c.Close()
		b, err := io.ReadAll(c)
		got = string(b)
		return err
	})
	require.NoError(t, err)
	assert.Regexp(t, `^10\.0\.0\.2:\d+$`, got, "the server saw the dial come from host client")
	assert.Equal(t, time.Hour, slept)
}

// A greenlet on a hub of its own (not on a host) gets green's
// cooperative time: its sleep parks it on its hub's virtual clock.
func TestSimSet_GreenletNotOnAHost(t *testing.T) {
	patch.ForTest(t, simSpec(t, "sim"))
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	var slept time.Duration
	require.NoError(t, h.Run(func() error {
		start := h.Now()
		registry.Time().Sleep(time.Hour)
		slept = h.Now().Sub(start)
		return nil
	}))
	assert.Equal(t, time.Hour, slept)
}

// Restore closes the default world: what was open in it is closed.
func TestSimSet_RestoreClosesTheDefaultWorld(t *testing.T) {
	_, err := patch.PatchAll(simSpec(t, "sim"))
	require.NoError(t, err)
	l, err := registry.Socket().Listen("tcp", "127.0.0.1:0")
	if err != nil {
		patch.Restore()
		t.Fatal(err)
	}
	patch.Restore()
	_, err = l.Accept()
	assert.ErrorIs(t, err, net.ErrClosed)
}
