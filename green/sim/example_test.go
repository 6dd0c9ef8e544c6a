package sim_test

import (
	"bufio"
	"fmt"
	"net"
	"time"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim"
)

// A world in a few lines: two hosts, a link with latency, a server of
// greenlets, and a client whose request crosses a partition. It prints the
// same on every run: the world's time is virtual and its choices come from
// the seed.
func Example() {
	w := sim.New(sim.Config{Seed: 1, Link: sim.Link{Latency: 5 * time.Millisecond}})
	defer w.Close()
	srv := w.MustAddHost("server", "10.0.0.1")
	cli := w.MustAddHost("client", "10.0.0.2")

	ln, _ := srv.Socket().Listen("tcp", ":7")
	srv.Go(func() error {
		for {
			c, err := ln.Accept()
			if err != nil {
				return nil
			}
			green.Spawn(func() error { // on host server too
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				fmt.Fprintf(c, "%s says hi to %s", sim.Current(), line)
				return nil
			})
		}
	})

	err := cli.Run(func() error {
		ask := func() {
			start := w.Since()
			c, err := cli.Socket().Dial("tcp", "server:7")
			if err != nil {
				fmt.Println(err)
				return
			}
			defer c.Close()
			fmt.Fprintf(c, "%v\n", c.LocalAddr().(*net.TCPAddr).IP)
			reply, _ := bufio.NewReader(c).ReadString('\n')
			fmt.Printf("%q after %v\n", reply, w.Since()-start)
		}
		ask()
		w.Partition([]string{"client"}, []string{"server"})
		green.SpawnLater(time.Second, func() error {
			w.Heal([]string{"client"}, []string{"server"})
			return nil
		})
		ask() // the connection attempt waits for the heal
		return nil
	})
	fmt.Println("err:", err)
	// Output:
	// "server says hi to 10.0.0.2\n" after 20ms
	// "server says hi to 10.0.0.2\n" after 1.02s
	// err: <nil>
}
