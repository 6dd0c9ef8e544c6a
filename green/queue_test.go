package green_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// putGetter is what the four queues and Channel share.
type putGetter interface {
	Put(int) error
	TryPut(int) error
	PutTimeout(int, time.Duration) error
	Get() (int, error)
	TryGet() (int, error)
	GetTimeout(time.Duration) (int, error)
}

// intQueue is what the queue tests need from every queue type.
type intQueue interface {
	putGetter
	Peek() (int, error)
	Len() int
	Empty() bool
	Full() bool
	Maxsize() int
}

var (
	_ intQueue = (*green.Queue[int])(nil)
	_ intQueue = (*green.LifoQueue[int])(nil)
	_ intQueue = (*green.PriorityQueue[int])(nil)
	_ intQueue = (*green.JoinableQueue[int])(nil)
)

// queueKinds makes each queue type with a capacity (<= 0: unbounded).
var queueKinds = []struct {
	name string
	make func(maxsize int) intQueue
}{
	{"Queue", func(n int) intQueue { return green.NewQueue[int](n) }},
	{"LifoQueue", func(n int) intQueue { return green.NewLifoQueue[int](n) }},
	{"PriorityQueue", func(n int) intQueue { return green.NewPriorityQueue[int](n) }},
	{"JoinableQueue", func(n int) intQueue { return green.NewJoinableQueue[int](n) }},
}

func TestQueue_Order(t *testing.T) {
	in := []int{5, 1, 4, 2, 3}
	tests := []struct {
		name string
		q    intQueue
		want []int
	}{
		{"zero Queue", new(green.Queue[int]), []int{5, 1, 4, 2, 3}},
		{"zero LifoQueue", new(green.LifoQueue[int]), []int{3, 2, 4, 1, 5}},
		{"zero PriorityQueue", new(green.PriorityQueue[int]), []int{1, 2, 3, 4, 5}},
		{"zero JoinableQueue", new(green.JoinableQueue[int]), []int{5, 1, 4, 2, 3}},
		{"PriorityQueueFunc greatest first", green.NewPriorityQueueFunc(0, func(a, b int) bool { return a > b }), []int{5, 4, 3, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				for _, v := range in {
					if err := tt.q.Put(v); err != nil {
						return err
					}
				}
				if tt.q.Len() != len(in) {
					t.Errorf("Len() = %d, want %d", tt.q.Len(), len(in))
				}
				if v, err := tt.q.Peek(); err != nil || v != tt.want[0] {
					t.Errorf("Peek() = %d, %v; want %d", v, err, tt.want[0])
				}
				var got []int
				for range in {
					v, err := tt.q.Get()
					if err != nil {
						return err
					}
					got = append(got, v)
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
				if !tt.q.Empty() {
					t.Errorf("not Empty() after taking everything")
				}
				return nil
			})
		})
	}
}

func TestQueue_NonBlockingErrors(t *testing.T) {
	for _, k := range queueKinds {
		t.Run(k.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				q := k.make(2)
				if _, err := q.TryGet(); !errors.Is(err, green.ErrEmpty) {
					t.Errorf("TryGet on empty = %v, want ErrEmpty", err)
				}
				if _, err := q.Peek(); !errors.Is(err, green.ErrEmpty) {
					t.Errorf("Peek on empty = %v, want ErrEmpty", err)
				}
				for i := 0; i < 2; i++ {
					if err := q.TryPut(i); err != nil {
						t.Errorf("TryPut %d = %v", i, err)
					}
				}
				if !q.Full() || q.Maxsize() != 2 {
					t.Errorf("Full() = %v, Maxsize() = %d; want true, 2", q.Full(), q.Maxsize())
				}
				if err := q.TryPut(9); !errors.Is(err, green.ErrFull) {
					t.Errorf("TryPut on full = %v, want ErrFull", err)
				}
				if q.Len() != 2 {
					t.Errorf("Len() = %d after a failed TryPut, want 2", q.Len())
				}
				return nil
			})
		})
	}
}

func TestQueue_Timeouts(t *testing.T) {
	tests := []struct {
		name     string
		d        time.Duration
		sentinel error
		op       func(q intQueue, d time.Duration) error
	}{
		{"GetTimeout on empty", time.Second, green.ErrEmpty, func(q intQueue, d time.Duration) error {
			_, err := q.GetTimeout(d)
			return err
		}},
		{"GetTimeout(0) on empty", 0, green.ErrEmpty, func(q intQueue, d time.Duration) error {
			_, err := q.GetTimeout(d)
			return err
		}},
		{"PutTimeout on full", time.Minute, green.ErrFull, func(q intQueue, d time.Duration) error {
			if err := q.Put(1); err != nil {
				return err
			}
			return q.PutTimeout(2, d)
		}},
	}
	for _, k := range queueKinds {
		for _, tt := range tests {
			t.Run(k.name+"/"+tt.name, func(t *testing.T) {
				h := sqHub(t)
				sqRun(t, h, func() error {
					q := k.make(1)
					start := h.Now()
					err := tt.op(q, tt.d)
					if !errors.Is(err, tt.sentinel) || !errors.Is(err, green.ErrTimeout) {
						t.Errorf("err = %v, want one matching %v and ErrTimeout", err, tt.sentinel)
					}
					if took := h.Now().Sub(start); took != tt.d {
						t.Errorf("gave up after %v, want %v", took, tt.d)
					}
					// The timed-out waiter must be gone: a value put now
					// stays in the queue.
					for q.Len() > 0 {
						q.TryGet()
					}
					if err := q.TryPut(7); err != nil {
						return err
					}
					if q.Len() != 1 {
						t.Errorf("Len() = %d, want 1: a timed-out getter took the value", q.Len())
					}
					return nil
				})
			})
		}
	}
}

