package iface_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"

	"github.com/greenshim/greenshim/iface"
)

func TestProcsOf_Fallback(t *testing.T) {
	p := iface.ProcsOf(memOS{afero.NewMemMapFs(), env{}})
	c := p.Command(context.Background(), "prog", "a", "b")
	assert.Equal(t, "prog a b", c.String())
	unsupported := func(t *testing.T, err error) {
		t.Helper()
		var ee *exec.Error
		if assert.ErrorAs(t, err, &ee) {
			assert.Equal(t, "prog", ee.Name)
		}
		assert.ErrorIs(t, err, errors.ErrUnsupported)
	}
	cases := []struct {
		op   string
		call func() error
	}{
		{"Start", c.Start},
		{"Run", c.Run},
		{"Output", func() error { _, err := c.Output(); return err }},
		{"CombinedOutput", func() error { _, err := c.CombinedOutput(); return err }},
		{"StdinPipe", func() error { _, err := c.StdinPipe(); return err }},
		{"StdoutPipe", func() error { _, err := c.StdoutPipe(); return err }},
		{"StderrPipe", func() error { _, err := c.StderrPipe(); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) { unsupported(t, tc.call()) })
	}
	assert.Error(t, c.Wait(), "Wait of a command that never started")
	assert.Error(t, c.Kill(), "Kill")
	assert.Error(t, c.Signal(os.Interrupt), "Signal")
	assert.Zero(t, c.Pid())
	assert.Equal(t, -1, c.ExitCode())

	_, err := p.LookPath("prog")
	unsupported(t, err)
	assert.Panics(t, func() { p.Command(nil, "prog") }, "Command with a nil context")
}

// procsOS has processes of its own: ProcsOf returns it unchanged.
type procsOS struct {
	memOS
	iface.Procs
}

func TestProcsOf_Own(t *testing.T) {
	inner := iface.ProcsOf(memOS{afero.NewMemMapFs(), env{}}) // any Procs will do
	o := procsOS{memOS{afero.NewMemMapFs(), env{}}, inner}
	assert.Equal(t, iface.Procs(o), iface.ProcsOf(o))
}
