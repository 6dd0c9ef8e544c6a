package green_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/iface/ifacetest"
	"github.com/greenshim/greenshim/patch"
)

// TestMain checks that no goroutine is left behind once the tests end (Close
// must release everything a hub started; patch.TestingM closes the default
// hub after the tests). TestingM also accepts the -greenshim flag that
// go test passes to every package. RunHelper first: the process suite runs
// this binary as its helper.
func TestMain(m *testing.M) {
	ifacetest.RunHelper()
	goleak.VerifyTestMain(patch.TestingM(m))
}
