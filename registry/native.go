package registry

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Native is a component that does its I/O outside the registry, so that
// patching cannot reach it: gevent's C-extension limitation. A database
// driver that calls package net directly is the typical one.
type Native struct {
	Name    string
	Modules []Module // the modules it uses directly, in patch order
	Package string   // import path of the package that declared it
	File    string
	Line    int
}

// String describes the component for reports, such as
// `"mysql-native" uses socket, dns directly (db.go:12): stays blocking`.
func (n Native) String() string {
	names := make([]string, len(n.Modules))
	for i, m := range n.Modules {
		names[i] = m.String()
	}
	return fmt.Sprintf("%q uses %s directly (declared at %s:%d): stays blocking",
		n.Name, strings.Join(names, ", "), filepath.Base(n.File), n.Line)
}

// natives is guarded by mu.
var natives []*Native

// DeclareNative records that the component called name does I/O of the given
// modules without going through the registry, and returns the record.
// Package patch lists every native component in its reports as staying
// blocking. Declaring a name again adds the modules to the first record.
//
// It panics if name is empty, no module is given, or a module is invalid:
// a declaration that says nothing is a mistake.
func DeclareNative(name string, modules ...Module) Native {
	if name == "" {
		panic("registry: DeclareNative: empty name")
	}
	if len(modules) == 0 {
		panic("registry: DeclareNative: " + name + " declared with no module")
	}
	for _, m := range modules {
		m.mustValid("DeclareNative")
	}
	pc, file, line, _ := runtime.Caller(1)
	pkg, _ := splitFunc(runtime.FuncForPC(pc).Name())

	mu.Lock()
	defer mu.Unlock()
	i := slices.IndexFunc(natives, func(n *Native) bool { return n.Name == name })
	if i < 0 {
		natives = append(natives, &Native{Name: name, Package: pkg, File: file, Line: line})
		i = len(natives) - 1
	}
	n := natives[i]
	for _, m := range modules {
		if !slices.Contains(n.Modules, m) {
			n.Modules = append(n.Modules, m)
		}
	}
	slices.Sort(n.Modules)
	return n.clone()
}

func (n *Native) clone() Native {
	c := *n
	c.Modules = slices.Clone(n.Modules)
	return c
}

// Natives returns the declared native components in the order they were
// first declared.
func Natives() []Native {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Native, len(natives))
	for i, n := range natives {
		out[i] = n.clone()
	}
	return out
}
