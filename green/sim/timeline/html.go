package timeline

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/greenshim/greenshim/green"
)

// Options adjust the HTML page. The zero value is ready to use.
type Options struct {
	// Title heads the page ("TestTransfer seed 17"); "" is "greenshim run".
	Title string

	// MaxEvents bounds how many of the trace's events the page draws: the
	// last ones, with the state they started in (see # Size). 0 is
	// DefaultMaxEvents; negative draws every event.
	MaxEvents int
}

// DefaultMaxEvents is how many events the page draws unless told: a few
// thousand SVG shapes, which a browser draws and scrolls at once.
const DefaultMaxEvents = 5000

//go:embed page.html
var pageHTML string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// WriteHTML writes tr as a self-contained HTML page: a space-time diagram
// of the run (see the package doc). It returns an error for a nil trace,
// or the first error writing to w.
func WriteHTML(w io.Writer, tr *green.Trace, opts Options) error {
	if tr == nil {
		return errNilTrace
	}
	data, err := json.Marshal(read(tr).page(opts, tr.Breakers()))
	if err != nil {
		return fmt.Errorf("timeline: %v", err)
	}
	title := opts.Title
	if title == "" {
		title = "greenshim run"
	}
	// One pass over the template: nothing a replacement brings in is
	// replaced again. json.Marshal escapes <, > and &, so the data cannot
	// end its script element.
	r := strings.NewReplacer("{{TITLE}}", html.EscapeString(title), "{{STYLE}}", pageCSS, "{{SCRIPT}}", pageJS, "{{DATA}}", string(data))
	_, err = r.WriteString(w, pageHTML)
	return err
}
