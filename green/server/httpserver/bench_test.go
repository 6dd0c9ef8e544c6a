package httpserver_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
)

// BenchmarkServer_Hello measures a hello-world handler served over kept
// connections, 8 per processor, each sending its next request when the
// last response is in (as wrk does), against net/http's server and this
// package's. The client is a raw conn with http.ReadResponse, the same
// for both.
func BenchmarkServer_Hello(b *testing.B) {
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
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
