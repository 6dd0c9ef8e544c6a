// Package bypass calls the standard library's I/O from green code: each
// call is reported, with a fix to the registry's equivalent.
package bypass

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/greenshim/greenshim/green"
)

func socket(addr string) error {
	return green.Run(func() error {
		c, err := net.Dial("tcp", addr) // want `net.Dial bypasses the registry's socket module \(its waits hold the hub\): use registry.Socket\(\).Dial \[green code: passed to green.Run at bypass.go:16\]`
		if err != nil {
			return err
		}
		c.Close()
		ln, err := net.Listen("tcp", addr) // want `net.Listen bypasses .* use registry.Socket\(\).Listen`
		if err != nil {
			return err
		}
		ln.Close()
		pc, err := net.ListenPacket("udp", addr) // want `net.ListenPacket bypasses`
		if err != nil {
			return err
		}
		pc.Close()
		_, err = net.DialTimeout("tcp", addr, time.Second) // want `net.DialTimeout bypasses .*: use registry.Socket\(\).DialContext with a context from registry.Time\(\).WithTimeout`
		var d net.Dialer
		_, err = d.DialContext(context.Background(), "tcp", addr) // want `\(\*net.Dialer\).DialContext bypasses .* settings do not carry over`
		return err
	})
}

func clock(ctx context.Context) {
	green.Spawn(func() error {
		time.Sleep(time.Second)                            // want `time.Sleep bypasses the registry's time module \(it runs on the real clock and its waits hold the hub\): use registry.Time\(\).Sleep`
		start := time.Now()                                // want `time.Now reads the real clock, not the registry's time module`
		_ = time.Since(start)                              // want `time.Since reads the real clock`
		<-time.After(time.Second)                          // want `time.After bypasses` `channel receive holds the hub`
		c, cancel := context.WithTimeout(ctx, time.Second) // want `context.WithTimeout bypasses .* use registry.Time\(\).WithTimeout`
		defer cancel()
		_, cancel2 := context.WithDeadline(c, start) // want `context.WithDeadline bypasses`
		cancel2()
		return nil
	})
}

func files() {
	green.Spawn(func() error {
		b, err := os.ReadFile("a") // want `os.ReadFile bypasses the registry's os module \(it skips the os module and its I/O holds the hub\): use afero.ReadFile\(registry.OS\(\), ...\)`
		if err != nil {
			return err
		}
		if err := os.WriteFile("b", b, 0o644); err != nil { // want `os.WriteFile bypasses`
			return err
		}
		if err := os.MkdirAll("d/e", 0o755); err != nil { // want `os.MkdirAll bypasses .* use registry.OS\(\).MkdirAll`
			return err
		}
		if _, err := os.Stat("a"); err != nil { // want `os.Stat bypasses`
			return err
		}
		if _, err := os.Lstat("a"); err != nil { // want `os.Lstat bypasses .* use iface.LstatIfPossible\(registry.OS\(\), name\)`
			return err
		}
		_ = filepath.Walk(".", func(string, os.FileInfo, error) error { return nil }) // want `filepath.Walk bypasses .* use afero.Walk`
		return os.Remove("b")                                                         // want `os.Remove bypasses`
	})
}

func env() {
	green.Spawn(func() error {
		_ = os.Getenv("HOME")       // want `os.Getenv bypasses .* use registry.OS\(\).Getenv`
		_, _ = os.LookupEnv("HOME") // want `os.LookupEnv bypasses`
		_ = os.ExpandEnv("$HOME/x") // want `os.ExpandEnv bypasses .* use os.Expand\(\.\.\., registry.OS\(\).Getenv\)`
		_, err := os.Hostname()     // want `os.Hostname bypasses`
		return err
	})
}

func dns(ctx context.Context) {
	green.Spawn(func() error {
		_, err := net.LookupHost("example.com")                     // want `net.LookupHost bypasses the registry's dns module \(its lookup holds the hub\): use registry.DNS\(\).LookupHost\(context.Background\(\), ...\)`
		_, err = net.LookupIP("example.com")                        // want `net.LookupIP bypasses`
		_, err = net.DefaultResolver.LookupHost(ctx, "example.com") // want `net.DefaultResolver.LookupHost bypasses .* use registry.DNS\(\).LookupHost`
		r := &net.Resolver{PreferGo: true}
		_, err = r.LookupMX(ctx, "example.com")              // want `\(\*net.Resolver\).LookupMX bypasses .*this resolver's settings do not carry over`
		_, err = net.ResolveTCPAddr("tcp", "example.com:80") // want `net.ResolveTCPAddr bypasses`
		return err
	})
}

// plain is not green code: nothing here is reported.
func plain() { // want plain:"uses time.Sleep; uses net.Dial; uses os.Getenv"
	time.Sleep(time.Second)
	_, _ = net.Dial("tcp", "x")
	_ = os.Getenv("HOME")
	go plain()
}
