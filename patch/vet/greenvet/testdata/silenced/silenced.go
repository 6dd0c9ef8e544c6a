// Package silenced is a native component for the socket module, checked
// with -silenced: its declared bypasses are reported too, each naming the
// declaration that silences it; its undeclared ones as usual.
package silenced

import (
	"net"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/registry"
)

var _ = registry.DeclareNative("silentdriver", registry.SocketModule)

func serve(addr string) {
	green.Spawn(func() error {
		_, err := net.Dial("tcp", addr) // want `^silenced by registry.DeclareNative "silentdriver" \(silenced.go:13\): net.Dial bypasses the registry's socket module`
		_, _ = net.LookupHost("x")      // want `^net.LookupHost bypasses`
		return err
	})
}
