package blocking_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface"
)

// The zero Time is the real clock of package time.
func ExampleTime() {
	var tm iface.Time = blocking.Time{}
	ctx, cancel := tm.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println(ctx.Err())
	// Output:
	// context deadline exceeded
}

// A Time on a mock clock moves only when the test moves the mock, and its
// timers keep the Stop and Reset results of package time.
func ExampleTime_mock() {
	mock := clock.NewMock()
	var tm iface.Time = blocking.Time{Clock: mock}
	start := tm.Now()

	timer := tm.NewTimer(time.Minute)
	mock.Add(time.Minute)
	fmt.Println((<-timer.C()).Sub(start))
	fmt.Println(timer.Stop()) // it fired and was received

	timer.Reset(time.Minute)
	mock.Add(time.Minute)
	fmt.Println(timer.Stop()) // it fired but was not received: still active
	select {
	case <-timer.C():
		fmt.Println("stale value")
	default:
		fmt.Println("no stale value")
	}
	fmt.Println(tm.Since(start))
	// Output:
	// 1m0s
	// false
	// true
	// no stale value
	// 2m0s
}

// An OS may use any afero.Fs for its files; the environment is always the
// process's.
func ExampleOS() {
	var fsys iface.OS = blocking.OS{Fs: afero.NewMemMapFs()}
	if err := afero.WriteFile(fsys, "/etc/motd", []byte("hello"), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	b, err := afero.ReadFile(fsys, "/etc/motd")
	fmt.Println(string(b), err)
	_, err = fsys.Stat("/etc/missing")
	fmt.Println(err)
	// Output:
	// hello <nil>
	// open /etc/missing: file does not exist
}

// Commands run through package os/exec; their errors are exec's own.
func ExampleOS_Command() {
	var o iface.Procs = blocking.OS{}
	out, err := o.Command(context.Background(), "echo", "hello").Output()
	fmt.Printf("%q %v\n", out, err)
	err = o.Command(context.Background(), "sh", "-c", "exit 3").Run()
	var ee iface.ExitError
	if errors.As(err, &ee) {
		fmt.Println("exit code", ee.ExitCode())
	}
	// Output:
	// "hello\n" <nil>
	// exit code 3
}
