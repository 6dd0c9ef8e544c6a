package sim_test

import (
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface"
)

// The echo of issue 10's figures: C clients each dial, then send R 8-byte
// messages and read each echo back, concurrently. Each benchmark op is one
// whole run; roundtrips/s is C*R per wall second of the run. Compare the
// sub-benchmarks of one run (go test -run XXX -bench Echo ./green/sim/):
//
//   - sim: mode 1, greenlets on the world's virtual hub.
//   - sim-goroutines: mode 3, goroutines on real time (mode 2's figure is
//     TestFigures', a synctest bubble needs a *testing.T).
//   - loopback-greenlets: the same greenlets on a real-time hub over real
//     loopback sockets (green.Socket), as examples/echo -impl green.
//   - loopback-goroutines: goroutines over package net.
//
// Loopback runs 5,000 clients, as 10,000 conns' two ends need more file
// descriptors than this machine's limit (20,000); the sim runs both.

const echoRounds = 10

func echoServe(ln net.Listener, spawn func(func())) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		spawn(func() {
			defer c.Close()
			buf := make([]byte, 8)
			for {
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				if _, err := c.Write(buf); err != nil {
					return
				}
			}
		})
	}
}

func echoClient(s iface.Socket, addr string, rounds int) error {
	c, err := s.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 8)
	for range rounds {
		if _, err := c.Write(buf); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return err
		}
	}
	return nil
}

// echoGreenlets runs the echo as greenlets of h (main given to run).
func echoGreenlets(run func(func() error) error, srvSock, cliSock iface.Socket, listenAddr, dialAddr string, clients int) error {
	return run(func() error {
		ln, err := srvSock.Listen("tcp", listenAddr)
		if err != nil {
			return err
		}
		defer ln.Close()
		if dialAddr == "" {
			dialAddr = ln.Addr().String()
		}
		green.Spawn(func() error {
			echoServe(ln, func(f func()) { green.Spawn(func() error { f(); return nil }) })
			return nil
		})
		var done green.Event
		var firstErr error
		left := clients
		for range clients {
			green.Spawn(func() error {
				err := echoClient(cliSock, dialAddr, echoRounds)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if left--; left == 0 {
					done.Set()
				}
				return err
			})
		}
		if err := done.Wait(); err != nil {
			return err
		}
		return firstErr
	})
}

