package patch_test

import (
	"testing"

	"github.com/greenshim/greenshim/iface/ifacetest"
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
	t.Run("Procs", func(t *testing.T) { ifacetest.TestProcs(t, registry.OS(), ifacetest.HelperCommand()) })
}
