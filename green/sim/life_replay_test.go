package sim_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// A run with crashes, restarts, torn writes, fault points and traffic
// replays bit for bit from its seed, and records its crashes with hosts.
func TestHost_CrashesReplay(t *testing.T) {
	run := func(tr *green.Trace) {
		w := sim.New(sim.Config{Seed: 42, Trace: tr, Link: sim.Link{Latency: time.Millisecond, Jitter: time.Millisecond}})
		defer w.Close()
		srv := w.MustAddHost("srv")
		cli := w.MustAddHost("cli")
		// Everything starts from the world's first greenlet: a spawn from
		// a plain goroutine lands where the Go scheduler puts it.
		err := w.Run(func() error {
			require.NoError(t, w.Apply(sim.Plan{
				Disks:   []sim.DiskPlan{{Host: "srv", Faults: simdisk.Faults{TornWrite: 0.5, Latency: map[simdisk.Op]time.Duration{simdisk.OpWrite: 300 * time.Microsecond}}}},
				Crashes: []sim.CrashPlan{{At: 7 * time.Millisecond, Restart: 3 * time.Millisecond, Host: "srv"}, {At: 31 * time.Millisecond, Restart: -1, Host: "srv"}},
			}))
			require.NoError(t, srv.Start(func(ctx context.Context) error {
				l, err := srv.Socket().Listen("tcp", ":7")
				if err != nil {
					return err
				}
				f, err := srv.OS().OpenFile("/log", 0x441 /* O_WRONLY|O_CREATE|O_APPEND */, 0o644)
				if err != nil {
					return err
				}
				for {
					c, err := l.Accept()
					if err != nil {
						return err
					}
					srv.Go(func() error {
						buf := make([]byte, 512)
						for {
							n, err := c.Read(buf)
							if err != nil {
								return err
							}
							if sim.Buggify("srv.echo-twice") {
								c.Write(buf[:n]) //nolint:errcheck
							}
							if _, err := f.Write(buf[:n]); err != nil {
								return err
							}
							if _, err := c.Write(buf[:n]); err != nil {
								return err
							}
						}
					})
				}
			}))
			return cli.Go(func() error {
				for range 40 {
					c, err := cli.Socket().Dial("tcp", "srv:7")
					if err != nil {
						green.Sleep(time.Millisecond)
						continue
					}
					for range 5 {
						if _, err := c.Write(make([]byte, 700)); err != nil {
							break
						}
						if _, err := io.ReadFull(c, make([]byte, 700)); err != nil {
							break
						}
					}
					c.Close()
				}
				return nil
			}).Join()
		})
		require.NoError(t, err)
		_, err = afero.ReadFile(srv.Disk(), "/log")
		_ = err // there or not, as the crashes decided
	}
	require.NoError(t, green.Replays(run))

	tr := &green.Trace{}
	run(tr)
	var crashes, restarts int
	for _, e := range tr.Events() {
		switch e.Kind {
		case "crash":
			crashes++
			require.Equal(t, "srv", e.Host)
		case "restart":
			restarts++
			require.Equal(t, "srv", e.Host)
		}
	}
	require.Equal(t, 2, crashes)
	require.Equal(t, 1, restarts)
}
