// Package crawler is the body of the example command crawler
// (examples/crawler), kept importable so that the tour can run it too. See
// that command.
package crawler

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// Result is what a crawl measured, for the test.
type Result struct {
	OK   int   // pages fetched with status 200
	Peak int64 // most requests the server was answering at once
}

// Run patches every module, starts a web server on loopback whose pages
// each take delay to answer, and fetches n of them from n greenlets at once.
func Run(w io.Writer, n int, delay time.Duration) (Result, error) {
	if n < 1 || delay < 0 {
		return Result{}, fmt.Errorf("-pages %d -delay %v: want at least one page and a delay >= 0", n, delay)
	}
	report, err := patch.PatchAll(patch.Options{})
	if err != nil {
		return Result{}, err
	}
	defer patch.Restore()
	fmt.Fprint(w, report)

	// The server: net/http on a listener of the patched socket module. It
	// serves each conn on a goroutine of its own, where the green conn
	// simply blocks that goroutine.
	var inFlight, peak atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/page/{id}", func(rw http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(delay) // a slow page
		fmt.Fprintf(rw, "<html>page %s</html>\n", r.PathValue("id"))
	})
	ln, err := registry.Socket().Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, err
	}
	srv := &http.Server{Handler: mux}
	var served sync.WaitGroup
	served.Go(func() { srv.Serve(ln) })
	defer func() {
		srv.Close()
		served.Wait()
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	// The client dials through the patched dns and socket modules.
	tr := &http.Transport{DialContext: dial, MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	h := green.New(green.Options{})
	defer h.Close()
	var res Result
	start := time.Now()
	err = h.Run(func() error {
		var g green.Group
		g.Bind(h)
		for i := range n {
			g.Spawn(func() error {
				url := fmt.Sprintf("http://localhost:%s/page/%d", port, i)
				t0 := registry.Time().Now()
				var status string
				var size int
				// net/http's client waits on Go channels between its own
				// goroutines: native code for the hub. A native region
				// runs it with the hub released.
				err := h.Native(func() error {
					resp, err := client.Get(url)
					if err != nil {
						return err
					}
					defer resp.Body.Close()
					body, err := io.ReadAll(resp.Body)
					status, size = resp.Status, len(body)
					return err
				})
				if err != nil {
					return err
				}
				if status == "200 OK" {
					res.OK++
				}
				fmt.Fprintf(w, "  page %2d: %s, %d bytes in %.3fs\n", i, status, size, registry.Time().Since(t0).Seconds())
				return nil
			})
		}
		return g.Join()
	})
	res.Peak = peak.Load()
	fmt.Fprintf(w, "crawler pages=%d ok=%d wall_s=%.3f server_peak_concurrency=%d\n", n, res.OK, time.Since(start).Seconds(), res.Peak)
	return res, err
}

// dial resolves the host with the dns module and dials the first address
// with the socket module.
func dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := registry.DNS().LookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	return registry.Socket().DialContext(ctx, network, net.JoinHostPort(addrs[0], port))
}
