package blocking_test

import (
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

// TestProcs_Conformance runs the process suite, which changes the
// environment, so it is not parallel. The suite writes a file through the
// OS and runs it, so the OS is the disk the processes see.
func TestProcs_Conformance(t *testing.T) {
	ifacetest.TestProcs(t, blocking.OS{}, ifacetest.HelperCommand())
}

// The command is an *exec.Cmd underneath, and its errors are exec's own.
func TestCmd_IsExecCmd(t *testing.T) {
	c := blocking.OS{}.Command(context.Background(), "greenshim-no-such-program").(*blocking.Cmd)
	require.NotNil(t, c.Cmd)
	err := c.Run()
	assert.True(t, errors.Is(err, exec.ErrNotFound), "Run: %v", err)
}
