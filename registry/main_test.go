package registry_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

// patch provides package blocking's originals; TestingM accepts the
// -greenshim flag, which go test passes to every package. The registry's
// tests pin each module they touch with SetForTest, so they pass under any
// patch.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(patch.TestingM(m))
}
