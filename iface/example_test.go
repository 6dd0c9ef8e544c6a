package iface_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/iface"
)

// memOS is an os module made of an in-memory afero.Fs and an environment of
// its own: a whole iface.OS, without processes.
type memOS struct {
	afero.Fs
	env
}

type env map[string]string

func (e env) Getenv(k string) string            { return e[k] }
func (e env) LookupEnv(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e env) Setenv(k, v string) error          { e[k] = v; return nil }
func (e env) Unsetenv(k string) error           { delete(e, k); return nil }
func (e env) Environ() []string                 { return nil }
func (e env) Hostname() (string, error)         { return "mem", nil }

// An OS without processes falls back to commands that fail to start, with
// the error package os/exec gives a program it cannot run.
func ExampleProcsOf() {
	var o iface.OS = memOS{afero.NewMemMapFs(), env{}}
	err := iface.ProcsOf(o).Command(context.Background(), "date").Run()
	fmt.Println(err)
	fmt.Println(errors.Is(err, errors.ErrUnsupported))
	// Output:
	// exec: "date": unsupported operation
	// true
}
