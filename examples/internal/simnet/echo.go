package simnet

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// echoServe echoes what c sends until EOF.
func echoServe(c net.Conn) error {
	defer c.Close()
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// echoClient does rounds round trips of echoMsg on c and closes it.
func echoClient(c net.Conn, rounds int) error {
	defer c.Close()
	msg, buf := []byte(echoMsg), make([]byte, len(echoMsg))
	for range rounds {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return err
		}
		if string(buf) != echoMsg {
			return fmt.Errorf("echo: got %q", buf)
		}
	}
	return nil
}

// simEcho is the echo in mode 1 and returns its wall time.
func simEcho(clients, rounds int) (time.Duration, error) {
	hub := newHub()
	defer hub.Close()
	w := sim.New(sim.Config{Seed: 1, Hub: hub})
	defer w.Close()
	server := w.MustAddHost("server", "10.0.0.1")
	client := w.MustAddHost("client", "10.0.0.2")
	var d time.Duration
	err := server.Run(func() error {
		l, err := server.Socket().Listen("tcp", ":7")
		if err != nil {
			return err
		}
		defer l.Close()
		green.Spawn(func() error {
			for {
				c, err := l.Accept()
				if err != nil {
					return nil
				}
				green.Spawn(func() error { return echoServe(c) })
			}
		})
		start := time.Now()
		gs := make([]*green.Greenlet, clients)
		for i := range gs {
			gs[i] = client.Go(func() error {
				c, err := client.Socket().Dial("tcp", "10.0.0.1:7")
				if err != nil {
					return err
				}
				return echoClient(c, rounds)
			})
			// On a perfect link a dial connects at once, before the
			// acceptor runs: give it a turn well before the listener's
			// backlog (sim.Backlog) fills.
			if i%1000 == 999 {
				green.Yield()
			}
		}
		// The first error stops the run. (Joining one by one would
		// wake this greenlet once for every client that ends.)
		if _, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true}); err != nil {
			return err
		}
		d = time.Since(start)
		return nil
	})
	return d, err
}

// loopbackEcho is the echo over real loopback TCP with goroutines and
// package net, at most atOnce clients at a time.
func loopbackEcho(clients, rounds, atOnce int) (time.Duration, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	var served sync.WaitGroup
	defer served.Wait()
	defer l.Close()
	served.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			served.Go(func() { _ = echoServe(c) })
		}
	})
	addr := l.Addr().String()
	start := time.Now()
	sem := make(chan struct{}, atOnce)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for range clients {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := net.Dial("tcp", addr)
			if err == nil {
				err = echoClient(c, rounds)
			}
			errs <- err
		})
	}
	wg.Wait()
	d := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return d, nil
}

// synctestEcho is the echo in mode 2. Its wall time is taken outside the
// bubble (inside, time.Now is the bubble's), so it includes making the
// world, a small part.
func synctestEcho(clients, rounds int) (time.Duration, error) {
	var err error
	d, berr := inBubble("synctestEcho", func() {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		server := w.MustAddHost("server", "10.0.0.1")
		client := w.MustAddHost("client", "10.0.0.2")
		l, lerr := server.Socket().Listen("tcp", ":7")
		if lerr != nil {
			err = lerr
			return
		}
		var served sync.WaitGroup
		served.Go(func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				served.Go(func() { _ = echoServe(c) })
			}
		})
		errs := make(chan error, clients)
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				c, err := dialRetry(client)
				if err == nil {
					err = echoClient(c, rounds)
				}
				errs <- err
			})
		}
		wg.Wait()
		l.Close()
		served.Wait()
		close(errs)
		for e := range errs {
			if e != nil && err == nil {
				err = e
			}
		}
	})
	if berr != nil {
		return 0, berr
	}
	return d, err
}

// dialRetry dials the echo server from h, again 1ms of world time after
// each refusal: 10,000 goroutines dial at once, faster than the acceptor
// empties the listener's backlog (sim.Backlog), and a refused dial is what
// a full backlog answers.
func dialRetry(h *sim.Host) (net.Conn, error) {
	for {
		c, err := h.Socket().Dial("tcp", "10.0.0.1:7")
		if errors.Is(err, syscall.ECONNREFUSED) {
			h.Time().Sleep(time.Millisecond)
			continue
		}
		return c, err
	}
}
