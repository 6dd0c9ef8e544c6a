package timeline_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/sim/timeline"
)

// pageData is the data a page embeds, as its script reads it.
type pageData struct {
	Title  string `json:"title"`
	Events int    `json:"events"`
	Shown  int    `json:"shown"`
	Hidden int    `json:"hidden"`
	Lanes  []struct {
		Name  string `json:"name"`
		Deflt bool   `json:"deflt"`
	} `json:"lanes"`
	Gs []struct {
		ID   uint64 `json:"id"`
		Name string `json:"name"`
		Lane int    `json:"lane"`
		Segs []struct {
			S string `json:"s"`
		} `json:"segs"`
	} `json:"gs"`
	Msgs []struct {
		From, To int
		Drop     bool
		Label    string
		Tip      string
	} `json:"msgs"`
	Parts []struct {
		A, B int
		Open bool
	} `json:"parts"`
	Downs []struct {
		A    int
		Open bool
	} `json:"downs"`
	Marks []struct {
		Lane int
		Kind string
	} `json:"marks"`
	Links []struct {
		From, To uint64
		Kind     string
		Tip      string
	} `json:"links"`
}

// page writes tr's page and parses it as a browser would, returning the
// document and the data its script draws.
func page(t *testing.T, tr *green.Trace, opts timeline.Options) (string, *html.Node, *pageData) {
	t.Helper()
	var buf bytes.Buffer
	if err := timeline.WriteHTML(&buf, tr, opts); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	n := find(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "id") == "timeline-data" })
	if len(n) != 1 || n[0].FirstChild == nil {
		t.Fatalf("the page has %d data scripts", len(n))
	}
	var d pageData
	if err := json.Unmarshal([]byte(n[0].FirstChild.Data), &d); err != nil {
		t.Fatalf("the page's data does not parse: %v", err)
	}
	return buf.String(), doc, &d
}

func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var r []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			r = append(r, c)
		}
	}
	return r
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func laneNames(d *pageData) []string {
	var r []string
	for _, l := range d.Lanes {
		r = append(r, l.Name)
	}
	return r
}

