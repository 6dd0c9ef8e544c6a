package registry

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/greenshim/greenshim/iface"
)

// Binding records one place that took a snapshot of a module with a Bind
// function, and what it bound.
type Binding struct {
	Module  Module
	Package string // import path of the caller's package
	Func    string // the calling function, without the package ("init", "(*T).Dial")
	File    string // full path of the caller's file
	Line    int
	Epoch   uint64 // Epoch() when it bound
	Count   int    // how many times this place bound in this epoch
	// Impl is the value bound. A Bind made before the module's original
	// was provided (in an init that ran before package patch's) bound the
	// registry's forwarder, which calls the original; String names the
	// original then.
	Impl any
}

// Caller returns where the binding was made, as "file.go:line".
func (b Binding) Caller() string {
	return fmt.Sprintf("%s:%d", filepath.Base(b.File), b.Line)
}

// String describes the binding in one line, for reports, naming the type of
// the implementation its calls reach.
func (b Binding) String() string {
	s := fmt.Sprintf("%s bound %T in %s.%s (%s) at epoch %d", b.Module, b.effective(), b.Package, b.Func, b.Caller(), b.Epoch)
	if b.Count > 1 {
		s += fmt.Sprintf(", %d times", b.Count)
	}
	return s
}

// bindKey identifies a binding site in one epoch: a Bind in a loop is
// recorded once.
type bindKey struct {
	m     Module
	pc    uintptr
	epoch uint64
}

// bindings and bindIndex are guarded by mu.
var (
	bindings  []*Binding
	bindIndex = map[bindKey]*Binding{}
)

// bind records a binding of m by the caller of the Bind function and returns
// the current implementation.
func bind(m Module) any {
	var pcs [1]uintptr
	// 0 is runtime.Callers, 1 bind, 2 BindX, 3 its caller.
	runtime.Callers(3, pcs[:])
	mu.Lock()
	defer mu.Unlock()
	impl := Current(m)
	key := bindKey{m, pcs[0], epoch.Load()}
	if r, ok := bindIndex[key]; ok {
		r.Count++
		return impl
	}
	frame, _ := runtime.CallersFrames(pcs[:]).Next()
	pkg, fn := splitFunc(frame.Function)
	r := &Binding{Module: m, Package: pkg, Func: fn, File: frame.File, Line: frame.Line,
		Epoch: key.epoch, Count: 1, Impl: impl}
	bindings = append(bindings, r)
	bindIndex[key] = r
	return impl
}

// splitFunc splits a qualified function name such as
// "example.com/a/b.(*T).M" into "example.com/a/b" and "(*T).M".
func splitFunc(name string) (pkg, fn string) {
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return name, ""
	}
	return name[:slash+1+dot], name[slash+2+dot:]
}

// BindOS returns the current os implementation, like OS, and records the
// caller as having bound it (see the package doc, # Snapshot binding).
func BindOS() iface.OS { return bind(OSModule).(iface.OS) }

// BindTime returns the current time implementation, like Time, and records
// the caller as having bound it.
func BindTime() iface.Time { return bind(TimeModule).(iface.Time) }

// BindSocket returns the current socket implementation, like Socket, and
// records the caller as having bound it.
func BindSocket() iface.Socket { return bind(SocketModule).(iface.Socket) }

// BindDNS returns the current dns implementation, like DNS, and records the
// caller as having bound it.
func BindDNS() iface.DNS { return bind(DNSModule).(iface.DNS) }

// Bindings returns every binding recorded so far, in the order they were
// first made.
func Bindings() []Binding {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Binding, len(bindings))
	for i, r := range bindings {
		out[i] = *r
	}
	return out
}

// Stale returns the bindings whose implementation is no longer the current
// one of their module, in the order they were made. A binding made before
// the module's original was provided bound the forwarder, which always calls
// the original: it is stale whenever the module is patched.
func Stale() []Binding {
	mu.Lock()
	defer mu.Unlock()
	var out []Binding
	for _, r := range bindings {
		if !same(r.effective(), Current(r.Module)) {
			out = append(out, *r)
		}
	}
	return out
}

// effective returns the implementation b's calls reach.
func (b *Binding) effective() any { return Resolve(b.Impl) }

// Resolve returns the implementation that impl's calls reach: impl itself,
// or, for a value a getter or Bind function returned before its module's
// original was provided (a forwarder, see the package doc), that original
// (nil while there is none). It is for reports and diagnostics, which
// should name the implementation rather than the forwarder.
func Resolve(impl any) any {
	switch impl.(type) {
	case osForwarder:
		return Original(OSModule)
	case timeForwarder:
		return Original(TimeModule)
	case socketForwarder:
		return Original(SocketModule)
	case dnsForwarder:
		return Original(DNSModule)
	}
	return impl
}
