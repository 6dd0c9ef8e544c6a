package buggify_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

// TestingM accepts the -greenshim flag that go test passes to every package.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(patch.TestingM(m))
}
