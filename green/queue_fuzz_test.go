package green_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// queueModel is the obvious slice implementation of a queue of one kind,
// with the parked getters and putters a green queue would have.
type queueModel struct {
	kind    int // 0 fifo, 1 lifo, 2 priority
	max     int // <= 0: unbounded
	items   []int
	getters []int    // ids of parked getters, FIFO
	putters [][2]int // id and value of parked putters, FIFO
	got     map[int]int
}

func (m *queueModel) full() bool { return m.max > 0 && len(m.items) >= m.max }

// put adds v as the queue would: to the first parked getter if any.
func (m *queueModel) put(v int) {
	if len(m.getters) > 0 {
		m.got[m.getters[0]] = v
		m.getters = m.getters[1:]
		return
	}
	m.items = append(m.items, v)
}

// take removes the next item and lets the first parked putter in.
func (m *queueModel) take() int {
	i := 0
	switch m.kind {
	case 1:
		i = len(m.items) - 1
	case 2:
		i = slices.Index(m.items, slices.Min(m.items))
	}
	v := m.items[i]
	m.items = slices.Delete(m.items, i, i+1)
	if len(m.putters) > 0 {
		m.items = append(m.items, m.putters[0][1])
		m.putters = m.putters[1:]
	}
	return v
}

// FuzzQueue runs random operation sequences on a Queue, LifoQueue or
// PriorityQueue and on queueModel, and compares every result. Byte 0 picks
// the kind, byte 1 the capacity; then each op is one byte (and a value byte
// where it needs one). Helper greenlets that park in Get or Put exercise
// handoffs and FIFO service of waiters.
func FuzzQueue(f *testing.F) {
	f.Add([]byte{0, 2, 0, 5, 0, 6, 0, 7, 1, 1, 1})
	f.Add([]byte{1, 0, 0, 3, 0, 1, 0, 2, 2, 1, 3, 1, 1})
	f.Add([]byte{2, 3, 0, 9, 0, 1, 0, 5, 2, 1, 1, 1, 1})
	f.Add([]byte{0, 1, 6, 6, 0, 4, 0, 8, 3})
	f.Add([]byte{2, 2, 0, 4, 0, 2, 7, 9, 7, 1, 7, 3, 1, 5, 1, 3, 4, 8})
	f.Add([]byte{1, 1, 0, 1, 7, 2, 7, 3, 5, 1, 1, 1, 4, 6, 0, 9})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) < 2 {
			return
		}
		kind, max := int(ops[0]%3), int(ops[1]%5)
		ops = ops[2:]
		if len(ops) > 200 {
			ops = ops[:200]
		}
		h := green.New(green.Options{Clock: green.NewVirtualClock(time.Time{}), MaxBlockingTime: -1})
		defer h.Close()
		q := []func(int) intQueue{
			func(n int) intQueue { return green.NewQueue[int](n) },
			func(n int) intQueue { return green.NewLifoQueue[int](n) },
			func(n int) intQueue { return green.NewPriorityQueue[int](n) },
		}[kind](max)
		m := &queueModel{kind: kind, max: max, got: map[int]int{}}
		got := map[int]int{} // what each helper greenlet received
		fail := func(format string, args ...any) error { return fmt.Errorf(format, args...) }
		run := func() error {
			ids := 0
			for i := 0; i < len(ops); i++ {
				op := ops[i] % 8
				v := 0
				if op == 0 || op == 7 || op == 5 {
					if i+1 < len(ops) {
						i++
						v = int(ops[i] % 16)
					}
				}
				switch op {
				case 0: // TryPut
					err := q.TryPut(v)
					if m.full() && len(m.getters) == 0 {
						if !errors.Is(err, green.ErrFull) {
							return fail("TryPut(%d) on a full queue = %v, want ErrFull", v, err)
						}
						continue
					}
					if err != nil {
						return fail("TryPut(%d) = %v", v, err)
					}
					m.put(v)
				case 1: // TryGet
					v, err := q.TryGet()
					if len(m.items) == 0 {
						if !errors.Is(err, green.ErrEmpty) {
							return fail("TryGet on empty = %d, %v; want ErrEmpty", v, err)
						}
						continue
					}
					if want := m.take(); err != nil || v != want {
						return fail("TryGet = %d, %v; want %d", v, err, want)
					}
				case 2: // Peek, Len, Full
					if q.Len() != len(m.items) || q.Full() != m.full() || q.Empty() != (len(m.items) == 0) {
						return fail("Len %d Full %v Empty %v; model has %v (max %d)", q.Len(), q.Full(), q.Empty(), m.items, m.max)
					}
				case 3: // blocking Get, when the model says it will not wait
					if len(m.items) == 0 {
						continue
					}
					if v, err := q.Get(); err != nil || v != m.take() {
						return fail("Get = %d, %v", v, err)
					}
				case 4: // GetTimeout(0)
					v, err := q.GetTimeout(0)
					if len(m.items) == 0 {
						if !errors.Is(err, green.ErrEmpty) || !errors.Is(err, green.ErrTimeout) {
							return fail("GetTimeout(0) on empty = %v", err)
						}
						continue
					}
					if want := m.take(); err != nil || v != want {
						return fail("GetTimeout(0) = %d, %v; want %d", v, err, want)
					}
				case 5: // PutTimeout(v, 1s): waits, and times out, when full
					err := q.PutTimeout(v, time.Second)
					if m.full() && len(m.getters) == 0 {
						if !errors.Is(err, green.ErrFull) || !errors.Is(err, green.ErrTimeout) {
							return fail("PutTimeout on full = %v", err)
						}
						continue
					}
					if err != nil {
						return fail("PutTimeout(%d) = %v", v, err)
					}
					m.put(v)
				case 6: // a helper greenlet Gets (parks if empty)
					id := ids
					ids++
					h.Spawn(func() error {
						v, err := q.Get()
						if err == nil {
							got[id] = v
						}
						return nil
					})
					green.Yield() // it runs now: takes an item or parks
					if len(m.items) > 0 {
						m.got[id] = m.take()
					} else {
						m.getters = append(m.getters, id)
					}
				case 7: // a helper greenlet Puts v (parks if full)
					id := ids
					ids++
					h.Spawn(func() error { return q.Put(v) })
					green.Yield()
					if m.full() && len(m.getters) == 0 {
						m.putters = append(m.putters, [2]int{id, v})
					} else {
						m.put(v)
					}
				}
				green.Yield() // woken helpers record what they got
			}
			for id, want := range m.got {
				if v, ok := got[id]; !ok || v != want {
					return fail("helper getter %d got %d (%v), want %d", id, v, ok, want)
				}
			}
			if len(got) != len(m.got) {
				return fail("helpers got %v, model %v", got, m.got)
			}
			return nil
		}
		done := make(chan error, 1)
		go func() { done <- h.Run(run) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("kind %d max %d: %v", kind, max, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("queue fuzz run did not end within 10s")
		}
	})
}
