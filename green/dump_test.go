package green_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

func TestHub_InfoAndDump(t *testing.T) {
	h := virtualHub(t)
	var ev green.Event
	err := run(t, h, func() error {
		h.Spawn(func() error { return ev.Wait() }).SetName("waiter")
		h.Spawn(func() error { green.Sleep(time.Hour); return nil }).SetName("sleeper")
		h.Spawn(func() error { return nil }).SetName("unstarted")
		green.Sleep(0) // let the first two start and park... and the third end
		var infos = map[string]green.GreenletInfo{}
		for _, gi := range h.Info() {
			infos[gi.Name] = gi
		}
		if gi := infos["waiter"]; gi.State != "waiting" || gi.WaitsOn != "event" || !strings.Contains(gi.Stack, "dump_test.go") {
			t.Errorf("waiter: %+v", gi)
		}
		if gi := infos["sleeper"]; gi.State != "waiting" || gi.WaitsOn != "sleep" {
			t.Errorf("sleeper: %+v", gi)
		}
		if gi := infos["main"]; gi.State != "running" {
			t.Errorf("main: %+v", gi)
		}
		if _, ok := infos["unstarted"]; ok {
			t.Error("a greenlet that ended is listed")
		}
		var b bytes.Buffer
		if err := h.Dump(&b); err != nil {
			return err
		}
		for _, want := range []string{"waiter [waiting] waits on event", "sleeper [waiting] waits on sleep", "main [running]", "1 timers"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("dump lacks %q:\n%s", want, b.String())
			}
		}
		ev.Set()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
