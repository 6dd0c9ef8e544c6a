// Package initbind binds modules at package initialization.
package initbind

import (
	"github.com/greenshim/greenshim/iface"
	"github.com/greenshim/greenshim/registry"
)

// sock is bound at init.
var sock = registry.BindSocket() // want `registry.BindSocket at package initialization binds the socket module before PatchAll can run: the patch report will name this binding stale`

// Exported: other packages may use it, so no fix.
var Clock = registry.BindTime() // want `registry.BindTime at package initialization`

var fs iface.OS

func init() {
	fs = registry.BindOS() // want `registry.BindOS at package initialization`
}

// Bound in a function, when it is called: not at init.
func later() iface.DNS { return registry.BindDNS() }

func dial() error {
	c, err := sock.Dial("tcp", "x")
	if err != nil {
		return err
	}
	return c.Close()
}
