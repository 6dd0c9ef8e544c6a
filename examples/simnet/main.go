// Command simnet runs a client and a server in a simulated world
// (package green/sim) through a partition and a heal, printing what
// happened with world timestamps; the output is the same on every run
// with the same seed:
//
//	go run ./examples/simnet -seed 7
//
// With -bench it prints the world's figures beside real ones, one
// key=value a line, all measured in the same run (see package
// examples/internal/simnet for what each means):
//
//	go run ./examples/simnet -bench -clients 10000 -rounds 10
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/greenshim/greenshim/examples/internal/simnet"
)

func main() {
	seed := flag.Uint64("seed", 1, "the world's seed")
	bench := flag.Bool("bench", false, "run the benchmarks instead of the scenario")
	var cfg simnet.BenchConfig
	flag.IntVar(&cfg.Clients, "clients", 10000, "-bench: echo clients, all at once")
	flag.IntVar(&cfg.Rounds, "rounds", 10, "-bench: round trips per client")
	flag.IntVar(&cfg.Events, "events", 1000000, "-bench: timer events")
	flag.IntVar(&cfg.Idle, "idle", 5000, "-bench: idle conn pairs measured")
	flag.StringVar(&cfg.CPUProfile, "cpuprofile", "", "-bench: write a CPU profile of the mode 1 echo to this file")
	flag.Parse()
	var err error
	if *bench {
		err = simnet.Bench(os.Stdout, cfg)
	} else {
		err = simnet.Scenario(os.Stdout, *seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simnet:", err)
		os.Exit(2)
	}
}
