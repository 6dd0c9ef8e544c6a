package sim

import (
	"github.com/greenshim/greenshim/green/sim/buggify"
)

// Buggify reports whether the fault point called name fires now (see #
// Fault points in the package doc). Outside a simulation (a plain
// goroutine, a greenlet started elsewhere than through a host) it is
// false, so the code around it runs unchanged in production. Inside one,
// it asks the world of the calling greenlet's host (World.Buggify).
// Goroutines ask their world explicitly.
func Buggify(name string) bool {
	h := Current()
	if h == nil {
		return false
	}
	return h.w.buggify(name, h)
}

// Buggify reports whether the fault point called name fires now in w,
// FoundationDB's two tiers: the name is enabled for the run or not, from
// the world's seed and the name alone, and an enabled point fires with
// the fire rate at each evaluation (package buggify). A nil World never
// fires. Each firing is recorded in the world's trace (kind "buggify").
func (w *World) Buggify(name string) bool {
	if w == nil {
		return false
	}
	var h *Host
	if c := Current(); c != nil && c.w == w {
		h = c
	}
	return w.buggify(name, h)
}

func (w *World) buggify(name string, h *Host) bool {
	w.mu.Lock()
	p := w.pointsLocked()
	w.unlockRun()
	if !p.Fire(name) {
		return false
	}
	if w.tr != nil {
		w.mu.Lock()
		w.traceLocked("buggify", h, 0, name)
		w.unlockRun()
	}
	return true
}

func (w *World) pointsLocked() *buggify.Points {
	if w.x.bug == nil {
		p, err := buggify.New(w.cfg.Seed, w.x.bugOpts)
		if err != nil {
			panic("sim: " + err.Error()) // checked by SetBuggify
		}
		w.x.bug = p
	}
	return w.x.bug
}

// SetBuggify sets the rates of w's fault points (zero rates are
// FoundationDB's 0.25), before the first evaluation: it fails once a
// point was evaluated, or for a rate outside [0, 1].
func (w *World) SetBuggify(opts buggify.Options) error {
	if _, err := buggify.New(w.cfg.Seed, opts); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.unlockRun()
	if w.x.bug != nil && len(w.x.bug.Report().Points) > 0 {
		return errorf("SetBuggify after a fault point was evaluated")
	}
	w.x.bugOpts = opts
	w.x.bug = nil
	return nil
}

// BuggifyReport lists the fault points evaluated so far in w: which were
// enabled and how often each fired.
func (w *World) BuggifyReport() buggify.Report {
	w.mu.Lock()
	p := w.x.bug
	w.unlockRun()
	return p.Report()
}
