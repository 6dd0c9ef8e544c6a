//go:build (amd64 || arm64) && go1.26 && !go1.27

package green

// The hand-off (handoff.go) must tell, from another goroutine, whether a
// greenlet that holds the hub is waiting on something the hub cannot see
// (a Go channel, a mutex, a sleep, a system call) and where. Go offers no
// API for another goroutine's state, so this file reads the runtime's own
// record of the goroutine (runtime.g, whose address getg returns) at the
// offsets of Go 1.26's layout, and walks its frame pointers the way the
// runtime's execution tracer does (runtime.traceStack). Reads go through
// peekWord (assembly), so neither the race detector nor checkptr sees them.
//
// Nothing here writes, and every read is checked: rtSelfTest verifies the
// offsets against goroutines in known states when the first hub starts,
// and on any mismatch the hand-off reports itself unavailable (Stats.Handoff)
// and the hub keeps gevent's behaviour: held, reported by the monitor.
// Other Go versions build handoff_rt_other.go instead.

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Offsets in runtime.g (runtime/runtime2.go, Go 1.26, 64-bit).
const (
	offStackLo    = 0   // stack.lo
	offStackHi    = 8   // stack.hi
	offSchedPC    = 64  // sched.pc: where a parked goroutine will resume
	offSchedBP    = 96  // sched.bp: its frame pointer then
	offSyscallSP  = 104 // non-zero while in a system call
	offSyscallPC  = 112 //
	offSyscallBP  = 120 //
	offStatus     = 144 // atomicstatus (uint32)
	offGoid       = 152 // goid
	offWaitReason = 176 // waitreason (uint8)
)

// Goroutine states and wait reasons (runtime/runtime2.go, Go 1.26).
const (
	gRunning = 2
	gSyscall = 3
	gWaiting = 4
	gScanBit = 0x1000
)

// foreignReasons are the wait reasons of waits the hub cannot see: the
// ones user and library code reach through Go's channels, sync, time and
// the network poller. Coroutine switches (the hub's own), GC assists and
// preemption are not among them.
var foreignReasons = map[uint8]string{
	2:  "IO wait",
	13: "semacquire",
	14: "sleep",
	15: "chan receive (nil chan)",
	16: "chan send (nil chan)",
	17: "select (no cases)",
	18: "select",
	19: "chan receive",
	20: "chan send",
	21: "sync.Cond.Wait",
	22: "sync.Mutex.Lock",
	23: "sync.RWMutex.RLock",
	24: "sync.RWMutex.Lock",
	25: "sync.WaitGroup.Wait",
	42: "chan receive (durable)",
	43: "chan send (durable)",
	44: "select (durable)",
	45: "sync.WaitGroup.Wait (durable)",
}

// gsnap is what the runtime says of a goroutine at one moment.
type gsnap struct {
	status uint32
	reason uint8
	pc, bp uintptr // where it stopped: sched, or syscall while in one
	lo, hi uintptr // its stack
}

// readG reads the runtime's record of the goroutine whose g is at gp.
func readG(gp uintptr) gsnap {
	if gp == 0 { // a worker whose body has not run yet
		return gsnap{}
	}
	s := gsnap{
		status: uint32(peekWord(gp+offStatus)) &^ gScanBit,
		reason: uint8(peekWord(gp + offWaitReason)),
		lo:     peekWord(gp + offStackLo),
		hi:     peekWord(gp + offStackHi),
	}
	if peekWord(gp+offSyscallSP) != 0 {
		s.pc, s.bp = peekWord(gp+offSyscallPC), peekWord(gp+offSyscallBP)
	} else {
		s.pc, s.bp = peekWord(gp+offSchedPC), peekWord(gp+offSchedBP)
	}
	return s
}

// foreign returns the name of the wait s is in, if the hub cannot see it.
func (s gsnap) foreign() (string, bool) {
	switch s.status {
	case gSyscall:
		return "syscall", true
	case gWaiting:
		r, ok := foreignReasons[s.reason]
		return r, ok
	}
	return "", false
}

