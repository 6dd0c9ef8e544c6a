package blocking_test

import (
	"net"
	"testing"
	"time"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

func TestSocket_Conformance(t *testing.T) {
	cases := []struct {
		name string
		s    blocking.Socket
	}{
		{"Zero", blocking.Socket{}},
		{"Configured", blocking.Socket{
			Dialer:       &net.Dialer{Timeout: time.Minute, KeepAlive: -1},
			ListenConfig: &net.ListenConfig{KeepAlive: -1},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { ifacetest.TestSocket(t, c.s) })
	}
}