func TestQueue_EnclosingTimeoutIsNotEmpty(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var q green.Queue[int]
		var getErr error
		err := green.WithTimeout(time.Second, func() error {
			_, getErr = q.Get()
			return getErr
		})
		if !errors.Is(err, green.ErrTimeout) || errors.Is(getErr, green.ErrEmpty) {
			t.Errorf("Get under WithTimeout: %v; want ErrTimeout, not ErrEmpty (that is GetTimeout's)", getErr)
		}
		return nil
	})
}

// gevent's surprise, kept: a Put that wakes a waiting getter does not switch
// to it; the getter runs once the putter yields.
func TestQueue_PutDoesNotSwitchToGetter(t *testing.T) {
	for _, k := range queueKinds {
		t.Run(k.name, func(t *testing.T) {
			h := sqHub(t)
			var log sqLog
			sqRun(t, h, func() error {
				q := k.make(0)
				getter := h.Spawn(func() error {
					for i := 0; i < 3; i++ {
						v, err := q.Get()
						if err != nil {
							return err
						}
						log.add("got%d", v)
					}
					return nil
				})
				green.Yield() // the getter parks in Get
				for i := 1; i <= 3; i++ {
					if err := q.Put(i); err != nil {
						return err
					}
					log.add("put%d", i)
				}
				log.add("yield")
				green.Yield()
				return getter.Join()
			})
			want := map[string]string{
				"Queue":         "put1 put2 put3 yield got1 got2 got3",
				"LifoQueue":     "put1 put2 put3 yield got1 got3 got2",
				"PriorityQueue": "put1 put2 put3 yield got1 got2 got3",
				"JoinableQueue": "put1 put2 put3 yield got1 got2 got3",
			}[k.name]
			if log.String() != want {
				t.Errorf("log = %q, want %q", log, want)
			}
		})
	}
}

func TestQueue_PutWaitsForRoom(t *testing.T) {
	for _, k := range queueKinds {
		t.Run(k.name, func(t *testing.T) {
			h := sqHub(t)
			var log sqLog
			sqRun(t, h, func() error {
				q := k.make(1)
				putter := h.Spawn(func() error {
					for i := 1; i <= 3; i++ {
						if err := q.Put(i); err != nil {
							return err
						}
						log.add("put%d@%v", i, h.Now().Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
					}
					return nil
				})
				for i := 0; i < 3; i++ {
					green.Sleep(time.Second)
					v, err := q.Get()
					if err != nil {
						return err
					}
					log.add("got%d", v)
				}
				return putter.Join()
			})
			if want := "put1@0s got1 put2@1s got2 put3@2s got3"; log.String() != want {
				t.Errorf("log = %q, want %q", log, want)
			}
		})
	}
}

func TestQueue_KilledWaitersLeaveCleanly(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, h *green.Hub, q *green.Queue[int])
	}{
		{"getter", func(t *testing.T, h *green.Hub, q *green.Queue[int]) {
			g := h.Spawn(func() error { _, err := q.Get(); return err })
			green.Yield()
			g.Kill()
			if err := q.Put(1); err != nil {
				t.Fatal(err)
			}
			if q.Len() != 1 {
				t.Errorf("Len() = %d, want 1: the value went to the killed getter", q.Len())
			}
		}},
		{"putter", func(t *testing.T, h *green.Hub, q *green.Queue[int]) {
			if err := q.Put(1); err != nil {
				t.Fatal(err)
			}
			g := h.Spawn(func() error { return q.Put(2) })
			green.Yield()
			g.Kill()
			for _, want := range []int{1} {
				if v, err := q.TryGet(); err != nil || v != want {
					t.Errorf("TryGet = %d, %v; want %d", v, err, want)
				}
			}
			if v, err := q.TryGet(); !errors.Is(err, green.ErrEmpty) {
				t.Errorf("TryGet = %d, %v; want ErrEmpty: the killed putter's value went in", v, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				tt.run(t, h, green.NewQueue[int](1))
				return nil
			})
		})
	}
}

