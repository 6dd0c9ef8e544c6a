package simdisk_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green/sim/simdisk"
)

// A record is written and synced, its directory synced; a second record is
// written without Sync. A crash keeps the first only.
func Example() {
	disk, err := simdisk.New(simdisk.Options{Hostname: "db1"})
	if err != nil {
		panic(err)
	}
	disk.MkdirAll("/data", 0o755)
	f, _ := disk.Create("/data/log")
	f.WriteString("record 1\n")
	f.Sync() // the data is durable

	dir, _ := disk.Open("/data")
	dir.Sync() // and so is the entry: /data/log
	dir.Close()
	root, _ := disk.Open("/")
	root.Sync() // and /data in / (already, by journal order; portable code syncs it)
	root.Close()

	f.WriteString("record 2\n") // in the page cache only
	b, _ := afero.ReadFile(disk, "/data/log")
	fmt.Printf("before: %q\n", b)

	report := disk.Crash(rand.New(rand.NewPCG(1, 2)))
	fmt.Print(report)
	b, _ = afero.ReadFile(disk, "/data/log")
	fmt.Printf("after: %q\n", b)
	_, err = f.WriteString("record 3\n")
	fmt.Println("old handle:", err)
	// Output:
	// before: "record 1\nrecord 2\n"
	// crash: 1 files lost data, 0 torn writes, 0 entry changes lost, 0 kept
	//   lost data /data/log: 18 bytes live, 9 durable
	// after: "record 1\n"
	// old handle: write /data/log: input/output error
}
