package sim_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// helper runs the process suite's helper program as a handler.
func helper(ctx context.Context, p *sim.Proc) int {
	return ifacetest.Helper(ifacetest.HelperProc{
		Args:   p.Args[1:],
		Stdin:  p.Stdin,
		Stdout: p.Stdout,
		Stderr: p.Stderr,
		Getenv: p.Getenv,
		Dir:    p.Dir,
		Sleep:  func(d time.Duration) { _ = p.Sleep(d) },
	})
}

const helperName = "ifacetest-helper"

func TestProcs_ConformanceRealTime(t *testing.T) {
	w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
	defer w.Close()
	h := w.MustAddHost("a")
	h.HandleCommand(helperName, helper)
	ifacetest.TestProcs(t, h.OS(), []string{helperName})
}

// Mode 1 on a hub of real time: the suite bounds its commands with
// contexts of package time (50ms against a "sleep 1m"), which a virtual
// clock would overtake while the suite's goroutine waits. The tests below
// run handlers on a virtual clock.
func TestProcs_ConformanceGreenlets(t *testing.T) {
	hub := green.New(green.Options{Name: "procs"})
	defer hub.Close()
	w := sim.New(sim.Config{Seed: 1, Hub: hub})
	defer w.Close()
	h := w.MustAddHost("a")
	h.HandleCommand(helperName, helper)
	ifacetest.TestProcs(t, h.OS(), []string{helperName})
}

func TestProcs_ConformanceSynctest(t *testing.T) {
	outer := t
	synctest.Test(t, func(t *testing.T) {
		w := sim.New(sim.Config{Seed: 1, Mode: sim.Goroutines})
		defer w.Close()
		h := w.MustAddHost("a")
		h.HandleCommand(helperName, helper)
		ifacetest.TestProcs(outer, h.OS(), []string{helperName})
	})
}
