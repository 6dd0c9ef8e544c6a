package main_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/greenshim/greenshim/patch"
)

func TestMain(m *testing.M) {
	if err := downloadRequirements(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	goleak.VerifyTestMain(patch.TestingM(m))
}

// The tests build the command and run it as a user does, on a module of
// their own that requires greenshim (replaced by this checkout), with the
// module cache only (GOPROXY=off).

// downloadRequirements fetches every requirement of this checkout's module
// into the module cache, through the GOPROXY the tests were run with: the
// users' modules are tidied with GOPROXY=off, and go mod tidy wants the
// modules of greenshim's tests too, which go test of this package alone
// does not download on a fresh machine.
func downloadRequirements() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "download")
	cmd.Dir = "../../../.."
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("greenvet command tests: cannot download the module's requirements (go mod download): %v\n%s", err, out)
	}
	return nil
}

// root is this checkout's module root.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs name args in dir, bounded, and returns its combined output and
// exit code.
func run(t *testing.T, dir string, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String(), 0
}

// build builds the command into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "greenvet")
	if out, code := run(t, ".", "go", "build", "-o", bin, "."); code != 0 {
		t.Fatalf("go build: %s", out)
	}
	return bin
}

// module writes module path with the given files, requiring this checkout.
func module(t *testing.T, path string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(root(t), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.mod"] = "module " + path + "\n\ngo 1.26.0\n\nrequire github.com/greenshim/greenshim v0.0.0\n\n" +
		"replace github.com/greenshim/greenshim => " + root(t) + "\n"
	files["go.sum"] = string(sum)
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, code := run(t, dir, "go", "mod", "tidy"); code != 0 {
		t.Fatalf("go mod tidy: %s", out)
	}
	return dir
}

// planted is the README's example: a time.Sleep and a net.Dial inside a
// function passed to green.Spawn.
const planted = `package main

import (
	"net"
	"time"

	"github.com/greenshim/greenshim/green"
)

func main() {
	green.Run(func() error {
		g := green.Spawn(func() error {
			time.Sleep(time.Second)
			c, err := net.Dial("tcp", "127.0.0.1:1")
			if err != nil {
				return err
			}
			return c.Close()
		})
		return g.Join()
	})
}
`

func TestGreenvet_GoVetFindsAndFixesPlantedBypass(t *testing.T) {
	bin := build(t)
	dir := module(t, "example.com/planted", map[string]string{"main.go": planted})

	out, code := run(t, dir, "go", "vet", "-vettool="+bin, "./...")
	if code == 0 {
		t.Fatalf("go vet -vettool: exit 0, want findings; output:\n%s", out)
	}
	for _, want := range []string{
		"main.go:13:4: time.Sleep bypasses the registry's time module",
		"main.go:14:14: net.Dial bypasses the registry's socket module",
		"[green code: passed to green.Spawn at main.go:12]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("go vet -vettool: output lacks %q:\n%s", want, out)
		}
	}

	// -fix rewrites both calls; the result builds and vets clean.
	if out, code := run(t, dir, "go", "vet", "-vettool="+bin, "-fix", "./..."); code != 0 {
		t.Fatalf("go vet -fix: exit %d:\n%s", code, out)
	}
	src, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"registry.Time().Sleep(time.Second)", `registry.Socket().Dial("tcp"`, `"github.com/greenshim/greenshim/registry"`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("fixed main.go lacks %q:\n%s", want, src)
		}
	}
	if out, code := run(t, dir, "go", "build", "./..."); code != 0 {
		t.Fatalf("fixed code does not build:\n%s\n%s", out, src)
	}
	if out, code := run(t, dir, "go", "vet", "-vettool="+bin, "./..."); code != 0 || out != "" {
		t.Errorf("go vet after -fix: exit %d, output:\n%s", code, out)
	}
}

// The module's path has no dot, as many applications' do: its packages are
// analyzed all the same (only the standard library is not).
func TestGreenvet_StandaloneGreenFlag(t *testing.T) {
	bin := build(t)
	dir := module(t, "myapp", map[string]string{"worker/worker.go": `package worker

import "time"

// Tick is plain code unless -green names the package.
func Tick() { time.Sleep(time.Millisecond) }
`})
	if out, code := run(t, dir, bin, "./..."); code != 0 || out != "" {
		t.Fatalf("greenvet without -green: exit %d, output:\n%s", code, out)
	}
	out, code := run(t, dir, bin, "-green=myapp/...", "./...")
	if code == 0 || !strings.Contains(out, "worker.go:6:15: time.Sleep bypasses") || !strings.Contains(out, "[green code: -green flag]") {
		t.Fatalf("greenvet -green: exit %d, want the time.Sleep; output:\n%s", code, out)
	}
	if out, code := run(t, dir, bin, "-green=./worker", "./..."); code == 0 || !strings.Contains(out, "want an import path") {
		t.Fatalf("greenvet -green=./worker: exit %d, want a usage error naming the value; output:\n%s", code, out)
	}
}
