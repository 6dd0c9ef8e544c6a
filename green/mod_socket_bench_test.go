package green_test

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkSocket_Echo measures a round trip of a small message between
// client and server greenlets on one hub over loopback, with several
// clients at once; ns/op is per round trip. "fast" is the design in use
// (non-blocking system calls on the greenlet, readiness waits off the hub);
// "native" runs package net's blocking calls off the hub instead.
// "deadline" is "fast" with a deadline (an hour away) on every client conn,
// as a server with timeouts has: each read and write then arms one.
func BenchmarkSocket_Echo(b *testing.B) {
	for _, design := range []string{"fast", "native", "deadline"} {
		for _, clients := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/clients=%d", design, clients), func(b *testing.B) {
				defer green.SetSocketFastPath(design != "native")()
				benchEcho(b, clients, design == "deadline")
			})
		}
	}
}

func benchEcho(b *testing.B, clients int, deadline bool) {
	h := newHub(b, green.Options{})
	s := green.Socket{Hub: h}
	err := h.Run(func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := green.Spawn(func() error { return echo(ln) })
		conns := make([]net.Conn, clients)
		for i := range conns {
			if conns[i], err = s.Dial("tcp", ln.Addr().String()); err != nil {
				return err
			}
			if deadline {
				conns[i].SetDeadline(time.Now().Add(time.Hour))
			}
		}
		rounds := b.N/clients + 1
		b.ReportAllocs()
		b.ResetTimer()
		cs := make([]*green.Greenlet, clients)
		for i, c := range conns {
			cs[i] = green.Spawn(func() error {
				buf := make([]byte, 8)
				msg := []byte("ping 123")
				for range rounds {
					if _, err := c.Write(msg); err != nil {
						return err
					}
					if _, err := io.ReadFull(c, buf); err != nil {
						return err
					}
				}
				return nil
			})
		}
		_, err = green.JoinAll(cs, green.JoinOptions{StopOnError: true})
		b.StopTimer()
		for _, c := range conns {
			c.Close()
		}
		ln.Close()
		if err != nil {
			return err
		}
		return srv.Join()
	})
	if err != nil {
		b.Fatal(err)
	}
}
