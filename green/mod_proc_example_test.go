package green_test

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/greenshim/greenshim/green"
)

// Three greenlets each run a command: their waits overlap, and the output of
// each comes back through a pipe that parks only its reader.
func ExampleOS_Command() {
	h := green.New(green.Options{})
	defer h.Close()
	results := make([]string, 3)
	err := h.Run(func() error {
		var gs []*green.Greenlet
		for i := range results {
			gs = append(gs, green.Spawn(func() error {
				out, err := green.OS{}.Command(context.Background(), "sh", "-c", fmt.Sprintf("sleep 0.0%d; echo job %d", 3-i, i)).Output()
				results[i] = strings.TrimSpace(string(out))
				return err
			}))
		}
		_, err := green.JoinAll(gs, green.JoinOptions{StopOnError: true})
		return err
	})
	fmt.Println(results, err)
	// Output:
	// [job 0 job 1 job 2] <nil>
}

// StdinPipe and StdoutPipe stream: a greenlet talks to a command line by
// line, and another greenlet runs whenever it waits.
func ExampleOS_Command_pipes() {
	h := green.New(green.Options{})
	defer h.Close()
	err := h.Run(func() error {
		c := green.OS{}.Command(context.Background(), "tr", "a-z", "A-Z")
		in, _ := c.StdinPipe()
		out, _ := c.StdoutPipe()
		if err := c.Start(); err != nil {
			return err
		}
		green.Spawn(func() error {
			fmt.Fprintln(in, "cooperative")
			return in.Close()
		})
		line, err := bufio.NewReader(out).ReadString('\n')
		fmt.Print(line)
		if err != nil {
			return err
		}
		return c.Wait()
	})
	fmt.Println(err)
	// Output:
	// COOPERATIVE
	// <nil>
}
