package registry

import (
	"fmt"
	"strconv"
	"strings"
)

// Module names one of the four I/O modules. The constants are declared in
// the order in which package patch patches the modules: os, time, socket, dns.
type Module uint8

const (
	// OSModule is the file system and the environment: [iface.OS].
	OSModule Module = iota
	// TimeModule is the clock, sleeping and timers: [iface.Time].
	TimeModule
	// SocketModule is dialing and listening: [iface.Socket].
	SocketModule
	// DNSModule is name lookups: [iface.DNS].
	DNSModule

	numModules = iota
)

var moduleNames = [numModules]string{
	OSModule:     "os",
	TimeModule:   "time",
	SocketModule: "socket",
	DNSModule:    "dns",
}

// String returns the module's name: "os", "time", "socket" or "dns".
func (m Module) String() string {
	if !m.valid() {
		return "Module(" + strconv.Itoa(int(m)) + ")"
	}
	return moduleNames[m]
}

func (m Module) valid() bool { return m < numModules }

// mustValid panics if m is not one of the four modules.
func (m Module) mustValid(fn string) {
	if !m.valid() {
		panic("registry: " + fn + ": invalid " + m.String())
	}
}

// Modules returns the four modules in patch order: os, time, socket, dns.
func Modules() []Module {
	return []Module{OSModule, TimeModule, SocketModule, DNSModule}
}

// ParseModule returns the module named s, one of "os", "time", "socket" and
// "dns". For any other s it returns an error that names s and lists the
// valid names.
func ParseModule(s string) (Module, error) {
	for m, name := range moduleNames {
		if s == name {
			return Module(m), nil
		}
	}
	return 0, fmt.Errorf("registry: unknown module %q; valid modules: %s", s, strings.Join(moduleNames[:], ", "))
}
