package httpserver_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server/httpserver"
)

// Handlers run in greenlets of one hub: each of these waits cooperatively
// until all five requests, sent at once by net/http's client, have come
// in, which only works if they wait side by side.
func ExampleServer() {
	h := green.New(green.Options{})
	defer h.Close()
	var all green.Event
	arrived := 0 // hub-only: handlers need no lock
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		if arrived++; arrived == 5 {
			all.Set()
		}
		if err := all.WaitTimeout(5 * time.Second); err != nil { // parks only this greenlet
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "hello, %s", r.PathValue("name"))
	})
	srv := &httpserver.Server{Hub: h, Handler: mux}
	ln, err := green.Socket{Hub: h}.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	replies := make(chan string, 5)
	for _, name := range []string{"ann", "bob", "cy", "dee", "eve"} {
		go func() {
			resp, err := (&http.Client{Transport: tr}).Get(fmt.Sprintf("http://%s/hello/%s", ln.Addr(), name))
			if err != nil {
				replies <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			replies <- string(b)
		}()
	}
	var got []string
	for range 5 {
		got = append(got, <-replies)
	}
	slices.Sort(got)
	for _, r := range got {
		fmt.Println(r)
	}
	// Output:
	// hello, ann
	// hello, bob
	// hello, cy
	// hello, dee
	// hello, eve
}
