package blocking_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/iface/ifacetest"
	"github.com/greenshim/greenshim/patch"
)

// TestingM accepts the -greenshim flag that go test passes to every package;
// this package's tests call blocking's types directly, whatever is patched.
// RunHelper first: the process suite runs this binary as its helper.
func TestMain(m *testing.M) {
	ifacetest.RunHelper()
	goleak.VerifyTestMain(patch.TestingM(m))
}
