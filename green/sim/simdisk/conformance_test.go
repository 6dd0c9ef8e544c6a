package simdisk_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

func TestDisk_OSSuite(t *testing.T) {
	d, err := simdisk.New(simdisk.Options{Hostname: "db1", Env: map[string]string{"HOME": "/home/db"}})
	require.NoError(t, err)
	ifacetest.TestOS(t, d)
}

// The suite again after a crash: the rebuilt live view is a whole file
// system too.
func TestDisk_OSSuiteAfterCrash(t *testing.T) {
	d, err := simdisk.New(simdisk.Options{})
	require.NoError(t, err)
	require.NoError(t, d.MkdirAll("/kept/dir", 0o755))
	syncDir(t, d, "/")
	syncDir(t, d, "/kept")
	d.Crash(nil)
	ifacetest.TestOS(t, d)
}
