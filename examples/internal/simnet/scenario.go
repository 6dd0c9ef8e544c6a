// Package simnet is the body of examples/simnet: a client and a server in
// a simulated world through a partition and a heal (Scenario), and the
// echo, timer and memory figures of the simulated world beside real
// loopback sockets and testing/synctest (Bench).
package simnet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// Scenario runs a client that pings a server every 200ms of world time
// over a link of 10ms latency and up to 10ms jitter (drawn from seed).
// At 1s the world partitions them; the client's reads time out after
// 300ms, it redials (the SYN is held by the partition, the dial gives up
// after 500ms); at 2.5s the world heals, what the partition held arrives
// late, and the client's next dial gets through. Everything runs as
// greenlets on the world's virtual hub, so the output, with world
// timestamps, is the same on every run with the same seed.
func Scenario(out io.Writer, seed uint64) error {
	hub := newHub()
	defer hub.Close()
	w := sim.New(sim.Config{Seed: seed, Hub: hub, Link: sim.Link{Latency: 10 * time.Millisecond, Jitter: 10 * time.Millisecond}})
	defer w.Close()
	server := w.MustAddHost("server", "10.0.0.1")
	client := w.MustAddHost("client", "10.0.0.2")
	logf := func(who, format string, args ...any) {
		fmt.Fprintf(out, "%10.6fs %-7s %s\n", w.Since().Seconds(), who, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(out, "simnet scenario seed=%d: client %v, server %v, link latency 10ms jitter 10ms\n",
		seed, client.Addr(), server.Addr())

	return server.Run(func() error {
		l, err := server.Socket().Listen("tcp", ":7")
		if err != nil {
			return err
		}
		logf("server", "listening on %v", l.Addr())
		conns := green.NewGroup()                                              // the server's conn greenlets, joined before the end
		acceptor := green.Spawn(func() error { return serve(l, conns, logf) }) // on host server, inherited
		pinger := client.Go(func() error { return ping(client, logf) })

		tm := server.Time()
		tm.Sleep(time.Second)
		w.Partition([]string{"client"}, []string{"server"})
		logf("world", "partition client <-> server")
		tm.Sleep(1500 * time.Millisecond)
		w.Heal([]string{"client"}, []string{"server"})
		logf("world", "heal client <-> server")

		err = pinger.Join()
		l.Close()
		if aerr := acceptor.Join(); aerr != nil && !errors.Is(aerr, net.ErrClosed) {
			return aerr
		}
		if cerr := conns.Join(); cerr != nil { // each ends at its conn's EOF
			return cerr
		}
		logf("world", "done")
		return err
	})
}

// serve answers "ping N" with "pong N" on every conn, a greenlet each.
func serve(l net.Listener, conns *green.Group, logf func(string, string, ...any)) error {
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		logf("server", "accepted %v", c.RemoteAddr())
		conns.Spawn(func() error {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					logf("server", "conn from %v: %v", c.RemoteAddr(), err)
					return nil
				}
				n := strings.TrimPrefix(strings.TrimSpace(line), "ping ")
				logf("server", "got ping %s from %v", n, c.RemoteAddr())
				if _, err := io.WriteString(c, "pong "+n+"\n"); err != nil {
					logf("server", "reply to %v: %v", c.RemoteAddr(), err)
					return nil
				}
			}
		})
	}
}

// ping sends 14 pings, one every 200ms, each answered within 300ms or the
// conn is dropped and redialed.
func ping(h *sim.Host, logf func(string, string, ...any)) error {
	tm := h.Time()
	var c net.Conn
	var r *bufio.Reader
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	for i := 1; i <= 14; i++ {
		if i > 1 {
			tm.Sleep(200 * time.Millisecond)
		}
		if c == nil {
			ctx, cancel := tm.WithTimeout(context.Background(), 500*time.Millisecond)
			var err error
			c, err = h.Socket().DialContext(ctx, "tcp", "server:7")
			cancel()
			if err != nil {
				logf("client", "dial: %v", err)
				continue
			}
			r = bufio.NewReader(c)
			logf("client", "connected from %v", c.LocalAddr())
		}
		start := tm.Now()
		c.SetDeadline(start.Add(300 * time.Millisecond))
		_, err := fmt.Fprintf(c, "ping %d\n", i)
		var line string
		if err == nil {
			line, err = r.ReadString('\n')
		}
		if err != nil {
			logf("client", "ping %d: %v; dropping the conn", i, err)
			c.Close()
			c = nil
			continue
		}
		logf("client", "ping %d -> %s (rtt %v)", i, strings.TrimSpace(line), tm.Since(start).Round(time.Microsecond))
	}
	return nil
}

// newHub is a hub on a virtual clock whose runs do not depend on real
// time: the hand-off is off, so that a wait the hub cannot see (a GC
// assist under load, which it takes for one) holds the hub rather than
// detach a greenlet and let it run beside the hub on real time.
func newHub() *green.Hub {
	return green.New(green.Options{
		Clock:           green.NewVirtualClock(time.Time{}),
		Name:            "simnet",
		MaxBlockingTime: -1,
		HandoffAfter:    -1,
		// The world's dials and accepts go deeper than a new goroutine's
		// 2 KiB, as sim.New's own hub knows.
		StackSize: 4096,
	})
}
