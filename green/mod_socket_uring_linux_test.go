package green_test

import (
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
)

// uringOrSkip returns io_uring, or skips the test where the kernel (or a
// sandbox) refuses it.
func uringOrSkip(t *testing.T) string {
	h := green.New(green.Options{Poller: green.PollerIOURing, MaxBlockingTime: -1})
	defer h.Close()
	if p := h.Stats().Poller; p != green.PollerIOURing {
		t.Skipf("io_uring not available here: %s", p)
	}
	return green.PollerIOURing
}

// Every socket test passes on both pollers: CI runs the package on the
// default (io_uring, or GREENSHIM_POLLER), and this runs them on each.
func TestSocket_BothPollers(t *testing.T) {
	tests := []struct {
		name string
		f    func(*testing.T)
	}{
		{"Conformance", TestSocket_Conformance},
		{"ConformanceZero", TestSocket_ConformanceZero},
		{"EchoBetweenGreenlets", TestSocket_EchoBetweenGreenlets},
		{"WaitDoesNotHoldHub", TestSocket_WaitDoesNotHoldHub},
		{"WriteWaitsForRoom", TestSocket_WriteWaitsForRoom},
		{"CloseWakesWaiter", TestSocket_CloseWakesWaiter},
		{"ErrorsFromGreenlet", TestSocket_ErrorsFromGreenlet},
		{"EOF", TestSocket_EOF},
		{"AbandonedReadLosesNothing", TestSocket_AbandonedReadLosesNothing},
		{"GreenletAndGoroutine", TestSocket_GreenletAndGoroutine},
		{"UDPBetweenGreenlets", TestSocket_UDPBetweenGreenlets},
		{"HTTP", TestSocket_HTTP},
		{"AcceptOutOfDescriptors", TestSocket_AcceptOutOfDescriptors},
		{"DeadlineChangeWakesReader", TestSocket_DeadlineChangeWakesReader},
		{"ConcurrentReaders", TestSocket_ConcurrentReaders},
		{"KilledWrite", TestSocket_KilledWrite},
		{"DialedUDP", TestSocket_DialedUDP},
		{"ConcurrentAccepters", TestSocket_ConcurrentAccepters},
		{"AbandonedAcceptAfterClose", TestSocket_AbandonedAcceptAfterClose},
		{"KilledAcceptKeepsConn", TestSocket_KilledAcceptKeepsConn},
		{"CloseEndsListening", TestSocket_CloseEndsListening},
	}
	for _, p := range []string{green.PollerEpoll, green.PollerIOURing} {
		t.Run(p, func(t *testing.T) {
			if p == green.PollerIOURing {
				uringOrSkip(t)
			}
			t.Setenv(green.PollerEnv, p)
			for _, tt := range tests {
				t.Run(tt.name, tt.f)
			}
		})
	}
}

// Stats.Poller names the poller Options.Poller (or GREENSHIM_POLLER) chose;
// the default is io_uring.
func TestHub_Poller(t *testing.T) {
	tests := []struct {
		name, opt, env, want string
	}{
		{"default", "", "", green.PollerIOURing},
		{"option epoll", green.PollerEpoll, green.PollerIOURing, green.PollerEpoll},
		{"env io_uring", "", green.PollerIOURing, green.PollerIOURing},
		{"option io_uring", green.PollerIOURing, green.PollerEpoll, green.PollerIOURing},
		{"env epoll", "", green.PollerEpoll, green.PollerEpoll},
		{"env unknown", "", "kqueue", green.PollerIOURing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == green.PollerIOURing {
				uringOrSkip(t)
			}
			t.Setenv(green.PollerEnv, tt.env)
			h := newHub(t, green.Options{Poller: tt.opt})
			assert.Equal(t, tt.want, h.Stats().Poller)
		})
	}
}

// Where io_uring is refused the hub falls back to epoll, says why in
// Stats.Poller, and its sockets work: refused at the probe a hub makes when
// it starts, or when it sets its own ring up after a probe that passed (its
// first socket operation).
func TestHub_PollerRefusedFallsBackToEpoll(t *testing.T) {
	uringOrSkip(t)
	tests := []struct {
		name    string
		probe   bool
		chosen  string // Stats.Poller before the first socket operation
		refused string // and after
	}{
		{"AtTheProbe", true, "epoll (io_uring refused: operation not permitted)", "epoll (io_uring refused: operation not permitted)"},
		{"AtTheRing", false, green.PollerIOURing, "epoll (io_uring refused: operation not permitted)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(green.PollerEnv, "")
			undo := green.RefuseURing(syscall.EPERM, tt.probe)
			defer undo()
			h := green.New(green.Options{MaxBlockingTime: -1})
			defer h.Close()
			assert.Equal(t, tt.chosen, h.Stats().Poller)
			s := green.Socket{Hub: h}
			err := run(t, h, func() error {
				ln, err := s.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return err
				}
				defer ln.Close()
				srv := green.Spawn(func() error { return echo(ln) })
				if err := pingPong(s, ln.Addr().String(), 20); err != nil {
					return err
				}
				ln.Close()
				return srv.Join()
			})
			require.NoError(t, err)
			assert.Equal(t, tt.refused, h.Stats().Poller)
		})
	}
}

