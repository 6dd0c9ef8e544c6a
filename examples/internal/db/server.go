package db

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// server is a tiny database on loopback: each line "QUERY <id>" is answered
// with "ROW <id>" after delay, as a slow query would be. It runs on plain
// goroutines and the blocking net package: it stands for a database server
// in another process.
type server struct {
	ln    net.Listener
	delay time.Duration
	wg    sync.WaitGroup

	// inFlight counts the queries being answered; peak is its maximum
	// since the last takePeak: how many queries the clients really had in
	// flight at once.
	inFlight, peak atomic.Int64
}

// takePeak returns the peak concurrency since the last call and resets it.
func (s *server) takePeak() int64 { return s.peak.Swap(0) }

func startServer(delay time.Duration) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ln: ln, delay: delay}
	s.wg.Go(s.accept)
	return s, nil
}

func (s *server) addr() string { return s.ln.Addr().String() }

func (s *server) close() {
	s.ln.Close()
	s.wg.Wait()
}

func (s *server) accept() {
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		conns.Go(func() { s.serve(c) })
	}
}

func (s *server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewScanner(c)
	for r.Scan() {
		id, ok := strings.CutPrefix(r.Text(), "QUERY ")
		if !ok {
			fmt.Fprintf(c, "ERR bad query %q\n", r.Text())
			continue
		}
		n := s.inFlight.Add(1)
		for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
		}
		time.Sleep(s.delay)
		s.inFlight.Add(-1)
		if _, err := fmt.Fprintf(c, "ROW %s\n", id); err != nil {
			return
		}
	}
}
