package simdns_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

// TestMain checks that no goroutine is left behind (a lookup waiting on a
// timer must not outlive it). TestingM accepts the -greenshim flag that go
// test passes to every package; this package's tests call simdns
// directly, whatever is patched.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(patch.TestingM(m))
}
