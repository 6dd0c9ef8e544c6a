package simdns

import (
	"net/netip"
	"strconv"
	"strings"
)

// canonical returns the key of name in a zone: lower case, with the
// trailing dot of an absolute name, as [isDomainName] allows it with or
// without. ok is false if name is not a valid domain name.
func canonical(name string) (key string, ok bool) {
	if !isDomainName(name) {
		return "", false
	}
	key = strings.ToLower(name)
	if !strings.HasSuffix(key, ".") {
		key += "."
	}
	return key, true
}

// isDomainName copies package net's isDomainName, the check every lookup
// of the Go resolver makes before any query: RFC 1035 syntax, relaxed to
// allow underscores (SRV names) and labels that start with a digit, and
// at least one label that is not all digits.
func isDomainName(s string) bool {
	if s == "." {
		return true
	}
	l := len(s)
	if l == 0 || l > 254 || l == 254 && s[l-1] != '.' {
		return false
	}
	last := byte('.')
	nonNumeric := false // true once we've seen a letter or hyphen
	partlen := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		default:
			return false
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_':
			nonNumeric = true
			partlen++
		case '0' <= c && c <= '9':
			partlen++
		case c == '-':
			if last == '.' {
				return false
			}
			partlen++
			nonNumeric = true
		case c == '.':
			if last == '.' || last == '-' {
				return false
			}
			if partlen > 63 || partlen == 0 {
				return false
			}
			partlen = 0
		}
		last = c
	}
	if last == '-' || partlen > 63 {
		return false
	}
	return nonNumeric
}

// isLocalhost reports whether name is "localhost", which resolves as the
// hosts file of a machine has it, before and without DNS.
func isLocalhost(name string) bool {
	return strings.EqualFold(strings.TrimSuffix(name, "."), "localhost")
}

// reverseName returns the name under in-addr.arpa. or ip6.arpa. whose PTR
// records name addr, as package net's reverseaddr builds it.
func reverseName(addr netip.Addr) string {
	addr = addr.Unmap()
	if addr.Is4() {
		b := addr.As4()
		return strconv.Itoa(int(b[3])) + "." + strconv.Itoa(int(b[2])) + "." +
			strconv.Itoa(int(b[1])) + "." + strconv.Itoa(int(b[0])) + ".in-addr.arpa."
	}
	const hexDigit = "0123456789abcdef"
	b := addr.As16()
	buf := make([]byte, 0, len(b)*4+len("ip6.arpa."))
	for i := len(b) - 1; i >= 0; i-- {
		v := b[i]
		buf = append(buf, hexDigit[v&0xF], '.', hexDigit[v>>4], '.')
	}
	return string(append(buf, "ip6.arpa."...))
}
