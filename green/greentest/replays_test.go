package greentest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/greentest"
)

// fakeTB records a Fatalf instead of ending the test.
type fakeTB struct {
	testing.TB
	msg string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Fatalf(format string, a ...any) { f.msg = fmt.Sprintf(format, a...) }

// run makes a virtual hub with tr and runs main in it.
func run(tr *green.Trace, main func() error) {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), Trace: tr, Schedule: green.Schedule{Policy: green.Random, Seed: 5}})
	defer h.Close()
	h.Run(main)
}

func TestReplays(t *testing.T) {
	prog := func(extra bool) func() error {
		return func() error {
			g := green.Spawn(func() error { green.Sleep(time.Second); return nil })
			if extra {
				green.Yield()
			}
			return g.Join()
		}
	}
	f := &fakeTB{TB: t}
	greentest.Replays(f, func(tr *green.Trace) { run(tr, prog(false)) })
	if f.msg != "" {
		t.Errorf("a deterministic run failed Replays: %s", f.msg)
	}
	n := 0
	greentest.Replays(f, func(tr *green.Trace) { n++; run(tr, prog(n%2 == 0)) })
	if !strings.Contains(f.msg, "the run does not replay: runs differ at event") {
		t.Errorf("a run that differs each time passed Replays: %q", f.msg)
	}
}
