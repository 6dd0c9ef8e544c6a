package timeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/greenshim/greenshim/green"
)

// WriteFiles writes tr's two pictures beside each other: prefix+".json"
// (Chrome trace events: open it in ui.perfetto.dev or chrome://tracing)
// and prefix+".html" (the space-time diagram, titled after the prefix's
// base name). The directory must exist. It returns the two paths, or an
// error naming the file it could not write.
func WriteFiles(prefix string, tr *green.Trace) (jsonPath, htmlPath string, err error) {
	if tr == nil {
		return "", "", errNilTrace
	}
	if prefix == "" {
		return "", "", errors.New("timeline: WriteFiles with an empty prefix")
	}
	jsonPath, htmlPath = prefix+".json", prefix+".html"
	if err := writeFile(jsonPath, func(f *os.File) error { return WriteChrome(f, tr) }); err != nil {
		return "", "", err
	}
	title := filepath.Base(prefix)
	if err := writeFile(htmlPath, func(f *os.File) error { return WriteHTML(f, tr, Options{Title: title}) }); err != nil {
		return "", "", err
	}
	return jsonPath, htmlPath, nil
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("timeline: writing %s: %w", path, err)
	}
	return nil
}
