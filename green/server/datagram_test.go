package server_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server"
)

// upper answers each packet with its upper-case copy.
func upper(pc net.PacketConn, p []byte, addr net.Addr) {
	pc.WriteTo([]byte(strings.ToUpper(string(p))), addr)
}

// ask sends msg to addr from a new socket and returns the answer.
func ask(addr, msg string) (string, error) {
	c, err := green.Socket{}.Dial("udp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	return string(buf[:n]), err
}

func TestDatagramServer_HandlerPerPacketGreenlet(t *testing.T) {
	h := newHub(t, nil)
	const clients = 30
	seen := map[*green.Greenlet]bool{}
	srv := &server.DatagramServer{Handler: func(pc net.PacketConn, p []byte, addr net.Addr) {
		seen[green.Current()] = true
		green.Sleep(time.Millisecond) // the others run meanwhile
		upper(pc, p, addr)
	}}
	require.NoError(t, run(t, h, func() error {
		pc, err := green.Socket{}.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(pc))
		var cs []*green.Greenlet
		for i := range clients {
			cs = append(cs, green.SpawnValue(func() (any, error) {
				return ask(srv.Address().String(), fmt.Sprintf("hello %d", i))
			}))
		}
		for i, g := range cs {
			require.NoError(t, g.Join())
			assert.Equal(t, fmt.Sprintf("HELLO %d", i), g.Value())
		}
		return srv.Stop(time.Second)
	}))
	assert.Len(t, seen, clients)
}

// A handler owns its packet: the server reads the next one into a buffer
// of its own.
func TestDatagramServer_PacketsAreTheHandlers(t *testing.T) {
	h := newHub(t, nil)
	var got []string
	var all green.Event
	srv := &server.DatagramServer{Handler: func(pc net.PacketConn, p []byte, addr net.Addr) {
		green.Sleep(5 * time.Millisecond) // later packets are read meanwhile
		got = append(got, string(p))
		if len(got) == 3 {
			all.Set()
		}
	}}
	require.NoError(t, run(t, h, func() error {
		pc, err := green.Socket{}.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(pc))
		c, err := green.Socket{}.Dial("udp", pc.LocalAddr().String())
		require.NoError(t, err)
		defer c.Close()
		for _, m := range []string{"aaaa", "bb", "c"} {
			_, err := c.Write([]byte(m))
			require.NoError(t, err)
		}
		require.NoError(t, all.Wait())
		return srv.Stop(time.Second)
	}))
	assert.ElementsMatch(t, []string{"aaaa", "bb", "c"}, got)
}

func TestDatagramServer_PoolBoundsHandlers(t *testing.T) {
	h := newHub(t, nil)
	const size, clients = 3, 12
	running, most := 0, 0
	srv := &server.DatagramServer{Pool: green.NewPool(size), Handler: func(pc net.PacketConn, p []byte, addr net.Addr) {
		running++
		most = max(most, running)
		green.Sleep(2 * time.Millisecond)
		running--
		upper(pc, p, addr)
	}}
	require.NoError(t, run(t, h, func() error {
		pc, err := green.Socket{}.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		require.NoError(t, srv.Start(pc))
		var cs []*green.Greenlet
		for range clients {
			cs = append(cs, green.Spawn(func() error {
				_, err := ask(pc.LocalAddr().String(), "x")
				return err
			}))
		}
		_, err = green.JoinAll(cs, green.JoinOptions{StopOnError: true})
		require.NoError(t, err)
		return srv.Stop(time.Second)
	}))
	assert.Equal(t, size, most)
}

func TestDatagramServer_StopKillsAfterGrace(t *testing.T) {
	h := newHub(t, nil)
	var started green.Event
	killed := false
	srv := &server.DatagramServer{Handler: func(pc net.PacketConn, p []byte, addr net.Addr) {
		defer func() { killed = true }()
		started.Set()
		green.Sleep(time.Hour)
	}}
	require.NoError(t, run(t, h, func() error {
		serving := green.Spawn(func() error { return srv.ListenAndServe() })
		for srv.Address() == nil {
			green.Yield()
		}
		addr := srv.Address().(*net.UDPAddr)
		c, err := green.Socket{}.Dial("udp", fmt.Sprintf("127.0.0.1:%d", addr.Port))
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Write([]byte("x"))
		require.NoError(t, err)
		require.NoError(t, started.Wait())
		require.NoError(t, srv.Stop(10*time.Millisecond))
		assert.True(t, killed)
		assert.ErrorIs(t, serving.Join(), server.ErrClosed)
		return nil
	}))
}

func TestDatagramServer_Misuse(t *testing.T) {
	assert.PanicsWithValue(t, "server: DatagramServer with a nil Handler", func() {
		(&server.DatagramServer{}).Start(nil)
	})
	assert.PanicsWithValue(t, "server: DatagramServer with a negative MaxAccept, MinDelay, MaxDelay or MaxPacket", func() {
		(&server.DatagramServer{Handler: upper, MaxPacket: -1}).Start(nil)
	})
}
