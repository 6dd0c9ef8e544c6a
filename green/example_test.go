package green_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/greenshim/greenshim/green"
)

// Greenlets sleeping on a virtual clock wake in deadline order, and the
// clock jumps: this takes no wall time and prints the same on every run.
func Example() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	err := h.Run(func() error {
		var gs []*green.Greenlet
		for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second} {
			gs = append(gs, green.Spawn(func() error {
				green.Sleep(d)
				fmt.Println("woke after", d, "at", green.Now().Format("15:04:05"))
				return nil
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{})
		return err
	})
	fmt.Println("err:", err)
	// Output:
	// woke after 1s at 00:00:01
	// woke after 2s at 00:00:02
	// woke after 3s at 00:00:03
	// err: <nil>
}

// Yield lets every other runnable greenlet run before the caller resumes.
func ExampleYield() {
	h := green.New(green.Options{})
	defer h.Close()
	h.Run(func() error {
		a := green.Spawn(func() error {
			for i := 0; i < 3; i++ {
				fmt.Println("a", i)
				green.Yield()
			}
			return nil
		})
		b := green.Spawn(func() error {
			for i := 0; i < 3; i++ {
				fmt.Println("b", i)
				green.Yield()
			}
			return nil
		})
		_, err := green.JoinAll([]*green.Greenlet{a, b}, green.JoinOptions{})
		return err
	})
	// Output:
	// a 0
	// b 0
	// a 1
	// b 1
	// a 2
	// b 2
}

// The greenlet package's ping-pong: two raw greenlets switching to each
// other, passing a value.
func ExampleRaw() {
	h := green.New(green.Options{})
	defer h.Close()
	h.Run(func() error {
		var ping, pong *green.Greenlet
		ping = green.Raw(func(v any) (any, error) {
			for v.(int) < 4 {
				fmt.Println("ping", v)
				v, _ = pong.Switch(v.(int) + 1)
			}
			return v, nil
		})
		pong = green.Raw(func(v any) (any, error) {
			for {
				fmt.Println("pong", v)
				v, _ = ping.Switch(v.(int) + 1)
			}
		})
		v, err := ping.Switch(0)
		fmt.Println("main got", v, err)
		return nil
	})
	// Output:
	// ping 0
	// pong 1
	// ping 2
	// pong 3
	// main got 4 <nil>
}

// When nothing can ever run again, waits return an error naming every
// blocked greenlet instead of hanging.
func ExampleDeadlockError() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	err := h.Run(func() error {
		var never green.Event
		w := green.Spawn(func() error { return never.Wait() }).SetName("waiter")
		return w.Join()
	})
	fmt.Println(errors.Is(err, green.ErrDeadlock))
	fmt.Println(err)
	// Output:
	// true
	// green: deadlock: no greenlet can ever run again; 2 blocked:
	// 	main waits on join waiter
	// 	waiter waits on event
}

// WithTimeout bounds every wait inside it on the hub's clock.
func ExampleWithTimeout() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	h.Run(func() error {
		err := green.WithTimeout(time.Second, func() error {
			green.Sleep(time.Minute)
			return nil
		})
		fmt.Println(err, errors.Is(err, green.ErrTimeout))
		return nil
	})
	// Output:
	// green: timeout after 1s true
}
