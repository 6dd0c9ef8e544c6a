package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"
)

// simCmd is a command of a simulated host: an iface.Cmd whose program is
// a handler (HandleCommand). Its errors for misuse are os/exec's.
type simCmd struct {
	h    *Host
	ctx  context.Context
	args []string

	dir       string
	env       []string
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	waitDelay time.Duration
	cancel    func() error
	cancelSet bool

	// The pipes of StdinPipe, StdoutPipe and StderrPipe: the process's
	// ends, and the caller's, which Wait closes.
	childIn          io.ReadCloser
	childOut, chErr  io.WriteCloser
	parentEnds       []*pipeEnd
	childEnds        []*pipeEnd
	started, waiting bool
	p                *proc
	stopWatch        func() bool
}

func (c *simCmd) String() string { return strings.Join(c.args, " ") }

func (c *simCmd) SetDir(dir string)            { c.dir = dir }
func (c *simCmd) SetEnv(env []string)          { c.env = env }
func (c *simCmd) SetStdin(r io.Reader)         { c.stdin = r }
func (c *simCmd) SetStdout(w io.Writer)        { c.stdout = w }
func (c *simCmd) SetStderr(w io.Writer)        { c.stderr = w }
func (c *simCmd) SetWaitDelay(d time.Duration) { c.waitDelay = d }
func (c *simCmd) SetCancel(f func() error)     { c.cancel, c.cancelSet = f, true }

func (c *simCmd) StdinPipe() (io.WriteCloser, error) {
	if err := c.pipeOK("Stdin", c.stdin != nil || c.childIn != nil); err != nil {
		return nil, err
	}
	r, w := c.pipe("|0", true)
	c.childIn = r
	return w, nil
}

func (c *simCmd) StdoutPipe() (io.ReadCloser, error) {
	if err := c.pipeOK("Stdout", c.stdout != nil || c.childOut != nil); err != nil {
		return nil, err
	}
	r, w := c.pipe("|1", false)
	c.childOut = w
	return r, nil
}

func (c *simCmd) StderrPipe() (io.ReadCloser, error) {
	if err := c.pipeOK("Stderr", c.stderr != nil || c.chErr != nil); err != nil {
		return nil, err
	}
	r, w := c.pipe("|2", false)
	c.chErr = w
	return r, nil
}

// pipeOK returns os/exec's error for a pipe of stream name that cannot be
// made: the stream is set already, or the process has started.
func (c *simCmd) pipeOK(name string, set bool) error {
	if set {
		return errors.New("exec: " + name + " already set")
	}
	if c.started {
		return errors.New("exec: " + name + "Pipe after process started")
	}
	return nil
}

// pipe makes a pipe and records its ends: the child's (the read end if
// toChild) and the parent's.
func (c *simCmd) pipe(what string, toChild bool) (*pipeEnd, *pipeEnd) {
	r, w := newPipe(c.h.w, what)
	child, parent := w, r
	if toChild {
		child, parent = r, w
	}
	c.childEnds = append(c.childEnds, child)
	c.parentEnds = append(c.parentEnds, parent)
	return r, w
}

// closeEnds closes both ends of the pipes (a failed Start).
func (c *simCmd) closeEnds() {
	w := c.h.w
	w.enter()
	defer w.unlockRun()
	for _, e := range c.childEnds {
		e.closeLocked()
	}
	for _, e := range c.parentEnds {
		e.closeLocked()
	}
}

