package green

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Procs = OS{}
	_ iface.Cmd   = (*cmd)(nil)
)

// Command copies exec.CommandContext. The command is a real process of
// this machine's, whatever Fs is, as the environment is the process's.
//
// Started from a greenlet, the command's I/O copies (for a Stdin, Stdout or
// Stderr that is not an *os.File) run as greenlets of the caller's hub; its
// pipes (StdinPipe, StdoutPipe, StderrPipe) park only the greenlet that
// reads or writes them; and Wait parks only its caller until the process
// exits, on the hub's poller through a pidfd on Linux (see the package
// documentation). Called from plain goroutines, each method behaves as
// package os/exec's.
func (OS) Command(ctx context.Context, name string, arg ...string) iface.Cmd {
	if ctx == nil {
		panic("green: Command with a nil Context")
	}
	c := &cmd{ctx: ctx, x: exec.Command(name, arg...)}
	c.cancel = c.Kill
	return c
}

// LookPath copies exec.LookPath; from a greenlet it runs on the thread pool,
// as the file system operations do.
func (OS) LookPath(file string) (string, error) {
	p, err := offload("lookpath", file, func() (string, error) { return exec.LookPath(file) }, nil)
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Op == "lookpath" {
		err = &exec.Error{Name: file, Err: pe.Err} // the wait ended (a Timeout)
	}
	return p, err
}

// cmd is the Cmd of OS.Command. An *exec.Cmd underneath starts the process
// (path lookup, environment, the exec.Error types), always with *os.File
// streams, so that it starts no goroutine of its own: cmd makes the pipes
// and runs the copies, watches the context and waits for the exit itself.
type cmd struct {
	ctx context.Context
	x   *exec.Cmd // started without a context: cmd watches ctx

	// Set before Start, by the setters and pipe methods.
	stdin          io.Reader
	stdout, stderr io.Writer
	waitDelay      time.Duration
	cancel         func() error
	childFiles     []*os.File  // child ends of the pipes; closed after Start
	parentPipes    []io.Closer // parent ends; closed by Wait

	mu         sync.Mutex // guards the fields below
	started    bool       // Start was called
	waiting    bool       // a Wait is waiting for the exit
	waited     bool       // a Wait has seen the exit
	proc       *os.Process
	state      *os.ProcessState
	pidfd      int     // the process's pidfd, or -1
	reaper     *reaper // the wait for the exit off the hub, once started
	closedPipe bool    // parentPipes closed

	copies *copies       // the I/O copies, if any
	watch  *ctxWatch     // the context's watch, if any
	exited chan struct{} // closed once Wait has seen the exit
}

var (
	errNotStarted = errors.New("exec: not started")
	errStarted    = errors.New("exec: already started")
	errWaited     = errors.New("exec: Wait was already called")
)

func (c *cmd) String() string { return c.x.String() }

func (c *cmd) SetDir(dir string)             { c.x.Dir = dir }
func (c *cmd) SetEnv(env []string)           { c.x.Env = env }
func (c *cmd) SetStdin(r io.Reader)          { c.stdin = r }
func (c *cmd) SetStdout(w io.Writer)         { c.stdout = w }
func (c *cmd) SetStderr(w io.Writer)         { c.stderr = w }
func (c *cmd) SetWaitDelay(d time.Duration)  { c.waitDelay = d }
func (c *cmd) SetCancel(cancel func() error) { c.cancel = cancel }

// isStarted reports whether Start was called.
func (c *cmd) isStarted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.started
}

