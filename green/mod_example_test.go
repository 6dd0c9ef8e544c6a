package green_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green"
)

// Three greenlets sleep 3, 1 and 2 seconds on the time module of a
// virtual-time hub: they wake in order, together take 3 seconds (not 6) of
// virtual time, and no wall time.
func ExampleTime() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	tm := green.Time{Hub: h}
	start := tm.Now()
	err := h.Run(func() error {
		var gs []*green.Greenlet
		for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second} {
			gs = append(gs, green.Spawn(func() error {
				tm.Sleep(d)
				fmt.Printf("slept %v, woke at +%v\n", d, tm.Since(start))
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	fmt.Println("total", tm.Since(start), err)
	// Output:
	// slept 1s, woke at +1s
	// slept 2s, woke at +2s
	// slept 3s, woke at +3s
	// total 3s <nil>
}

// A greenlet writes and reads a file through the os module: each operation
// runs on the hub's thread pool while the greenlet waits, so the other
// greenlet keeps running.
func ExampleOS() {
	dir, err := os.MkdirTemp("", "green-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	h := green.New(green.Options{})
	defer h.Close()
	fsys := green.OS{}
	err = h.Run(func() error {
		ticks := 0
		ticker := green.Spawn(func() error {
			for {
				ticks++
				green.Sleep(time.Millisecond)
			}
		})
		name := filepath.Join(dir, "hello.txt")
		if err := afero.WriteFile(fsys, name, []byte("hello from a greenlet"), 0o644); err != nil {
			return err
		}
		b, err := afero.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		fmt.Println(string(b))
		fmt.Println("the other greenlet ran meanwhile:", ticks > 0)
		ticker.Kill()
		return nil
	})
	fmt.Println(err)
	// Output:
	// hello from a greenlet
	// the other greenlet ran meanwhile: true
	// <nil>
}
