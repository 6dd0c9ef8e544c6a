package sim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/green/sim/buggify"
	"github.com/greenshim/greenshim/green/sim/simdisk"
)

func TestBuggify_FalseOutsideASimulation(t *testing.T) {
	require.False(t, sim.Buggify("x"), "a plain goroutine")
	var w *sim.World
	require.False(t, w.Buggify("x"), "a nil world")
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	require.NoError(t, h.Run(func() error {
		require.False(t, sim.Buggify("x"), "a greenlet on no host")
		return nil
	}))
}

// Inside a world the points are the world's seed's: the same seed fires
// the same, the report lists each point, and each firing is traced with
// the host.
func TestBuggify_InAWorld(t *testing.T) {
	run := func(seed uint64) (string, buggify.Report, *green.Trace) {
		tr := &green.Trace{}
		w := sim.New(sim.Config{Seed: seed, Trace: tr})
		defer w.Close()
		require.NoError(t, w.SetBuggify(buggify.Options{EnableRate: 0.5, FireRate: 0.5}))
		a := w.MustAddHost("a")
		var fired strings.Builder
		require.NoError(t, a.Run(func() error {
			for i := range 20 {
				for _, p := range []string{"p1", "p2", "p3", "p4"} {
					if sim.Buggify(p) {
						fmt.Fprintf(&fired, "%d:%s ", i, p)
					}
				}
			}
			return nil
		}))
		return fired.String(), w.BuggifyReport(), tr
	}
	fired, rep, tr := run(3)
	fired2, rep2, _ := run(3)
	require.Equal(t, fired, fired2)
	require.Equal(t, rep, rep2)
	require.Len(t, rep.Points, 4)
	var n uint64
	for _, p := range rep.Points {
		require.EqualValues(t, 20, p.Evaluated, p.Name)
		if !p.Enabled {
			require.Zero(t, p.Fired, p.Name)
		}
		n += p.Fired
	}
	require.NotZero(t, n, "nothing fired with seed 3: pick another seed")
	traced := 0
	for _, e := range tr.Events() {
		if e.Kind == "buggify" {
			traced++
			require.Equal(t, "a", e.Host)
		}
	}
	require.EqualValues(t, n, traced)
	require.Contains(t, rep.String(), "fired=")
	differs := false
	for seed := uint64(4); seed < 20 && !differs; seed++ {
		f, _, _ := run(seed)
		differs = f != fired
	}
	require.True(t, differs)
}

func TestWorld_SetBuggifyBadInput(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	require.Error(t, w.SetBuggify(buggify.Options{EnableRate: 1.5}))
	require.Error(t, w.SetBuggify(buggify.Options{FireRate: -1}))
	w.Buggify("x")
	require.ErrorContains(t, w.SetBuggify(buggify.Options{}), "after a fault point")
}