// StdinPipe copies (*exec.Cmd).StdinPipe.
func (c *cmd) StdinPipe() (io.WriteCloser, error) {
	if c.stdin != nil {
		return nil, errors.New("exec: Stdin already set")
	}
	if c.isStarted() {
		return nil, errors.New("exec: StdinPipe after process started")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.stdin = pr
	c.childFiles = append(c.childFiles, pr)
	w := newPipeWriter(pw)
	c.parentPipes = append(c.parentPipes, w)
	return w, nil
}

// StdoutPipe copies (*exec.Cmd).StdoutPipe.
func (c *cmd) StdoutPipe() (io.ReadCloser, error) {
	r, err := c.outPipe("Stdout", c.stdout)
	if err == nil {
		c.stdout = c.childFiles[len(c.childFiles)-1]
	}
	return r, err
}

// StderrPipe copies (*exec.Cmd).StderrPipe.
func (c *cmd) StderrPipe() (io.ReadCloser, error) {
	r, err := c.outPipe("Stderr", c.stderr)
	if err == nil {
		c.stderr = c.childFiles[len(c.childFiles)-1]
	}
	return r, err
}

func (c *cmd) outPipe(which string, cur io.Writer) (io.ReadCloser, error) {
	if cur != nil {
		return nil, fmt.Errorf("exec: %s already set", which)
	}
	if c.isStarted() {
		return nil, fmt.Errorf("exec: %sPipe after process started", which)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.childFiles = append(c.childFiles, pw)
	r := newPipeReader(pr)
	c.parentPipes = append(c.parentPipes, r)
	return r, nil
}

// Start copies (*exec.Cmd).Start.
func (c *cmd) Start() error {
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return errStarted
	}
	c.started = true
	c.mu.Unlock()

	started := false
	defer func() {
		closeAll(c.childFiles)
		c.childFiles = nil
		if !started {
			c.closePipes()
		}
	}()
	if c.x.Path == "" && c.x.Err == nil {
		return errors.New("exec: no command")
	}
	if c.x.Err != nil {
		return c.x.Err
	}
	select {
	case <-c.ctx.Done():
		return c.ctx.Err()
	default:
	}

	// exec is given *os.File streams only (nil for the null device), so it
	// starts no copying goroutine of its own.
	var jobs []func() error
	stdin, err := c.childStdin(&jobs)
	if err != nil {
		return err
	}
	stdout, err := c.childOut(c.stdout, &jobs)
	if err != nil {
		return err
	}
	stderr := stdout
	if c.stderr == nil || !sameWriter(c.stderr, c.stdout) {
		if stderr, err = c.childOut(c.stderr, &jobs); err != nil {
			return err
		}
	}
	c.x.Stdin, c.x.Stdout, c.x.Stderr = reader(stdin), writer(stdout), writer(stderr)

	pidfd := -1
	if usePidfd() {
		c.x.SysProcAttr = pidfdAttr(c.x.SysProcAttr, &pidfd)
	}
	files := c.childFiles
	c.childFiles = nil // startProcess closes them
	if err := c.startProcess(files, &pidfd); err != nil {
		return err
	}
	started = true
	c.mu.Lock()
	c.proc, c.pidfd = c.x.Process, pidfd
	c.mu.Unlock()
	c.exited = make(chan struct{})
	if len(jobs) > 0 {
		c.copies = startCopies(caller(), jobs)
	}
	if (c.cancel != nil || c.waitDelay != 0) && c.ctx.Done() != nil {
		c.watch = watchCtx(c)
	}
	return nil
}

// startProcess starts the process and then closes files, the child ends
// of the pipes, which the child has inherited. From a greenlet, the fork
// and exec run on the hub's thread pool: os.StartProcess returns only once
// the child has called exec, a millisecond or more for a large program, and
// a greenlet starting a hundred commands would otherwise hold the hub for
// all of them. A greenlet whose wait ends first (a Timeout, a kill) leaves
// the start to finish there, and the process started for nobody is killed
// and reaped.
func (c *cmd) startProcess(files []*os.File, pidfd *int) error {
	start := func() (struct{}, error) {
		defer closeAll(files)
		return struct{}{}, c.x.Start()
	}
	if caller() == nil {
		_, err := start()
		return err
	}
	_, err := offload("fork/exec", c.x.Path, start, func(struct{}) {
		c.x.Process.Kill()
		c.x.Process.Wait()
		if *pidfd >= 0 {
			closeFd(*pidfd)
		}
	})
	return err
}

// childStdin returns the command's standard input: nil (the null device),
// the caller's *os.File, a StdinPipe's child end, or the child end of a new
// pipe that a copy from the caller's reader feeds.
func (c *cmd) childStdin(jobs *[]func() error) (*os.File, error) {
	switch r := c.stdin.(type) {
	case nil:
		return nil, nil
	case *os.File:
		return r, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.childFiles = append(c.childFiles, pr)
	w := newPipeWriter(pw)
	c.parentPipes = append(c.parentPipes, w)
	src := c.stdin
	*jobs = append(*jobs, func() error {
		err := copyFair(w, src)
		if skipStdinCopyError(err) {
			err = nil
		}
		if err1 := w.Close(); err == nil && !errors.Is(err1, os.ErrClosed) {
			err = err1
		}
		return err
	})
	return pr, nil
}

// childOut returns the command's standard output or error: nil, the
// caller's *os.File (a pipe's child end included), or the child end of a
// new pipe whose contents a copy writes to w.
func (c *cmd) childOut(w io.Writer, jobs *[]func() error) (*os.File, error) {
	switch f := w.(type) {
	case nil:
		return nil, nil
	case *os.File:
		return f, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.childFiles = append(c.childFiles, pw)
	r := newPipeReader(pr)
	c.parentPipes = append(c.parentPipes, r)
	*jobs = append(*jobs, func() error {
		err := copyFair(w, r)
		r.Close()
		return err
	})
	return pw, nil
}

// reader and writer return f as an io.Reader or io.Writer, nil if f is:
// exec must see a nil interface, not a nil *os.File, to use the null device.
func reader(f *os.File) io.Reader {
	if f == nil {
		return nil
	}
	return f
}

func writer(f *os.File) io.Writer {
	if f == nil {
		return nil
	}
	return f
}

// skipStdinCopyError reports whether an error of the copy to the command's
// standard input is to be ignored, as package os/exec does: the command
// exited, or closed its input, without reading all of it.
func skipStdinCopyError(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)
}

// sameWriter reports whether a and b are the same writer, as exec does to
// give standard output and error one pipe (a panic comparing
// uncomparable values means no).
func sameWriter(a, b io.Writer) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// closePipes closes the parent ends of the pipes, once.
func (c *cmd) closePipes() {
	c.mu.Lock()
	if c.closedPipe {
		c.mu.Unlock()
		return
	}
	c.closedPipe = true
	pipes := c.parentPipes
	c.mu.Unlock()
	for _, p := range pipes {
		p.Close()
	}
}

// Wait copies (*exec.Cmd).Wait. From a greenlet it parks the caller until
// the process has exited and the copies have ended. A Timeout or kill that
// ends the wait for the exit ends the wait, not the command: Wait may be
// called again.
func (c *cmd) Wait() error {
	c.mu.Lock()
	switch {
	case c.proc == nil:
		c.mu.Unlock()
		return errNotStarted
	case c.waiting || c.waited:
		c.mu.Unlock()
		return errWaited
	}
	c.waiting = true
	c.mu.Unlock()

	state, err, reaped := c.reap()
	if !reaped {
		return err // the wait ended early; the command runs on
	}
	c.closePidfd()
	close(c.exited)

	if err == nil && !state.Success() {
		err = &exec.ExitError{ProcessState: state}
	}
	if c.watch != nil {
		if werr := c.watch.result(); err == nil {
			err = werr
		}
	}
	if cerr := c.awaitCopies(); err == nil {
		err = cerr
	}
	c.closePipes()
	return err
}

// reap is waitExit, then records what it saw: however the wait ends (a
// kill unwinds through here), the next Wait may try again unless this one
// saw the exit.
func (c *cmd) reap() (state *os.ProcessState, err error, reaped bool) {
	defer func() {
		c.mu.Lock()
		c.waiting = false
		if reaped {
			c.waited, c.state = true, state
		}
		c.mu.Unlock()
	}()
	return c.waitExit()
}

// waitExit waits for the process to exit and reaps it (reaped true, with
// the result of (*os.Process).Wait), or returns the error that ended the
// caller's wait early (reaped false). From a greenlet it parks on the
// hub's poller through the pidfd, or waits for a reaper off the hub
// (waitMode); from a plain goroutine it waits directly.
func (c *cmd) waitExit() (state *os.ProcessState, err error, reaped bool) {
	g := caller()
	c.mu.Lock()
	r := c.reaper
	c.mu.Unlock()
	switch {
	case r != nil:
		// An earlier Wait started a reaper: take its result.
	case g == nil:
		state, err = c.proc.Wait()
		return state, err, true
	case waitMode == waitPidfd && c.pidfd >= 0:
		if ok, err := waitPidfdExit(g, c.pidfd); ok {
			if err != nil {
				return nil, err, false
			}
			state, err = c.proc.Wait() // it has exited: this does not block
			return state, err, true
		}
		fallthrough
	default:
		r = c.startReaper(g.h)
	}
	if g == nil {
		<-r.done
		return r.state, r.err, true
	}
	err = g.chanWait("process wait", func(cancel <-chan struct{}) bool {
		select {
		case <-r.done:
			return true
		case <-cancel:
			return false
		}
	})
	if err != nil {
		return nil, err, false
	}
	return r.state, r.err, true
}

// A reaper waits for the process to exit off the hub, in waitid, and keeps
// the result for whichever Wait takes it; it does not belong to any hub, so
// a greenlet that stops waiting (or a hub that closes) leaves it running.
type reaper struct {
	done  chan struct{} // closed once state and err are set
	state *os.ProcessState
	err   error
}

// startReaper starts c's reaper, once: on a goroutine of its own, or as a
// job of h's ThreadPool (waitPool).
func (c *cmd) startReaper(h *Hub) *reaper {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reaper != nil {
		return c.reaper
	}
	r := &reaper{done: make(chan struct{})}
	c.reaper = r
	reap := func() {
		defer close(r.done)
		r.state, r.err = c.proc.Wait()
	}
	if waitMode == waitPool {
		h.pool.Spawn(func() (any, error) { reap(); return nil, nil })
	} else {
		go reap()
	}
	return r
}

// closePidfd closes the pidfd once the process is reaped.
func (c *cmd) closePidfd() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pidfd >= 0 {
		closeFd(c.pidfd)
		c.pidfd = -1
	}
}

// Run copies (*exec.Cmd).Run.
func (c *cmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

// Output copies (*exec.Cmd).Output.
func (c *cmd) Output() ([]byte, error) {
	if c.stdout != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	var stdout bytes.Buffer
	c.stdout = &stdout
	var saved *prefixSuffixSaver
	if c.stderr == nil {
		saved = &prefixSuffixSaver{N: 32 << 10}
		c.stderr = saved
	}
	err := c.Run()
	if saved != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ee.Stderr = saved.Bytes()
		}
	}
	return stdout.Bytes(), err
}

// CombinedOutput copies (*exec.Cmd).CombinedOutput.
func (c *cmd) CombinedOutput() ([]byte, error) {
	if c.stdout != nil {
		return nil, errors.New("exec: Stdout already set")
	}
	if c.stderr != nil {
		return nil, errors.New("exec: Stderr already set")
	}
	var b bytes.Buffer
	c.stdout, c.stderr = &b, &b
	err := c.Run()
	return b.Bytes(), err
}

// process returns the started process, or nil.
func (c *cmd) process() *os.Process {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.proc
}

// Pid copies (*os.Process).Pid; 0 before Start.
func (c *cmd) Pid() int {
	if p := c.process(); p != nil {
		return p.Pid
	}
	return 0
}

// Signal copies (*os.Process).Signal.
func (c *cmd) Signal(sig os.Signal) error {
	p := c.process()
	if p == nil {
		return errNotStarted
	}
	return p.Signal(sig)
}

// Kill copies (*os.Process).Kill.
func (c *cmd) Kill() error {
	p := c.process()
	if p == nil {
		return errNotStarted
	}
	return p.Kill()
}

// ExitCode copies (*os.ProcessState).ExitCode.
func (c *cmd) ExitCode() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.ExitCode()
}
