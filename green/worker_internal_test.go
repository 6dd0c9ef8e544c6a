package green

import "testing"

// A worker's gid is 0 until its coroutine first runs, and the monitor or
// Info may look at it then (the hub has made it current and not yet
// switched): readG must take 0 as a goroutine that is not waiting, not
// read memory at address 0.
func TestReadG_ZeroIsNotWaiting(t *testing.T) {
	s := readG(0)
	if w, ok := s.foreign(); ok {
		t.Fatalf("readG(0).foreign() = %q, true", w)
	}
	w := newWorker()
	defer w.stop()
	if gid := w.gid.Load(); gid != 0 {
		t.Fatalf("a new worker's gid is %#x before it ran", gid)
	}
}