// A plan applied to a world partitions, heals, crashes and restarts at
// its times, and prints as a schedule.
func TestWorld_ApplyPlan(t *testing.T) {
	tr := &green.Trace{}
	w := sim.New(sim.Config{Seed: 1, Trace: tr})
	defer w.Close()
	a := w.MustAddHost("a")
	b := w.MustAddHost("b")
	plan := sim.Plan{
		Links:      []sim.LinkPlan{{From: "a", To: "b", Link: sim.Link{Latency: time.Millisecond}}},
		Disks:      []sim.DiskPlan{{Host: "a", Faults: simdisk.Faults{TornWrite: 0.5}}},
		Clocks:     []sim.ClockPlan{{Host: "b", Offset: time.Second}},
		Buggify:    &buggify.Options{FireRate: 1},
		Partitions: []sim.PartitionPlan{{At: time.Second, Heal: 2 * time.Second, A: []string{"a"}, B: []string{"b"}}},
		Clogs:      []sim.ClogPlan{{At: 500 * time.Millisecond, For: 100 * time.Millisecond, Host: "b"}},
		Crashes:    []sim.CrashPlan{{At: 3 * time.Second, Restart: time.Second, Host: "a"}, {At: 10 * time.Second, Restart: -1, Host: "a"}},
	}
	require.Equal(t, `plan: 10 events
          0s  link a<>b latency=1ms jitter=0s bandwidth=0B/s loss=0 dup=0 reorder=0
          0s  disk a torn_write=0.5
          0s  clock b offset=1s drift=0
          0s  buggify enable_rate=0 fire_rate=1 (0: 0.25)
       500ms  clog b for 100ms
          1s  partition [a]<>[b]
          2s  heal [a]<>[b]
          3s  crash a
          4s  restart a
         10s  crash a (stays down)
`, plan.String())
	var boots []int
	err := w.Run(func() error {
		require.NoError(t, w.Apply(plan)) // from the hub: the run is the seed's alone
		require.NoError(t, a.Start(func(ctx context.Context) error {
			boots = append(boots, a.Boots())
			green.Sleep(24 * time.Hour) // until a crash kills it
			return nil
		}))
		green.Sleep(12 * time.Second)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, boots)
	require.False(t, a.Up())
	off, _ := b.Clock()
	require.Equal(t, time.Second, off)
	require.Equal(t, 0.5, a.Disk().Faults().TornWrite)

	var got []string
	for _, e := range tr.Events() {
		switch e.Kind {
		case "partition", "heal", "crash", "restart", "clog":
			got = append(got, fmt.Sprintf("%v %s %s", e.At, e.Kind, e.Host))
		}
	}
	require.Equal(t, []string{"500ms clog b", "1s partition ", "2s heal ", "3s crash a", "4s restart a", "10s crash a"}, got)
	rep := w.Report()
	require.Len(t, rep.Crashes, 2)
	require.Equal(t, 3*time.Second, rep.Crashes[0].At)
	s := rep.String()
	require.Contains(t, s, "world: seed=1 plans=1 crashes=2")
	require.Contains(t, s, "3s crash a (life 1)")
	require.Contains(t, s, plan.String())
}

func TestWorld_ApplyBadPlan(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	w.MustAddHost("a")
	for _, c := range []struct {
		plan sim.Plan
		want string
	}{
		{sim.Plan{Links: []sim.LinkPlan{{From: "a", To: "nope"}}}, `Links[0]: no host "nope"`},
		{sim.Plan{Links: []sim.LinkPlan{{From: "a", To: "a", Link: sim.Link{Loss: 2}}}}, "Links[0]: Loss"},
		{sim.Plan{Disks: []sim.DiskPlan{{Host: "a", Faults: simdisk.Faults{TornWrite: 2}}}}, "Disks[0]"},
		{sim.Plan{Clocks: []sim.ClockPlan{{Host: "a", Drift: 1}}}, "Clocks[0]: drift"},
		{sim.Plan{Buggify: &buggify.Options{FireRate: 2}}, "Plan.Buggify"},
		{sim.Plan{Partitions: []sim.PartitionPlan{{A: []string{"a"}}}}, "Partitions[0].B: no hosts"},
		{sim.Plan{Partitions: []sim.PartitionPlan{{At: 2, Heal: 1, A: []string{"a"}, B: []string{"a"}}}}, "Heal 1ns is not after At 2ns"},
		{sim.Plan{Clogs: []sim.ClogPlan{{Host: "a"}}}, "Clogs[0]: For 0s is not positive"},
		{sim.Plan{Crashes: []sim.CrashPlan{{At: -1, Host: "a"}}}, "Crashes[0].At: negative time"},
		{sim.Plan{Crashes: []sim.CrashPlan{{Host: ""}}}, `Crashes[0]: no host ""`},
	} {
		require.ErrorContains(t, w.Apply(c.plan), c.want)
	}
	require.Empty(t, w.Report().Plans, "a bad plan was applied")
}

// Misuse of a host's life fails with an error naming it, or panics.
func TestHost_LifeBadInput(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1})
	a := w.MustAddHost("a")
	require.PanicsWithValue(t, "sim: Start of a nil function", func() { _ = a.Start(nil) })
	_, err := a.Crash()
	require.ErrorContains(t, err, "not up")
	require.ErrorContains(t, a.Restart(), "never started")
	require.ErrorContains(t, a.Wait(), "never started")
	require.Zero(t, a.Boots())
	require.False(t, a.Up())
	require.NoError(t, a.Start(func(context.Context) error { return nil }))
	require.ErrorContains(t, a.Start(func(context.Context) error { return nil }), "started already")
	require.ErrorContains(t, a.Restart(), "is up")
	require.ErrorContains(t, a.SetDisk(simdisk.Options{}), "after the disk's first use")
	b := w.MustAddHost("b")
	require.Error(t, b.SetDisk(simdisk.Options{SectorSize: -1}))
	require.NoError(t, b.SetDisk(simdisk.Options{SectorSize: 4096}))
	_, err = a.Crash()
	require.NoError(t, err)
	require.ErrorContains(t, a.Go(func() error { return nil }).Join(), "host is down", "Go on a down host ran")
	w.Close()
	_, err = a.Crash()
	require.ErrorContains(t, err, "closed world")
	require.ErrorContains(t, b.Start(func(context.Context) error { return nil }), "closed world")
}

// Goroutines ask their world explicitly, and get the seed's points too.
func TestBuggify_GoroutinesAskTheirWorld(t *testing.T) {
	fire := func() []bool {
		w := sim.New(sim.Config{Seed: 9, Mode: sim.Goroutines})
		defer w.Close()
		require.NoError(t, w.SetBuggify(buggify.Options{EnableRate: 1, FireRate: 0.5}))
		var got []bool
		for range 32 {
			got = append(got, w.Buggify("g"))
		}
		require.Equal(t, []string{"g"}, w.BuggifyReport().Enabled())
		return got
	}
	a := fire()
	require.Equal(t, a, fire())
	require.Contains(t, a, true)
	require.Contains(t, a, false)
}
