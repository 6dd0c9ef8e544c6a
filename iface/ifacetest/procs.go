package ifacetest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/iface"
)

// TestProcs tests the processes of an [iface.OS] (see [iface.ProcsOf]),
// running the helper program (see [Helper]) with the command line helper:
// [HelperCommand] for an implementation that runs real processes. It changes
// the environment through o, so it must not be called from a parallel test;
// it panics if it is, as t.Setenv does. See the package documentation for
// what it checks.
func TestProcs(t *testing.T, o iface.OS, helper []string) {
	t.Setenv("GREENSHIM_IFACETEST_PROCS", "1") // refuses t.Parallel
	if len(helper) == 0 {
		panic("ifacetest: TestProcs with an empty helper command line")
	}
	s := &procSuite{o: o, p: iface.ProcsOf(o), helper: helper}
	t.Run("Run", s.testRun)
	t.Run("Output", s.testOutput)
	t.Run("ExitStatus", s.testExitStatus)
	t.Run("CombinedOutput", s.testCombinedOutput)
	t.Run("Stdin", s.testStdin)
	t.Run("Writers", s.testWriters)
	t.Run("Pipes", s.testPipes)
	t.Run("Env", s.testEnv)
	t.Run("Dir", s.testDir)
	t.Run("Kill", s.testKill)
	t.Run("Signal", s.testSignal)
	t.Run("Context", s.testContext)
	t.Run("Cancel", s.testCancel)
	t.Run("WaitDelay", s.testWaitDelay)
	t.Run("NotFound", s.testNotFound)
	t.Run("NotExecutable", s.testNotExecutable)
	t.Run("HugeOutput", s.testHugeOutput)
	t.Run("ClosedPipes", s.testClosedPipes)
	t.Run("Misuse", s.testMisuse)
	t.Run("Concurrent", s.testConcurrent)
}

type procSuite struct {
	o      iface.OS
	p      iface.Procs
	helper []string
}

// cmd returns the command that runs the helper with args, under a context
// that ends with the test (or after guard).
func (s *procSuite) cmd(t *testing.T, args ...string) iface.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	return s.cmdCtx(ctx, args...)
}

func (s *procSuite) cmdCtx(ctx context.Context, args ...string) iface.Cmd {
	argv := append(append([]string(nil), s.helper[1:]...), args...)
	return s.p.Command(ctx, s.helper[0], argv...)
}

// waitFor calls c.Wait, failing t if it does not return within guard.
func waitFor(t *testing.T, c iface.Cmd) error {
	t.Helper()
	var err error
	within(t, "Wait", func() { err = c.Wait() })
	return err
}

// exitError returns err as an iface.ExitError, failing t if it is not one.
func exitError(t *testing.T, err error) iface.ExitError {
	t.Helper()
	var ee iface.ExitError
	require.True(t, errors.As(err, &ee), "error %v (%T) is not an iface.ExitError", err, err)
	return ee
}

func (s *procSuite) testRun(t *testing.T) {
	c := s.cmd(t, "exit", "0")
	assert.Equal(t, 0, c.Pid(), "Pid before Start")
	assert.Equal(t, -1, c.ExitCode(), "ExitCode before Start")
	require.NoError(t, c.Start(), "Start")
	assert.Positive(t, c.Pid(), "Pid after Start")
	assert.Equal(t, -1, c.ExitCode(), "ExitCode before Wait")
	require.NoError(t, waitFor(t, c), "Wait")
	assert.Equal(t, 0, c.ExitCode(), "ExitCode after Wait")
	assert.Contains(t, c.String(), "exit 0", "String names the arguments")

	c = s.cmd(t, "exit", "0")
	var err error
	within(t, "Run", func() { err = c.Run() })
	assert.NoError(t, err, "Run")
}