// The page needs no network: nothing it loads names a URL, and the only
// URLs in it are the SVG namespace, an identifier browsers never fetch.
func TestWriteHTML_SelfContained(t *testing.T) {
	src, doc, _ := page(t, world(), timeline.Options{})
	for _, n := range find(doc, func(n *html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if a.Key == "src" || a.Key == "href" || a.Key == "srcset" || a.Key == "action" {
				t.Errorf("<%s %s=%q>: the page loads something", n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "link" || n.Data == "iframe" || n.Data == "img" || n.Data == "object" {
			t.Errorf("the page has a <%s>", n.Data)
		}
	}
	for _, bad := range []string{"@import", "fetch(", "XMLHttpRequest", "importScripts", "<link"} {
		if strings.Contains(src, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, u := range regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*`).FindAllString(src, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the page names URL %q", u)
		}
	}
	if n := len(find(doc, func(n *html.Node) bool { return n.Data == "script" })); n != 2 {
		t.Errorf("%d script elements, want 2 (data and code, both inline)", n)
	}
}

// What the page draws for the hand-made world: three lanes, five
// delivered messages and one drop, the partition, the crash.
func TestWriteHTML_World(t *testing.T) {
	_, _, d := page(t, world(), timeline.Options{Title: "TestWorld seed 7"})
	if got := laneNames(d); !slices.Equal(got, []string{"client", "a", "b"}) {
		t.Errorf("lanes %q, want client a b", got)
	}
	var delivered, dropped int
	for _, m := range d.Msgs {
		if m.Drop {
			dropped++
			if m.Label != "repl x=2" || d.Lanes[m.From].Name != "a" || d.Lanes[m.To].Name != "b" || !strings.Contains(m.Tip, "DROPPED") {
				t.Errorf("the drop: %+v", m)
			}
		} else {
			delivered++
		}
	}
	if delivered != 5 || dropped != 1 {
		t.Errorf("%d delivered and %d dropped, want 5 and 1", delivered, dropped)
	}
	if len(d.Parts) != 1 || d.Lanes[d.Parts[0].A].Name != "a" || d.Lanes[d.Parts[0].B].Name != "b" || d.Parts[0].Open {
		t.Errorf("partitions %+v, want a|b, healed", d.Parts)
	}
	if len(d.Downs) != 1 || d.Lanes[d.Downs[0].A].Name != "b" || d.Downs[0].Open {
		t.Errorf("downs %+v, want b, restarted", d.Downs)
	}
	kinds := map[string]int{}
	for _, m := range d.Marks {
		kinds[m.Kind]++
	}
	if kinds["crash"] != 1 || kinds["restart"] != 1 || kinds["fault"] != 1 || kinds["partition"] != 1 || kinds["heal"] != 1 {
		t.Errorf("marks %v, want a crash, a restart, a fault, a partition and a heal", kinds)
	}
	if d.Title != "TestWorld seed 7" || len(d.Gs) != 3 {
		t.Errorf("title %q, %d greenlets", d.Title, len(d.Gs))
	}
}

// A real hub's run (no world) is one "hub" lane with its greenlets.
func TestWriteHTML_HubRun(t *testing.T) {
	_, _, d := page(t, hubRun(t), timeline.Options{})
	if got := laneNames(d); !slices.Equal(got, []string{"hub"}) || !d.Lanes[0].Deflt {
		t.Errorf("lanes %+v, want the default lane, hub", d.Lanes)
	}
	var names []string
	for _, g := range d.Gs {
		names = append(names, g.Name)
	}
	for _, want := range []string{"sleeper", "waiter", "setter"} {
		if !slices.Contains(names, want) {
			t.Errorf("greenlets %q lack %q", names, want)
		}
	}
	// Who woke whom: the setter woke the waiter (and main spawned all).
	var wakes, spawns int
	for _, l := range d.Links {
		switch {
		case l.Kind == "wake" && strings.HasPrefix(l.Tip, "setter (g") && strings.Contains(l.Tip, "wakes waiter (g"):
			wakes++
		case l.Kind == "spawn":
			spawns++
		}
	}
	if wakes != 1 || spawns != 3 {
		t.Errorf("links: %d setter-wakes-waiter, %d spawns; want 1 and 3: %+v", wakes, spawns, d.Links)
	}
}

// How partition and heal events name hosts (see # What it reads).
func TestWriteHTML_Partitions(t *testing.T) {
	type ev struct{ kind, host, what string }
	type pair struct {
		a, b string
		open bool
	}
	cases := []struct {
		name   string
		events []ev
		want   []pair
	}{
		{"groups", []ev{{"partition", "", "a|b,c"}, {"heal", "", ""}}, []pair{{"a", "b", false}, {"a", "c", false}}},
		{"one way", []ev{{"partition", "", "a -> b"}}, []pair{{"a", "b", true}}},
		{"list from host", []ev{{"partition", "a", "b c"}, {"heal", "a", "b"}}, []pair{{"a", "b", false}, {"a", "c", true}}},
		{"host from all", []ev{{"partition", "c", ""}, {"heal", "c", ""}}, []pair{{"c", "", false}}},
		{"twice is once", []ev{{"partition", "a", "b"}, {"partition", "", "b|a"}}, []pair{{"a", "b", true}}},
		{"as green/sim writes it", []ev{{"partition", "", "[a b]<>[c]"}, {"heal", "", "[b]<>[c]"}, {"heal", "", "all"}}, []pair{{"a", "c", false}, {"b", "c", false}}},
		{"one way, green/sim", []ev{{"partition", "", "[a]>[b c]"}}, []pair{{"a", "b", true}, {"a", "c", true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := new(green.Trace)
			for _, h := range []string{"a", "b", "c"} {
				tr.Add(green.TraceEvent{Kind: "boot", Host: h})
			}
			for i, e := range c.events {
				tr.Add(green.TraceEvent{At: time.Duration(i+1) * time.Second, Kind: green.TraceKind(e.kind), Host: e.host, What: e.what})
			}
			_, _, d := page(t, tr, timeline.Options{})
			if got := laneNames(d); !slices.Equal(got, []string{"a", "b", "c"}) {
				t.Errorf("lanes %q, want a b c", got)
			}
			var got []pair
			for _, p := range d.Parts {
				b := ""
				if p.B >= 0 {
					b = d.Lanes[p.B].Name
				}
				got = append(got, pair{d.Lanes[p.A].Name, b, p.Open})
			}
			slices.SortFunc(got, func(x, y pair) int { return strings.Compare(x.a+x.b, y.a+y.b) })
			if !slices.Equal(got, c.want) {
				t.Errorf("partitions %+v, want %+v", got, c.want)
			}
		})
	}
}

// hostile are names that would be markup if a page took them as such;
// each would mark the page's body "pwned" if it ran.
var hostile = []string{
	"</script><script>document.body.setAttribute('data-pwned','script')</script>",
	`"><img src=x onerror="document.body.setAttribute('data-pwned','img')">`,
	"<!-- comment",
	"\u2028line\u2029para",
	"a & b < c",
}

const hostileTitle = "<b>title</b> & </title><script>document.body.setAttribute('data-pwned','title')</script>"

// hostileTrace has a host, a greenlet and a message named by each hostile
// string.
func hostileTrace() *green.Trace {
	tr := new(green.Trace)
	for i, s := range hostile {
		tr.Add(green.TraceEvent{At: time.Duration(i) * time.Millisecond, Kind: "net.send", Host: s, G: uint64(i + 1), Name: s, Flow: uint64(i + 1), What: s})
		tr.Add(green.TraceEvent{At: time.Duration(i+1) * time.Millisecond, Kind: "net.deliver", Host: hostile[(i+1)%len(hostile)], Flow: uint64(i + 1)})
	}
	return tr
}

// Names and titles from users stay text: nothing they hold becomes
// markup, and the data carries them exactly.
func TestWriteHTML_Escaping(t *testing.T) {
	src, doc, d := page(t, hostileTrace(), timeline.Options{Title: hostileTitle})
	title := hostileTitle
	if n := len(find(doc, func(n *html.Node) bool { return n.Data == "script" })); n != 2 {
		t.Errorf("%d script elements, want 2: a name broke out", n)
	}
	if n := len(find(doc, func(n *html.Node) bool { return n.Data == "img" || n.Data == "b" })); n != 0 {
		t.Errorf("a name became %d elements", n)
	}
	if got := laneNames(d); !slices.Equal(got, hostile) {
		t.Errorf("lanes %q, want %q", got, hostile)
	}
	if d.Title != title {
		t.Errorf("title %q, want %q", d.Title, title)
	}
	titles := find(doc, func(n *html.Node) bool { return n.Data == "title" })
	if len(titles) != 1 || titles[0].FirstChild == nil || titles[0].FirstChild.Data != title {
		t.Errorf("the <title> is not the title as text")
	}
	if strings.Contains(src, "\u2028") {
		t.Error("the page holds a raw U+2028, which ends a line in a script")
	}
}

// Beyond MaxEvents the page draws the last events, and says how many.
func TestWriteHTML_MaxEvents(t *testing.T) {
	tr := new(green.Trace)
	tr.Add(green.TraceEvent{Kind: "partition", Host: "a", What: "b"})
	for i := range 1000 {
		at := time.Duration(i) * time.Millisecond
		tr.Add(green.TraceEvent{At: at, Kind: "net.send", Host: "a", Flow: uint64(i + 1), What: fmt.Sprint(i)})
		tr.Add(green.TraceEvent{At: at + time.Millisecond, Kind: "net.deliver", Host: "b", Flow: uint64(i + 1)})
	}
	for _, c := range []struct{ max, shown, msgs int }{{0, 2001, 1000}, {-1, 2001, 1000}, {100, 100, 50}, {1, 1, 1}} {
		_, _, d := page(t, tr, timeline.Options{MaxEvents: c.max})
		if d.Events != 2001 || d.Shown != c.shown || len(d.Msgs) != c.msgs {
			t.Errorf("MaxEvents %d: events %d, shown %d, messages %d; want 2001, %d, %d", c.max, d.Events, d.Shown, len(d.Msgs), c.shown, c.msgs)
		}
		if len(d.Parts) != 1 || !d.Parts[0].Open {
			t.Errorf("MaxEvents %d: the partition from before the window is not drawn: %+v", c.max, d.Parts)
		}
	}
}

func TestWriteHTML_BadInput(t *testing.T) {
	if err := timeline.WriteHTML(&bytes.Buffer{}, nil, timeline.Options{}); err == nil || !strings.Contains(err.Error(), "nil trace") {
		t.Errorf("WriteHTML(nil trace) = %v, want an error naming the nil trace", err)
	}
	_, _, d := page(t, new(green.Trace), timeline.Options{})
	if d.Events != 0 || len(d.Lanes) != 0 || d.Msgs == nil {
		t.Errorf("an empty trace: %+v", d)
	}
	if err := timeline.WriteHTML(&failWriter{n: 100}, world(), timeline.Options{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("a failing writer: WriteHTML = %v, want its error", err)
	}
}

func TestWriteFiles(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "TestX-seed7")
	j, h, err := timeline.WriteFiles(prefix, world())
	if err != nil || j != prefix+".json" || h != prefix+".html" {
		t.Fatalf("WriteFiles = %q, %q, %v", j, h, err)
	}
	for _, p := range []string{j, h} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", p, len(b), err)
		}
		if p == j && !json.Valid(b) {
			t.Errorf("%s is not JSON", p)
		}
		if p == h && !bytes.Contains(b, []byte("<title>TestX-seed7</title>")) {
			t.Errorf("%s is not titled after the prefix", p)
		}
	}
}

func TestWriteFiles_BadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, prefix string
		tr           *green.Trace
		want         string
	}{
		{"nil trace", filepath.Join(dir, "x"), nil, "nil trace"},
		{"empty prefix", "", world(), "empty prefix"},
		{"no such directory", filepath.Join(dir, "missing", "x"), world(), filepath.Join(dir, "missing", "x.json")},
		{"a file as directory", filepath.Join(dir, "file", "x"), world(), "not a directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
			j, h, err := timeline.WriteFiles(c.prefix, c.tr)
			if err == nil || !strings.Contains(err.Error(), c.want) || j != "" || h != "" {
				t.Errorf("WriteFiles = %q, %q, %v; want an error containing %q", j, h, err, c.want)
			}
		})
	}
}

