package green_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
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
						_, c, closeAll, err := connPair(s)
						if err != nil {
							return err
						}
						defer closeAll()
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

// openFDs is how many descriptors the process has open.
func openFDs() (int, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	return len(ents), err
}

// Accepted conns, read from, written to and closed through the module,
// leave no descriptor open behind them: package net's, and the one their
// io_uring operations name (on io_uring, the accepted descriptor itself);
// through a Socket of the hub, and through the zero Socket, whose listener
// takes the hub of the greenlet that accepts.
func TestSocket_AcceptedConnsLeaveNoDescriptors(t *testing.T) {
	if _, err := openFDs(); err != nil {
		t.Skip("no /proc/self/fd:", err) // here, not in a greenlet: Skip ends the goroutine
	}
	for _, p := range []string{green.PollerEpoll, green.PollerIOURing} {
		for _, zero := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ZeroSocket=%v", p, zero), func(t *testing.T) {
				if p == green.PollerIOURing {
					uringOrSkip(t)
				}
				h := newHub(t, green.Options{Poller: p})
				s := green.Socket{Hub: h}
				if zero {
					s = green.Socket{}
				}
				var before, after int
				err := run(t, h, func() error {
					ln, err := listenWarm(s)
					if err != nil {
						return err
					}
					defer ln.Close()
					if before, err = openFDs(); err != nil {
						return err
					}
					for range 50 {
						if err := acceptEcho(s, ln); err != nil {
							return err
						}
					}
					after, err = openFDs()
					return err
				})
				require.NoError(t, err)
				// The count is the process's: earlier tests' hubs may still be
				// closing a descriptor or two meanwhile. A leak shows as one
				// per connection, 50.
				assert.LessOrEqual(t, after, before+5, "descriptors open before (%d) and after 50 conns", before)
			})
		}
	}
}

// listenWarm listens on loopback through s and exchanges a byte over one
// connection, so that the hub's ring and poller are set up before a test
// counts descriptors.
func listenWarm(s green.Socket) (net.Listener, error) {
	ln, err := s.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if err := acceptEcho(s, ln); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// acceptEcho dials ln, accepts the conn, exchanges a byte each way and
// closes both ends.
func acceptEcho(s green.Socket, ln net.Listener) error {
	d, c, closeAll, err := pairOn(s, ln)
	if err != nil {
		return err
	}
	defer closeAll()
	if _, err := d.Write([]byte{1}); err != nil {
		return err
	}
	b := make([]byte, 1)
	if _, err := c.Read(b); err != nil {
		return err
	}
	if _, err := c.Write(b); err != nil {
		return err
	}
	_, err = d.Read(b)
	return err
}

// anonFDs counts the process's open descriptors of an anonymous inode
// kind: "[eventpoll]", "[io_uring]", "[eventfd]".
func anonFDs(kind string) (int, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	n := 0
	for _, e := range ents {
		if link, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && link == "anon_inode:"+kind {
			n++
		}
	}
	return n, err
}

// When Close returns, a hub's poller has closed its descriptors: the epoll
// instance (epoll), the ring and its eventfd (io_uring). Not a moment
// later: a test (or a program) that counts descriptors, or sets a limit at
// the lowest free one, must not see them close under it.
func TestSocket_CloseClosesPollerDescriptors(t *testing.T) {
	if _, err := openFDs(); err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	kinds := []string{"[eventpoll]", "[io_uring]", "[eventfd]"}
	count := func() (map[string]int, error) {
		m := map[string]int{}
		for _, k := range kinds {
			n, err := anonFDs(k)
			if err != nil {
				return nil, err
			}
			m[k] = n
		}
		return m, nil
	}
	for _, p := range []string{green.PollerEpoll, green.PollerIOURing} {
		t.Run(p, func(t *testing.T) {
			if p == green.PollerIOURing {
				uringOrSkip(t)
			}
			before, err := count()
			require.NoError(t, err)
			h := green.New(green.Options{Poller: p, MaxBlockingTime: -1})
			s := green.Socket{Hub: h}
			var during map[string]int
			err = run(t, h, func() error {
				ln, err := listenWarm(s)
				if err != nil {
					return err
				}
				defer ln.Close()
				d, c, closeAll, err := pairOn(s, ln)
				if err != nil {
					return err
				}
				defer closeAll()
				// A read that has to wait: the poller is made for it.
				reader := green.Spawn(func() error {
					_, err := c.Read(make([]byte, 1))
					return err
				})
				green.Sleep(10 * time.Millisecond)
				if during, err = count(); err != nil {
					return err
				}
				if _, err := d.Write([]byte{1}); err != nil {
					return err
				}
				return reader.Join()
			})
			closeHub(t, h)
			require.NoError(t, err)
			after, err := count()
			require.NoError(t, err)
			switch p {
			case green.PollerEpoll:
				assert.Greater(t, during["[eventpoll]"], before["[eventpoll]"], "the hub's epoll instance, while it runs")
			case green.PollerIOURing:
				assert.Greater(t, during["[io_uring]"], before["[io_uring]"], "the hub's ring, while it runs")
			}
			assert.Equal(t, before, after, "descriptors open before the hub and once Close has returned")
		})
	}
}

// A greenlet waiting in Write for room sees a write deadline set meanwhile
// by another, on either poller, on a conn dialed to an address (lazy on
// io_uring) and on one dialed by name (a conn of package net, adopted by
// the ring).
func TestSocket_DeadlineChangeWakesWriter(t *testing.T) {
	for _, p := range []string{green.PollerEpoll, green.PollerIOURing} {
		for _, byName := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/byName=%v", p, byName), func(t *testing.T) {
				if p == green.PollerIOURing {
					uringOrSkip(t)
				}
				h := newHub(t, green.Options{Poller: p})
				s := green.Socket{Hub: h}
				err := run(t, h, func() error {
					ln, err := s.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						return err
					}
					defer ln.Close()
					addr := ln.Addr().String()
					if byName {
						addr = "localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
					}
					c, _, closeAll, err := pairAt(s, ln, addr) // the accepted end is never read
					if err != nil {
						return err
					}
					defer closeAll()
					w := green.Spawn(func() error {
						big := make([]byte, 1<<20)
						for {
							if _, err := c.Write(big); err != nil {
								return err
							}
						}
					})
					green.Sleep(50 * time.Millisecond) // w waits for room, with no deadline
					if w.Ready() {
						return fmt.Errorf("the writer ended before the deadline was set: %v", w.Err())
					}
					c.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
					err = w.JoinTimeout(5 * time.Second)
					assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
					return nil
				})
				require.NoError(t, err)
			})
		}
	}
}

// A deadline that passes while a greenlet waits in Read or Write on the ring
// ends the wait with os.ErrDeadlineExceeded, also when nothing else on the
// hub runs (the hub idles until then: the cancel must be submitted).
func TestSocket_RingDeadlineFires(t *testing.T) {
	uringOrSkip(t)
	h := newHub(t, green.Options{Poller: green.PollerIOURing})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		c, _, closeAll, err := connPair(s)
		if err != nil {
			return err
		}
		defer closeAll()
		c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "Read")
		c.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
		big := make([]byte, 1<<20)
		for err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
			if _, err = c.Write(big); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
}
