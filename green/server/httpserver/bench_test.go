package httpserver_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/greenshim/greenshim/green"
)

// BenchmarkServer_Hello measures a hello-world handler served over kept
// connections, 8 per processor, each sending its next request when the
// last response is in (as wrk does), against net/http's server, this
// package's, and net/http's with each handler moved onto a hub (the design
// not kept). The client is a raw conn with http.ReadResponse, the same for
// all. Compare with benchstat -col /server.
func BenchmarkServer_Hello(b *testing.B) {
	servers := []target{{"nethttp", startNetHTTP}, {"green", startGreen}, {"hubhandler", startHubHandler}}
	for _, tg := range servers {
		b.Run("server="+tg.name, func(b *testing.B) {
			r := tg.start(b, hello, opts{})
			req := []byte("GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
			b.SetParallelism(8)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.Dial("tcp", r.addr)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				br := bufio.NewReader(c)
				for pb.Next() {
					if _, err := c.Write(req); err != nil {
						b.Error(err)
						return
					}
					resp, err := http.ReadResponse(br, nil)
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || n != 5 {
						b.Error(fmt.Errorf("%s, %d bytes", resp.Status, n))
						return
					}
				}
			})
		})
	}
}

// startHubHandler is net/http's server whose handlers run on a hub, each
// in a greenlet the connection's goroutine waits for.
func startHubHandler(t testing.TB, h http.Handler, o opts) *running {
	hub := green.New(green.Options{Name: t.Name()})
	t.Cleanup(hub.Close)
	return startNetHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.WithContext(r.Context(), func() error {
			h.ServeHTTP(w, r)
			return nil
		})
	}), o)
}