func TestHub_PollerInvalid(t *testing.T) {
	assert.PanicsWithValue(t, `green: Options.Poller is "kqueue"; want "io_uring", "epoll" or empty`, func() {
		green.New(green.Options{Poller: "kqueue"})
	})
}

// A GREENSHIM_POLLER that names no poller is not taken silently: the hub
// says so on stderr, naming the value, and uses the default.
func TestHub_PollerEnvInvalid(t *testing.T) {
	t.Setenv(green.PollerEnv, "kqueue")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stderr := os.Stderr
	os.Stderr = w
	h := green.New(green.Options{})
	os.Stderr = stderr
	w.Close()
	out, err := io.ReadAll(r)
	r.Close()
	h.Close()
	require.NoError(t, err)
	assert.Contains(t, string(out), `green: ignoring GREENSHIM_POLLER="kqueue"`)
	assert.NotEqual(t, "kqueue", h.Stats().Poller)
}

// A greenlet killed in Accept while a connection arrives does not lose it:
// the next Accept returns it (on io_uring the cancelled accept may have
// taken it already).
func TestSocket_KilledAcceptKeepsConn(t *testing.T) {
	h := newHub(t, green.Options{HandoffAfter: -1}) // the Dial below holds the hub
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		a := green.Spawn(func() error { _, err := ln.Accept(); return err })
		green.Yield() // a waits
		// Connect holding the hub, so that a cannot run before the kill.
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		a.Kill()
		var got net.Conn
		if err := green.WithTimeout(5*time.Second, func() (err error) { got, err = ln.Accept(); return err }); err != nil {
			return err
		}
		defer got.Close()
		if _, err := c.Write([]byte("x")); err != nil {
			return err
		}
		b := make([]byte, 1)
		_, err = io.ReadFull(got, b)
		return err
	})
	require.NoError(t, err)
}

// Close through the module ends listening at once, even with a greenlet
// waiting in Accept: a Dial after it is refused.
func TestSocket_CloseEndsListening(t *testing.T) {
	h := newHub(t, green.Options{})
	s := green.Socket{Hub: h}
	err := run(t, h, func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		a := green.Spawn(func() error { _, err := ln.Accept(); return err })
		green.Yield() // a waits
		require.NoError(t, ln.Close())
		_, err = s.Dial("tcp", ln.Addr().String())
		assert.Error(t, err, "dial after Close")
		assert.ErrorIs(t, a.Join(), net.ErrClosed)
		return nil
	})
	require.NoError(t, err)
}

// A ring far smaller than the operations in flight (two entries to submit,
// four completions) still serves 200 echo clients: a full submission ring
// is submitted early, and completions that did not fit wait in the kernel
// until the hub has read the others.
func TestSocket_TinyRing(t *testing.T) {
	uringOrSkip(t)
	defer green.SetURingSize(2, 4)()
	t.Setenv(green.PollerEnv, green.PollerIOURing)
	TestSocket_EchoBetweenGreenlets(t)
}

// On a kernel of 5.19 or later the ring completes operations without
// interrupting the hub's thread (IORING_SETUP_COOP_TASKRUN); a kernel that
// refuses the flags (EINVAL, as one before 5.19 does for flags it does not
// know) still gets a ring, without them, and the socket module works on it.
func TestURing_CoopTaskrun(t *testing.T) {
	uringOrSkip(t)
	release, err := os.ReadFile("/proc/sys/kernel/osrelease")
	require.NoError(t, err)
	var major, minor int
	fmt.Sscanf(string(release), "%d.%d", &major, &minor)
	if major > 5 || major == 5 && minor >= 19 {
		coop, err := green.RingCoop()
		require.NoError(t, err)
		assert.True(t, coop, "kernel %d.%d: the ring was set up without IORING_SETUP_COOP_TASKRUN", major, minor)
	}

	defer green.SetURingCoopFlags(1 << 31)() // no kernel knows this flag
	coop, err := green.RingCoop()
	require.NoError(t, err, "a refused flag must not cost the ring")
	assert.False(t, coop)
	h := green.New(green.Options{Poller: green.PollerIOURing, MaxBlockingTime: -1})
	defer h.Close()
	require.Equal(t, green.PollerIOURing, h.Stats().Poller)
	require.NoError(t, h.Run(func() error {
		s := green.Socket{Hub: h}
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		return acceptEcho(s, ln)
	}))
}
