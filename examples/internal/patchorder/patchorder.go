// Package patchorder is the body of the example command patchorder
// (examples/patchorder), kept importable so that the tour can run it too.
// See that command.
package patchorder

import (
	"fmt"
	"io"
	"net"

	"github.com/greenshim/greenshim/examples/patchorder/early"
	"github.com/greenshim/greenshim/examples/patchorder/late"
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/patch"
	"github.com/greenshim/greenshim/registry"
)

// Run patches every module, prints the report, and dials a loopback
// listener through each package, saying which socket module each used.
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

	report, err := patch.PatchAll(patch.Options{})
	if err != nil {
		return err
	}
	defer patch.Restore()
	fmt.Fprint(w, report)

	for _, p := range []struct {
		name   string
		dial   func(string) (net.Conn, error)
		module func() iface.Socket
	}{{"early", early.Dial, early.Module}, {"late", late.Dial, late.Module}} {
		c, err := p.dial(ln.Addr().String())
		if err != nil {
			return err
		}
		c.Close()
		// Resolve names the original behind a value bound before patch's
		// init provided it, as early's was.
		fmt.Fprintf(w, "%s.Dial went through %T\n", p.name, registry.Resolve(p.module()))
	}
	return nil
}
