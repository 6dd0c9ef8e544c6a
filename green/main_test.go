package green_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

// TestMain checks that no goroutine is left behind once the tests end (Close
// must release everything a hub started; patch.TestingM closes the default
// hub after the tests). TestingM also accepts the -greenshim flag that
// go test passes to every package.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(patch.TestingM(m))
}
