package proof_test

import (
	"context"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/greenshim/greenshim/green/sim"
)

// grpcWorld is a world of goroutines with a gRPC health server on host
// "server" (10.0.0.1:50051) and a client conn to it from host "client".
// It must be made inside a synctest bubble; t.Cleanup stops it all.
type grpcWorld struct {
	w      *sim.World
	health *health.Server
	client healthpb.HealthClient
}

func newGRPCWorld(t *testing.T, link sim.Link) *grpcWorld {
	t.Helper()
	w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines, Link: link})
	srvHost := w.MustAddHost("server", "10.0.0.1")
	cliHost := w.MustAddHost("client", "10.0.0.2")

	l, err := srvHost.Socket().Listen("tcp", ":50051")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	srv := grpc.NewServer()
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		return cliHost.Socket().DialContext(ctx, "tcp", addr)
	}
	cc, err := grpc.NewClient("passthrough:///10.0.0.1:50051",
		grpc.WithContextDialer(dial),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("grpc.NewClient: %v", err)
	}
	t.Cleanup(func() {
		cc.Close()
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		w.Close()
	})
	return &grpcWorld{w: w, health: hs, client: healthpb.NewHealthClient(cc)}
}

func (g *grpcWorld) check(timeout time.Duration, service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	resp, err := g.client.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return 0, err
	}
	return resp.GetStatus(), nil
}

func TestGRPC_UnaryAndStreaming(t *testing.T) {
	for _, tc := range []struct {
		name string
		link sim.Link
	}{
		{"PerfectLink", sim.Link{}},
		{"SlowLink", sim.Link{Latency: 5 * time.Millisecond, Jitter: time.Millisecond, Bandwidth: 1 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newGRPCWorld(t, tc.link)
				g.health.SetServingStatus("db", healthpb.HealthCheckResponse_SERVING)

				start := time.Now()
				st, err := g.check(10*time.Second, "")
				if err != nil || st != healthpb.HealthCheckResponse_SERVING {
					t.Fatalf("Check(\"\") = %v, %v; want SERVING", st, err)
				}
				// The first RPC connects: a SYN and the HTTP/2 preface
				// cross the link before the call's own round trip.
				if got, min := time.Since(start), 2*tc.link.Latency; got < min {
					t.Errorf("the first Check took %v of bubble time; want at least %v (a round trip)", got, min)
				}
				if _, err := g.check(10*time.Second, "nosuch"); status.Code(err) != codes.NotFound {
					t.Fatalf("Check(nosuch) error = %v; want NotFound", err)
				}

				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				stream, err := g.client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "db"})
				if err != nil {
					t.Fatalf("Watch: %v", err)
				}
				want := []healthpb.HealthCheckResponse_ServingStatus{
					healthpb.HealthCheckResponse_SERVING,
					healthpb.HealthCheckResponse_NOT_SERVING,
					healthpb.HealthCheckResponse_SERVING,
				}
				for i, w := range want {
					if i > 0 {
						g.health.SetServingStatus("db", w)
					}
					resp, err := stream.Recv()
					if err != nil {
						t.Fatalf("Recv %d: %v", i, err)
					}
					if resp.GetStatus() != w {
						t.Fatalf("Recv %d = %v; want %v", i, resp.GetStatus(), w)
					}
				}
				if d := time.Since(start); tc.link == (sim.Link{}) && d != 0 {
					t.Errorf("on a perfect link the RPCs took %v of bubble time; want 0", d)
				}
			})
		})
	}
}

// A partition while a Watch stream is open: the stream and a new Check
// fail with DeadlineExceeded at exactly their deadlines in bubble time;
// after the heal, the same conn carries a Check and a new Watch.
func TestGRPC_PartitionMidStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGRPCWorld(t, sim.Link{Latency: time.Millisecond})
		g.health.SetServingStatus("db", healthpb.HealthCheckResponse_SERVING)

		const streamTimeout = 3 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), streamTimeout)
		defer cancel()
		streamDeadline, _ := ctx.Deadline()
		stream, err := g.client.Watch(ctx, &healthpb.HealthCheckRequest{Service: "db"})
		if err != nil {
			t.Fatalf("Watch: %v", err)
		}
		if resp, err := stream.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("first Recv = %v, %v; want SERVING", resp, err)
		}

		g.w.Partition([]string{"client"}, []string{"server"})
		g.health.SetServingStatus("db", healthpb.HealthCheckResponse_NOT_SERVING) // held by the partition

		const checkTimeout = 2 * time.Second
		start := time.Now()
		_, err = g.check(checkTimeout, "db")
		if status.Code(err) != codes.DeadlineExceeded {
			t.Fatalf("Check across the partition: %v; want DeadlineExceeded", err)
		}
		if got := time.Since(start); got != checkTimeout {
			t.Errorf("Check failed after %v of bubble time; want exactly %v", got, checkTimeout)
		}

		_, err = stream.Recv()
		if status.Code(err) != codes.DeadlineExceeded {
			t.Fatalf("Recv across the partition: %v; want DeadlineExceeded", err)
		}
		if now := time.Now(); !now.Equal(streamDeadline) {
			t.Errorf("the stream failed at %v; want exactly its deadline %v", now, streamDeadline)
		}

		g.w.Heal([]string{"client"}, []string{"server"})
		st, err := g.check(10*time.Second, "db")
		if err != nil || st != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Fatalf("Check after the heal = %v, %v; want NOT_SERVING", st, err)
		}
		ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel2()
		stream2, err := g.client.Watch(ctx2, &healthpb.HealthCheckRequest{Service: "db"})
		if err != nil {
			t.Fatalf("Watch after the heal: %v", err)
		}
		resp, err := stream2.Recv()
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Fatalf("Recv after the heal = %v, %v; want NOT_SERVING", resp, err)
		}
		if err := ctx2.Err(); err != nil {
			t.Errorf("the heal's RPCs ran into their deadline: %v", err)
		}
	})
}
