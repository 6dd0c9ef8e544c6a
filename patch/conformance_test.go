package patch_test

import (
	"context"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green/sim"
	"github.com/greenshim/greenshim/iface/ifacetest"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// TestRegistry_Conformance runs every conformance suite on the modules
// current in the registry: package blocking's by default, whatever
// -greenshim or $GREENSHIM patched in otherwise (go test ./... -args
// -greenshim=green).
func TestRegistry_Conformance(t *testing.T) {
	t.Run("Socket", func(t *testing.T) { ifacetest.TestSocket(t, registry.Socket()) })
	t.Run("Time", func(t *testing.T) { ifacetest.TestTime(t, registry.Time()) })
	t.Run("OS", func(t *testing.T) { ifacetest.TestOS(t, registry.OS()) })
	t.Run("DNS", func(t *testing.T) { ifacetest.TestDNS(t, registry.DNS()) })
	t.Run("Procs", func(t *testing.T) { ifacetest.TestProcs(t, registry.OS(), helperCommand()) })
}

// helperCommand is the command line of the process suite's helper
// program: the test binary itself, or, when the os module is the
// simulated world's (-greenshim=sim), a handler of that name registered on
// the world's host "sim", which serves the suite's plain goroutine.
func helperCommand() []string {
	argv := ifacetest.HelperCommand()
	if registry.OS().Name() != "sim" {
		return argv
	}
	patch.SimWorld().Host("sim").HandleCommand(argv[0], func(ctx context.Context, p *sim.Proc) int {
		return ifacetest.Helper(ifacetest.HelperProc{
			Args:   p.Args[2:], // after the program and the helper's flag
			Stdin:  p.Stdin,
			Stdout: p.Stdout,
			Stderr: p.Stderr,
			Getenv: p.Getenv,
			Dir:    p.Dir,
			Sleep:  func(d time.Duration) { _ = p.Sleep(d) },
		})
	})
	return argv
}
