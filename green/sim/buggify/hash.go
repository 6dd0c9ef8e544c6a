package buggify

// The draws are counter-based, not from a shared stream, so that one
// point's decisions do not depend on how many draws other points made.

const golden = 0x9e3779b97f4a7c15

// mix is splitmix64's finalizer: a bijection that spreads every input bit.
func mix(x uint64) uint64 {
	x += golden
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// hashName is FNV-1a, stable across processes (unlike hash/maphash).
func hashName(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

// unit maps x to [0, 1) with 53 bits.
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }
