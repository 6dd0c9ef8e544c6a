package simdns

import (
	"context"
	"net"
	"strings"
)

// services is the table package net falls back on where the machine has
// no /etc/services: the same answers on every machine.
var services = map[string]map[string]int{
	"udp": {
		"domain": 53,
	},
	"tcp": {
		"ftp":         21,
		"ftps":        990,
		"gopher":      70,
		"http":        80,
		"https":       443,
		"imap2":       143,
		"imap3":       220,
		"imaps":       993,
		"pop3":        110,
		"pop3s":       995,
		"smtp":        25,
		"submissions": 465,
		"ssh":         22,
		"telnet":      23,
	},
}

// LookupPort copies (*net.Resolver).LookupPort: service is a port number
// or a name in the table package net uses without /etc/services (http,
// https, ssh, smtp, ... for tcp; domain for udp), so that it answers the
// same on every machine. It needs no name server: no fault applies.
func (r *Resolver) LookupPort(ctx context.Context, network, service string) (int, error) {
	mustContext(ctx, "LookupPort")
	port, needsLookup := parsePort(service)
	if needsLookup {
		switch network {
		case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "ip":
		case "": // package net's wildcard for Go 1.0's undocumented behaviour
			network = "ip"
		default:
			return 0, &net.AddrError{Err: "unknown network", Addr: network}
		}
		var err error
		if port, err = lookupPortMap(network, service); err != nil {
			return 0, err
		}
	}
	if port < 0 || port > 65535 {
		return 0, &net.AddrError{Err: "invalid port", Addr: service}
	}
	return port, nil
}

// lookupPortMap copies package net's lookupPortMap.
func lookupPortMap(network, service string) (int, error) {
	switch network {
	case "ip": // no hints
		if p, err := lookupPortMapWithNetwork("tcp", "ip", service); err == nil {
			return p, nil
		}
		return lookupPortMapWithNetwork("udp", "ip", service)
	case "tcp", "tcp4", "tcp6":
		return lookupPortMapWithNetwork("tcp", "tcp", service)
	default: // "udp", "udp4", "udp6"
		return lookupPortMapWithNetwork("udp", "udp", service)
	}
}

func lookupPortMapWithNetwork(network, errNetwork, service string) (int, error) {
	if port, ok := services[network][strings.ToLower(service)]; ok {
		return port, nil
	}
	return 0, &net.DNSError{Err: "unknown port", Name: errNetwork + "/" + service, IsNotFound: true}
}

// parsePort copies package net's parsePort: service as a decimal number,
// reasonably large or small ones parsed in full and clamped, so that the
// caller rejects them; needsLookup if it is not a number.
func parsePort(service string) (port int, needsLookup bool) {
	if service == "" {
		// package net's legacy: an empty string is port 0
		// (golang.org/issue/13610).
		return 0, false
	}
	const (
		max    = uint32(1<<32 - 1)
		cutoff = uint32(1 << 30)
	)
	neg := false
	if service[0] == '+' {
		service = service[1:]
	} else if service[0] == '-' {
		neg = true
		service = service[1:]
	}
	var n uint32
	for _, d := range service {
		if '0' <= d && d <= '9' {
			d -= '0'
		} else {
			return 0, true
		}
		if n >= cutoff {
			n = max
			break
		}
		n *= 10
		nn := n + uint32(d)
		if nn < n || nn > max {
			n = max
			break
		}
		n = nn
	}
	if !neg && n >= cutoff {
		port = int(cutoff - 1)
	} else if neg && n > cutoff {
		port = int(cutoff)
	} else {
		port = int(n)
	}
	if neg {
		port = -port
	}
	return port, false
}
