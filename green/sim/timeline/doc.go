// Package timeline draws a picture of a run from its [green.Trace]: the
// hub's greenlet events and a simulated world's events (green/sim) in one
// sequence. It writes two files a person opens to understand a failing run:
//
//   - Chrome trace event JSON ([WriteChrome]), which Perfetto
//     (ui.perfetto.dev) and chrome://tracing open: hosts are processes,
//     greenlets are threads, a greenlet's life is a row of slices (spawned,
//     running, parked on what, detached), and each message is a flow arrow
//     from the slice that sent it to the one that received it.
//   - A self-contained HTML page ([WriteHTML]): a space-time diagram with
//     hosts as lanes, world time running down the page, messages as arrows
//     between lanes (dropped ones red, ending in a cross), partitions as
//     shaded spans between the hosts they cut apart, a crashed host's lane
//     greyed until it restarts, and faults marked. It needs no network: its
//     script and style are inline, and its data is JSON in the page.
//
// [WriteFiles] writes both beside each other; package green/greentest does
// it for a failing seed.
//
// # What it reads
//
// The hub's events (spawn, start, park, wake, yield, end, kill, detach,
// rejoin, timer, close) give each greenlet's life; a greenlet belongs to the
// host of the first of its events that names one (TraceEvent.Host). Every
// other Kind is a world's event, read by these conventions:
//
//   - A message is the events sharing a Flow. The first of them (by Seq) is
//     its send: Host is the sender, G the sending greenlet if any. An event
//     whose Kind is "deliver" or ends in ".deliver" (or ".recv") is a
//     delivery: Host is the receiver, G the receiving greenlet if known. One
//     whose Kind is "drop" or ends in ".drop" is a loss: Host is the host it
//     was meant for, or the sender's (or "") if the world does not say. A
//     message may be delivered more than once (duplication); every other
//     event of the flow ("net.delay", say) is drawn as a mark. What is the
//     label on the arrow (keep it short: "SYN", "put x=1"); Note is shown on
//     hover.
//   - "partition" cuts hosts apart and "heal" joins them again. What names
//     the hosts: "a,b|c" or "[a b]<>[c]" (or "a>c", "a -> c" for one way)
//     cuts every host on the left from every host on the right; a plain
//     list "b,c" cuts them from the event's Host; nothing cuts Host from
//     all. A heal names the same way what it joins, or, with no Host and
//     What "" or "all", heals everything.
//   - "crash" takes Host down until "restart" (or "recover").
//   - Anything else ("buggify", "clog", "dns.fail", ...) is a fault point,
//     marked on its Host's lane with What as its label.
//
// Events with no host (a hub without a world, or the test's own greenlet)
// go to a lane of their own, "hub" when no event names a host and "(no
// host)" otherwise.
//
// # Time
//
// Times are world time (TraceEvent.At). On a virtual clock many events
// share an instant; in the Chrome trace each event gets a slot of its own,
// 10ns after the one before if the clock did not move, so that every slice
// and flow has a place and order is kept (an event's true time is in its
// args, "at"). The HTML page keeps true times and gives each distinct
// instant a row, spacing rows by how much time passed (a "linear" mode
// draws time to scale).
//
// # Size
//
// The JSON holds every event. The page draws at most Options.MaxEvents
// events' worth (DefaultMaxEvents): beyond that it shows the last ones (a
// failure is usually near the end) with the state they started in (open
// partitions, parked greenlets), and says so at the top.
//
// # Escaping
//
// Names come from users. The JSON is written by encoding/json; the page
// embeds its data as JSON with <, > and & escaped, and its script puts
// every string into the page as text (textContent, setAttribute), never
// as markup.
package timeline
