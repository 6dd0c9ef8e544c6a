package green_test

import (
	"bufio"
	"fmt"

	"github.com/greenshim/greenshim/green"
)

// A server and a client greenlet talk over loopback on one hub: each parks
// while it waits for the other, and the hub runs the other meanwhile.
func ExampleSocket() {
	h := green.New(green.Options{})
	defer h.Close()
	s := green.Socket{Hub: h}
	err := h.Run(func() error {
		ln, err := s.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		server := green.Spawn(func() error {
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			defer c.Close()
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(c, "hello, %s", line)
			return err
		})
		c, err := s.Dial("tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		fmt.Fprintln(c, "greenlet")
		reply, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return err
		}
		fmt.Print(reply)
		return server.Join()
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: hello, greenlet
}
