// Package echo is the body of the example command echo (examples/echo),
// kept importable so that the tour can run it too. See that command.
package echo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server"
	"github.com/greenshim/greenshim/iface"
)

// Config is what to run: the command line of examples/echo.
type Config struct {
	Mode    string // server, client or both
	Impl    string // blocking or green
	Clients int
	Rounds  int
	Addr    string
}

// RaiseFileLimit raises the soft limit on open descriptors to the hard one:
// 10,000 clients need 10,000 descriptors on each side.
func RaiseFileLimit() error {
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

// Run checks cfg and runs it; the server of -mode server runs until ctx ends.
func Run(ctx context.Context, out io.Writer, cfg Config) error {
	switch cfg.Mode {
	case "server", "client", "both":
	default:
		return fmt.Errorf("-mode %q: want server, client or both", cfg.Mode)
	}
	if cfg.Mode != "server" && (cfg.Clients < 1 || cfg.Rounds < 1) {
		return fmt.Errorf("-clients %d -rounds %d: want at least 1 each", cfg.Clients, cfg.Rounds)
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return fmt.Errorf("-addr %q: %v", cfg.Addr, err)
	}
	var r runner
	switch cfg.Impl {
	case "blocking":
		r = goroutines{blocking.Socket{}}
	case "green":
		h := green.New(green.Options{Name: "echo", MaxBlockingTime: -1})
		defer h.Close()
		r = greenlets{h, green.Socket{Hub: h}}
	default:
		return fmt.Errorf("-impl %q: want blocking or green", cfg.Impl)
	}
	return r.run(ctx, out, cfg)
}

// runner runs cfg on one implementation.
type runner interface {
	run(ctx context.Context, out io.Writer, cfg Config) error
}

// result prints the figures line; poller is the green hub's (Stats.Poller).
func result(out io.Writer, cfg Config, wall time.Duration, poller string) {
	if poller != "" {
		poller = fmt.Sprintf(" poller=%q", poller)
	}
	fmt.Fprintf(out, "echo impl=%s clients=%d rounds=%d wall_s=%.3f roundtrips_per_s=%.0f%s\n",
		cfg.Impl, cfg.Clients, cfg.Rounds, wall.Seconds(), float64(cfg.Clients*cfg.Rounds)/wall.Seconds(), poller)
}

// serve accepts conns on ln and hands each to handle, until ln is closed:
// the goroutines' server. Temporary errors (EMFILE, ENFILE, ECONNABORTED)
// are waited out, 5 ms doubling to 1 s, as net/http's Server.Serve does.
// The greenlets' server is a server.StreamServer.
func serve(ln net.Listener, handle func(net.Conn)) error {
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
			time.Sleep(backoff)
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

func (r goroutines) run(ctx context.Context, out io.Writer, cfg Config) error {
	addr := cfg.Addr
	if cfg.Mode != "client" {
		ln, err := r.s.Listen("tcp", cfg.Addr)
		if err != nil {
			return err
		}
		defer ln.Close()
		addr = ln.Addr().String()
		served := make(chan error, 1)
		go func() { served <- serve(ln, func(c net.Conn) { go echoConn(c) }) }()
		if cfg.Mode == "server" {
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
	errs := make(chan error, cfg.Clients)
	var wg sync.WaitGroup
	for range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := client(r.s, addr, cfg.Rounds, time.Sleep); err != nil {
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
	result(out, cfg, wall, "")
	return nil
}

// greenlets is -impl green: the server (a server.StreamServer: a greenlet
// per conn) and every client are greenlets on h.
type greenlets struct {
	h *green.Hub
	s green.Socket
}

func (r greenlets) run(ctx context.Context, out io.Writer, cfg Config) error {
	return r.h.Run(func() error {
		addr := cfg.Addr
		if cfg.Mode != "client" {
			ln, err := r.s.Listen("tcp", cfg.Addr)
			if err != nil {
				return err
			}
			addr = ln.Addr().String()
			srv := &server.StreamServer{Handler: echoConn}
			if cfg.Mode == "server" {
				return serveUntil(ctx, srv, ln)
			}
			if err := srv.Start(ln); err != nil {
				return err
			}
			defer srv.Stop(time.Second)
		}
		start := time.Now() //greenshim:ignore wall-clock throughput, measured as the goroutine runner measures it
		cs := make([]*green.Greenlet, cfg.Clients)
		for i := range cs {
			cs[i] = green.Spawn(func() error { return client(r.s, addr, cfg.Rounds, green.Sleep) })
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
		result(out, cfg, time.Since(start), r.h.Stats().Poller) //greenshim:ignore wall-clock throughput
		return nil
	})
}

// serveUntil serves ln with srv until ctx ends (the signal arrives on a Go
// channel, received cooperatively so that the server's greenlets run),
// then stops it, giving its handlers a second.
func serveUntil(ctx context.Context, srv *server.StreamServer, ln net.Listener) error {
	stopper := green.Spawn(func() error {
		if _, _, err := green.Recv(ctx.Done()); err != nil {
			return err
		}
		return srv.Stop(time.Second)
	})
	err := srv.Serve(ln)
	if !errors.Is(err, server.ErrClosed) {
		stopper.Kill()
		return err
	}
	return stopper.Join()
}
