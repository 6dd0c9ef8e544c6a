package sim_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// The suites run on plain goroutines (their own). Mode 1: a world of
// greenlets on a virtual hub, whose clock starts at the real time so that
// the suite's deadlines (times of package time) mean what they say.
func TestSocket_ConformanceGreenlets(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Start: time.Now()})
	defer w.Close()
	ifacetest.TestSocket(t, w.MustAddHost("a").Socket())
}

// Mode 2: a world of goroutines in a synctest bubble. The suite's
// subtests run in the bubble (through the outer t: a bubble's own t may
// not call Run), so that its goroutines, timers and time are the bubble's.
func TestSocket_ConformanceSynctest(t *testing.T) {
	outer := t
	synctest.Test(t, func(t *testing.T) {
		// A little loopback latency: nettest's CloseTimeout streams
		// between goroutines until a Sleep ends, which in a bubble
		// needs them all blocked now and then.
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines, Loopback: sim.Link{Latency: time.Millisecond}})
		defer w.Close()
		ifacetest.TestSocket(outer, w.MustAddHost("a").Socket())
	})
}

// Mode 3: a world of goroutines on real time.
func TestSocket_ConformanceRealTime(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
	defer w.Close()
	ifacetest.TestSocket(t, w.MustAddHost("a").Socket())
}

func TestTime_Conformance(t *testing.T) {
	t.Run("Greenlets", func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1})
		defer w.Close()
		ifacetest.TestTime(t, w.MustAddHost("a").Time())
	})
	t.Run("RealTime", func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		ifacetest.TestTime(t, w.MustAddHost("a").Time())
	})
	outer := t
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		outer.Run("Synctest", func(t *testing.T) { ifacetest.TestTime(t, w.MustAddHost("a").Time()) })
	})
}

func TestDNS_Conformance(t *testing.T) {
	w := sim.New(sim.Config{Mode: sim.Goroutines})
	defer w.Close()
	ifacetest.TestDNS(t, w.MustAddHost("a").DNS())
}
