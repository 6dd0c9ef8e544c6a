package green_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestCondition_WaitNotify(t *testing.T) {
	tests := []struct {
		name string
		c    func() *green.Condition
	}{
		{"zero value (own RLock)", func() *green.Condition { return new(green.Condition) }},
		{"green Lock", func() *green.Condition { return green.NewCondition(new(green.Lock)) }},
		{"green RLock", func() *green.Condition { return green.NewCondition(new(green.RLock)) }},
		{"sync.Mutex", func() *green.Condition { return green.NewCondition(new(sync.Mutex)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			var got []int
			sqRun(t, h, func() error {
				c := tt.c()
				var items []int // guarded by c's lock
				consumer := h.Spawn(func() error {
					c.Lock()
					defer c.Unlock()
					for len(got) < 3 {
						for len(items) == 0 {
							c.Wait()
						}
						got = append(got, items[0])
						items = items[1:]
					}
					return nil
				})
				for i := 1; i <= 3; i++ {
					green.Sleep(time.Second)
					c.Lock()
					items = append(items, i)
					c.Notify(1)
					c.Unlock()
				}
				return consumer.Join()
			})
			if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
				t.Errorf("consumer got %v, want [1 2 3]", got)
			}
		})
	}
}

func TestCondition_NotifyCounts(t *testing.T) {
	tests := []struct {
		name   string
		notify func(c *green.Condition)
		woken  int
	}{
		{"Notify(1)", func(c *green.Condition) { c.Notify(1) }, 1},
		{"Notify(2)", func(c *green.Condition) { c.Notify(2) }, 2},
		{"NotifyAll", func(c *green.Condition) { c.NotifyAll() }, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			woken := 0
			sqRun(t, h, func() error {
				var c green.Condition
				for i := 0; i < 4; i++ {
					h.Spawn(func() error {
						c.Lock()
						defer c.Unlock()
						if err := c.WaitTimeout(time.Hour); err == nil {
							woken++
						}
						return nil
					})
				}
				green.Yield() // all four wait
				c.Lock()
				tt.notify(&c)
				c.Unlock()
				green.Sleep(time.Minute) // the woken ones run; the others still wait
				return nil
			})
			if woken != tt.woken {
				t.Errorf("%d waiters woken, want %d", woken, tt.woken)
			}
		})
	}
}

func TestCondition_WaitTimeoutHoldsLockAgain(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var l green.RLock
		c := green.NewCondition(&l)
		l.Lock()
		l.Lock() // two levels: Wait releases and restores both
		other := h.Spawn(func() error {
			if !l.TryLock() {
				t.Errorf("the waiter's lock was not released during Wait")
				return nil
			}
			l.Unlock()
			return nil
		})
		start := h.Now()
		err := c.WaitTimeout(time.Second)
		if !errors.Is(err, green.ErrTimeout) {
			t.Errorf("WaitTimeout = %v, want ErrTimeout", err)
		}
		if took := h.Now().Sub(start); took != time.Second {
			t.Errorf("WaitTimeout returned after %v, want 1s", took)
		}
		l.Unlock()
		l.Unlock() // panics if Wait did not restore both levels
		if l.Locked() {
			t.Errorf("still locked after two Unlocks")
		}
		return other.Join()
	})
}

func TestCondition_KillTakesLockBackBeforeUnwinding(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var l green.Lock
		c := green.NewCondition(&l)
		heldAtUnwind := false
		w := h.Spawn(func() error {
			c.Lock()
			defer c.Unlock() // panics if the lock was not taken back
			defer func() { heldAtUnwind = l.Locked() }()
			c.Wait()
			return nil
		})
		green.Yield()
		if l.Locked() {
			t.Errorf("lock held while the waiter waits")
		}
		w.Kill()
		if !w.Killed() || w.Err() != nil {
			t.Errorf("waiter: killed %v, err %v; want killed with no error", w.Killed(), w.Err())
		}
		if !heldAtUnwind {
			t.Errorf("the lock was not held again when the waiter unwound")
		}
		if l.Locked() {
			t.Errorf("lock still held after the waiter's deferred Unlock")
		}
		return nil
	})
}

func TestCondition_OutsideGoroutineWaits(t *testing.T) {
	h := sqHub(t)
	c := new(green.Condition).Bind(h)
	ready := false // guarded by c's lock
	done := make(chan bool, 1)
	sqRun(t, h, func() error {
		go func() {
			c.Lock()
			for !ready {
				c.Wait()
			}
			c.Unlock()
			done <- true
		}()
		for h.Stats().Parked == 0 { // until the outside goroutine waits
			green.Sleep(time.Millisecond)
		}
		c.Lock()
		ready = true
		c.NotifyAll()
		c.Unlock()
		return nil
	})
	sqWait(t, done, "outside Wait")
}
