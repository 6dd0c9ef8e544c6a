//go:build race

package main

// raceEnabled: the race detector slows the kv stop's sweeps tenfold;
// examples/kv's own tests run them under it.
const raceEnabled = true