// same reports whether s and t describe the same stop: a goroutine seen
// twice with the same snapshot did not run in between, or stopped again at
// the same place with the same frames (which is as good).
func (s gsnap) same(t gsnap) bool { return s == t }

// maxWalk bounds a frame walk.
const maxWalk = 64

// walk returns the return PCs of the stopped goroutine s, innermost first,
// following saved frame pointers within its stack; the caller checks with a
// second readG that it did not move meanwhile.
func (s gsnap) walk() []uintptr {
	pcs := make([]uintptr, 0, 16)
	pcs = append(pcs, s.pc)
	for fp := s.bp; fp >= s.lo && fp+16 <= s.hi && fp%8 == 0 && len(pcs) < maxWalk; {
		pc := peekWord(fp + 8)
		if pc == 0 {
			break
		}
		pcs = append(pcs, pc)
		next := peekWord(fp)
		if next <= fp {
			break
		}
		fp = next
	}
	return pcs
}

var (
	rtOnce sync.Once
	rtErr  error
)

// rtAvailable runs the self-test once and returns its verdict.
func rtAvailable() error {
	rtOnce.Do(func() { rtErr = rtSelfTest() })
	return rtErr
}

// rtSelfTest checks the offsets against goroutines in known states: the
// calling goroutine (running, with a goid that runtime.Stack prints), one
// parked in a channel receive and one in sync.Mutex.Lock inside
// handoffProbe, which a frame walk must find.
func rtSelfTest() error {
	self := getg()
	if st := uint32(peekWord(self+offStatus)) &^ gScanBit; st != gRunning {
		return fmt.Errorf("status of the running goroutine reads %d, not %d", st, gRunning)
	}
	if id, want := uint64(peekWord(self+offGoid)), goid(); id != want {
		return fmt.Errorf("goid reads %d, not %d", id, want)
	}
	for _, p := range []struct {
		reason uint8
		park   func(ready chan<- uintptr, release <-chan struct{})
	}{
		{19, func(ready chan<- uintptr, release <-chan struct{}) { handoffProbe(ready, release, nil) }},
		{22, func(ready chan<- uintptr, release <-chan struct{}) {
			var mu sync.Mutex
			mu.Lock()
			go func() { <-release; mu.Unlock() }()
			handoffProbe(ready, nil, &mu)
		}},
	} {
		if err := probe(p.reason, p.park); err != nil {
			return err
		}
	}
	return nil
}

// probe parks a goroutine with park and checks what readG and walk say.
func probe(reason uint8, park func(ready chan<- uintptr, release <-chan struct{})) error {
	ready := make(chan uintptr, 1)
	release := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); park(ready, release) }()
	gp := <-ready
	defer func() { close(release); <-done }()
	var s gsnap
	for start := time.Now(); ; {
		// The probe is about to park: wait for the runtime to say so.
		if s = readG(gp); s.status == gWaiting && s.reason == reason {
			break
		}
		if time.Since(start) > time.Second {
			return fmt.Errorf("a goroutine parked in wait reason %d reads status %d, reason %d", reason, s.status, s.reason)
		}
		runtime.Gosched()
	}
	pcs := s.walk()
	if !readG(gp).same(s) {
		return errors.New("a parked goroutine moved during the self-test")
	}
	fs := runtime.CallersFrames(pcs)
	for {
		f, more := fs.Next()
		if strings.HasSuffix(f.Function, ".handoffProbe") {
			return nil
		}
		if !more {
			return fmt.Errorf("the frame walk of a parked goroutine did not find its frames (wait reason %d)", reason)
		}
	}
}

// handoffProbe parks its goroutine in a receive from release, or in
// mu.Lock, after telling the self-test who it is.
//
//go:noinline
func handoffProbe(ready chan<- uintptr, release <-chan struct{}, mu *sync.Mutex) {
	ready <- getg()
	if mu != nil {
		mu.Lock()
		mu.Unlock()
		return
	}
	<-release
}

// goid returns the calling goroutine's id, from its stack header.
func goid() uint64 {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s, _ = strings.CutPrefix(s, "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	id, _ := strconv.ParseUint(s, 10, 64)
	return id
}
