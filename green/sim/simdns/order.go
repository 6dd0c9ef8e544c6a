package simdns

import (
	"cmp"
	"math/rand/v2"
	"net"
	"slices"
)

// sortSRV sorts srvs by priority and, within a priority, as package net
// does: in a random order where the chance of a record to come first is
// its share of the weights (RFC 2782), drawn from r.Rand. Without Rand,
// by decreasing weight: the order most likely by chance.
func (r *Resolver) sortSRV(srvs []*net.SRV) {
	if r.Rand == nil {
		slices.SortStableFunc(srvs, func(a, b *net.SRV) int {
			if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
				return c
			}
			return cmp.Compare(b.Weight, a.Weight)
		})
		return
	}
	slices.SortStableFunc(srvs, func(a, b *net.SRV) int {
		if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
			return c
		}
		return cmp.Compare(a.Weight, b.Weight)
	})
	r.random(func(rnd *rand.Rand) {
		i := 0
		for j := 1; j <= len(srvs); j++ {
			if j == len(srvs) || srvs[i].Priority != srvs[j].Priority {
				shuffleByWeight(rnd, srvs[i:j])
				i = j
			}
		}
	})
}

// shuffleByWeight is package net's byPriorityWeight.shuffleByWeight, on
// rnd.
func shuffleByWeight(rnd *rand.Rand, srvs []*net.SRV) {
	sum := 0
	for _, s := range srvs {
		sum += int(s.Weight)
	}
	for sum > 0 && len(srvs) > 1 {
		s := 0
		n := rnd.IntN(sum)
		for i := range srvs {
			s += int(srvs[i].Weight)
			if s > n {
				if i > 0 {
					srvs[0], srvs[i] = srvs[i], srvs[0]
				}
				break
			}
		}
		sum -= int(srvs[0].Weight)
		srvs = srvs[1:]
	}
}

// sortMX sorts mxs by preference, as package net does: records of equal
// preference in a random order drawn from r.Rand, or without Rand in zone
// order.
func (r *Resolver) sortMX(mxs []*net.MX) {
	r.random(func(rnd *rand.Rand) {
		rnd.Shuffle(len(mxs), func(i, j int) { mxs[i], mxs[j] = mxs[j], mxs[i] })
	})
	slices.SortStableFunc(mxs, func(a, b *net.MX) int { return cmp.Compare(a.Pref, b.Pref) })
}