// echoGoroutines runs the echo as goroutines.
func echoGoroutines(srvSock, cliSock iface.Socket, listenAddr, dialAddr string, clients int) error {
	ln, err := srvSock.Listen("tcp", listenAddr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if dialAddr == "" {
		dialAddr = ln.Addr().String()
	}
	go echoServe(ln, func(f func()) { go f() })
	errs := make(chan error, clients)
	for range clients {
		go func() { errs <- echoClient(cliSock, dialAddr, echoRounds) }()
	}
	for range clients {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// reportEcho reports round trips per wall second, and per second of the
// process's CPU time: on a machine shared with other work the wall figure
// measures the machine's load as much as the code.
func reportEcho(b *testing.B, clients int, start time.Time, cpu0 time.Duration) {
	n := float64(clients * echoRounds * b.N)
	b.ReportMetric(n/time.Since(start).Seconds(), "roundtrips/s")
	b.ReportMetric(n/(cpuTime()-cpu0).Seconds(), "roundtrips/cpu-s")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkEcho(b *testing.B) {
	for _, clients := range []int{5000, 10000} {
		b.Run("sim/clients="+strconv.Itoa(clients), func(b *testing.B) {
			start, cpu0 := time.Now(), cpuTime()
			for range b.N {
				w := sim.New(sim.Config{Seed: 1})
				srv, cli := w.MustAddHost("server"), w.MustAddHost("client")
				err := echoGreenlets(cli.Run, srv.Socket(), cli.Socket(), ":7", "server:7", clients)
				w.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			reportEcho(b, clients, start, cpu0)
		})
		b.Run("sim-goroutines/clients="+strconv.Itoa(clients), func(b *testing.B) {
			start, cpu0 := time.Now(), cpuTime()
			for range b.N {
				w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
				srv, cli := w.MustAddHost("server"), w.MustAddHost("client")
				err := echoGoroutines(srv.Socket(), cli.Socket(), ":7", "server:7", clients)
				w.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			reportEcho(b, clients, start, cpu0)
		})
	}
	const loopClients = 5000
	b.Run("loopback-greenlets/clients=5000", func(b *testing.B) {
		start, cpu0 := time.Now(), cpuTime()
		for range b.N {
			h := green.New(green.Options{MaxBlockingTime: -1})
			s := green.Socket{Hub: h}
			err := echoGreenlets(h.Run, s, s, "127.0.0.1:0", "", loopClients)
			h.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
		reportEcho(b, loopClients, start, cpu0)
	})
	b.Run("loopback-goroutines/clients=5000", func(b *testing.B) {
		start, cpu0 := time.Now(), cpuTime()
		for range b.N {
			if err := echoGoroutines(netSocket{}, netSocket{}, "127.0.0.1:0", "", loopClients); err != nil {
				b.Fatal(err)
			}
		}
		reportEcho(b, loopClients, start, cpu0)
	})
}

// netSocket is package net, for the loopback baseline.
type netSocket struct{}

func (netSocket) Dial(n, a string) (net.Conn, error) { return net.Dial(n, a) }
func (netSocket) DialContext(ctx context.Context, n, a string) (net.Conn, error) {
	return (&net.Dialer{}).DialContext(ctx, n, a)
}
func (netSocket) Listen(n, a string) (net.Listener, error) { return net.Listen(n, a) }
func (netSocket) ListenContext(ctx context.Context, n, a string) (net.Listener, error) {
	return (&net.ListenConfig{}).Listen(ctx, n, a)
}
func (netSocket) ListenPacket(n, a string) (net.PacketConn, error) { return net.ListenPacket(n, a) }
func (netSocket) ListenPacketContext(ctx context.Context, n, a string) (net.PacketConn, error) {
	return (&net.ListenConfig{}).ListenPacket(ctx, n, a)
}

// BenchmarkVirtualTimers: timer events per wall second on a virtual hub
// (greenlets sleeping on it), the speed of virtual time; synctest's time
// jumps are TestFigures'.
func BenchmarkVirtualTimers(b *testing.B) {
	const sleepers, per = 1000, 100 // 100,000 timer events an op
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxBlockingTime: -1})
	defer h.Close()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		if err := virtualSleepers(h, sleepers, per); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per*sleepers)/time.Since(start).Seconds(), "timer-events/s")
	b.ReportMetric(float64(b.N*per*sleepers)/(cpuTime()-cpu0).Seconds(), "timer-events/cpu-s")
}

// virtualSleepers runs sleepers greenlets on h, each sleeping per times.
func virtualSleepers(h *green.Hub, sleepers, per int) error {
	return h.Run(func() error {
		gs := make([]*green.Greenlet, sleepers)
		for i := range gs {
			d := time.Duration(i%17+1) * time.Millisecond
			gs[i] = green.Spawn(func() error {
				for range per {
					green.Sleep(d)
				}
				return nil
			})
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
}

// BenchmarkIdleConn: heap bytes per idle TCP conn (one end; a pair is two),
// simulated and over real loopback (the Go side only: the kernel's socket
// buffers are not counted).
func BenchmarkIdleConn(b *testing.B) {
	const n = 2000
	measure := func(b *testing.B, open func() (io.Closer, io.Closer)) {
		var before, after runtime.MemStats
		var keep []io.Closer
		for range b.N {
			runtime.GC()
			runtime.ReadMemStats(&before)
			for range n {
				c, s := open()
				keep = append(keep, c, s)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(2*n), "bytes/conn")
			for _, c := range keep {
				c.Close()
			}
			keep = keep[:0]
		}
	}
	b.Run("sim", func(b *testing.B) {
		w := sim.New(sim.Config{Mode: sim.Goroutines})
		defer w.Close()
		a, s := w.MustAddHost("a"), w.MustAddHost("b")
		ln, _ := s.Socket().Listen("tcp", ":7")
		measure(b, func() (io.Closer, io.Closer) {
			c, err := a.Socket().Dial("tcp", "b:7")
			if err != nil {
				b.Fatal(err)
			}
			acc, _ := ln.Accept()
			return c, acc
		})
	})
	b.Run("loopback", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		measure(b, func() (io.Closer, io.Closer) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			acc, _ := ln.Accept()
			return c, acc
		})
	})
}

// TestFigures prints the figures a benchmark cannot measure, beside the
// benchmarks of the same run, when GREENSHIM_SIM_FIGURES=1:
// the echo in mode 2 (a synctest bubble), and synctest's time jumps per
// second with the same sleepers as BenchmarkVirtualTimers.
//
//	GREENSHIM_SIM_FIGURES=1 go test -run Figures -bench 'Echo|VirtualTimers|IdleConn' -v ./green/sim/
func TestFigures(t *testing.T) {
	if os.Getenv("GREENSHIM_SIM_FIGURES") != "1" {
		t.Skip("figures only with GREENSHIM_SIM_FIGURES=1")
	}
	for _, clients := range []int{5000, 10000} {
		var wall time.Duration
		real0, cpu0 := realNow(), cpuTime()
		synctest.Test(t, func(t *testing.T) {
			w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
			defer w.Close()
			srv, cli := w.MustAddHost("server"), w.MustAddHost("client")
			if err := echoGoroutines(srv.Socket(), cli.Socket(), ":7", "server:7", clients); err != nil {
				t.Fatal(err)
			}
		})
		wall = realSince(real0)
		t.Logf("sim_synctest_echo clients=%d rounds=%d roundtrips_per_s=%.0f roundtrips_per_cpu_s=%.0f", clients, echoRounds,
			float64(clients*echoRounds)/wall.Seconds(), float64(clients*echoRounds)/(cpuTime()-cpu0).Seconds())
	}
	const sleepers, per = 1000, 100
	real0, cpu0 := realNow(), cpuTime()
	synctest.Test(t, func(t *testing.T) {
		done := make(chan struct{}, sleepers)
		for i := range sleepers {
			d := time.Duration(i%17+1) * time.Millisecond
			go func() {
				for range per {
					time.Sleep(d)
				}
				done <- struct{}{}
			}()
		}
		for range sleepers {
			<-done
		}
	})
	t.Logf("synctest_timer_events_per_s=%.0f synctest_timer_events_per_cpu_s=%.0f", float64(sleepers*per)/realSince(real0).Seconds(),
		float64(sleepers*per)/(cpuTime()-cpu0).Seconds())
}
