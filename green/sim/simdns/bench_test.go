package simdns_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/greenshim/greenshim/green/sim/simdns"
)

// BenchmarkResolver_LookupHost measures a lookup that answers at once: a
// name's addresses, through a CNAME chain, in a random order, and from
// every P at once on one zone.
func BenchmarkResolver_LookupHost(b *testing.B) {
	ctx := context.Background()
	cases := []struct {
		name string
		r    *simdns.Resolver
		host string
	}{
		{"Name", &simdns.Resolver{Zone: exampleZone(b)}, "db.example"},
		{"CNAMEChain", &simdns.Resolver{Zone: exampleZone(b)}, "alias.example"},
		{"Rand", &simdns.Resolver{Zone: exampleZone(b), Rand: rand.NewPCG(1, 2)}, "db.example"},
		{"Localhost", &simdns.Resolver{}, "localhost"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.r.LookupHost(ctx, c.host); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same lookup by package net's Go resolver, from the name server
	// of the tests over net.Pipe: what a simulated lookup is measured
	// against.
	b.Run("StdlibPipe", func(b *testing.B) {
		ns := newNameServer(exampleZone(b))
		b.Cleanup(ns.close)
		r := ns.resolver()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.LookupHost(ctx, "db.example"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		r := &simdns.Resolver{Zone: exampleZone(b)}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := r.LookupHost(ctx, "db.example"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
