package blocking_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/blocking"
	"github.com/greenshim/greenshim/iface/ifacetest"
)

func TestDNS_Conformance(t *testing.T) {
	cases := []struct {
		name string
		r    blocking.DNS
	}{
		{"Zero", blocking.DNS{}},
		{"PreferGo", blocking.DNS{Resolver: &net.Resolver{PreferGo: true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { ifacetest.TestDNS(t, c.r) })
	}
}

func TestDNS_Resolver(t *testing.T) {
	errNoServer := errors.New("no server in this test")
	var dials atomic.Int32
	r := blocking.DNS{Resolver: &net.Resolver{
		PreferGo: true,
		Dial: func(context.Context, string, string) (net.Conn, error) {
			dials.Add(1)
			return nil, errNoServer
		},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	_, err := r.LookupMX(ctx, "greenshim.invalid")
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr)
	assert.ErrorContains(t, err, errNoServer.Error())
	assert.Positive(t, dials.Load(), "dials through the given Resolver")
}
