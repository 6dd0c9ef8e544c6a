package green_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestRecv_FromPlainGoroutine(t *testing.T) {
	h := newHub(t, green.Options{MaxBlockingTime: 50 * time.Millisecond, OnBlocked: func(b green.Blocked) {
		t.Errorf("monitor reported %s", b.Name)
	}})
	ch := make(chan int)
	go func() {
		for i := 1; i <= 3; i++ {
			time.Sleep(80 * time.Millisecond)
			ch <- i
		}
		close(ch)
	}()
	err := run(t, h, func() error {
		ticks := 0
		ticker := h.Spawn(func() error {
			for {
				green.Sleep(time.Millisecond)
				ticks++
			}
		})
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
		ticker.Kill()
		if sum != 6 || ticks == 0 {
			t.Errorf("sum %d, ticks %d", sum, ticks)
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
