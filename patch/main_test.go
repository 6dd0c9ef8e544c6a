package patch_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/iface/ifacetest"
	"github.com/greenshim/greenshim/patch"
)

// RunHelper first: the process suite runs this binary as its helper.
func TestMain(m *testing.M) {
	ifacetest.RunHelper()
	goleak.VerifyTestMain(patch.TestingM(m))
}
