package green_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green"
)

// inGreenlet runs body as the main greenlet of a fresh hub, or directly
// when greenlet is false, timing only body.
func inGreenlet(b *testing.B, greenlet bool, opts green.Options, body func()) {
	if !greenlet {
		b.ResetTimer()
		body()
		return
	}
	h := newHub(b, opts)
	if err := h.Run(func() error {
		b.ResetTimer()
		body()
		b.StopTimer()
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOS_ReadFile reads a 4 KiB file through the os module: from a
// plain goroutine (directly) and from a greenlet (each operation on the
// thread pool: open, stat, read, read, close).
func BenchmarkOS_ReadFile(b *testing.B) {
	name := filepath.Join(b.TempDir(), "f")
	if err := os.WriteFile(name, make([]byte, 4096), 0o644); err != nil {
		b.Fatal(err)
	}
	fsys := green.OS{}
	for _, greenlet := range []bool{false, true} {
		b.Run(map[bool]string{false: "Goroutine", true: "Greenlet"}[greenlet], func(b *testing.B) {
			inGreenlet(b, greenlet, green.Options{}, func() {
				for range b.N {
					if _, err := afero.ReadFile(fsys, name); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkTime_TimerVirtual arms and stops a timer of a virtual-time hub
// from a greenlet: the cost of the module's bookkeeping over the hub's.
func BenchmarkTime_TimerVirtual(b *testing.B) {
	inGreenlet(b, true, green.Options{Clock: green.NewVirtualClock(time.Time{})}, func() {
		tm := green.Time{}
		for range b.N {
			tm.NewTimer(time.Hour).Stop()
		}
	})
}

// BenchmarkDNS_LookupHost resolves localhost (from /etc/hosts) with the
// thread resolver, from a plain goroutine and from a greenlet (on the pool).
func BenchmarkDNS_LookupHost(b *testing.B) {
	dns := green.DNS{}
	for _, greenlet := range []bool{false, true} {
		b.Run(map[bool]string{false: "Goroutine", true: "Greenlet"}[greenlet], func(b *testing.B) {
			inGreenlet(b, greenlet, green.Options{}, func() {
				for range b.N {
					if _, err := dns.LookupHost(context.Background(), "localhost"); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
