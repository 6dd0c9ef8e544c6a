package green

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrTimeout is matched (errors.Is) by every error a Timeout produces.
	ErrTimeout = errors.New("green: timeout")
	// ErrDeadlock is matched by the error every wait returns when no
	// greenlet can ever run again; the error is a *DeadlockError.
	ErrDeadlock = errors.New("green: deadlock")
	// ErrClosed is returned by operations on a closed hub.
	ErrClosed = errors.New("green: hub closed")
	// ErrKilled stands for a killed greenlet where an error value is
	// needed (a Pool.Map result); a killed greenlet itself ends with a nil
	// Err and Killed true, and its waits unwind.
	ErrKilled = errors.New("green: greenlet killed")
	// ErrEmpty is returned by a non-blocking or timed-out Get on an empty queue.
	ErrEmpty = errors.New("green: queue empty")
	// ErrFull is returned by a non-blocking or timed-out Put on a full queue.
	ErrFull = errors.New("green: queue full")
)

// DeadlockError is returned by waits when the hub has nothing left that
// could ever wake them: no runnable greenlet, no timer, no I/O, no thread-pool
// job, native region or outside call in flight. It names every blocked
// greenlet and what it waits on.
type DeadlockError struct {
	Blocked []BlockedGreenlet
}

// BlockedGreenlet names a greenlet and the wait it is parked in.
type BlockedGreenlet struct {
	Name    string
	WaitsOn string
}

func (e *DeadlockError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "green: deadlock: no greenlet can ever run again; %d blocked:", len(e.Blocked))
	for _, g := range e.Blocked {
		fmt.Fprintf(&b, "\n\t%s waits on %s", g.Name, g.WaitsOn)
	}
	return b.String()
}

func (e *DeadlockError) Is(target error) bool { return target == ErrDeadlock }

// PanicError is a greenlet's error when its function panicked.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the panicking greenlet's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("green: greenlet panicked: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
