// Command echo is the seed's echo server and clients (server.py and
// client.py): N clients each connect, send R messages and read each echo
// back, concurrently. It prints one line of key=value figures:
//
//	echo impl=green clients=100 rounds=1000 wall_s=... roundtrips_per_s=...
//
// -impl blocking goes through blocking.Socket (package net, a goroutine per
// conn); -impl green runs the server and the clients as greenlets on a hub
// through green.Socket. -mode both runs server and clients in this process
// (on one hub for green); -mode server serves -addr until killed; -mode
// client runs the clients against -addr. wall_s runs from the first dial to
// the last close.
//
//	go run ./examples/echo -mode server -impl green -addr 127.0.0.1:9000 &
//	go run ./examples/echo -mode client -impl green -clients 100 -rounds 1000 -addr 127.0.0.1:9000
//
// Compare with ../shared/peers (gevent_echo.py, gobase echo-server and
// echo-client) in the same run. The accept loop survives running out of
// descriptors (EMFILE, ENFILE) by backing off, 5 ms doubling to 1 s, as
// net/http does; the program raises its soft RLIMIT_NOFILE to the hard
// limit first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
)

// config is the command line.
type config struct {
	mode    string // server, client or both
	impl    string // blocking or green
	clients int
	rounds  int
	addr    string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.mode, "mode", "both", "server, client or both")
	flag.StringVar(&cfg.impl, "impl", "green", "blocking (goroutines, package net) or green (greenlets on a hub)")
	flag.IntVar(&cfg.clients, "clients", 100, "concurrent clients")
	flag.IntVar(&cfg.rounds, "rounds", 1000, "messages each client sends")
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "address to serve or dial (port 0 with -mode both: any)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "echo:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if err := raiseFileLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "echo: raising RLIMIT_NOFILE:", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}

// raiseFileLimit raises the soft limit on open descriptors to the hard one:
// 10,000 clients need 10,000 descriptors on each side.
func raiseFileLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	if l.Cur >= l.Max {
		return nil
	}
	l.Cur = l.Max
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
}

// run checks cfg and runs it; the server of -mode server runs until ctx ends.
func run(ctx context.Context, out io.Writer, cfg config) error {
	switch cfg.mode {
	case "server", "client", "both":
	default:
		return fmt.Errorf("-mode %q: want server, client or both", cfg.mode)
	}
	if cfg.mode != "server" && (cfg.clients < 1 || cfg.rounds < 1) {
		return fmt.Errorf("-clients %d -rounds %d: want at least 1 each", cfg.clients, cfg.rounds)
	}
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		return fmt.Errorf("-addr %q: %v", cfg.addr, err)
	}
	var r runner
	switch cfg.impl {
	case "blocking":
		r = goroutines{blocking.Socket{}}
	case "green":
		h := green.New(green.Options{Name: "echo", MaxBlockingTime: -1})
		defer h.Close()
		r = greenlets{h, green.Socket{Hub: h}}
	default:
		return fmt.Errorf("-impl %q: want blocking or green", cfg.impl)
	}
	return r.run(ctx, out, cfg)
}

// runner runs cfg on one implementation.
type runner interface {
	run(ctx context.Context, out io.Writer, cfg config) error
}

// result prints the figures line.
func result(out io.Writer, cfg config, wall time.Duration) {
	fmt.Fprintf(out, "echo impl=%s clients=%d rounds=%d wall_s=%.3f roundtrips_per_s=%.0f\n",
		cfg.impl, cfg.clients, cfg.rounds, wall.Seconds(), float64(cfg.clients*cfg.rounds)/wall.Seconds())
}

// serve accepts conns on ln and hands each to handle, until ln is closed.
// Temporary errors (EMFILE, ENFILE, ECONNABORTED) are waited out with sleep,
// 5 ms doubling to 1 s, as net/http's Server.Serve does.
func serve(ln net.Listener, handle func(net.Conn), sleep func(time.Duration)) error {
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			if !temporary(err) {
				return err
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			sleep(backoff)
			continue
		}
		backoff = 0
		handle(c)
	}
}

// temporary reports whether err may go away by itself: running out of
// descriptors, or a peer that gave up.
func temporary(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// echoConn writes back what it reads from c until c ends, and closes it.
func echoConn(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// client dials addr through s (retrying while descriptors run out), sends
// rounds messages "ping <i>" and reads each echo back in full.
func client(s iface.Socket, addr string, rounds int, sleep func(time.Duration)) error {
	var c net.Conn
	var err error
	for backoff := 5 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		if c, err = s.Dial("tcp", addr); err == nil || !temporary(err) {
			break
		}
		sleep(backoff)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	msg := make([]byte, 0, 32)
	got := make([]byte, 32)
	for i := range rounds {
		msg = strconv.AppendInt(append(msg[:0], "ping "...), int64(i), 10)
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, got[:len(msg)]); err != nil {
			return err
		}
		if string(got[:len(msg)]) != string(msg) {
			return fmt.Errorf("echo %q, want %q", got[:len(msg)], msg)
		}
	}
	return nil
}

// goroutines is -impl blocking: a goroutine per conn and per client.
type goroutines struct{ s iface.Socket }

func (r goroutines) run(ctx context.Context, out io.Writer, cfg config) error {
	addr := cfg.addr
	if cfg.mode != "client" {
		ln, err := r.s.Listen("tcp", cfg.addr)
		if err != nil {
			return err
		}
		defer ln.Close()
		addr = ln.Addr().String()
		served := make(chan error, 1)
		go func() { served <- serve(ln, func(c net.Conn) { go echoConn(c) }, time.Sleep) }()
		if cfg.mode == "server" {
			select {
			case <-ctx.Done():
				ln.Close()
				return <-served
			case err := <-served:
				return err
			}
		}
	}
	start := time.Now()
	errs := make(chan error, cfg.clients)
	var wg sync.WaitGroup
	for range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := client(r.s, addr, cfg.rounds, time.Sleep); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	result(out, cfg, wall)
	return nil
}

// greenlets is -impl green: the server and every client are greenlets on h.
type greenlets struct {
	h *green.Hub
	s green.Socket
}

func (r greenlets) run(ctx context.Context, out io.Writer, cfg config) error {
	return r.h.Run(func() error {
		addr := cfg.addr
		if cfg.mode != "client" {
			ln, err := r.s.Listen("tcp", cfg.addr)
			if err != nil {
				return err
			}
			defer ln.Close()
			addr = ln.Addr().String()
			srv := green.Spawn(func() error {
				return serve(ln, func(c net.Conn) { green.Spawn(func() error { echoConn(c); return nil }) }, green.Sleep)
			})
			if cfg.mode == "server" {
				// The signal arrives on a Go channel: wait for it
				// cooperatively, so the server greenlets run.
				stopped := green.Spawn(func() error {
					_, _, err := green.Recv(ctx.Done())
					ln.Close()
					return err
				})
				_, err := green.JoinAll([]*green.Greenlet{srv, stopped}, green.JoinOptions{Count: 1})
				ln.Close()
				if err != nil {
					return err
				}
				return srv.Join()
			}
		}
		start := time.Now()
		cs := make([]*green.Greenlet, cfg.clients)
		for i := range cs {
			cs[i] = green.Spawn(func() error { return client(r.s, addr, cfg.rounds, green.Sleep) })
		}
		var first error
		for _, g := range cs { // Join one by one: each costs O(1)
			if err := g.Join(); err != nil && first == nil {
				first = err
			}
		}
		if first != nil {
			return first
		}
		result(out, cfg, time.Since(start))
		return nil
	})
}
