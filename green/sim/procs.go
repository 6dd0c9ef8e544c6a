package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Procs     = (*hostOS)(nil)
	_ iface.Cmd       = (*simCmd)(nil)
	_ iface.ExitError = (*ExitError)(nil)
)

// A host's processes are handlers (see # Processes in the package doc): a
// test registers a CommandFunc per program name, and the host's os module
// (Host.OS, World.OS) runs it for a command of that name, as os/exec runs
// a program.

// CommandFunc is a program of a simulated host: it runs with its
// process's streams and context, and returns its exit status. It runs as
// a greenlet on the host in a world of greenlets, and as a goroutine in a
// world of goroutines. ctx is done once the process is killed (Kill, a
// signal, its host's crash): a handler waiting on something other than
// its streams and Proc.Sleep must return then, and its status is ignored.
type CommandFunc func(ctx context.Context, p *Proc) int

// Proc is a running process of a simulated host, as its handler sees it.
type Proc struct {
	// Args is the command line, the program's name first (as given to
	// Command).
	Args []string
	// Env is the environment, in "key=value" form: the command's, or its
	// host's if the command set none.
	Env []string
	// Dir is the working directory: the command's, or "/".
	Dir string
	// Stdin, Stdout and Stderr are the process's standard streams.
	// Closing one ends it for the process (the reader of a pipe sees
	// EOF); once the process is killed they fail.
	Stdin  io.ReadCloser
	Stdout io.WriteCloser
	Stderr io.WriteCloser

	p *proc
}

// Host returns the host the process runs on.
func (p *Proc) Host() *Host { return p.p.h }

// Pid returns the process's id, as the command's Pid.
func (p *Proc) Pid() int { return p.p.pid }

// Getenv returns the value of key in Env (the last one, as os/exec
// dedups), or "".
func (p *Proc) Getenv(key string) string {
	for _, kv := range slices.Backward(p.Env) {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// Sleep waits d of world time; it returns early, with an error, once the
// process is killed.
func (p *Proc) Sleep(d time.Duration) error {
	pr := p.p
	w := pr.h.w
	w.enter()
	defer w.unlockRun()
	until := w.now() + int64(d)
	for !pr.exited && w.now() < until {
		if w.closed {
			return errWorldClosed
		}
		if err := w.waitLocked(&pr.sleepers, until, "sim proc sleep"); err != nil {
			return err
		}
	}
	if pr.exited {
		return errKilled
	}
	return nil
}

var (
	errKilled      = errors.New("sim: process killed")
	errWorldClosed = errors.New("sim: world closed")
)

// hostProcs is a host's programs and processes. Guarded by the world's
// lock.
type hostProcs struct {
	progs   map[string]CommandFunc
	running map[*proc]struct{}
	nextPid int
}

// HandleCommand registers fn as the program name on h: a command of that
// name (exactly as given, a bare name or a path) runs fn. A later
// registration of the name replaces it. An empty name or a nil fn
// panics.
func (h *Host) HandleCommand(name string, fn CommandFunc) {
	if name == "" {
		panic("sim: HandleCommand with an empty name")
	}
	if fn == nil {
		panic(fmt.Sprintf("sim: HandleCommand of %q with a nil function", name))
	}
	w := h.w
	w.mu.Lock()
	defer w.unlockRun()
	if h.procs.progs == nil {
		h.procs.progs = map[string]CommandFunc{}
	}
	h.procs.progs[name] = fn
}

// proc is a process's state. Guarded by the world's lock but for killed.
type proc struct {
	h        *Host
	pid      int
	cancel   context.CancelFunc // the handler's context
	killed   atomic.Bool        // ended by a signal: its streams fail
	exited   bool
	code     int       // exit status, -1 if signalled
	sig      os.Signal // the signal that ended it, or nil
	waited   bool
	exitWait waitList    // Wait, the WaitDelay watch
	sleepers waitList    // the handler's Proc.Sleep
	ends     []io.Closer // the handler's ends of its pipes, closed as it ends

	watchDone bool
	watchErr  error
	watchWait waitList
}

// exitLocked records that p ended with code, or by sig if not nil.
func (p *proc) exitLocked(code int, sig os.Signal) {
	if p.exited {
		return
	}
	p.exited = true
	p.code, p.sig = code, sig
	if sig != nil {
		p.code = -1
		p.killed.Store(true)
	}
	p.cancel()
	for _, c := range p.ends {
		if pe, ok := c.(*pipeEnd); ok {
			pe.closeLocked()
		}
	}
	delete(p.h.procs.running, p)
	p.exitWait.wakeAll()
	p.sleepers.wakeAll()
}

// killProcsLocked kills h's running processes (a crash), in pid order.
func (h *Host) killProcsLocked() {
	ps := make([]*proc, 0, len(h.procs.running))
	for p := range h.procs.running {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *proc) int { return a.pid - b.pid })
	for _, p := range ps {
		p.exitLocked(-1, os.Kill)
	}
}

// ExitError is the error of a simulated command that did not exit with
// status 0 (an iface.ExitError).
type ExitError struct {
	code int
	sig  os.Signal
	// Stderr holds standard error, as (*exec.ExitError).Stderr does,
	// when Output collected it.
	Stderr []byte
}

func (e *ExitError) Error() string {
	if e.sig != nil {
		return "signal: " + e.sig.String()
	}
	return fmt.Sprintf("exit status %d", e.code)
}

// ExitCode returns the exit status, or -1 if a signal killed it.
func (e *ExitError) ExitCode() int { return e.code }

// Exited reports whether the process exited on its own.
func (e *ExitError) Exited() bool { return e.sig == nil }

// LookPath copies exec.LookPath on the caller's host: a registered name
// is found as it is; a bare name that is not fails with exec.ErrNotFound,
// a path that is not with the error of its file on the host's disk.
func (o *hostOS) LookPath(file string) (string, error) {
	h := o.host()
	if _, err := h.findProgram(file); err != nil {
		return "", &exec.Error{Name: file, Err: errors.Unwrap(err)}
	}
	return file, nil
}

// findProgram returns the handler of name, or the error Start gives: an
// *exec.Error for a bare name, an *fs.PathError for a path.
func (h *Host) findProgram(name string) (CommandFunc, error) {
	h.w.enter()
	fn := h.procs.progs[name]
	h.w.unlockRun()
	if fn != nil {
		return fn, nil
	}
	if !strings.Contains(name, "/") {
		return nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
	}
	errno := syscall.ENOEXEC // a file there, but no handler to run it
	fi, err := h.OS().Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		errno = syscall.ENOENT
	case err != nil:
		errno = syscall.EIO
	case fi.IsDir() || fi.Mode().Perm()&0o111 == 0:
		errno = syscall.EACCES
	}
	return nil, &fs.PathError{Op: "fork/exec", Path: name, Err: errno}
}

// Command copies exec.CommandContext on the caller's host (see
// HandleCommand).
func (o *hostOS) Command(ctx context.Context, name string, arg ...string) iface.Cmd {
	if ctx == nil {
		panic("sim: nil Context")
	}
	return &simCmd{h: o.host(), ctx: ctx, args: append([]string{name}, arg...), cancel: nil, cancelSet: false}
}
