package sim_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/server/httpserver"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface"
)

// get GETs url with client under a timeout on the world's clock tm, and
// returns the body, the world time it took and the error.
func get(client *http.Client, tm iface.Time, url string, timeout time.Duration) (string, time.Duration, error) {
	ctx, cancel := tm.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := tm.Now()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return "", 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", tm.Since(start), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), tm.Since(start), err
}

func hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello %s from server", r.URL.Path[1:])
}

// partitionProof is the scenario of both modes: a request goes through; a
// partition makes the next one time out after exactly its timeout, in
// world time; after the heal a retry goes through.
func partitionProof(t *testing.T, w *sim.World, client *http.Client, tm iface.Time) {
	body, _, err := get(client, tm, "http://server/one", 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "hello one from server", body)

	w.Partition([]string{"client"}, []string{"server"})
	_, took, err := get(client, tm, "http://server/two", 5*time.Second)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "error %v", err)
	assert.Equal(t, 5*time.Second, took, "the request timed out after its timeout, in world time")

	w.Heal([]string{"client"}, []string{"server"})
	body, _, err = get(client, tm, "http://server/three", 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "hello three from server", body)
}

// Mode 1: the server is green/server/httpserver, its handlers in greenlets
// of the world's hub on host "server"; the client is net/http's, on the
// test's goroutine, dialing from host "client"; the timeout is a context
// of the world's Time (virtual).
func TestHTTP_PartitionGreenlets(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Link: sim.Link{Latency: time.Millisecond}})
	defer w.Close()
	srv := w.MustAddHost("server", "10.0.0.1")
	cli := w.MustAddHost("client", "10.0.0.2")
	ln, err := srv.Socket().Listen("tcp", ":80")
	require.NoError(t, err)
	hs := &httpserver.Server{Handler: http.HandlerFunc(hello), Hub: w.Hub()}
	g := srv.Go(func() error { return hs.Serve(ln) })
	defer g.Kill()

	tr := &http.Transport{DialContext: cli.Socket().DialContext}
	defer tr.CloseIdleConnections()
	partitionProof(t, w, &http.Client{Transport: tr}, cli.Time())
}

// Mode 2: net/http's server and client, goroutines in a synctest bubble;
// the timeout is http.Client's own (package time, the bubble's clock).
func TestHTTP_PartitionSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines, Link: sim.Link{Latency: time.Millisecond}})
		defer w.Close()
		srv := w.MustAddHost("server", "10.0.0.1")
		cli := w.MustAddHost("client", "10.0.0.2")
		ln, err := srv.Socket().Listen("tcp", ":80")
		require.NoError(t, err)
		hs := &http.Server{Handler: http.HandlerFunc(hello)}
		go hs.Serve(ln)
		defer hs.Close()

		tr := &http.Transport{DialContext: cli.Socket().DialContext}
		defer tr.CloseIdleConnections()
		partitionProof(t, w, &http.Client{Transport: tr}, cli.Time())
	})
}

// The green server's timeouts and Date header are on its hub's clock:
// in a world, world time. A client that connects and sends nothing is
// cut off after exactly ReadHeaderTimeout of world time, and a response's
// Date is the world's time, so it repeats with the seed.
func TestHTTP_GreenServerOnWorldTime(t *testing.T) {
	start := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	w := sim.New(sim.Config{Seed: 1, Start: start, Link: sim.Link{Latency: time.Millisecond}})
	defer w.Close()
	srv := w.MustAddHost("server", "10.0.0.1")
	cli := w.MustAddHost("client", "10.0.0.2")
	ln, err := srv.Socket().Listen("tcp", ":80")
	require.NoError(t, err)
	hs := &httpserver.Server{Handler: http.HandlerFunc(hello), Hub: w.Hub(), ReadHeaderTimeout: 2 * time.Second}
	g := srv.Go(func() error { return hs.Serve(ln) })
	defer g.Kill()
	tm := cli.Time()

	tr := &http.Transport{DialContext: cli.Socket().DialContext}
	defer tr.CloseIdleConnections()
	ctx, cancel := tm.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://server/date", nil)
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	require.NoError(t, err)
	assert.WithinDuration(t, tm.Now(), date, time.Second, "Date is world time")

	c, err := cli.Socket().Dial("tcp", "server:80")
	require.NoError(t, err)
	defer c.Close()
	// The conns say which clock their deadlines are on: the world's.
	assert.Equal(t, w.Now(), c.(*sim.Conn).Now())
	u, err := cli.Socket().ListenPacket("udp", ":0")
	require.NoError(t, err)
	assert.Equal(t, w.Now(), u.(*sim.UDPConn).Now())
	u.Close()
	require.NoError(t, c.SetReadDeadline(tm.Now().Add(10*time.Second)))
	t0 := tm.Now()
	n, err := c.Read(make([]byte, 1))
	assert.Equal(t, 0, n)
	assert.ErrorIs(t, err, io.EOF, "the server closed the silent connection")
	// Accepted after the dial's round trip; cut off 2 s later.
	assert.InDelta(t, float64(2*time.Second), float64(tm.Since(t0)), float64(5*time.Millisecond),
		"cut off after ReadHeaderTimeout of world time, not %v", tm.Since(t0))
}
