package green_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/greenshim/greenshim/green"
)

// mailbox is a cooperative primitive built on the Waiter door: Get parks a
// greenlet (or blocks a goroutine) until Put, from anywhere, delivers.
type mailbox struct {
	mu   sync.Mutex // guards msgs and wait
	msgs []string
	wait *green.Waiter // the one waiting Get, if any
}

func (m *mailbox) Put(s string) {
	m.mu.Lock()
	m.msgs = append(m.msgs, s)
	w := m.wait
	m.wait = nil
	m.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (m *mailbox) Get(w *green.Waiter) (string, error) {
	m.mu.Lock()
	for len(m.msgs) == 0 {
		w.Reset()
		m.wait = w
		m.mu.Unlock()
		if err := w.Wait(); err != nil {
			m.mu.Lock()
			if m.wait == w {
				m.wait = nil
			}
			m.mu.Unlock()
			return "", err
		}
		m.mu.Lock()
	}
	s := m.msgs[0]
	m.msgs = m.msgs[1:]
	m.mu.Unlock()
	return s, nil
}

// A greenlet parks on a Waiter until a plain goroutine, an event source the
// hub cannot see, wakes it; a Timeout ends such a wait as it ends any
// other.
func ExampleWaiter() {
	h := green.New(green.Options{})
	defer h.Close()
	var box mailbox
	err := h.Run(func() error {
		w := &green.Waiter{What: "mailbox"}
		go box.Put("hello from a goroutine")
		s, err := box.Get(w)
		fmt.Println(s, err)

		err = green.WithTimeout(10*time.Millisecond, func() error {
			_, err := box.Get(w)
			return err
		})
		fmt.Println("nothing more:", err)
		return nil
	})
	fmt.Println("err:", err)
	// Output:
	// hello from a goroutine <nil>
	// nothing more: green: timeout after 10ms
	// err: <nil>
}
