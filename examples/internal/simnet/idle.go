package simnet

import (
	"net"
	"runtime"
	"sync"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// goMemory is the Go heap and stack in use after a GC.
func goMemory() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// simIdle opens n conn pairs in a world of greenlets, each with a server
// greenlet parked in Read, and returns the bytes per pair.
func simIdle(n int) (float64, error) {
	hub := newHub()
	defer hub.Close()
	w := sim.New(sim.Config{Seed: 1, Hub: hub})
	defer w.Close()
	server := w.MustAddHost("server", "10.0.0.1")
	client := w.MustAddHost("client", "10.0.0.2")
	var per float64
	err := server.Run(func() error {
		l, err := server.Socket().Listen("tcp", ":7")
		if err != nil {
			return err
		}
		defer l.Close()
		readers := make([]net.Conn, 0, n)
		acceptor := green.Spawn(func() error {
			for range n {
				c, err := l.Accept()
				if err != nil {
					return err
				}
				readers = append(readers, c)
				green.Spawn(func() error {
					_, err := c.Read(make([]byte, 1))
					return err
				})
			}
			return nil
		})
		conns := make([]net.Conn, 0, n)
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		before := goMemory()
		for i := range n {
			c, err := client.Socket().Dial("tcp", "10.0.0.1:7")
			if err != nil {
				return err
			}
			conns = append(conns, c)
			if i%1000 == 999 {
				green.Yield() // let the acceptor drain the backlog
			}
		}
		if err := acceptor.Join(); err != nil {
			return err
		}
		green.Yield() // the last readers park
		per = float64(goMemory()-before) / float64(n)
		for _, c := range readers {
			c.Close()
		}
		return nil
	})
	return per, err
}

// loopbackIdle does the same over real loopback TCP with goroutines.
func loopbackIdle(n int) (float64, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	var wg sync.WaitGroup
	parked := make(chan net.Conn, n)
	acceptErr := make(chan error, 1)
	before := goMemory()
	go func() {
		for range n {
			c, err := l.Accept()
			if err != nil {
				acceptErr <- err
				return
			}
			wg.Go(func() {
				parked <- c
				_, _ = c.Read(make([]byte, 1))
			})
		}
		acceptErr <- nil
	}()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		wg.Wait()
	}()
	for range n {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			return 0, err
		}
		conns = append(conns, c)
	}
	if err := <-acceptErr; err != nil {
		return 0, err
	}
	readers := make([]net.Conn, 0, n)
	for range n {
		readers = append(readers, <-parked)
	}
	per := float64(goMemory()-before) / float64(n)
	for _, c := range readers {
		c.Close()
	}
	return per, nil
}