// A kill that lands after a Put handed a value to a parked getter, before
// the getter ran, must not lose the value: Get returns it and the kill comes
// at the getter's next wait.
func TestQueue_KillAfterHandoffKeepsValue(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		var q green.Queue[int]
		g := h.Spawn(func() error {
			v, err := q.Get()
			log.add("got%d err=%v", v, err)
			_, err = q.Get() // the kill lands here
			log.add("second Get returned %v", err)
			return nil
		})
		green.Yield()
		if err := q.Put(42); err != nil {
			return err
		}
		g.Kill()
		if !g.Killed() {
			t.Errorf("getter not killed")
		}
		return nil
	})
	if want := "got42 err=<nil>"; log.String() != want {
		t.Errorf("log = %q, want %q", log, want)
	}
}

func TestQueue_DeadlockIsReported(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var q green.Queue[int]
		_, err := q.Get()
		if !errors.Is(err, green.ErrDeadlock) || !strings.Contains(err.Error(), "Queue.Get") {
			t.Errorf("Get with nothing else alive = %v, want ErrDeadlock naming Queue.Get", err)
		}
		return nil
	})
}

func TestQueue_OutsideGoroutines(t *testing.T) {
	h := sqHub(t)
	q := green.NewQueue[int](2).Bind(h) // small: outside putters wait too
	const producers, each = 3, 20
	var wg sync.WaitGroup
	sum := 0
	// The hub cannot see outside goroutines that have not called yet: the
	// hold keeps it from jumping virtual time or declaring a deadlock
	// until they are done.
	release := h.Hold()
	sqRun(t, h, func() error {
		for p := 0; p < producers; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 1; i <= each; i++ {
					if err := q.Put(i); err != nil {
						t.Errorf("outside Put: %v", err)
						return
					}
				}
			}()
		}
		go func() { wg.Wait(); release() }()
		for n := 0; n < producers*each; n++ {
			v, err := q.Get()
			if err != nil {
				return err
			}
			sum += v
		}
		return nil
	})
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	sqWait(t, done, "outside producers")
	if want := producers * each * (each + 1) / 2; sum != want {
		t.Errorf("sum = %d, want %d", sum, want)
	}
	// And an outside getter, with the hub otherwise idle.
	if err := q.TryPut(5); err != nil {
		t.Fatal(err)
	}
	if v, err := q.Get(); err != nil || v != 5 {
		t.Errorf("outside Get = %d, %v; want 5", v, err)
	}
}

func TestJoinableQueue_JoinWaitsForTaskDone(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		var q green.JoinableQueue[int]
		for i := 1; i <= 3; i++ {
			if err := q.Put(i); err != nil {
				return err
			}
		}
		h.Spawn(func() error {
			for {
				v, err := q.Get()
				if err != nil {
					return nil // killed at the end
				}
				green.Sleep(time.Second)
				log.add("done%d", v)
				q.TaskDone()
			}
		})
		if err := q.JoinTimeout(2 * time.Second); !errors.Is(err, green.ErrTimeout) {
			t.Errorf("JoinTimeout(2s) = %v, want ErrTimeout with a task left", err)
		}
		// At 2s item 2 is being processed (its Sleep falls due after the
		// timeout, armed later) and item 3 waits.
		if q.Unfinished() != 2 {
			t.Errorf("Unfinished() = %d, want 2", q.Unfinished())
		}
		if err := q.Join(); err != nil {
			return err
		}
		log.add("joined")
		if msg := sqPanicMessage(q.TaskDone); !strings.HasPrefix(msg, "green: ") {
			t.Errorf("extra TaskDone: panic %q, want a \"green: \" panic", msg)
		}
		return nil
	})
	if want := "done1 done2 done3 joined"; log.String() != want {
		t.Errorf("log = %q, want %q", log, want)
	}
}

func TestPriorityQueue_ZeroValueOfUnorderedTypePanics(t *testing.T) {
	type point struct{ x, y int }
	h := sqHub(t)
	sqRun(t, h, func() error {
		var q green.PriorityQueue[point]
		msg := sqPanicMessage(func() { q.Put(point{0, 0}) })
		if !strings.Contains(msg, "NewPriorityQueueFunc") {
			t.Errorf("panic %q, want one pointing to NewPriorityQueueFunc", msg)
		}
		return nil
	})
}

func TestQueue_CloseEndsOutsideWaiter(t *testing.T) {
	h := green.New(green.Options{MaxBlockingTime: -1})
	q := new(green.Queue[int]).Bind(h)
	h.Spawn(func() error { green.Sleep(time.Hour); return nil }) // keeps the hub busy
	errc := make(chan error, 1)
	go func() {
		_, err := q.Get()
		errc <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.Stats().Parked < 2 { // the sleeper and the outside Get
		if time.Now().After(deadline) {
			t.Fatal("the outside Get did not park within 5s")
		}
		runtime.Gosched()
	}
	h.Close()
	if err := sqWait(t, errc, "outside Get to end"); !errors.Is(err, green.ErrClosed) {
		t.Errorf("outside Get on a closing hub = %v, want ErrClosed", err)
	}
}
