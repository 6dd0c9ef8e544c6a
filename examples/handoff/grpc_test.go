package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	"google.golang.org/grpc/health/grpc_health_v1"

	"github.com/greenshim/greenshim/green"
)

// grpc-go's server served in the same hub as its clients, each call straight
// from a greenlet over the green socket module (issue 9's case: with the
// hub held, each RPC hung until its deadline). The waits grpc-go does on its
// own goroutines are handed off, every call succeeds, and the report names
// grpc-go's frame.
func TestHandoff_GRPCServerInTheSameHub(t *testing.T) {
	var sites []green.Handoff
	h := green.New(green.Options{OnHandoff: func(s green.Handoff) { sites = append(sites, s) }})
	sock := green.Socket{Hub: h}
	const n = 40
	errs := make([]error, n)
	done := make(chan error, 1)
	go func() {
		done <- h.Run(func() error {
			lis, err := sock.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			srv := grpc.NewServer()
			defer srv.Stop()
			grpc_health_v1.RegisterHealthServer(srv, health.NewServer())
			green.Spawn(func() error { return srv.Serve(lis) })
			conn, err := grpc.NewClient(lis.Addr().String(), //greenshim:ignore grpc-go straight from a greenlet is what this test checks
				grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) {
					return sock.DialContext(ctx, "tcp", a)
				}))
			if err != nil {
				return err
			}
			defer conn.Close()
			c := grpc_health_v1.NewHealthClient(conn)
			var g green.Group
			for i := range n {
				g.Spawn(func() error {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) //greenshim:ignore a real-time deadline, as a user's

					defer cancel()
					r, err := c.Check(ctx, &grpc_health_v1.HealthCheckRequest{}) //greenshim:ignore grpc-go straight from a greenlet is what this test checks
					if err == nil && r.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
						err = fmt.Errorf("status %v", r.GetStatus())
					}
					errs[i] = err
					return nil
				})
			}
			return g.Join()
		})
	}()
	select {
	case err := <-done:
		h.Close()
		require.NoError(t, err)
	case <-time.After(60 * time.Second):
		// Not closed: Close would wait for the held hub (with the
		// hand-off off, the run does not end).
		t.Fatal("the run did not end within 60s")
	}
	for i, err := range errs {
		assert.NoError(t, err, "rpc %d", i)
	}
	assert.Positive(t, h.Stats().Detaches, "grpc-go's waits were handed off")
	var named bool
	for _, s := range sites {
		named = named || strings.HasPrefix(s.Frame, "google.golang.org/grpc")
	}
	assert.True(t, named, "a hand-off names grpc-go's frame: %+v", sites)
}
