//go:build unix

package timeline_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// chromium returns Debian's chromium (or another Chrome on the PATH), or
// skips t.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on the PATH (apt-get install chromium; .ci/run installs it): the page is not checked in a real browser")
	return ""
}

// browse runs the browser headless on url with args and returns what it
// printed. It bounds the run to two minutes and then kills the browser's
// whole process group (its renderer and helpers too).
func browse(t *testing.T, url string, args ...string) []byte {
	t.Helper()
	bin := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-breakpad", "--disable-crash-reporter", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(),
	}, append(args, url)...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// Helpers the browser leaves behind go with its group.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within two minutes; stderr:\n%s", bin, stderr.Bytes())
	}
	if err != nil {
		t.Fatalf("%s %s: %v; stderr:\n%s", bin, strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// writePage writes tr's page into a temporary directory and returns its
// path and file URL; edit, if not nil, changes the page first.
func writePage(t *testing.T, tr *green.Trace, edit func([]byte) []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := timeline.WriteHTML(&buf, tr, timeline.Options{Title: t.Name() + " seed 7"}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if edit != nil {
		b = edit(b)
	}
	return savePage(t, b)
}

func writePageOpts(t *testing.T, tr *green.Trace, opts timeline.Options) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := timeline.WriteHTML(&buf, tr, opts); err != nil {
		t.Fatal(err)
	}
	return savePage(t, buf.Bytes())
}

// savePage writes a page into the test's artifact directory (kept by go
// test -artifacts) and returns its path and URL.
func savePage(t *testing.T, b []byte) (string, string) {
	t.Helper()
	f, err := os.CreateTemp(t.ArtifactDir(), "page-*.html")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return f.Name(), "file://" + f.Name()
}

func hasClass(n *html.Node, classes ...string) bool {
	have := strings.Fields(attr(n, "class"))
	for _, c := range classes {
		found := false
		for _, h := range have {
			found = found || h == c
		}
		if !found {
			return false
		}
	}
	return true
}

// The page, opened in a real browser, draws what the trace holds: its
// script ran without error and left a lane per host, an arrow per
// delivered message, one dropped, the partition, the host down, the crash.
func TestWriteHTML_Chromium(t *testing.T) {
	t.Parallel() // each waits mostly on its own browser
	doc, body := rendered(t, world())
	if got := attr(body, "data-msgs") + "/" + attr(body, "data-drops"); got != "5/1" {
		t.Errorf("the page counts %s messages/drops, want 5/1", got)
	}
	var lanes []string
	for _, n := range find(doc, func(n *html.Node) bool { return hasClass(n, "lane-name") }) {
		lanes = append(lanes, n.FirstChild.Data)
	}
	if strings.Join(lanes, " ") != "client a b" {
		t.Errorf("lane headers %q, want client a b", lanes)
	}
	for _, c := range []struct {
		what    string
		tag     string
		classes []string
		want    int
	}{
		{"lanes", "g", []string{"lane"}, 3},
		{"delivered arrows", "g", []string{"msg", "delivered"}, 5},
		{"dropped arrows", "g", []string{"msg", "dropped"}, 1},
		{"partition spans", "rect", []string{"partition"}, 1},
		{"down spans", "rect", []string{"down"}, 1},
		{"crash marks", "g", []string{"mark", "crash"}, 1},
		{"restart marks", "g", []string{"mark", "restart"}, 1},
		{"greenlets", "g", []string{"greenlet"}, 3},
		{"failed greenlet ends", "g", []string{"g-end", "bad"}, 1},
	} {
		n := find(doc, func(n *html.Node) bool { return n.Data == c.tag && hasClass(n, c.classes...) })
		if len(n) != c.want {
			t.Errorf("%d %s (%v), want %d", len(n), c.what, c.classes, c.want)
		}
	}
	// Each arrow carries its message's hover text; the drop's says so.
	for _, n := range find(doc, func(n *html.Node) bool { return hasClass(n, "msg", "dropped") }) {
		if tip := attr(n, "data-tip"); !strings.Contains(tip, "DROPPED") || !strings.Contains(tip, "repl x=2") {
			t.Errorf("the drop's hover text: %q", tip)
		}
	}
}

// rendered opens tr's page in the browser (with hash, if any, after its
// address) and returns the DOM its script left, and its body; it fails t
// if the script did not finish.
func rendered(t *testing.T, tr *green.Trace, hash ...string) (*html.Node, *html.Node) {
	t.Helper()
	_, url := writePage(t, tr, nil)
	url += strings.Join(hash, "")
	doc, err := html.Parse(bytes.NewReader(browse(t, url, "--dump-dom")))
	if err != nil {
		t.Fatalf("the dumped DOM does not parse: %v", err)
	}
	body := find(doc, func(n *html.Node) bool { return n.Data == "body" })
	if len(body) != 1 || attr(body[0], "data-status") != "ok" {
		errs := find(doc, func(n *html.Node) bool { return attr(n, "id") == "timeline-error" })
		msg := ""
		if len(errs) > 0 && errs[0].FirstChild != nil {
			msg = errs[0].FirstChild.Data
		}
		t.Fatalf("the script did not finish: %d bodies; %s", len(body), msg)
	}
	return doc, body[0]
}

// A world on a real hub (drawn to scale, zoomed), a hub alone, and an
// empty trace draw too.
func TestWriteHTML_ChromiumRealRuns(t *testing.T) {
	t.Parallel() // each waits mostly on its own browser
	_, body := rendered(t, simRun(t), "#mode=linear&zoom=2")
	if got := attr(body, "data-msgs") + "/" + attr(body, "data-drops"); got != "7/1" {
		t.Errorf("the world on a hub: %s messages/drops drawn, want 7/1", got)
	}
	if got := attr(body, "data-view"); got != "linear 2" {
		t.Errorf("the page drew %q, want the view its address asked for, linear 2", got)
	}
	doc, _ := rendered(t, hubRun(t))
	if n := len(find(doc, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "greenlet") })); n != 4 {
		t.Errorf("the hub run: %d greenlets drawn, want 4 (main and three)", n)
	}
	doc, _ = rendered(t, new(green.Trace))
	notes := find(doc, func(n *html.Node) bool { return attr(n, "id") == "notes" })
	if len(notes) != 1 || notes[0].FirstChild == nil || !strings.Contains(notes[0].FirstChild.FirstChild.Data, "empty") {
		t.Error("the empty trace's page does not say it is empty")
	}
}

