package green_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/greenshim/greenshim/green"
)

// A bounded queue: the producer runs ahead until the queue is full, and a
// Put that wakes the consumer does not switch to it.
func ExampleQueue() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	h.Run(func() error {
		q := green.NewQueue[string](1)
		producer := h.Spawn(func() error {
			for _, w := range []string{"a", "b", "c"} {
				q.Put(w)
				fmt.Println("put", w)
			}
			return nil
		})
		for i := 0; i < 3; i++ {
			v, _ := q.Get()
			fmt.Println("got", v)
		}
		return producer.Join()
	})
	// Output:
	// put a
	// put b
	// got a
	// got b
	// got c
	// put c
}

// A rendezvous: each Put waits for the Get that takes its value.
func ExampleChannel() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	h.Run(func() error {
		var ping, pong green.Channel[int]
		h.Spawn(func() error {
			for {
				v, err := ping.Get()
				if err != nil {
					return err
				}
				pong.Put(v * 2)
			}
		})
		for i := 1; i <= 3; i++ {
			ping.Put(i)
			v, _ := pong.Get()
			fmt.Println(i, "->", v)
		}
		return nil
	})
	// Output:
	// 1 -> 2
	// 2 -> 4
	// 3 -> 6
}

// A pool of two runs four one-second calls in two seconds of virtual time;
// Imap yields results in the order of the items.
func ExampleImap() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	h.Run(func() error {
		start := h.Now()
		square := func(i int) (int, error) {
			green.Sleep(time.Second)
			return i * i, nil
		}
		for v, err := range green.Imap(green.NewPool(2), slices.Values([]int{1, 2, 3, 4}), square) {
			fmt.Println(v, err)
		}
		fmt.Println("took", h.Now().Sub(start))
		return nil
	})
	// Output:
	// 1 <nil>
	// 4 <nil>
	// 9 <nil>
	// 16 <nil>
	// took 2s
}

// An RLock may be taken again by the greenlet that holds it; others wait.
func ExampleRLock() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	h.Run(func() error {
		var l green.RLock
		l.Lock()
		l.Lock()
		other := h.Spawn(func() error {
			l.Lock()
			defer l.Unlock()
			fmt.Println("other has it")
			return nil
		})
		green.Yield()
		fmt.Println("still mine")
		l.Unlock()
		l.Unlock()
		return other.Join()
	})
	// Output:
	// still mine
	// other has it
}

// gevent's worker-pool pattern: workers take tasks from a JoinableQueue and
// mark each done; Join returns once every task has been processed.
func ExampleJoinableQueue() {
	h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{})})
	defer h.Close()
	h.Run(func() error {
		var tasks green.JoinableQueue[int]
		var workers green.Group
		total := 0
		for w := 0; w < 3; w++ {
			workers.Spawn(func() error {
				for {
					n, err := tasks.Get()
					if err != nil {
						return err
					}
					green.Sleep(time.Duration(n) * time.Second)
					total += n
					tasks.TaskDone()
				}
			})
		}
		start := h.Now()
		for n := 1; n <= 6; n++ {
			tasks.Put(n)
		}
		tasks.Join()
		fmt.Println("total", total, "after", h.Now().Sub(start))
		workers.Kill()
		return nil
	})
	// Output:
	// total 21 after 9s
}
