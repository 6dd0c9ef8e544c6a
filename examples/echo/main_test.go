package main

import (
	"context"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

var line = regexp.MustCompile(`^echo impl=(\w+) clients=(\d+) rounds=(\d+) wall_s=[\d.]+ roundtrips_per_s=\d+\n$`)

func TestEcho_Both(t *testing.T) {
	for _, impl := range []string{"blocking", "green"} {
		t.Run(impl, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out strings.Builder
			require.NoError(t, run(ctx, &out, config{mode: "both", impl: impl, clients: 50, rounds: 20, addr: "127.0.0.1:0"}))
			m := line.FindStringSubmatch(out.String())
			require.NotNil(t, m, "output %q", out.String())
			assert.Equal(t, []string{impl, "50", "20"}, m[1:])
		})
	}
}

// A server of one implementation serves clients of the other, in separate
// runs as in separate processes; the server stops when its context ends.
func TestEcho_ServerAndClient(t *testing.T) {
	for _, impls := range [][2]string{{"green", "blocking"}, {"blocking", "green"}} {
		t.Run(impls[0]+"Server", func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			addr := ln.Addr().String()
			require.NoError(t, ln.Close()) // a free port, most likely still free

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			srvCtx, stop := context.WithCancel(ctx)
			served := make(chan error, 1)
			go func() { served <- run(srvCtx, &strings.Builder{}, config{mode: "server", impl: impls[0], addr: addr}) }()
			var out strings.Builder
			var cerr error
			for range 50 { // until the server listens
				out.Reset()
				cerr = run(ctx, &out, config{mode: "client", impl: impls[1], clients: 10, rounds: 10, addr: addr})
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
		})
	}
}

func TestEcho_BadInput(t *testing.T) {
	cases := []struct {
		cfg  config
		want string
	}{
		{config{mode: "x", impl: "green", clients: 1, rounds: 1, addr: ":0"}, `-mode "x"`},
		{config{mode: "both", impl: "x", clients: 1, rounds: 1, addr: ":0"}, `-impl "x"`},
		{config{mode: "both", impl: "green", clients: 0, rounds: 1, addr: ":0"}, `-clients 0`},
		{config{mode: "both", impl: "green", clients: 1, rounds: 1, addr: "nope"}, `-addr "nope"`},
	}
	for _, c := range cases {
		assert.ErrorContains(t, run(context.Background(), &strings.Builder{}, c.cfg), c.want)
	}
}
