package ifacetest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// helperArg, as the first argument of a test binary, makes [RunHelper] run
// the helper program instead of the tests.
const helperArg = "-greenshim.ifacetest.helper"

// HelperCommand returns the command line that runs the helper program as a
// real process: the running test binary, which must call [RunHelper] first
// thing in its TestMain. Pass it to [TestProcs] for an implementation that
// runs real processes.
func HelperCommand() []string {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return []string{exe, helperArg}
}

// RunHelper runs the helper program and exits, if this process was started
// by a command line from [HelperCommand]; otherwise it returns at once.
// Call it first thing in the TestMain of a package that runs [TestProcs] on
// real processes:
//
//	func TestMain(m *testing.M) {
//		ifacetest.RunHelper()
//		os.Exit(m.Run())
//	}
func RunHelper() {
	if len(os.Args) < 2 || os.Args[1] != helperArg {
		return
	}
	dir, _ := os.Getwd()
	// syscall.Exit rather than os.Exit: under the race detector os.Exit(0)
	// sleeps a second for late reports, and the helper has nothing to
	// report (its output is flushed by Helper).
	syscall.Exit(Helper(HelperProc{
		Args:   os.Args[2:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		Dir:    dir,
		Sleep:  time.Sleep,
	}))
}

// HelperProc is what the helper program runs with: its arguments (after the
// program's name), standard streams, environment, working directory and a
// sleep on the clock of its world.
type HelperProc struct {
	Args   []string
	Stdin  io.ReadCloser
	Stdout io.WriteCloser
	Stderr io.WriteCloser
	Getenv func(key string) string
	Dir    string
	Sleep  func(d time.Duration)
}

// Helper runs the helper program that [TestProcs] starts, and returns its
// exit status. An implementation without real processes (a simulated
// world) registers a command that calls Helper and passes TestProcs its
// name; [RunHelper] calls it in a real process. Its first argument says
// what to do:
//
//	echo WORDS...  write the words, separated by spaces, and a newline
//	cat            copy standard input to standard output until EOF
//	exit N [MSG]   write MSG to standard error, then exit with status N
//	both OUT ERR   write OUT to standard output, then ERR to standard error
//	env KEY        write KEY's value and a newline
//	pwd            write the working directory and a newline
//	sleep D        sleep for D (a time.Duration), then exit 0
//	spew N         write N bytes of [Spew] to standard output
//	closeout       close standard output and error, then read standard
//	               input until EOF, then exit 0
//	closein        close standard input, write "closed\n", sleep a minute
//
// Anything else writes a usage message to standard error and exits 2.
func Helper(p HelperProc) int {
	out := bufio.NewWriter(p.Stdout)
	code := helper(p, out)
	if err := out.Flush(); err != nil && code == 0 {
		code = 1
	}
	return code
}

func helper(p HelperProc, out *bufio.Writer) int {
	usage := func() int {
		fmt.Fprintf(p.Stderr, "ifacetest helper: bad arguments %q\n", p.Args)
		return 2
	}
	if len(p.Args) == 0 {
		return usage()
	}
	verb, args := p.Args[0], p.Args[1:]
	switch {
	case verb == "echo":
		fmt.Fprintln(out, strings.Join(args, " "))
	case verb == "cat" && len(args) == 0:
		// Unbuffered, so that each line written in comes out at once.
		if _, err := io.Copy(p.Stdout, p.Stdin); err != nil {
			fmt.Fprintln(p.Stderr, "cat:", err)
			return 1
		}
	case verb == "exit" && (len(args) == 1 || len(args) == 2):
		code, err := strconv.Atoi(args[0])
		if err != nil {
			return usage()
		}
		if len(args) == 2 {
			fmt.Fprint(p.Stderr, args[1])
		}
		return code
	case verb == "both" && len(args) == 2:
		if _, err := io.WriteString(p.Stdout, args[0]); err != nil {
			return 1
		}
		if _, err := io.WriteString(p.Stderr, args[1]); err != nil {
			return 1
		}
	case verb == "env" && len(args) == 1:
		fmt.Fprintln(out, p.Getenv(args[0]))
	case verb == "pwd" && len(args) == 0:
		fmt.Fprintln(out, p.Dir)
	case verb == "sleep" && len(args) == 1:
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return usage()
		}
		p.Sleep(d)
	case verb == "spew" && len(args) == 1:
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			return usage()
		}
		if _, err := out.Write(Spew(n)); err != nil {
			return 1
		}
	case verb == "closeout" && len(args) == 0:
		p.Stdout.Close()
		p.Stderr.Close()
		io.Copy(io.Discard, p.Stdin)
	case verb == "closein" && len(args) == 0:
		p.Stdin.Close()
		fmt.Fprintln(out, "closed")
		out.Flush()
		p.Sleep(time.Minute)
	default:
		return usage()
	}
	return 0
}

// Spew returns the n bytes the helper's spew writes: a pattern whose every
// window of a few hundred bytes is unique to its place, so a lost, doubled
// or reordered chunk of output does not compare equal.
func Spew(n int) []byte {
	b := make([]byte, 0, n+32)
	for i := 0; len(b) < n; i++ {
		b = strconv.AppendInt(b, int64(i), 36)
		b = append(b, ' ')
	}
	return b[:n]
}
