// Command web is a web server whose handlers run in greenlets: each
// connection, and the http.Handler of each of its requests, is a greenlet
// of one hub (package httpserver, gevent's pywsgi for net/http handlers).
// With -mode both it serves a burst of requests from net/http's client in
// this process and prints one line of key=value figures:
//
//	web impl=green requests=2000 concurrency=50 work=0s wall_s=... requests_per_s=...
//
// -impl green is httpserver.Server; -impl nethttp is net/http's server (a
// goroutine per connection); -impl hubhandler is net/http's server with
// each handler moved onto the hub, the design httpserver was measured
// against and not built on. The site: "/" says hello; "/work?d=1ms" waits d
// before it answers (green.Sleep in a greenlet, time.Sleep in a
// goroutine), as a handler waiting on a database would; -work sends the
// burst there.
//
//	go run ./examples/web -mode server -impl green -addr 127.0.0.1:8080 &
//	wrk -t2 -c100 -d10s http://127.0.0.1:8080/
//	go run ./examples/web -mode client -requests 10000 -concurrency 100 -addr 127.0.0.1:8080
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/greenshim/greenshim/examples/internal/web"
)

// run is the example's body, for the test.
var run = web.Run

func main() {
	var cfg web.Config
	flag.StringVar(&cfg.Mode, "mode", "both", "server, client or both")
	flag.StringVar(&cfg.Impl, "impl", "green", "the server: "+strings.Join(web.Impls, ", "))
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:0", "address to serve or to send to (port 0 with -mode both: any)")
	flag.IntVar(&cfg.Requests, "requests", 2000, "requests in the burst")
	flag.IntVar(&cfg.Concurrency, "concurrency", 50, "requests of the burst at once, each on a kept-alive connection")
	flag.DurationVar(&cfg.Work, "work", 0, "how long each request of the burst waits in its handler (0: hello world)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "web:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}
