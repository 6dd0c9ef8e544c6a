package green

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// How a command's context, copies and WaitDelay are waited for. Each runs
// on real time, as the process does, whatever the hub's clock: a virtual
// clock stands still while a greenlet waits for a process anyway (the wait
// is outside work in flight).

// ctxWatch watches a started command's context, as exec's watchCtx: when
// the context is done before Wait has seen the exit, it calls the cancel
// function and, WaitDelay later, kills the command and closes its pipes.
type ctxWatch struct {
	stop func() bool   // context.AfterFunc's
	done chan struct{} // closed when run has returned
	err  error         // run's result, read after done
}

func watchCtx(c *cmd) *ctxWatch {
	w := &ctxWatch{done: make(chan struct{})}
	w.stop = context.AfterFunc(c.ctx, func() {
		defer close(w.done)
		w.err = w.run(c)
	})
	return w
}

// run is the watch once the context is done, on a goroutine of its own.
// Its error is what Wait reports if the command otherwise exits 0.
func (w *ctxWatch) run(c *cmd) error {
	var err error
	if c.cancel != nil {
		if ierr := c.cancel(); ierr == nil {
			// The command was interrupted: what it does from now on may
			// be due to ctx, even an exit status of 0.
			err = c.ctx.Err()
		} else if !errors.Is(ierr, os.ErrProcessDone) {
			err = fmt.Errorf("exec: canceling Cmd: %w", ierr)
		}
	}
	if c.waitDelay == 0 {
		return err
	}
	t := time.NewTimer(c.waitDelay)
	defer t.Stop()
	select {
	case <-c.exited:
		return err
	case <-t.C:
	}
	if kerr := c.Kill(); kerr != nil && !errors.Is(kerr, os.ErrProcessDone) {
		err = fmt.Errorf("exec: killing Cmd: %w", kerr)
	}
	if c.copies != nil && !c.copies.finished() {
		// A child the command left behind may hold its pipes open.
		c.closePipes()
		if err == nil {
			err = exec.ErrWaitDelay
		}
	}
	return err
}

// result stops the watch, or waits for it to have run, and returns its
// error. Wait calls it once it has seen the exit.
func (w *ctxWatch) result() error {
	if w.stop() {
		return nil // the context was not done: nothing ran
	}
	waitClosed(w.done, "process context")
	return w.err
}

// copies are a command's I/O copies, run as greenlets of the hub of the
// greenlet that started the command, or as goroutines.
type copies struct {
	done chan struct{} // closed when every copy has ended

	mu  sync.Mutex // guards n and err
	n   int        // copies still running
	err error      // the first copy's error
}

func startCopies(g *Greenlet, jobs []func() error) *copies {
	cp := &copies{done: make(chan struct{}), n: len(jobs)}
	for _, job := range jobs {
		run := func() error {
			err := errCopyUnwound // unless job returns (a kill unwinds it)
			defer func() { cp.end(err) }()
			err = job()
			return nil
		}
		if g != nil {
			g.h.Spawn(run).SetName("exec copy")
		} else {
			go run()
		}
	}
	return cp
}

var errCopyUnwound = errors.New("green: command I/O copy killed")

func (cp *copies) end(err error) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.err == nil {
		cp.err = err
	}
	cp.n--
	if cp.n == 0 {
		close(cp.done)
	}
}

func (cp *copies) finished() bool {
	select {
	case <-cp.done:
		return true
	default:
		return false
	}
}

func (cp *copies) result() error {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.err
}

// copyFair is io.Copy for a command's copies: in a greenlet it yields to
// the others after each yieldEvery bytes, since a pipe that always has
// data never makes its reader wait, and a copy of a large output would
// otherwise hold the hub from start to end.
func copyFair(dst io.Writer, src io.Reader) error {
	if caller() == nil {
		_, err := io.Copy(dst, src)
		return err
	}
	buf := make([]byte, 64<<10)
	moved := 0
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return err
			}
			if moved += n; moved >= yieldEvery {
				moved = 0
				Yield()
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// yieldEvery is how many bytes a command's copy moves between yields: a
// millisecond's work or so.
const yieldEvery = 1 << 20

// awaitCopies waits for the copies to end, at most WaitDelay if set; past
// it, it closes the pipes, waits for the copies to end and fails with
// exec.ErrWaitDelay, as exec's Wait does.
func (c *cmd) awaitCopies() error {
	cp := c.copies
	if cp == nil {
		return nil
	}
	if c.waitDelay == 0 || cp.finished() {
		waitClosed(cp.done, "process I/O")
		return cp.result()
	}
	t := time.NewTimer(c.waitDelay)
	defer t.Stop()
	if waitFirst(cp.done, t.C, "process I/O") == 0 {
		return cp.result()
	}
	c.closePipes()
	waitClosed(cp.done, "process I/O")
	return exec.ErrWaitDelay
}

// waitClosed waits until ch is closed: from a greenlet cooperatively (a
// Timeout does not end it: Wait has reaped the process and must finish),
// otherwise directly.
func waitClosed(ch <-chan struct{}, what string) {
	waitFirst(ch, nil, what)
}

// waitFirst waits until a is closed (0) or b delivers (1), as waitClosed.
func waitFirst(a <-chan struct{}, b <-chan time.Time, what string) int {
	select {
	case <-a:
		return 0
	default:
	}
	g := caller()
	if g == nil {
		select {
		case <-a:
			return 0
		case <-b:
			return 1
		}
	}
	for {
		chosen := -1
		err := g.chanWait(what, func(cancel <-chan struct{}) bool {
			select {
			case <-a:
				chosen = 0
			case <-b:
				chosen = 1
			case <-cancel:
				return false
			}
			return true
		})
		if err == nil || chosen >= 0 {
			return chosen
		}
	}
}
