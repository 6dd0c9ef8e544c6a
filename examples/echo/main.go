// Command echo is the seed's echo server and clients (server.py and
// client.py): N clients each connect, send R messages and read each echo
// back, concurrently. It prints one line of key=value figures:
//
//	echo impl=green clients=100 rounds=1000 wall_s=... roundtrips_per_s=...
//
// -impl blocking goes through blocking.Socket (package net, a goroutine per
// conn); -impl green runs the server (a server.StreamServer: a greenlet per
// conn) and the clients as greenlets on a hub through green.Socket. -mode both runs server and clients in this process
// (on one hub for green); -mode server serves -addr until killed; -mode
// client runs the clients against -addr. wall_s runs from the first dial to
// the last close.
//
//	go run ./examples/echo -mode server -impl green -addr 127.0.0.1:9000 &
//	go run ./examples/echo -mode client -impl green -clients 100 -rounds 1000 -addr 127.0.0.1:9000
//
// Compare with ../shared/peers (gevent_echo.py, gobase echo-server and
// echo-client) in the same run. Both accept loops survive running out of
// descriptors (EMFILE, ENFILE) by backing off: the goroutines' 5 ms
// doubling to 1 s, as net/http's; the StreamServer 10 ms doubling to 1 s,
// as gevent's. The program raises its soft RLIMIT_NOFILE to the hard limit
// first.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/greenshim/greenshim/examples/internal/echo"
)

// run is the example's body, for the test.
var run = echo.Run

func main() {
	var cfg echo.Config
	flag.StringVar(&cfg.Mode, "mode", "both", "server, client or both")
	flag.StringVar(&cfg.Impl, "impl", "green", "blocking (goroutines, package net) or green (greenlets on a hub)")
	flag.IntVar(&cfg.Clients, "clients", 100, "concurrent clients")
	flag.IntVar(&cfg.Rounds, "rounds", 1000, "messages each client sends")
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:0", "address to serve or dial (port 0 with -mode both: any)")
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
	if err := echo.RaiseFileLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "echo: raising RLIMIT_NOFILE:", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := echo.Run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}
