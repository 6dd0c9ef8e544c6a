package greenvet_test

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) {
	if err := downloadTestdata(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	goleak.VerifyTestMain(patch.TestingM(m))
}
