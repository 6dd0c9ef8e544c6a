package green_test

import (
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// An accepted conn's keep-alive is what the listener's ListenConfig asks
// for, as package net's Accept makes it: on with a 15 s idle time by
// default, on with the given idle time, or off for a negative KeepAlive.
func TestSocket_AcceptedKeepAlive(t *testing.T) {
	tests := []struct {
		name      string
		keepAlive time.Duration
		on        bool
		idle      int // seconds, when on
	}{
		{"Default", 0, true, 15},
		{"Period", 40 * time.Second, true, 40},
		{"Off", -1, false, 0},
	}
	for _, p := range []string{green.PollerEpoll, green.PollerIOURing} {
		t.Run(p, func(t *testing.T) {
			if p == green.PollerIOURing {
				uringOrSkip(t)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					h := newHub(t, green.Options{Poller: p})
					s := green.Socket{Hub: h, ListenConfig: &net.ListenConfig{KeepAlive: tt.keepAlive}}
					var on, idle int
					err := run(t, h, func() error {
						ln, err := s.Listen("tcp", "127.0.0.1:0")
						if err != nil {
							return err
						}
						defer ln.Close()
						d, err := s.Dial("tcp", ln.Addr().String())
						if err != nil {
							return err
						}
						defer d.Close()
						c, err := ln.Accept()
						if err != nil {
							return err
						}
						defer c.Close()
						rc, err := c.(interface{ NetConn() net.Conn }).NetConn().(*net.TCPConn).SyscallConn()
						if err != nil {
							return err
						}
						var gerr error
						if err := rc.Control(func(fd uintptr) {
							on, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
							if gerr == nil {
								idle, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
							}
						}); err != nil {
							return err
						}
						return gerr
					})
					require.NoError(t, err)
					assert.Equal(t, tt.on, on != 0, "SO_KEEPALIVE")
					if tt.on {
						assert.Equal(t, tt.idle, idle, "TCP_KEEPIDLE")
					}
				})
			}
		})
	}
}
