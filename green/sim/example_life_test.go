package sim_test

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// A host's main writes two files, syncing one; the crash keeps that one
// only, and Restart runs main again on what survived.
func ExampleHost_Crash() {
	w := sim.New(sim.Config{Seed: 1})
	defer w.Close()
	db := w.MustAddHost("db")
	err := w.Run(func() error {
		err := db.Start(func(ctx context.Context) error {
			o := db.OS()
			names, _ := afero.ReadDir(o, "/")
			fmt.Printf("life %d sees %d files\n", db.Boots(), len(names))
			if db.Boots() > 1 {
				return nil
			}
			f, _ := o.Create("/synced")
			f.WriteString("kept")
			f.Sync()
			d, _ := o.Open("/")
			d.Sync() // the new entry is durable too
			afero.WriteFile(o, "/cached", []byte("lost"), 0o644)
			green.Sleep(time.Hour) // until the crash
			return nil
		})
		if err != nil {
			return err
		}
		green.Sleep(time.Second)
		rep, err := db.Crash()
		if err != nil {
			return err
		}
		fmt.Print(rep)
		fmt.Println("main ended:", db.Wait())
		if err := db.Restart(); err != nil {
			return err
		}
		return db.Wait()
	})
	fmt.Println("run:", err)
	// Output:
	// life 1 sees 0 files
	// crash: 1 files lost data, 0 torn writes, 1 entry changes lost, 0 kept
	//   lost data /cached: 4 bytes live, 0 durable
	//   lost entry: create /cached
	// main ended: sim: host crashed
	// life 2 sees 1 files
	// run: <nil>
}
