package green_test

import (
	"context"
	"errors"
	"os/exec"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
)

// BenchmarkCmd_Sleepers is the figure: a hundred greenlets each run
// `sleep 0.1`, on one hub, per op. With the green module, for each way of
// waiting for an exit; with the blocking module and the hand-off off, whose
// waits hold the hub one after the other (ten seconds an op); with the
// blocking module handed off (each waiting greenlet detached); and, as the
// floor, with package
// os/exec from a hundred plain goroutines. threads is the number of OS
// threads the runtime created during the run, per op.
//
//	go test ./green -run '^$' -bench 'Cmd_Sleepers' -benchtime 3x -count 5
func BenchmarkCmd_Sleepers(b *testing.B) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		b.Skip("no sleep")
	}
	const n = 100
	bench := func(b *testing.B, o iface.Procs, handoff time.Duration) {
		h := green.New(green.Options{MaxBlockingTime: -1, HandoffAfter: handoff, OnHandoff: func(green.Handoff) {}})
		defer h.Close()
		threads := pprof.Lookup("threadcreate")
		before := threads.Count()
		for b.Loop() {
			err := h.Run(func() error {
				gs := make([]*green.Greenlet, n)
				for i := range gs {
					gs[i] = green.Spawn(func() error {
						return o.Command(context.Background(), sleep, "0.1").Run()
					})
				}
				_, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(threads.Count()-before)/float64(b.N), "threads/op")
	}
	for _, mode := range []string{"pidfd", "goroutine", "pool"} {
		b.Run("green-"+mode, func(b *testing.B) {
			defer green.SetProcWaitMode(green.ProcWaitModes[mode])()
			bench(b, green.OS{}, 0)
		})
	}
	b.Run("blocking", func(b *testing.B) { bench(b, blocking.OS{}, -1) })
	b.Run("blocking-handoff", func(b *testing.B) { bench(b, blocking.OS{}, 0) })
	// The floor: package os/exec from a hundred plain goroutines.
	b.Run("exec-goroutines", func(b *testing.B) {
		threads := pprof.Lookup("threadcreate")
		before := threads.Count()
		for b.Loop() {
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { errs[i] = exec.Command(sleep, "0.1").Run() })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(threads.Count()-before)/float64(b.N), "threads/op")
	})
}

// BenchmarkCmd_Run is one `true` run (start, wait, reap) from a greenlet,
// per op: the cost of a process to the hub, for each way of waiting, beside
// package os/exec from a plain goroutine.
//
//	go test ./green -run '^$' -bench 'Cmd_Run' -count 10
func BenchmarkCmd_Run(b *testing.B) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		b.Skip("no true")
	}
	for _, mode := range []string{"pidfd", "goroutine", "pool"} {
		b.Run("green-"+mode, func(b *testing.B) {
			defer green.SetProcWaitMode(green.ProcWaitModes[mode])()
			h := green.New(green.Options{MaxBlockingTime: -1})
			defer h.Close()
			err := h.Run(func() error {
				for b.Loop() {
					if err := (green.OS{}).Command(context.Background(), truePath).Run(); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
	b.Run("exec", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(truePath).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
