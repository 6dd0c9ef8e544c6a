package iface

import (
	"context"
	"io"
	"os"
	"os/exec"
	"time"
)

// Procs is the os module's processes: commands started, fed, read, waited
// for and killed, as package os/exec does (gevent's subprocess, which its
// patch_os and patch_subprocess make cooperative).
//
// Procs is an optional ability of an [OS], in the way afero.Lstater is one
// of an afero.Fs: an OS made of an afero.Fs and an [Env] stays a whole OS
// without it, and [ProcsOf] falls back to commands that fail to start.
type Procs interface {
	// Command copies exec.CommandContext: it returns the Cmd to run the
	// program name with the arguments arg, looking name up in the PATH
	// of the process if it contains no path separator. ctx must not be
	// nil; when it is done before the command has exited, the command's
	// cancel function runs (by default Kill, see [Cmd.SetCancel]).
	Command(ctx context.Context, name string, arg ...string) Cmd

	// LookPath copies exec.LookPath.
	LookPath(file string) (string, error)
}

// Cmd is a command being prepared or run, the method set of [*exec.Cmd]
// with setters for the fields that every implementation can honour. A Cmd
// is set up, started once and waited for once, as an *exec.Cmd; its
// methods copy those of *exec.Cmd, and of the *os.Process and
// *os.ProcessState it holds, including their errors for misuse ("exec:
// already started", "exec: not started", ...).
//
// The setters take effect at Start and must not be called after it. Once
// Start has returned, Kill, Signal and Pid may be called from any
// goroutine, also while another waits in Wait; ExitCode is for after Wait.
type Cmd interface {
	// String copies (*exec.Cmd).String.
	String() string

	// SetDir sets exec.Cmd.Dir: the working directory of the command,
	// the caller's if empty.
	SetDir(dir string)
	// SetEnv sets exec.Cmd.Env: the command's environment, in
	// "key=value" form; nil means the caller's (Environ).
	SetEnv(env []string)
	// SetStdin sets exec.Cmd.Stdin: nil reads from the null device; any
	// other reader that is not an *os.File is copied into a pipe to the
	// command, and Wait waits for the copy.
	SetStdin(r io.Reader)
	// SetStdout sets exec.Cmd.Stdout: nil writes to the null device; any
	// other writer that is not an *os.File is fed from a pipe, and Wait
	// waits for the copy. A Stdout equal to Stderr (==) receives both
	// through one pipe, in the order the command wrote them.
	SetStdout(w io.Writer)
	// SetStderr sets exec.Cmd.Stderr, as SetStdout.
	SetStderr(w io.Writer)
	// SetWaitDelay sets exec.Cmd.WaitDelay: how long Wait waits, once the
	// command has exited or its context is done, for the I/O copies to
	// end before it closes the pipes (and then fails with
	// [exec.ErrWaitDelay]); and, once the context is done, how long after
	// the cancel function the command is killed.
	SetWaitDelay(d time.Duration)
	// SetCancel sets exec.Cmd.Cancel: the function called when the
	// command's context is done before the command has exited; Kill if
	// never set, and nothing if set to nil. A cancel function that
	// reports success makes Wait report the context's error if the
	// command otherwise exits normally; one that fails with
	// [os.ErrProcessDone] is ignored.
	SetCancel(cancel func() error)

	// StdinPipe copies (*exec.Cmd).StdinPipe.
	StdinPipe() (io.WriteCloser, error)
	// StdoutPipe copies (*exec.Cmd).StdoutPipe.
	StdoutPipe() (io.ReadCloser, error)
	// StderrPipe copies (*exec.Cmd).StderrPipe.
	StderrPipe() (io.ReadCloser, error)

	// Start copies (*exec.Cmd).Start.
	Start() error
	// Wait copies (*exec.Cmd).Wait.
	Wait() error
	// Run copies (*exec.Cmd).Run: Start, then Wait.
	Run() error
	// Output copies (*exec.Cmd).Output, including the capture of
	// standard error into the error's Stderr when it is an
	// *exec.ExitError and no Stderr was set.
	Output() ([]byte, error)
	// CombinedOutput copies (*exec.Cmd).CombinedOutput.
	CombinedOutput() ([]byte, error)

	// Pid copies (*os.Process).Pid of the started command: 0 before
	// Start, or if it failed.
	Pid() int
	// Signal copies (*os.Process).Signal; it fails before Start, and
	// with os.ErrProcessDone once Wait has seen the command exit.
	Signal(sig os.Signal) error
	// Kill copies (*os.Process).Kill, as Signal.
	Kill() error
	// ExitCode copies (*os.ProcessState).ExitCode: the exit status of an
	// exited command, or -1 if it has not exited, was not waited for, or
	// was killed by a signal.
	ExitCode() int
}

// ExitError is the error of a command that ran and did not exit with
// status 0, found with errors.As:
//
//	var ee iface.ExitError
//	if errors.As(err, &ee) {
//		code := ee.ExitCode() // -1 if a signal killed it
//	}
//
// The implementations that run real processes return *exec.ExitError
// itself, so code that asks errors.As for an *exec.ExitError keeps
// working; ExitError is what an implementation without real processes
// (a simulated world, whose exits have no *os.ProcessState) returns too.
type ExitError interface {
	error
	// ExitCode copies (*os.ProcessState).ExitCode: the exit status, or
	// -1 if a signal killed the process.
	ExitCode() int
	// Exited copies (*os.ProcessState).Exited: whether the process
	// exited on its own rather than being killed by a signal.
	Exited() bool
}

var _ ExitError = (*exec.ExitError)(nil)
