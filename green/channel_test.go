package green_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestChannel_PutWaitsForGetter(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		var ch green.Channel[string]
		putter := h.Spawn(func() error {
			log.add("put")
			if err := ch.Put("x"); err != nil {
				return err
			}
			log.add("put returned@%v", h.Now().Second())
			return nil
		})
		green.Sleep(3 * time.Second)
		if b := ch.Balance(); b != 1 {
			t.Errorf("Balance() = %d with one putter waiting, want 1", b)
		}
		v, err := ch.Get()
		log.add("got %s@%v", v, h.Now().Second())
		if err != nil {
			return err
		}
		return putter.Join()
	})
	if want := "put got x@3 put returned@3"; log.String() != want {
		t.Errorf("log = %q, want %q", log, want)
	}
}

func TestChannel_GetWaitsForPutterWithoutSwitching(t *testing.T) {
	h := sqHub(t)
	var log sqLog
	sqRun(t, h, func() error {
		var ch green.Channel[int]
		getter := h.Spawn(func() error {
			for i := 0; i < 2; i++ {
				v, err := ch.Get()
				if err != nil {
					return err
				}
				log.add("got%d", v)
			}
			return nil
		})
		green.Yield()
		if b := ch.Balance(); b != -1 {
			t.Errorf("Balance() = %d with one getter waiting, want -1", b)
		}
		if err := ch.Put(1); err != nil { // a getter waits: no wait, no switch
			return err
		}
		log.add("put1")
		if err := ch.Put(2); err != nil { // none waits yet: waits for the getter
			return err
		}
		log.add("put2")
		return getter.Join()
	})
	if want := "put1 got1 got2 put2"; log.String() != want {
		t.Errorf("log = %q, want %q", log, want)
	}
}

func TestChannel_NonBlockingAndTimeouts(t *testing.T) {
	tests := []struct {
		name     string
		sentinel error
		timeout  bool
		op       func(ch *green.Channel[int]) error
	}{
		{"TryPut with no getter", green.ErrFull, false, func(ch *green.Channel[int]) error { return ch.TryPut(1) }},
		{"TryGet with no putter", green.ErrEmpty, false, func(ch *green.Channel[int]) error { _, err := ch.TryGet(); return err }},
		{"PutTimeout", green.ErrFull, true, func(ch *green.Channel[int]) error { return ch.PutTimeout(1, time.Second) }},
		{"GetTimeout", green.ErrEmpty, true, func(ch *green.Channel[int]) error { _, err := ch.GetTimeout(time.Second); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				var ch green.Channel[int]
				start := h.Now()
				err := tt.op(&ch)
				if !errors.Is(err, tt.sentinel) || errors.Is(err, green.ErrTimeout) != tt.timeout {
					t.Errorf("err = %v, want %v (timeout %v)", err, tt.sentinel, tt.timeout)
				}
				want := time.Duration(0)
				if tt.timeout {
					want = time.Second
				}
				if took := h.Now().Sub(start); took != want {
					t.Errorf("took %v, want %v", took, want)
				}
				if b := ch.Balance(); b != 0 {
					t.Errorf("Balance() = %d after the wait ended, want 0", b)
				}
				return nil
			})
		})
	}
}

func TestChannel_TryOpsMeetWaiters(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var ch green.Channel[int]
		var got int
		g := h.Spawn(func() error { v, err := ch.Get(); got = v; return err })
		green.Yield()
		if err := ch.TryPut(7); err != nil {
			t.Errorf("TryPut with a getter waiting = %v", err)
		}
		if err := g.Join(); err != nil || got != 7 {
			t.Errorf("getter got %d, %v; want 7", got, err)
		}
		p := h.Spawn(func() error { return ch.Put(8) })
		green.Yield()
		if v, err := ch.TryGet(); err != nil || v != 8 {
			t.Errorf("TryGet with a putter waiting = %d, %v; want 8", v, err)
		}
		return p.Join()
	})
}

func TestChannel_KilledPutterDeliversNothing(t *testing.T) {
	h := sqHub(t)
	sqRun(t, h, func() error {
		var ch green.Channel[int]
		p := h.Spawn(func() error { return ch.Put(1) })
		green.Yield()
		p.Kill()
		if _, err := ch.TryGet(); !errors.Is(err, green.ErrEmpty) {
			t.Errorf("TryGet after the putter was killed = %v, want ErrEmpty", err)
		}
		return nil
	})
}

func TestChannel_OutsideGoroutinePingPong(t *testing.T) {
	h := sqHub(t)
	ping := green.NewChannel[int]().Bind(h)
	pong := green.NewChannel[int]().Bind(h)
	const rounds = 50
	errc := make(chan error, 1)
	release := h.Hold() // the hub cannot see the goroutine between its calls
	sqRun(t, h, func() error {
		go func() {
			defer release()
			for i := 0; i < rounds; i++ {
				if err := ping.Put(i); err != nil {
					errc <- err
					return
				}
				v, err := pong.Get()
				if err != nil || v != i+1 {
					errc <- errors.New("bad pong")
					return
				}
			}
			errc <- nil
		}()
		for i := 0; i < rounds; i++ {
			v, err := ping.Get()
			if err != nil {
				return err
			}
			if err := pong.Put(v + 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err := sqWait(t, errc, "outside ping-pong"); err != nil {
		t.Fatal(err)
	}
}

// A putter whose wait ends without a getter (killed or timed out) hands its
// value node back for reuse, whatever ended the wait.
func TestChannel_EndedPutterFreesNode(t *testing.T) {
	tests := []struct {
		name string
		put  func(put func() error) func() error // the putter's body
		end  func(p *green.Greenlet)
	}{
		{"killed", func(put func() error) func() error { return put }, func(p *green.Greenlet) { p.Kill() }},
		{"timed out", func(put func() error) func() error {
			return func() error {
				err := green.WithTimeout(time.Second, put)
				if !errors.Is(err, green.ErrTimeout) {
					return fmt.Errorf("Put = %v, want ErrTimeout", err)
				}
				return nil
			}
		}, func(p *green.Greenlet) { p.Join() }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" channel", func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				var ch green.Channel[int]
				p := h.Spawn(tt.put(func() error { return ch.Put(1) }))
				green.Yield()
				tt.end(p)
				if err := p.Err(); err != nil {
					t.Error(err)
				}
				if n := green.ChannelFreeNodes(&ch); n != 1 {
					t.Errorf("free nodes = %d, want 1", n)
				}
				return nil
			})
		})
		t.Run(tt.name+" queue", func(t *testing.T) {
			h := sqHub(t)
			sqRun(t, h, func() error {
				q := green.NewQueue[int](1)
				if err := q.Put(0); err != nil {
					return err
				}
				p := h.Spawn(tt.put(func() error { return q.Put(1) }))
				green.Yield()
				tt.end(p)
				if err := p.Err(); err != nil {
					t.Error(err)
				}
				if n := green.QueueFreeNodes(q); n != 1 {
					t.Errorf("free nodes = %d, want 1", n)
				}
				return nil
			})
		})
	}
}
