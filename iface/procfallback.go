package iface

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ProcsOf returns o's processes if o is a [Procs]. Otherwise, as
// ReadlinkIfPossible falls back for a file system without links, it returns
// a Procs whose LookPath, and whose commands' Start, Run, Output,
// CombinedOutput and pipe methods, fail with an *exec.Error naming the
// program and wrapping [errors.ErrUnsupported].
func ProcsOf(o OS) Procs {
	if p, ok := o.(Procs); ok {
		return p
	}
	return noProcs{}
}

// noProcs is the Procs of an OS that has none.
type noProcs struct{}

func (noProcs) Command(ctx context.Context, name string, arg ...string) Cmd {
	if ctx == nil {
		panic("iface: nil Context") // as exec.CommandContext
	}
	return &noCmd{args: append([]string{name}, arg...)}
}

func (noProcs) LookPath(file string) (string, error) {
	return "", &exec.Error{Name: file, Err: errors.ErrUnsupported}
}

// noCmd is a command that cannot start.
type noCmd struct {
	args []string
}

var errNotStarted = errors.New("exec: not started")

func (c *noCmd) err() error { return &exec.Error{Name: c.args[0], Err: errors.ErrUnsupported} }

func (c *noCmd) String() string                     { return strings.Join(c.args, " ") }
func (c *noCmd) SetDir(string)                      {}
func (c *noCmd) SetEnv([]string)                    {}
func (c *noCmd) SetStdin(io.Reader)                 {}
func (c *noCmd) SetStdout(io.Writer)                {}
func (c *noCmd) SetStderr(io.Writer)                {}
func (c *noCmd) SetWaitDelay(time.Duration)         {}
func (c *noCmd) SetCancel(func() error)             {}
func (c *noCmd) StdinPipe() (io.WriteCloser, error) { return nil, c.err() }
func (c *noCmd) StdoutPipe() (io.ReadCloser, error) { return nil, c.err() }
func (c *noCmd) StderrPipe() (io.ReadCloser, error) { return nil, c.err() }
func (c *noCmd) Start() error                       { return c.err() }
func (c *noCmd) Wait() error                        { return errNotStarted }
func (c *noCmd) Run() error                         { return c.err() }
func (c *noCmd) Output() ([]byte, error)            { return nil, c.err() }
func (c *noCmd) CombinedOutput() ([]byte, error)    { return nil, c.err() }
func (c *noCmd) Pid() int                           { return 0 }
func (c *noCmd) Signal(os.Signal) error             { return errNotStarted }
func (c *noCmd) Kill() error                        { return errNotStarted }
func (c *noCmd) ExitCode() int                      { return -1 }
