package simdisk_test

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// Goroutines use the disk while another crashes it: every call returns
// either success or one of the errors a crash or a lost entry explains
// (run with -race).
func TestDisk_ConcurrentUseAndCrash(t *testing.T) {
	d := newDisk(t, simdisk.Options{Faults: simdisk.Faults{TornWrite: 0.5, KeepEntries: 0.5}})
	const workers = 4
	errs := make(chan error, workers)
	stop := make(chan struct{})
	for w := range workers {
		go func() {
			errs <- func() error {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return nil
					default:
					}
					name := fmt.Sprintf("/w%d-%d", w, i%5)
					f, err := d.Create(name)
					if err != nil {
						return err
					}
					_, err = f.Write(make([]byte, 700))
					if err == nil {
						err = f.Sync()
					}
					if err == nil {
						err = f.Close()
					}
					if err != nil && !errors.Is(err, syscall.EIO) {
						return err
					}
					err = d.Rename(name, name+".done")
					if err != nil && !errors.Is(err, fs.ErrNotExist) {
						return err
					}
				}
			}()
		}()
	}
	for range 50 {
		d.Crash(nil)
	}
	close(stop)
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	for range workers {
		select {
		case err := <-errs:
			require.NoError(t, err)
		case <-timer.C:
			t.Fatal("workers did not stop within 30s")
		}
	}
}
