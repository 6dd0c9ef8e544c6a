package patch

import (
	"os"
	"strconv"
	"sync"

	"github.com/greenshim/greenshim/green/sim"
)

var (
	simMu    sync.Mutex // guards simWorld
	simWorld *sim.World
)

// SimWorld returns the simulated world that the spec token "sim" installs
// (its Socket, DNS and OS: files on the hosts' disks, commands run by the
// handlers a test registers, see sim.Host.HandleCommand), made on first
// use: a world of plain goroutines on real time (sim.Goroutines, the mode
// of ordinary tests) with one host, "sim" (10.0.0.1), which serves every
// caller that is not a greenlet started through a host. Its seed is
// $GREENSHIM_SEED, or 1. A test may add hosts, faults and commands to it;
// TestingM closes it after the tests.
func SimWorld() *sim.World {
	simMu.Lock()
	defer simMu.Unlock()
	if simWorld == nil {
		seed := uint64(1)
		if v, err := strconv.ParseUint(os.Getenv("GREENSHIM_SEED"), 10, 64); err == nil {
			seed = v
		}
		simWorld = sim.New(sim.Config{Seed: seed, Mode: sim.Goroutines})
		simWorld.MustAddHost("sim", "10.0.0.1")
	}
	return simWorld
}

// closeSimWorld closes the world SimWorld made, if any; the next call
// makes a new one.
func closeSimWorld() {
	simMu.Lock()
	defer simMu.Unlock()
	if simWorld != nil {
		simWorld.Close()
		simWorld = nil
	}
}
