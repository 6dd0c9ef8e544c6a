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

	"github.com/greenshim/greenshim/examples/internal/echo"
	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) { os.Exit(patch.TestingM(m).Run()) }

var line = regexp.MustCompile(`^echo impl=(\w+) clients=(\d+) rounds=(\d+) wall_s=[\d.]+ roundtrips_per_s=\d+(?: poller="[^"]*")?\n$`)

func TestEcho_Both(t *testing.T) {
	for _, impl := range []string{"blocking", "green"} {
		t.Run(impl, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var out strings.Builder
			require.NoError(t, run(ctx, &out, echo.Config{Mode: "both", Impl: impl, Clients: 50, Rounds: 20, Addr: "127.0.0.1:0"}))
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
			go func() {
				served <- run(srvCtx, &strings.Builder{}, echo.Config{Mode: "server", Impl: impls[0], Addr: addr})
			}()
			var out strings.Builder
			var cerr error
			for range 50 { // until the server listens
				out.Reset()
				cerr = run(ctx, &out, echo.Config{Mode: "client", Impl: impls[1], Clients: 10, Rounds: 10, Addr: addr})
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
		cfg  echo.Config
		want string
	}{
		{echo.Config{Mode: "x", Impl: "green", Clients: 1, Rounds: 1, Addr: ":0"}, `-mode "x"`},
		{echo.Config{Mode: "both", Impl: "x", Clients: 1, Rounds: 1, Addr: ":0"}, `-impl "x"`},
		{echo.Config{Mode: "both", Impl: "green", Clients: 0, Rounds: 1, Addr: ":0"}, `-clients 0`},
		{echo.Config{Mode: "both", Impl: "green", Clients: 1, Rounds: 1, Addr: "nope"}, `-addr "nope"`},
	}
	for _, c := range cases {
		assert.ErrorContains(t, run(context.Background(), &strings.Builder{}, c.cfg), c.want)
	}
}
