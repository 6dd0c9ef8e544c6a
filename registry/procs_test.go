package registry_test

import (
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// fsOnly is an os module made of an afero.Fs and the environment, with no
// processes: an afero user's own module.
type fsOnly struct {
	afero.Fs
	iface.Env
}

func fsOnlyOS() iface.OS { return fsOnly{afero.NewMemMapFs(), blocking.OS{}} }

func TestProcs_CurrentModule(t *testing.T) {
	cases := []struct {
		name    string
		os      iface.OS
		runs    bool
		wantErr error
	}{
		{"Blocking", blocking.OS{}, true, nil},
		{"FsOnly", fsOnlyOS(), false, errors.ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			registry.SetForTest(t, registry.OSModule, c.os)
			p := registry.Procs()
			_, err := p.LookPath("sh")
			if c.runs {
				assert.NoError(t, err, "LookPath")
				assert.Equal(t, c.os, p, "Procs is the module itself")
				return
			}
			assert.ErrorIs(t, err, c.wantErr, "LookPath")
			var ee *exec.Error
			assert.ErrorAs(t, p.Command(context.Background(), "sh").Run(), &ee)
		})
	}
}