func (c *simCmd) Start() error {
	if c.started {
		return errors.New("exec: already started")
	}
	fn, err := c.h.findProgram(c.args[0])
	if err != nil {
		c.closeEnds()
		return err
	}
	if err := c.ctx.Err(); err != nil {
		c.closeEnds()
		return err
	}
	h := c.h
	w := h.w
	env := c.env
	if env == nil {
		env = h.OS().Environ()
	}
	dir := c.dir
	if dir == "" {
		dir = "/"
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.enter()
	if h.fencedLocked() || w.closed {
		w.unlockRun()
		cancel()
		c.closeEnds()
		return &fs.PathError{Op: "fork/exec", Path: c.args[0], Err: syscall.EIO}
	}
	h.procs.nextPid++
	p := &proc{h: h, pid: 100 + h.procs.nextPid, cancel: cancel}
	if h.procs.running == nil {
		h.procs.running = map[*proc]struct{}{}
	}
	h.procs.running[p] = struct{}{}
	for _, e := range c.childEnds {
		p.ends = append(p.ends, e)
	}
	l := h.x.cur
	w.unlockRun()
	c.started, c.p = true, p

	pr := &Proc{Args: append([]string(nil), c.args...), Env: append([]string(nil), env...), Dir: dir, p: p}
	pr.Stdin = c.childIn
	if pr.Stdin == nil {
		pr.Stdin = &stream{r: c.stdin, p: p, name: "|0"}
	}
	pr.Stdout = c.childOut
	if pr.Stdout == nil {
		pr.Stdout = &stream{w: c.stdout, p: p, name: "|1"}
	}
	pr.Stderr = c.chErr
	if pr.Stderr == nil {
		pr.Stderr = &stream{w: c.stderr, p: p, name: "|2"}
	}
	body := func() error {
		code, ended := 0, false
		defer func() {
			// A handler that did not return (a kill unwinding its
			// greenlet) ends as killed.
			w.enter()
			if ended {
				p.exitLocked(code, nil)
			} else {
				p.exitLocked(-1, os.Kill)
			}
			w.unlockRun()
		}()
		code = fn(ctx, pr)
		ended = true
		return nil
	}
	if w.hub != nil {
		w.hub.Spawn(func() error {
			onHost.Set(h)
			setLife(l)
			return body()
		}).SetName(fmt.Sprintf("%s pid %d %s", h.name, p.pid, c.args[0]))
	} else {
		go body() //nolint:errcheck // the status goes to Wait
	}
	if c.ctx.Done() != nil {
		c.stopWatch = context.AfterFunc(c.ctx, c.watch)
	}
	return nil
}

// watch is the command's context watch, as exec's: once the context is
// done before the process has exited, the cancel function runs (Kill by
// default), and WaitDelay of world time later the process is killed.
// It runs on a goroutine of its own (context.AfterFunc's).
func (c *simCmd) watch() {
	p := c.p
	w := c.h.w
	var err error
	cancel := c.Kill
	if c.cancelSet {
		cancel = c.cancel
	}
	if cancel != nil {
		if ierr := cancel(); ierr == nil {
			err = c.ctx.Err()
		} else if !errors.Is(ierr, os.ErrProcessDone) {
			err = fmt.Errorf("exec: canceling Cmd: %w", ierr)
		}
	}
	w.enter()
	defer w.unlockRun()
	if c.waitDelay > 0 {
		until := w.now() + int64(c.waitDelay)
		for !p.exited && !w.closed && w.now() < until {
			if w.waitLocked(&p.exitWait, until, "sim cmd wait delay") != nil {
				break
			}
		}
		p.exitLocked(-1, os.Kill) // nothing if it exited
	}
	p.watchDone, p.watchErr = true, err
	p.watchWait.wakeAll()
}

func (c *simCmd) Wait() error {
	if !c.started {
		return errors.New("exec: not started")
	}
	if c.waiting {
		return errors.New("exec: Wait was already called")
	}
	c.waiting = true
	p := c.p
	w := c.h.w
	w.enter()
	for !p.exited {
		if w.closed {
			p.exitLocked(-1, os.Kill)
			break
		}
		if err := w.waitLocked(&p.exitWait, 0, "sim cmd wait"); err != nil {
			w.unlockRun()
			return err
		}
	}
	p.waited = true
	for _, e := range c.parentEnds {
		e.closeLocked()
	}
	w.unlockRun()
	var werr error
	if c.stopWatch != nil && !c.stopWatch() {
		w.enter()
		for !p.watchDone {
			if err := w.waitLocked(&p.watchWait, 0, "sim cmd context"); err != nil {
				break
			}
		}
		werr = p.watchErr
		w.unlockRun()
	}
	if p.sig != nil || p.code != 0 {
		return &ExitError{code: p.code, sig: p.sig}
	}
	return werr
}

func (c *simCmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

func (c *simCmd) Output() ([]byte, error) {
	if c.stdout != nil || c.childOut != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	var out bytes.Buffer
	c.stdout = &out
	var stderr *bytes.Buffer
	if c.stderr == nil && c.chErr == nil {
		stderr = &bytes.Buffer{}
		c.stderr = stderr
	}
	err := c.Run()
	var ee *ExitError
	if stderr != nil && errors.As(err, &ee) {
		ee.Stderr = stderr.Bytes()
	}
	return out.Bytes(), err
}

func (c *simCmd) CombinedOutput() ([]byte, error) {
	if c.stdout != nil || c.childOut != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	if c.stderr != nil || c.chErr != nil {
		return nil, errors.New("exec: Stderr already set")
	}
	var b bytes.Buffer
	c.stdout, c.stderr = &b, &b
	err := c.Run()
	return b.Bytes(), err
}

func (c *simCmd) Pid() int {
	if c.p == nil {
		return 0
	}
	return c.p.pid
}

// Signal ends the process with sig: a simulated program has no signal
// handlers. The null signal only checks that it runs.
func (c *simCmd) Signal(sig os.Signal) error {
	if c.p == nil {
		return errors.New("exec: not started")
	}
	if sig == nil {
		return errors.New("os: unsupported signal type")
	}
	p := c.p
	w := c.h.w
	w.enter()
	defer w.unlockRun()
	if p.waited {
		return os.ErrProcessDone
	}
	if sig != syscall.Signal(0) {
		p.exitLocked(-1, sig)
	}
	return nil
}

func (c *simCmd) Kill() error { return c.Signal(os.Kill) }

func (c *simCmd) ExitCode() int {
	if c.p == nil {
		return -1
	}
	w := c.h.w
	w.enter()
	defer w.unlockRun()
	if !c.p.waited || c.p.sig != nil {
		return -1
	}
	return c.p.code
}
