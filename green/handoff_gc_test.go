package green_test

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// TestHandoff_GCIsNotAForeignWait: greenlets of a virtual hub that
// allocate hard (and call runtime.GC or runtime.ReadMemStats), with outside
// goroutines doing the same, wait in the runtime's GC machinery: for a
// cycle another goroutine is starting, for the world to stop. That reads
// as a foreign wait (semacquire) and outlasts HandoffAfter, but it is not
// one the hub could hand off: nothing is detached and the run stays
// deterministic.
func TestHandoff_GCIsNotAForeignWait(t *testing.T) {
	for _, tt := range []struct {
		name string
		call func() // what the greenlets call now and then besides allocating
	}{
		{"allocation", nil},
		{"runtime.GC", runtime.GC},
		{"runtime.ReadMemStats", func() { var ms runtime.MemStats; runtime.ReadMemStats(&ms) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer debug.SetGCPercent(debug.SetGCPercent(1))
			h, reports := handoffHub(t, green.Options{Clock: green.NewVirtualClock(time.Time{})})
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() { // outside pressure: cycles started by others, stopped worlds
					defer wg.Done()
					var keep [][]byte
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if keep = append(keep, make([]byte, 64<<10)); len(keep) > 64 {
							keep = keep[:0]
						}
						if i%32 == 0 {
							runtime.GC()
						}
					}
				}()
			}
			err := run(t, h, func() error {
				var gs []*green.Greenlet
				for range 12 {
					gs = append(gs, h.Spawn(func() error {
						var keep [][]byte
						for i := range 200 {
							if keep = append(keep, make([]byte, 32<<10)); len(keep) > 32 {
								keep = keep[:0]
							}
							if tt.call != nil && i%50 == 0 {
								tt.call()
							}
							if i%10 == 0 {
								green.Yield()
							}
						}
						return nil
					}))
				}
				_, err := green.JoinAll(gs, green.JoinOptions{})
				return err
			})
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if s := h.Stats(); s.Detaches != 0 || s.Nondeterministic {
				var waits []string
				for _, r := range reports() {
					waits = append(waits, r.Wait+" at "+r.Frame+"\n"+r.Stack)
				}
				t.Errorf("%d detaches, Nondeterministic %v, of greenlets that only allocate and collect:\n%s",
					s.Detaches, s.Nondeterministic, strings.Join(waits, "\n"))
			}
		})
	}
}

// A library's semaphore is still a foreign wait: a greenlet that reads a
// pipe another goroutine is reading waits for the file's lock in
// internal/poll (semacquire, like the collector's), and is detached.
func TestHandoff_LibrarySemaphoreIsStillForeign(t *testing.T) {
	h, reports := handoffHub(t, green.Options{})
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	outside := make(chan error, 1)
	go func() {
		var b [1]byte
		_, err := r.Read(b[:]) // holds r's read lock until data comes
		outside <- err
	}()
	// Wait, bounded, until the outside reader holds the lock and waits
	// in the poller, so that the greenlet's read waits for the lock.
	for deadline := time.Now().Add(5 * time.Second); !goroutineWaits("[IO wait", "(*File).Read"); {
		if time.Now().After(deadline) {
			t.Fatal("the outside reader did not wait in the poller within 5s")
		}
		runtime.Gosched()
	}
	err = run(t, h, func() error {
		g := h.Spawn(func() error {
			var b [1]byte
			_, err := r.Read(b[:])
			return err
		})
		green.Yield() // g runs, and holds the hub until it is detached
		if _, err := w.Write([]byte("ab")); err != nil {
			return err
		}
		return g.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-outside:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the outside reader did not return within 5s")
	}
	// The main greenlet's write to the pipe is a system call the hub cannot
	// see either: on a loaded machine it may outlast HandoffAfter and be
	// reported too, which is right. The reader's wait must be reported
	// once, as the library's semaphore.
	var sema, other []green.Handoff
	for _, r := range reports() {
		if r.Wait == "syscall" {
			continue
		}
		if r.Wait == "semacquire" && strings.Contains(r.Stack, "internal/poll") {
			sema = append(sema, r)
		} else {
			other = append(other, r)
		}
	}
	if len(sema) != 1 || len(other) != 0 {
		t.Errorf("reports %+v in internal/poll's semacquire and %+v others, want one of the first and none of the second (system calls aside)", sema, other)
	}
}

// goroutineWaits reports whether some goroutine's stack header contains
// state and its stack contains frame.
func goroutineWaits(state, frame string) bool {
	for _, g := range goroutineStacks() {
		if bytes.Contains(g, []byte(state)) && bytes.Contains(g, []byte(frame)) {
			return true
		}
	}
	return false
}

// goroutineStacks returns the stack of every goroutine, each from its
// "goroutine N [...]:" header on.
func goroutineStacks() [][]byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Split(buf[:n], []byte("\n\n"))
		}
		buf = make([]byte, 2*len(buf))
	}
}

func TestRuntimeOwnWait(t *testing.T) {
	park := []string{"runtime.gopark", "runtime.goparkunlock", "runtime.semacquire1"}
	for _, tt := range []struct {
		name  string
		funcs []string
		want  bool
	}{
		{"gcStart from an allocation", append(park, "runtime.semacquire", "runtime.gcStart", "runtime.mallocgcLarge", "runtime.mallocgc", "runtime.makeslice", "main.f"), true},
		{"gcStart from runtime.GC", append(park, "runtime.semacquire", "runtime.gcStart", "runtime.GC", "main.f"), true},
		{"stop the world", append(park, "runtime.semacquire", "runtime.stopTheWorld", "runtime.ReadMemStats", "main.f"), true},
		{"GC assist", []string{"runtime.gopark", "runtime.gcParkAssist", "runtime.gcAssistAlloc", "runtime.mallocgc", "main.f"}, true},
		{"sync semaphore", append(park, "sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow", "main.f"), false},
		{"poll semaphore", append(park, "internal/poll.runtime_Semacquire", "internal/poll.(*fdMutex).rwlock", "os.(*File).Read", "main.f"), false},
		{"tracer waiting for its reader", append(park, "runtime.semacquire", "runtime.traceAdvance", "runtime.StopTrace", "main.f"), false},
		{"chan receive", []string{"runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1", "main.f"}, false},
		{"runtime function above user code", []string{"runtime.gopark", "runtime.chanrecv1", "main.f", "runtime.GC"}, false},
		{"no frames", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := green.RuntimeOwnWait(tt.funcs...); got != tt.want {
				t.Errorf("RuntimeOwnWait(%v) = %v, want %v", tt.funcs, got, tt.want)
			}
		})
	}
}
