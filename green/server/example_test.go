package server_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server"
)

// A StreamServer runs each connection's handler in a greenlet of its own;
// the clients here are greenlets of the same hub.
func ExampleStreamServer() {
	h := green.New(green.Options{})
	defer h.Close()
	srv := &server.StreamServer{Handler: func(c net.Conn) {
		name, _ := bufio.NewReader(c).ReadString('\n')
		fmt.Fprintf(c, "hello, %s", name)
	}}
	err := h.Run(func() error {
		ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		if err := srv.Start(ln); err != nil {
			return err
		}
		defer srv.Stop(time.Second)
		for _, name := range []string{"ann", "bob"} {
			c, err := green.Socket{}.Dial("tcp", srv.Address().String())
			if err != nil {
				return err
			}
			fmt.Fprintln(c, name)
			reply, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err != nil {
				return err
			}
			fmt.Print(reply)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// hello, ann
	// hello, bob
}

// A DatagramServer runs each packet's handler in a greenlet of its own,
// which answers through the packet conn it is given.
func ExampleDatagramServer() {
	h := green.New(green.Options{})
	defer h.Close()
	srv := &server.DatagramServer{Handler: func(pc net.PacketConn, p []byte, addr net.Addr) {
		pc.WriteTo([]byte(strings.ToUpper(string(p))), addr)
	}}
	err := h.Run(func() error {
		pc, err := green.Socket{}.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		if err := srv.Start(pc); err != nil {
			return err
		}
		defer srv.Stop(time.Second)
		c, err := green.Socket{}.Dial("udp", srv.Address().String())
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write([]byte("quiet, please"))
		buf := make([]byte, 64)
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		fmt.Println(string(buf[:n]))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: QUIET, PLEASE
}