func (s *procSuite) testOutput(t *testing.T) {
	c := s.cmd(t, "echo", "a", "b  c")
	var out []byte
	var err error
	within(t, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	assert.Equal(t, "a b  c\n", string(out))
}

func (s *procSuite) testExitStatus(t *testing.T) {
	c := s.cmd(t, "exit", "3", "oops")
	var err error
	within(t, "Output", func() { _, err = c.Output() })
	require.Error(t, err, "Output of a command that exits 3")
	ee := exitError(t, err)
	assert.Equal(t, 3, ee.ExitCode(), "ExitError.ExitCode")
	assert.True(t, ee.Exited(), "ExitError.Exited")
	assert.Equal(t, 3, c.ExitCode(), "Cmd.ExitCode")
	var xe *exec.ExitError
	if errors.As(err, &xe) {
		assert.Equal(t, "oops", string(xe.Stderr), "Output keeps standard error in *exec.ExitError.Stderr")
	}
}

func (s *procSuite) testCombinedOutput(t *testing.T) {
	c := s.cmd(t, "both", "out.", "err.")
	var out []byte
	var err error
	within(t, "CombinedOutput", func() { out, err = c.CombinedOutput() })
	require.NoError(t, err, "CombinedOutput")
	assert.Equal(t, "out.err.", string(out), "both streams, in the order written")
}

func (s *procSuite) testStdin(t *testing.T) {
	c := s.cmd(t, "cat")
	c.SetStdin(strings.NewReader("from a reader"))
	var out []byte
	var err error
	within(t, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	assert.Equal(t, "from a reader", string(out))
}

func (s *procSuite) testWriters(t *testing.T) {
	c := s.cmd(t, "both", "to stdout", "to stderr")
	var stdout, stderr bytes.Buffer
	c.SetStdout(&stdout)
	c.SetStderr(&stderr)
	var err error
	within(t, "Run", func() { err = c.Run() })
	require.NoError(t, err, "Run")
	assert.Equal(t, "to stdout", stdout.String())
	assert.Equal(t, "to stderr", stderr.String())
}

// The pipes stream: each line written to cat comes back before the next is
// written.
func (s *procSuite) testPipes(t *testing.T) {
	c := s.cmd(t, "cat")
	in, err := c.StdinPipe()
	require.NoError(t, err, "StdinPipe")
	out, err := c.StdoutPipe()
	require.NoError(t, err, "StdoutPipe")
	require.NoError(t, c.Start(), "Start")
	r := bufio.NewReader(out)
	for i := range 3 {
		line := fmt.Sprintf("line %d\n", i)
		within(t, "Write", func() { _, err = io.WriteString(in, line) })
		require.NoError(t, err, "Write")
		var got string
		within(t, "ReadString", func() { got, err = r.ReadString('\n') })
		require.NoError(t, err, "ReadString")
		assert.Equal(t, line, got)
	}
	require.NoError(t, in.Close(), "Close of the stdin pipe")
	var rest []byte
	within(t, "ReadAll", func() { rest, err = io.ReadAll(r) })
	assert.NoError(t, err, "ReadAll to EOF after closing stdin")
	assert.Empty(t, rest)
	assert.NoError(t, waitFor(t, c), "Wait")
}

func (s *procSuite) testEnv(t *testing.T) {
	const key = "GREENSHIM_IFACETEST_PROCS_ENV"
	require.NoError(t, s.o.Setenv(key, "inherited"), "Setenv")
	t.Cleanup(func() { s.o.Unsetenv(key) })

	c := s.cmd(t, "env", key)
	var out []byte
	var err error
	within(t, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	assert.Equal(t, "inherited\n", string(out), "a command with no Env inherits the environment")

	c = s.cmd(t, "env", key)
	c.SetEnv([]string{key + "=given"})
	within(t, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	assert.Equal(t, "given\n", string(out), "SetEnv replaces the environment")
}

func (s *procSuite) testDir(t *testing.T) {
	dir := tempDir(t, s.o)
	c := s.cmd(t, "pwd")
	c.SetDir(dir)
	var out []byte
	var err error
	within(t, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	got := strings.TrimSuffix(string(out), "\n")
	assert.Equal(t, realPath(dir), realPath(got), "the command's working directory")
}

// realPath resolves symbolic links where the path exists on this machine's
// disk, so that a temporary directory reached through a link compares equal.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// killed checks the error of a command that a signal ended.
func killed(t *testing.T, c iface.Cmd, err error) {
	t.Helper()
	require.Error(t, err, "Wait of a killed command")
	ee := exitError(t, err)
	assert.False(t, ee.Exited(), "ExitError.Exited of a killed command")
	assert.Equal(t, -1, ee.ExitCode(), "ExitError.ExitCode of a killed command")
	assert.Equal(t, -1, c.ExitCode(), "Cmd.ExitCode of a killed command")
}

func (s *procSuite) testKill(t *testing.T) {
	c := s.cmd(t, "sleep", "1m")
	require.NoError(t, c.Start(), "Start")
	require.NoError(t, c.Kill(), "Kill")
	killed(t, c, waitFor(t, c))
	assert.ErrorIs(t, c.Kill(), os.ErrProcessDone, "Kill after Wait")
}

func (s *procSuite) testSignal(t *testing.T) {
	c := s.cmd(t, "sleep", "1m")
	require.NoError(t, c.Start(), "Start")
	require.NoError(t, c.Signal(os.Interrupt), "Signal")
	killed(t, c, waitFor(t, c))
	assert.ErrorIs(t, c.Signal(os.Interrupt), os.ErrProcessDone, "Signal after Wait")
}

func (s *procSuite) testContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := s.cmdCtx(ctx, "sleep", "1m")
	require.NoError(t, c.Start(), "Start")
	cancel()
	killed(t, c, waitFor(t, c))

	c = s.cmdCtx(ctx, "exit", "0")
	err := c.Start()
	assert.ErrorIs(t, err, context.Canceled, "Start under a cancelled context")
	assert.Equal(t, 0, c.Pid(), "Pid after a failed Start")

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c = s.cmdCtx(ctx, "sleep", "1m")
	within(t, "Run", func() { err = c.Run() })
	killed(t, c, err)
}

func (s *procSuite) testCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := s.cmdCtx(ctx, "sleep", "1m")
	var mu sync.Mutex
	calls := 0
	c.SetCancel(func() error {
		mu.Lock()
		calls++
		mu.Unlock()
		return c.Signal(os.Interrupt)
	})
	require.NoError(t, c.Start(), "Start")
	cancel()
	killed(t, c, waitFor(t, c))
	mu.Lock()
	assert.Equal(t, 1, calls, "the cancel function ran once")
	mu.Unlock()

	// A command that exits on its own is not cancelled.
	ctx, cancel = context.WithCancel(context.Background())
	c = s.cmdCtx(ctx, "exit", "0")
	c.SetCancel(func() error { t.Error("cancel of a command that had exited"); return nil })
	require.NoError(t, c.Start(), "Start")
	require.NoError(t, waitFor(t, c), "Wait")
	cancel()
}

// A cancel function that does not stop the command: WaitDelay later, the
// command is killed.
func (s *procSuite) testWaitDelay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := s.cmdCtx(ctx, "sleep", "1m")
	c.SetCancel(func() error { return nil })
	c.SetWaitDelay(50 * time.Millisecond)
	require.NoError(t, c.Start(), "Start")
	cancel()
	killed(t, c, waitFor(t, c))
}

func (s *procSuite) testNotFound(t *testing.T) {
	const name = "greenshim-ifacetest-no-such-program"
	cases := []struct {
		op   string
		call func(c iface.Cmd) error
	}{
		{"Start", func(c iface.Cmd) error { return c.Start() }},
		{"Run", func(c iface.Cmd) error { return c.Run() }},
		{"Output", func(c iface.Cmd) error { _, err := c.Output(); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			c := s.p.Command(context.Background(), name, "arg")
			err := tc.call(c)
			assert.ErrorIs(t, err, exec.ErrNotFound, "%s of a missing program", tc.op)
			var ee *exec.Error
			if assert.ErrorAs(t, err, &ee) {
				assert.Equal(t, name, ee.Name, "exec.Error.Name")
			}
			assert.Equal(t, 0, c.Pid(), "Pid")
			assert.Error(t, c.Wait(), "Wait after a failed Start")
		})
	}
	_, err := s.p.LookPath(name)
	assert.ErrorIs(t, err, exec.ErrNotFound, "LookPath of a missing program")
}

func (s *procSuite) testNotExecutable(t *testing.T) {
	name := filepath.Join(tempDir(t, s.o), "not-executable")
	writeFile(t, s.o, name, "#!/bin/sh\nexit 0\n")
	require.NoError(t, s.o.Chmod(name, 0o644), "Chmod")
	c := s.p.Command(context.Background(), name)
	err := c.Run()
	require.Error(t, err, "Run of a file that may not be executed")
	assert.ErrorIs(t, err, fs.ErrPermission)
	var ee *exec.Error
	var pe *fs.PathError
	assert.True(t, errors.As(err, &ee) || errors.As(err, &pe),
		"error %v (%T) is neither an *exec.Error nor an *fs.PathError", err, err)
	assert.Equal(t, 0, c.Pid(), "Pid")
}

// hugeGuard bounds the waits of testHugeOutput: 8 MiB through pipes each
// way took up to 2.3s under the race detector on a loaded 2-core machine,
// too near guard for a bound that should only catch a hang.
const hugeGuard = 4 * guard

func (s *procSuite) testHugeOutput(t *testing.T) {
	const n = 8 << 20
	ctx, cancel := context.WithTimeout(context.Background(), hugeGuard)
	defer cancel()
	c := s.cmdCtx(ctx, "spew", fmt.Sprint(n))
	var out []byte
	var err error
	withinFor(t, hugeGuard, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	require.Len(t, out, n)
	assert.True(t, bytes.Equal(Spew(n), out), "the output is the helper's, byte for byte")

	// As much in as out: the copies in and out run at once, or the pipes
	// fill up and both sides wait for ever.
	in := Spew(n)
	c = s.cmdCtx(ctx, "cat")
	c.SetStdin(bytes.NewReader(in))
	withinFor(t, hugeGuard, "Output", func() { out, err = c.Output() })
	require.NoError(t, err, "Output")
	require.Len(t, out, n)
	assert.True(t, bytes.Equal(in, out), "cat returns its input, byte for byte")
}

func (s *procSuite) testClosedPipes(t *testing.T) {
	t.Run("Stdout", func(t *testing.T) {
		// The command closes its output and keeps running: the reader
		// sees EOF now, not when the command exits.
		c := s.cmd(t, "closeout")
		in, err := c.StdinPipe()
		require.NoError(t, err, "StdinPipe")
		out, err := c.StdoutPipe()
		require.NoError(t, err, "StdoutPipe")
		errp, err := c.StderrPipe()
		require.NoError(t, err, "StderrPipe")
		require.NoError(t, c.Start(), "Start")
		var got []byte
		within(t, "ReadAll of stdout", func() { got, err = io.ReadAll(out) })
		assert.NoError(t, err, "ReadAll of stdout")
		assert.Empty(t, got)
		within(t, "ReadAll of stderr", func() { got, err = io.ReadAll(errp) })
		assert.NoError(t, err, "ReadAll of stderr")
		assert.Empty(t, got)
		require.NoError(t, in.Close(), "Close of stdin")
		assert.NoError(t, waitFor(t, c), "Wait")
	})
	t.Run("Stdin", func(t *testing.T) {
		// The command closes its input: writes fail with EPIPE.
		c := s.cmd(t, "closein")
		in, err := c.StdinPipe()
		require.NoError(t, err, "StdinPipe")
		out, err := c.StdoutPipe()
		require.NoError(t, err, "StdoutPipe")
		require.NoError(t, c.Start(), "Start")
		var line string
		within(t, "ReadString", func() { line, err = bufio.NewReader(out).ReadString('\n') })
		require.NoError(t, err, "ReadString")
		require.Equal(t, "closed\n", line)
		within(t, "Write", func() { _, err = in.Write(make([]byte, 1<<20)) })
		assert.ErrorIs(t, err, syscall.EPIPE, "Write to a pipe the command closed")
		require.NoError(t, c.Kill(), "Kill")
		killed(t, c, waitFor(t, c))
		assert.Error(t, in.Close(), "Close of a stdin pipe that Wait closed")
	})
}

func (s *procSuite) testMisuse(t *testing.T) {
	c := s.cmd(t, "exit", "0")
	assert.Error(t, c.Wait(), "Wait before Start")
	assert.Error(t, c.Kill(), "Kill before Start")
	c.SetStdout(&bytes.Buffer{})
	_, err := c.StdoutPipe()
	assert.Error(t, err, "StdoutPipe with Stdout set")
	_, err = c.Output()
	assert.Error(t, err, "Output with Stdout set")

	c = s.cmd(t, "exit", "0")
	c.SetStderr(&bytes.Buffer{})
	_, err = c.CombinedOutput()
	assert.Error(t, err, "CombinedOutput with Stderr set")

	c = s.cmd(t, "exit", "0")
	c.SetStdin(strings.NewReader(""))
	_, err = c.StdinPipe()
	assert.Error(t, err, "StdinPipe with Stdin set")

	c = s.cmd(t, "exit", "0")
	require.NoError(t, c.Start(), "Start")
	assert.Error(t, c.Start(), "Start twice")
	_, err = c.StdoutPipe()
	assert.Error(t, err, "StdoutPipe after Start")
	require.NoError(t, waitFor(t, c), "Wait")
	assert.Error(t, c.Wait(), "Wait twice")
}

func (s *procSuite) testConcurrent(t *testing.T) {
	const n = 10
	outs := make([][]byte, n)
	errs := make([]error, n)
	within(t, "10 commands at once", func() {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				outs[i], errs[i] = s.cmd(t, "echo", fmt.Sprint(i)).Output()
			})
		}
		wg.Wait()
	})
	for i := range n {
		if assert.NoError(t, errs[i], "command %d", i) {
			assert.Equal(t, fmt.Sprintf("%d\n", i), string(outs[i]), "command %d", i)
		}
	}
}
