// Package patchorder is the body of the example command patchorder (examples/patchorder),
// kept importable so that the tour can run it too. See that command.
package patchorder

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync/atomic"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/examples/patchorder/early"
	"github.com/greenshim/greenshim/examples/patchorder/late"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// counting is a socket module that counts the dials made through it.
type counting struct {
	iface.Socket
	dials *atomic.Int64
}

func (c counting) Dial(network, addr string) (net.Conn, error) {
	c.dials.Add(1)
	return c.Socket.Dial(network, addr)
}

func (c counting) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c.dials.Add(1)
	return c.Socket.DialContext(ctx, network, addr)
}

func Run(w io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()

	sock := counting{Socket: blocking.Socket{}, dials: new(atomic.Int64)}
	report, err := patch.PatchAll(patch.Options{
		Impl:   registry.Set{Socket: sock},
		NoOS:   true,
		NoTime: true,
		NoDNS:  true,
	})
	if err != nil {
		return err
	}
	defer patch.Restore()
	fmt.Fprint(w, report)

	for _, d := range []struct {
		name string
		dial func(string) (net.Conn, error)
	}{{"early", early.Dial}, {"late", late.Dial}} {
		before := sock.dials.Load()
		c, err := d.dial(ln.Addr().String())
		if err != nil {
			return err
		}
		c.Close()
		via := "the old (blocking) socket module: its binding is stale"
		if sock.dials.Load() > before {
			via = "the patched socket module"
		}
		fmt.Fprintf(w, "%s.Dial went through %s\n", d.name, via)
	}
	return nil
}
