package green_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestThreadPool_ApplyLetsOthersRun(t *testing.T) {
	h := newHub(t, green.Options{})
	err := run(t, h, func() error {
		var ticks atomic.Int32
		ticker := h.Spawn(func() error {
			for {
				green.Sleep(time.Millisecond)
				ticks.Add(1)
			}
		})
		// The job blocks natively until the other greenlet has run twice:
		// if Apply held the hub, it would not, and the job would give up.
		v, err := h.ThreadPool().Apply(func() (any, error) {
			for guard := time.Now().Add(4 * time.Second); ticks.Load() < 2 && time.Now().Before(guard); {
				time.Sleep(time.Millisecond) // native blocking
			}
			return "done", nil
		})
		ticker.Kill()
		if v != "done" || err != nil {
			t.Errorf("Apply = %v, %v", v, err)
		}
		if n := ticks.Load(); n < 2 {
			t.Errorf("other greenlets ran %d times in 4s while the job blocked", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestThreadPool_BoundsConcurrency(t *testing.T) {
	h := newHub(t, green.Options{ThreadPoolSize: 3})
	if h.ThreadPool().Size() != 3 {
		t.Fatalf("Size = %d", h.ThreadPool().Size())
	}
	var running, peak atomic.Int32
	err := run(t, h, func() error {
		out, err := h.ThreadPool().Map(10, func(i int) (any, error) {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			// Wait until three jobs have run at once (a loaded machine
			// could otherwise run them one after another), then overlap
			// the next ones for a while: a pool that ran more at once
			// would show it.
			for guard := time.Now().Add(4 * time.Second); peak.Load() < 3 && time.Now().Before(guard); {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			return i * i, nil
		})
		if err != nil {
			return err
		}
		for i, v := range out {
			if v != i*i {
				t.Errorf("out[%d] = %v", i, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want 3", p)
	}
}

func TestThreadPool_SpawnAndErrors(t *testing.T) {
	h := newHub(t, green.Options{})
	if h.ThreadPool().Size() != green.DefaultThreadPoolSize {
		t.Errorf("default size %d", h.ThreadPool().Size())
	}
	boom := errors.New("boom")
	err := run(t, h, func() error {
		r := h.ThreadPool().Spawn(func() (any, error) { return nil, boom })
		if _, err := r.Get(); err != boom {
			t.Errorf("Get = %v", err)
		}
		_, err := h.ThreadPool().Apply(func() (any, error) { panic("bad") })
		var pe *green.PanicError
		if !errors.As(err, &pe) || pe.Value != "bad" {
			t.Errorf("panic in a job: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestThreadPool_VirtualTimeWaitsForJobs(t *testing.T) {
	h := virtualHub(t)
	err := run(t, h, func() error {
		start := h.Now()
		sleeper := h.Spawn(func() error { green.Sleep(time.Hour); return nil })
		_, err := h.ThreadPool().Apply(func() (any, error) { time.Sleep(10 * time.Millisecond); return nil, nil })
		if d := h.Now().Sub(start); d != 0 {
			t.Errorf("virtual time moved %v while a job was in flight", d)
		}
		sleeper.Kill()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