// A world on a real hub: a lane per host and one for the wires, the
// requests and replies, the request lost to the partition, and links
// only between greenlets of one host (TestWriteHTML_HubRun has some).
func TestWriteHTML_WorldOnHub(t *testing.T) {
	_, _, d := page(t, simRun(t), timeline.Options{})
	if got := laneNames(d); len(got) != 3 || !slices.Contains(got, "client") || !slices.Contains(got, "server") || got[2] != "(no host)" {
		t.Errorf("lanes %q, want client, server and (no host)", got)
	}
	var delivered, dropped int
	for _, m := range d.Msgs {
		if m.Drop {
			dropped++
		} else {
			delivered++
		}
	}
	if delivered != 7 || dropped != 1 || len(d.Parts) != 1 || d.Parts[0].Open {
		t.Errorf("%d delivered, %d dropped, partitions %+v; want 7, 1 and one healed", delivered, dropped, d.Parts)
	}
	// Every wake and spawn here crosses lanes (wires wake the server and
	// the client; main, on no host, spawns them): none is drawn.
	if len(d.Links) != 0 {
		t.Errorf("links between lanes: %+v", d.Links)
	}
}

// A lane draws at most eight greenlets side by side; a ninth alive at the
// same time is counted, not drawn; one that starts after another ended
// takes its column.
func TestWriteHTML_GreenletColumns(t *testing.T) {
	tr := new(green.Trace)
	for g := uint64(1); g <= 12; g++ {
		tr.Add(green.TraceEvent{Kind: green.TraceSpawn, G: g, Host: "a", Name: fmt.Sprint("g", g)})
	}
	for g := uint64(1); g <= 12; g++ {
		tr.Add(green.TraceEvent{At: time.Second, Kind: green.TraceEnd, G: g, Host: "a", What: "ok"})
	}
	tr.Add(green.TraceEvent{At: 2 * time.Second, Kind: green.TraceSpawn, G: 13, Host: "a", Name: "late"})
	_, _, d := page(t, tr, timeline.Options{})
	if len(d.Gs) != 9 || d.Hidden != 4 || d.Gs[8].Name != "late" {
		t.Errorf("%d greenlets drawn (last %q), %d hidden; want 9 (8 and the late one), 4 hidden", len(d.Gs), d.Gs[len(d.Gs)-1].Name, d.Hidden)
	}
}