// Hostile names, drawn by a real browser, stay text: nothing they hold
// ran, and the lanes show them as they are.
func TestWriteHTML_ChromiumHostileNames(t *testing.T) {
	t.Parallel() // each waits mostly on its own browser
	_, url := writePageOpts(t, hostileTrace(), timeline.Options{Title: hostileTitle})
	doc, err := html.Parse(bytes.NewReader(browse(t, url, "--dump-dom")))
	if err != nil {
		t.Fatal(err)
	}
	body := find(doc, func(n *html.Node) bool { return n.Data == "body" })
	if len(body) != 1 || attr(body[0], "data-status") != "ok" || attr(body[0], "data-pwned") != "" {
		t.Fatalf("status %q, pwned by %q; want ok and nothing run", attr(body[0], "data-status"), attr(body[0], "data-pwned"))
	}
	var lanes []string
	for _, n := range find(doc, func(n *html.Node) bool { return hasClass(n, "lane-name") }) {
		lanes = append(lanes, n.FirstChild.Data)
	}
	if !slices.Equal(lanes, hostile) {
		t.Errorf("lane headers %q, want %q", lanes, hostile)
	}
	if n := len(find(doc, func(n *html.Node) bool { return n.Data == "img" || n.Data == "b" })); n != 0 {
		t.Errorf("a name became %d elements", n)
	}
}

// A page whose script fails says so in the DOM: the check above can fail.
func TestWriteHTML_ChromiumReportsScriptErrors(t *testing.T) {
	t.Parallel() // each waits mostly on its own browser
	_, url := writePage(t, world(), func(b []byte) []byte {
		return regexp.MustCompile(`"lanes":\[`).ReplaceAll(b, []byte(`"lanes":7,"x":[`))
	})
	doc, err := html.Parse(bytes.NewReader(browse(t, url, "--dump-dom")))
	if err != nil {
		t.Fatal(err)
	}
	body := find(doc, func(n *html.Node) bool { return n.Data == "body" })
	errs := find(doc, func(n *html.Node) bool { return attr(n, "id") == "timeline-error" })
	if len(body) != 1 || attr(body[0], "data-status") != "error" || len(errs) != 1 {
		t.Errorf("a broken page: status %q, %d error notes; want error, 1", attr(body[0], "data-status"), len(errs))
	}
}

// A screenshot of the page has the picture in it: arrows in the message
// blue and the drop and partition red. It is kept in the test's artifact
// directory (go test -artifacts keeps it under -outputdir).
func TestWriteHTML_ChromiumScreenshot(t *testing.T) {
	t.Parallel() // each waits mostly on its own browser
	page, url := writePage(t, world(), nil)
	shot := filepath.Join(t.ArtifactDir(), "world.png")
	browse(t, url, "--screenshot="+shot, "--window-size=1280,1000")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 1000 {
		t.Errorf("the screenshot is %v, want 1280x1000", b)
	}
	near := func(r, g, b uint32, want [3]uint32) bool {
		d := func(x, y uint32) uint32 {
			if x > y {
				return x - y
			}
			return y - x
		}
		return d(r>>8, want[0])+d(g>>8, want[1])+d(b>>8, want[2]) < 60
	}
	var blue, red int
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			switch {
			case near(r, g, b, [3]uint32{0x25, 0x63, 0xeb}):
				blue++
			case near(r, g, b, [3]uint32{0xdc, 0x26, 0x26}):
				red++
			}
		}
	}
	if blue < 1000 || red < 200 {
		t.Errorf("the screenshot has %d message-blue and %d drop-red pixels: the picture is not in it (%s)", blue, red, shot)
	}
	t.Logf("screenshot: %s (%d blue, %d red pixels) of %s", shot, blue, red, page)
}
