package blocking

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/greenshim/greenshim/iface"
)

var (
	_ iface.Procs = OS{}
	_ iface.Cmd   = (*Cmd)(nil)
)

// Command copies exec.CommandContext. The command is a real process of
// this machine's, whatever Fs is, as the environment is the process's.
func (OS) Command(ctx context.Context, name string, arg ...string) iface.Cmd {
	return &Cmd{Cmd: exec.CommandContext(ctx, name, arg...)}
}

// LookPath copies exec.LookPath.
func (OS) LookPath(file string) (string, error) { return exec.LookPath(file) }

// Cmd is the command of OS.Command: an *exec.Cmd, whose fields beyond the
// setters of iface.Cmd (SysProcAttr, ExtraFiles, ...) may be set directly
// before Start.
type Cmd struct {
	*exec.Cmd
}

var errNotStarted = errors.New("exec: not started")

// SetDir sets exec.Cmd.Dir.
func (c *Cmd) SetDir(dir string) { c.Dir = dir }

// SetEnv sets exec.Cmd.Env.
func (c *Cmd) SetEnv(env []string) { c.Env = env }

// SetStdin sets exec.Cmd.Stdin.
func (c *Cmd) SetStdin(r io.Reader) { c.Stdin = r }

// SetStdout sets exec.Cmd.Stdout.
func (c *Cmd) SetStdout(w io.Writer) { c.Stdout = w }

// SetStderr sets exec.Cmd.Stderr.
func (c *Cmd) SetStderr(w io.Writer) { c.Stderr = w }

// SetWaitDelay sets exec.Cmd.WaitDelay.
func (c *Cmd) SetWaitDelay(d time.Duration) { c.WaitDelay = d }

// SetCancel sets exec.Cmd.Cancel.
func (c *Cmd) SetCancel(cancel func() error) { c.Cancel = cancel }

// Pid returns the process's id, or 0 before Start.
func (c *Cmd) Pid() int {
	if c.Process == nil {
		return 0
	}
	return c.Process.Pid
}

// Signal copies (*os.Process).Signal.
func (c *Cmd) Signal(sig os.Signal) error {
	if c.Process == nil {
		return errNotStarted
	}
	return c.Process.Signal(sig)
}

// Kill copies (*os.Process).Kill.
func (c *Cmd) Kill() error {
	if c.Process == nil {
		return errNotStarted
	}
	return c.Process.Kill()
}

// ExitCode copies (*os.ProcessState).ExitCode, -1 until Wait returns.
func (c *Cmd) ExitCode() int { return c.ProcessState.ExitCode() }
