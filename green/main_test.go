package green_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/greenshim/greenshim/green"
	"go.uber.org/goleak"
)

// TestMain closes the default hub after the tests and then checks that no
// goroutine is left behind: Close must release everything a hub started.
func TestMain(m *testing.M) {
	code := m.Run()
	green.Default().Close()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
