package sim_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/green/sim/simdisk"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

func TestHost_OSSuite(t *testing.T) {
	t.Run("Greenlets", func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1})
		defer w.Close()
		ifacetest.TestOS(t, w.MustAddHost("db1").OS())
	})
	t.Run("Started", func(t *testing.T) { // a host with a life, used from outside it
		w := sim.New(sim.Config{Seed: 1})
		defer w.Close()
		h := w.MustAddHost("db1")
		require.NoError(t, h.Start(func(context.Context) error { return nil }))
		ifacetest.TestOS(t, h.OS())
	})
	outer := t
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		outer.Run("Synctest", func(t *testing.T) { ifacetest.TestOS(t, w.MustAddHost("db1").OS()) })
	})
}

// The disk's waits are world time, its clock the host's, its host name
// and environment the host's own.
func TestHost_DiskIsWiredToTheWorld(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	b := w.MustAddHost("b")
	require.NoError(t, a.SetClock(time.Hour, 0))
	require.NoError(t, a.Disk().SetFaults(simdisk.Faults{Latency: map[simdisk.Op]time.Duration{simdisk.OpSync: 5 * time.Millisecond}}))
	err := w.Run(func() error {
		o := a.OS()
		f, err := o.Create("/f")
		require.NoError(t, err)
		t0 := w.Since()
		require.NoError(t, f.Sync())
		require.Equal(t, 5*time.Millisecond, w.Since()-t0, "a Sync's latency is not world time")
		require.NoError(t, f.Close())
		fi, err := o.Stat("/f")
		require.NoError(t, err)
		require.Equal(t, a.Now(), fi.ModTime(), "the modification time is not the host's clock")
		require.Equal(t, w.Now().Add(time.Hour), fi.ModTime())
		return nil
	})
	require.NoError(t, err)
	for _, h := range []*sim.Host{a, b} {
		name, err := h.OS().Hostname()
		require.NoError(t, err)
		require.Equal(t, h.Name(), name)
		require.Equal(t, h.Name(), h.OS().Getenv("HOSTNAME"))
	}
	require.NoError(t, a.OS().Setenv("X", "1"))
	require.Equal(t, "", b.OS().Getenv("X"), "hosts share an environment")
}

// A crash's chances come from the world's seed: two worlds with one seed
// lose the same, and the disk's draws do not depend on the network's.
func TestHost_CrashIsDeterministicForASeed(t *testing.T) {
	run := func(seed uint64, dials int) string {
		w := sim.New(sim.Config{Seed: seed})
		defer w.Close()
		a := w.MustAddHost("a")
		require.NoError(t, a.Disk().SetFaults(simdisk.Faults{TornWrite: 0.5, KeepEntries: 0.5}))
		var out string
		err := w.Run(func() error {
			require.NoError(t, a.Start(func(context.Context) error {
				for i := range dials { // draws ephemeral ports from the world's source
					if l, err := a.Socket().Listen("tcp", ":0"); err == nil {
						l.Close()
					}
					_ = i
				}
				o := a.OS()
				for _, n := range []string{"/a", "/b", "/c", "/d"} {
					if err := afero.WriteFile(o, n, make([]byte, 4096), 0o644); err != nil {
						return err
					}
				}
				return nil
			}))
			require.NoError(t, a.Wait())
			rep, err := a.Crash()
			require.NoError(t, err)
			out = rep.String()
			return nil
		})
		require.NoError(t, err)
		return out
	}
	first := run(7, 0)
	require.Equal(t, first, run(7, 0))
	require.Equal(t, first, run(7, 3), "the network's draws changed the disk's")
	differs := false
	for seed := uint64(8); seed < 20 && !differs; seed++ {
		differs = run(seed, 0) != first
	}
	require.True(t, differs, "every seed crashes the same")
}

// The world's os module is the calling greenlet's host's disk, and the
// first host's for a plain goroutine.
func TestWorld_OSDispatches(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	a := w.MustAddHost("a")
	b := w.MustAddHost("b")
	o := w.OS()
	ifacetest.TestOS(t, o) // a plain goroutine: host a
	require.NoError(t, a.Run(func() error { return afero.WriteFile(o, "/who", []byte("a"), 0o644) }))
	require.NoError(t, b.Run(func() error { return afero.WriteFile(o, "/who", []byte("b"), 0o644) }))
	for _, h := range []*sim.Host{a, b} {
		got, err := afero.ReadFile(h.Disk(), "/who")
		require.NoError(t, err)
		require.Equal(t, h.Name(), string(got))
	}
	name, err := o.Hostname()
	require.NoError(t, err)
	require.Equal(t, "a", name)
	require.NoError(t, b.Run(func() error {
		name, err := o.Hostname()
		require.Equal(t, "b", name)
		return err
	}))
}
