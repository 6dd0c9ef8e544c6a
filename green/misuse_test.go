package green_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/greenshim/greenshim/green"
)

// Every public entry point that takes a function, a context or greenlets
// rejects a nil one at the call, with a panic whose message starts "green: "
// and says what was nil, instead of failing later inside a greenlet or with
// a bare nil dereference.
func TestMisuse_NilPanicsAtTheCall(t *testing.T) {
	h := newHub(t, green.Options{})
	ctx := context.Background()
	fn := func() error { return nil }
	ifn := func(int) (int, error) { return 0, nil }
	pool := green.NewPool(2).Bind(h)
	group := new(green.Group).Bind(h)
	g := h.Spawn(fn)
	if err := g.Join(); err != nil {
		t.Fatal(err)
	}
	var ng *green.Greenlet
	cases := []struct {
		name string
		call func()
	}{
		{"Hub.Spawn", func() { h.Spawn(nil) }},
		{"Spawn", func() { green.Spawn(nil) }},
		{"Hub.SpawnValue", func() { h.SpawnValue(nil) }},
		{"SpawnValue", func() { green.SpawnValue(nil) }},
		{"Hub.SpawnLater", func() { h.SpawnLater(0, nil) }},
		{"SpawnLater", func() { green.SpawnLater(0, nil) }},
		{"Hub.Raw", func() { h.Raw(nil) }},
		{"Raw", func() { green.Raw(nil) }},
		{"Hub.Run", func() { h.Run(nil) }},
		{"Run", func() { green.Run(nil) }},
		{"Hub.Native", func() { h.Native(nil) }},
		{"Native", func() { green.Native(nil) }},
		{"Hub.WithTimeout", func() { h.WithTimeout(time.Second, nil) }},
		{"WithTimeout", func() { green.WithTimeout(time.Second, nil) }},
		{"Hub.WithContext nil ctx", func() { h.WithContext(nil, fn) }}, //nolint:staticcheck // the misuse under test
		{"Hub.WithContext nil fn", func() { h.WithContext(ctx, nil) }},
		{"WithContext nil ctx", func() { green.WithContext(nil, fn) }}, //nolint:staticcheck // the misuse under test
		{"WithContext nil fn", func() { green.WithContext(ctx, nil) }},
		{"Greenlet.Link", func() { g.Link(nil) }},
		{"ThreadPool.Spawn", func() { h.ThreadPool().Spawn(nil) }},
		{"ThreadPool.Apply", func() { h.ThreadPool().Apply(nil) }},
		{"ThreadPool.Map", func() { h.ThreadPool().Map(2, nil) }},
		{"Group.Spawn", func() { group.Spawn(nil) }},
		{"Group.SpawnValue", func() { group.SpawnValue(nil) }},
		{"Pool.Spawn", func() { pool.Spawn(nil) }},
		{"Pool.SpawnValue", func() { pool.SpawnValue(nil) }},
		{"Group.Add", func() { group.Add(nil) }},
		{"Pool.Add", func() { pool.Add(nil) }},
		{"Map nil Spawner", func() { green.Map(nil, []int{1}, ifn) }},
		{"Map nil *Pool", func() { green.Map((*green.Pool)(nil), []int{1}, ifn) }},
		{"Map nil *Group", func() { green.Map((*green.Group)(nil), []int{1}, ifn) }},
		{"Map nil function", func() { green.Map[int, int](pool, []int{1}, nil) }},
		{"Imap nil Spawner", func() { green.Imap(nil, slices.Values([]int{1}), ifn) }},
		{"Imap nil *Pool", func() { green.Imap((*green.Pool)(nil), slices.Values([]int{1}), ifn) }},
		{"Imap nil iterator", func() { green.Imap(pool, nil, ifn) }},
		{"Imap nil function", func() { green.Imap[int, int](pool, slices.Values([]int{1}), nil) }},
		{"ImapUnordered nil function", func() { green.ImapUnordered[int, int](pool, slices.Values([]int{1}), nil) }},
		{"JoinAll", func() { green.JoinAll([]*green.Greenlet{g, nil}, green.JoinOptions{}) }},
		{"Wait nil", func() { green.Wait([]green.Waitable{g, nil}, green.WaitOptions{}) }},
		{"Wait nil *Greenlet", func() { green.Wait([]green.Waitable{ng}, green.WaitOptions{}) }},
		{"Wait nil *Event", func() { green.Wait([]green.Waitable{(*green.Event)(nil)}, green.WaitOptions{}) }},
		{"Wait nil *AsyncResult", func() { green.Wait([]green.Waitable{(*green.AsyncResult)(nil)}, green.WaitOptions{}) }},
		{"IWait", func() { green.IWait([]green.Waitable{nil}, 0) }},
		{"KillAll", func() { green.KillAll(g, nil) }},
		{"NewPriorityQueueFunc", func() { green.NewPriorityQueueFunc[int](0, nil) }},
		{"Time.AfterFunc", func() { green.Time{Hub: h}.AfterFunc(time.Second, nil) }},
		{"Time.WithTimeout", func() { green.Time{Hub: h}.WithTimeout(nil, time.Second) }},                              //nolint:staticcheck // the misuse under test
		{"Time.WithDeadline", func() { green.Time{Hub: h}.WithDeadline(nil, time.Now()) }},                             //nolint:staticcheck // the misuse under test
		{"DNS.LookupHost", func() { green.DNS{}.LookupHost(nil, "localhost") }},                                        //nolint:staticcheck // the misuse under test
		{"Socket.DialContext", func() { green.Socket{Hub: h}.DialContext(nil, "tcp", "127.0.0.1:1") }},                 //nolint:staticcheck // the misuse under test
		{"Socket.ListenContext", func() { green.Socket{Hub: h}.ListenContext(nil, "tcp", "127.0.0.1:0") }},             //nolint:staticcheck // the misuse under test
		{"Socket.ListenPacketContext", func() { green.Socket{Hub: h}.ListenPacketContext(nil, "udp", "127.0.0.1:0") }}, //nolint:staticcheck // the misuse under test
		{"nil Greenlet.Join", func() { ng.Join() }},
		{"nil Greenlet.JoinTimeout", func() { ng.JoinTimeout(time.Second) }},
		{"nil Greenlet.Kill", func() { ng.Kill() }},
		{"nil Greenlet.KillAsync", func() { ng.KillAsync() }},
		{"nil Greenlet.KillTimeout", func() { ng.KillTimeout(time.Second) }},
		{"nil Greenlet.Ready", func() { ng.Ready() }},
		{"nil Greenlet.Successful", func() { ng.Successful() }},
		{"nil Greenlet.Killed", func() { ng.Killed() }},
		{"nil Greenlet.Value", func() { ng.Value() }},
		{"nil Greenlet.Err", func() { ng.Err() }},
		{"nil Greenlet.Link", func() { ng.Link(func(*green.Greenlet) {}) }},
		{"nil Greenlet.Name", func() { _ = ng.Name() }},
		{"nil Greenlet.SetName", func() { ng.SetName("x") }},
		{"nil Greenlet.Hub", func() { ng.Hub() }},
		{"nil Greenlet.Parent", func() { ng.Parent() }},
		{"nil Greenlet.SetParent", func() { ng.SetParent(nil) }},
		{"nil Greenlet.Switch", func() { ng.Switch(nil) }},
		{"nil Greenlet.Throw", func() { ng.Throw(fmt.Errorf("x")) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := within(t, c.name, func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("%v", p)
					}
				}()
				c.call()
				return nil
			})
			if p == nil {
				t.Fatalf("%s with a nil argument did not panic at the call", c.name)
			}
			if msg := p.Error(); !strings.HasPrefix(msg, "green: ") || !strings.Contains(msg, "nil") {
				t.Errorf("%s panicked with %q, want a message starting \"green: \" that names the nil", c.name, msg)
			}
		})
	}
}
