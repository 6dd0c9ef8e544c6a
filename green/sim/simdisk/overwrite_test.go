package simdisk_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// TestDisk_CrashKeepsLastSyncedData overwrites, extends and truncates one
// file at random, syncing and crashing now and then, and checks after each
// crash that the file holds exactly its data at the last Sync, plus, when
// the crash report says a write was torn, that write's kept prefix.
func TestDisk_CrashKeepsLastSyncedData(t *testing.T) {
	for _, torn := range []float64{0, 1} {
		for seed := range uint64(100) {
			t.Run(fmt.Sprintf("torn=%v/seed=%d", torn, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 21))
				d := newDisk(t, simdisk.Options{
					Rand:       rand.New(rand.NewPCG(seed, 22)),
					SectorSize: 64,
					Faults:     simdisk.Faults{TornWrite: torn},
				})
				f, err := d.Create("/f")
				require.NoError(t, err)
				syncDir(t, d, "/")
				var live, synced []byte
				var last *struct {
					off  int
					data []byte
				}
				var trace []string
				for step := range 60 {
					switch k := rng.IntN(10); {
					case k < 5:
						off, n := rng.IntN(600), 1+rng.IntN(300)
						data := []byte(strings.Repeat(string(rune('A'+step%26)), n))
						trace = append(trace, fmt.Sprintf("writeat %d@%d", n, off))
						_, err := f.WriteAt(data, int64(off))
						require.NoError(t, err)
						if off+n > len(live) {
							live = append(live, make([]byte, off+n-len(live))...)
						}
						copy(live[off:], data)
						last = &struct {
							off  int
							data []byte
						}{off, data}
					case k < 7:
						size := rng.IntN(800)
						trace = append(trace, fmt.Sprintf("truncate %d", size))
						require.NoError(t, f.Truncate(int64(size)))
						if size > len(live) {
							live = append(live, make([]byte, size-len(live))...)
						}
						live = live[:size]
						last = nil
					case k < 9:
						trace = append(trace, "sync")
						require.NoError(t, f.Sync())
						synced = append([]byte(nil), live...)
						last = nil
					default:
						trace = append(trace, "crash")
						r := d.Crash(nil)
						want := append([]byte(nil), synced...)
						if len(r.Torn) > 0 {
							require.NotNil(t, last, "a torn write with no write since the sync\n%s", strings.Join(trace, "\n"))
							kept := int(r.Torn[0].Kept)
							if end := last.off + kept; end > len(want) {
								want = append(want, make([]byte, end-len(want))...)
							}
							copy(want[last.off:], last.data[:kept])
						}
						got, err := read(d, "/f")
						require.NoError(t, err)
						require.Equal(t, string(want), got, "%s\n%s", strings.Join(trace, "\n"), r)
						f, err = d.OpenFile("/f", os.O_RDWR, 0)
						require.NoError(t, err)
						live, synced, last = []byte(got), []byte(got), nil
					}
				}
				require.NoError(t, f.Close())
			})
		}
	}
}
