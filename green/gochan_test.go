package green_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// Recv of a Go channel lets the other greenlets run while it waits: the
// producer sends each value only once a ticker greenlet has run, which it
// could not if Recv held the hub.
func TestRecv_FromPlainGoroutine(t *testing.T) {
	h := newHub(t, green.Options{})
	ch := make(chan int)
	tick := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		for i := 1; i <= 3; i++ {
			select {
			case <-tick:
			case <-time.After(5 * time.Second):
				t.Errorf("no other greenlet ran while Recv waited for value %d", i)
				return
			}
			ch <- i
		}
	}()
	err := run(t, h, func() error {
		ticker := h.Spawn(func() error {
			for {
				select {
				case tick <- struct{}{}:
				default:
				}
				green.Sleep(time.Millisecond)
			}
		})
		defer ticker.Kill()
		sum := 0
		for {
			v, ok, err := green.Recv(ch)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			sum += v
		}
		if sum != 6 {
			t.Errorf("sum %d, want 6", sum)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSend_AndSelect(t *testing.T) {
	h := newHub(t, green.Options{})
	in := make(chan string)
	out := make(chan string, 1)
	go func() { out <- "from " + <-in }()
	err := run(t, h, func() error {
		if err := green.Send(in, "greenlet"); err != nil {
			return err
		}
		other := make(chan int)
		i, v, ok, err := green.Select(
			reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(other)},
			reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(out)},
		)
		if err != nil || i != 1 || !ok || v.String() != "from greenlet" {
			t.Errorf("Select = %d %v %v %v", i, v, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecv_Timeout(t *testing.T) {
	h := newHub(t, green.Options{})
	ch := make(chan int)
	err := run(t, h, func() error {
		err := green.WithTimeout(10*time.Millisecond, func() error {
			_, _, err := green.Recv(ch)
			return err
		})
		if !errors.Is(err, green.ErrTimeout) {
			t.Errorf("Recv = %v, want ErrTimeout", err)
		}
		if s := h.Stats(); s.InFlight != 0 {
			t.Errorf("InFlight = %d after the wait ended", s.InFlight)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
