package registry

import "github.com/greenshim/greenshim/iface"

// Procs returns the processes of the current os module: the module itself
// if it has them (iface.Procs is an optional ability of iface.OS), or
// commands that fail to start otherwise (see iface.ProcsOf). Like the other
// getters it looks the module up at each call:
//
//	out, err := registry.Procs().Command(ctx, "git", "rev-parse", "HEAD").Output()
func Procs() iface.Procs { return iface.ProcsOf(OS()) }
