// Package lib is plain code: nothing is reported here, but its functions'
// summaries travel to the packages that call them.
package lib

import (
	"net"
	"net/http"

	"github.com/greenshim/greenshim/green"
)

// Dial dials directly.
func Dial(addr string) (net.Conn, error) { // want Dial:"uses net.Dial"
	return net.Dial("tcp", addr)
}

// Connect dials through Dial, two calls down.
func Connect(addr string) error { // want Connect:"uses net.Dial"
	c, err := Dial(addr)
	if err == nil {
		c.Close()
	}
	return err
}

// Fetch uses net/http's client.
func Fetch(url string) error { // want Fetch:"uses http.Get"
	resp, err := http.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// Poll fetches a fixed page.
func Poll() error { return Fetch("http://x") } // want Poll:"uses http.Get"

// Safe does nothing that holds the hub: no fact.
func Safe(a, b int) int { return a + b }

// Each spawns each of its functions: green code wherever it is called.
func Each(fs ...func() error) { // want Each:"runs param 0 in a greenlet"
	for _, f := range fs {
		green.Spawn(f)
	}
}
