// Command patchorder shows gevent's ordering pitfall, and greenshim naming
// it: package early binds the socket module at init, before main patches;
// package late looks it up at each call. After the patch, late dials through
// the new socket module and early still through the old one, and the patch
// report names early's binding with its file and line.
//
// The cooperative modules of package green are not there yet (issue 4), so
// the patch installs a socket module of this example's own that counts its
// dials: it makes visible which implementation each package reaches.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/examples/patchorder/early"
	"github.com/greenshim/greenshim/examples/patchorder/late"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "patchorder:", err)
		os.Exit(1)
	}
}

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

func run(w io.Writer) error {
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
