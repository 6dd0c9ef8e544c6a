package green_test

import (
	"context"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// TestProcs_Conformance runs the process suite from plain goroutines: each
// method behaves as package os/exec's.
func TestProcs_Conformance(t *testing.T) {
	ifacetest.TestProcs(t, green.OS{}, ifacetest.HelperCommand())
}

// The suite again, with every call made from a greenlet, so that starts,
// waits and pipe I/O take the cooperative paths; once for each way of
// waiting for an exit.
func TestProcs_ConformanceFromGreenlets(t *testing.T) {
	modes := slices.Sorted(func(yield func(string) bool) {
		for m := range green.ProcWaitModes {
			if !yield(m) {
				return
			}
		}
	})
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			defer green.SetProcWaitMode(green.ProcWaitModes[mode])()
			h := newHub(t, green.Options{})
			ifacetest.TestProcs(t, greenletProcs{greenletOS{h: h, os: green.OS{}}}, ifacetest.HelperCommand())
			assertNothingParked(t, h)
		})
	}
}

// assertNothingParked fails t if a greenlet of h is still parked, or
// outside work is still in flight, once the hub has settled.
func assertNothingParked(t *testing.T, h *green.Hub) {
	t.Helper()
	waitUntil(t, "no greenlet parked and nothing in flight", func() bool {
		st := h.Stats()
		return st.Parked == 0 && st.InFlight == 0
	})
}

// greenletProcs is greenletOS with processes: each call of a command, and
// of its pipes, is made from a greenlet of h.
type greenletProcs struct {
	greenletOS
}

func (g greenletProcs) procs() iface.Procs { return iface.ProcsOf(g.os) }

func (g greenletProcs) Command(ctx context.Context, name string, arg ...string) iface.Cmd {
	return greenletCmd{h: g.h, c: g.procs().Command(ctx, name, arg...)}
}

func (g greenletProcs) LookPath(file string) (string, error) {
	return onHub(g.h, func() (string, error) { return g.procs().LookPath(file) })
}

type greenletCmd struct {
	h *green.Hub
	c iface.Cmd
}

func (g greenletCmd) String() string                { return g.c.String() }
func (g greenletCmd) SetDir(dir string)             { g.c.SetDir(dir) }
func (g greenletCmd) SetEnv(env []string)           { g.c.SetEnv(env) }
func (g greenletCmd) SetStdin(r io.Reader)          { g.c.SetStdin(r) }
func (g greenletCmd) SetStdout(w io.Writer)         { g.c.SetStdout(w) }
func (g greenletCmd) SetStderr(w io.Writer)         { g.c.SetStderr(w) }
func (g greenletCmd) SetWaitDelay(d time.Duration)  { g.c.SetWaitDelay(d) }
func (g greenletCmd) SetCancel(cancel func() error) { g.c.SetCancel(cancel) }
func (g greenletCmd) Pid() int                      { return g.c.Pid() }
func (g greenletCmd) ExitCode() int                 { return g.c.ExitCode() }

func (g greenletCmd) StdinPipe() (io.WriteCloser, error) {
	w, err := onHub(g.h, g.c.StdinPipe)
	if err != nil {
		return nil, err
	}
	return greenletPipe{h: g.h, w: w, c: w}, nil
}

func (g greenletCmd) StdoutPipe() (io.ReadCloser, error) {
	r, err := onHub(g.h, g.c.StdoutPipe)
	if err != nil {
		return nil, err
	}
	return greenletPipe{h: g.h, r: r, c: r}, nil
}

func (g greenletCmd) StderrPipe() (io.ReadCloser, error) {
	r, err := onHub(g.h, g.c.StderrPipe)
	if err != nil {
		return nil, err
	}
	return greenletPipe{h: g.h, r: r, c: r}, nil
}

func (g greenletCmd) Start() error                    { return onHubErr(g.h, g.c.Start) }
func (g greenletCmd) Wait() error                     { return onHubErr(g.h, g.c.Wait) }
func (g greenletCmd) Run() error                      { return onHubErr(g.h, g.c.Run) }
func (g greenletCmd) Output() ([]byte, error)         { return onHub(g.h, g.c.Output) }
func (g greenletCmd) CombinedOutput() ([]byte, error) { return onHub(g.h, g.c.CombinedOutput) }
func (g greenletCmd) Kill() error                     { return onHubErr(g.h, g.c.Kill) }
func (g greenletCmd) Signal(sig os.Signal) error {
	return onHubErr(g.h, func() error { return g.c.Signal(sig) })
}

// greenletPipe makes each Read, Write and Close of a pipe from a greenlet.
type greenletPipe struct {
	h *green.Hub
	r io.Reader
	w io.Writer
	c io.Closer
}

func (g greenletPipe) Read(p []byte) (int, error) {
	return onHub(g.h, func() (int, error) { return g.r.Read(p) })
}
func (g greenletPipe) Write(p []byte) (int, error) {
	return onHub(g.h, func() (int, error) { return g.w.Write(p) })
}
func (g greenletPipe) Close() error { return onHubErr(g.h, g.c.Close) }
