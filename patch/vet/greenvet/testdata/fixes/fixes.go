// Package fixes has the rewrites whose result type changes, a go statement
// rewritten to green.Spawn, and green imported under another name.
package fixes

import (
	"io"
	"os"
	"time"

	gr "github.com/greenshim/greenshim/green"
)

type holder struct{ t *time.Timer }

func work() {}

func timers(h *holder) {
	gr.Spawn(func() error {
		t := time.NewTimer(time.Second) // want `time.NewTimer bypasses .* use registry.Time\(\).NewTimer`
		defer t.Stop()
		if _, _, err := gr.Recv(t.C); err != nil {
			return err
		}
		tk := time.NewTicker(time.Second) // want `time.NewTicker bypasses`
		tk.Reset(2 * time.Second)
		tk.Stop()
		time.AfterFunc(time.Second, work) // want `time.AfterFunc bypasses`
		// Stored in a field of type *time.Timer: no fix.
		h.t = time.NewTimer(time.Second) // want `time.NewTimer bypasses`
		return nil
	})
}

func files() {
	gr.Spawn(func() error {
		f, err := os.Open("in") // want `os.Open bypasses .* use registry.OS\(\).Open`
		if err != nil {
			return err
		}
		defer f.Close()
		out, err := os.Create("out") // want `os.Create bypasses`
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, f)
		// Fd is not an afero.File method: no fix.
		g, err := os.OpenFile("g", os.O_RDONLY, 0) // want `os.OpenFile bypasses`
		if err == nil {
			_ = g.Fd()
		}
		return err
	})
}

func goroutines(ready bool) {
	gr.Spawn(func() error {
		go func() { // want `go statement: the goroutine runs beside the hub, where nothing it waits on is cooperative; use green.Spawn`
			if ready {
				return
			}
			work()
		}()
		go work()              // want `go statement`
		go func() { work() }() // want `go statement`
		go func(i int) {}(1)   // want `go statement`
		go func() {            // want `go statement`
			for {
				work()
			}
		}()
		return nil
	})
}
