package main

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/examples/internal/web"
	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(patch.TestingM(m)) }

var line = regexp.MustCompile(`^web impl=(\w+) requests=(\d+) concurrency=(\d+) work=(\S+) wall_s=[\d.]+ requests_per_s=\d+\n$`)

func TestWeb_Both(t *testing.T) {
	for _, impl := range web.Impls {
		for _, work := range []time.Duration{0, time.Millisecond} {
			t.Run(impl+"/"+work.String(), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var out strings.Builder
				require.NoError(t, run(ctx, &out, web.Config{Mode: "both", Impl: impl, Addr: "127.0.0.1:0", Requests: 300, Concurrency: 20, Work: work}))
				m := line.FindStringSubmatch(out.String())
				require.NotNil(t, m, "output %q", out.String())
				assert.Equal(t, []string{impl, "300", "20", work.String()}, m[1:])
			})
		}
	}
}

// A server run stops when its context ends; a client run against it, as
// from another process, gets every answer.
func TestWeb_ServerAndClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // a free port, most likely still free

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srvCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	var srvOut strings.Builder
	go func() {
		served <- run(srvCtx, &srvOut, web.Config{Mode: "server", Impl: "green", Addr: addr})
	}()
	var out strings.Builder
	var cerr error
	for range 50 { // until the server listens
		out.Reset()
		cerr = run(ctx, &out, web.Config{Mode: "client", Impl: "green", Addr: addr, Requests: 100, Concurrency: 10})
		if cerr == nil || !strings.Contains(cerr.Error(), "refused") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	require.NoError(t, cerr)
	assert.Regexp(t, line, out.String())
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-ctx.Done():
		t.Fatal("the server did not stop")
	}
	assert.Contains(t, srvOut.String(), "web impl=green serving on http://"+addr+"/")
}

func TestWeb_BadInput(t *testing.T) {
	cases := []struct {
		cfg  web.Config
		want string
	}{
		{web.Config{Mode: "x", Impl: "green", Addr: ":0", Requests: 1, Concurrency: 1}, `-mode "x"`},
		{web.Config{Mode: "both", Impl: "x", Addr: "127.0.0.1:0", Requests: 1, Concurrency: 1}, `-impl "x": want green, nethttp or hubhandler`},
		{web.Config{Mode: "both", Impl: "green", Addr: ":0", Requests: 0, Concurrency: 1}, `-requests 0`},
		{web.Config{Mode: "both", Impl: "green", Addr: "nope", Requests: 1, Concurrency: 1}, `-addr "nope"`},
		{web.Config{Mode: "both", Impl: "green", Addr: ":0", Requests: 1, Concurrency: 1, Work: -1}, `-work -1ns`},
	}
	for _, c := range cases {
		assert.ErrorContains(t, run(context.Background(), &strings.Builder{}, c.cfg), c.want)
	}
}
