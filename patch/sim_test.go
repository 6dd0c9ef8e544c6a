package patch_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// applySim applies the spec "sim" for the rest of t.
func applySim(t *testing.T) {
	t.Helper()
	s, err := patch.ParseSpec("sim")
	require.NoError(t, err)
	prev := registry.Current(registry.SocketModule)
	_, err = s.Apply()
	require.NoError(t, err)
	t.Cleanup(func() {
		patch.Restore()
		require.NotNil(t, prev)
	})
}

// Plain goroutines under "sim" use SimWorld's host: a listener on the
// loopback and a dial to it meet in memory, in a simulated conn.
func TestSpecSim_GoroutinesUseSimWorld(t *testing.T) {
	applySim(t)
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
	require.IsType(t, (*sim.Conn)(nil), c)
	assert.Same(t, patch.SimWorld(), c.(*sim.Conn).Host().World())

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

	_, err = registry.DNS().LookupHost(ctx, "example.com")
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr)
	assert.True(t, dnsErr.IsNotFound)
}

// Greenlets started through the hosts of a world a test made use their
// own host's modules through the registry, not SimWorld's: the same code
// runs as server and as client.
func TestSpecSim_GreenletsUseTheirHost(t *testing.T) {
	applySim(t)
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
	var addrs []string
	err := cli.Run(func() error {
		var err error
		if addrs, err = registry.DNS().LookupHost(context.Background(), "server"); err != nil {
			return err
		}
		c, err := registry.Socket().Dial("tcp", "server:80")
		if err != nil {
			return err
		}
		defer c.Close()
		if h := c.(*sim.Conn).Host(); h != cli {
			t.Errorf("the dial ran on host %v of world %p; want client of the test's world", h, h.World())
		}
		b, err := io.ReadAll(c)
		got = string(b)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.1"}, addrs)
	assert.Regexp(t, `^10\.0\.0\.2:\d+$`, got, "the server saw the dial come from host client")
}
