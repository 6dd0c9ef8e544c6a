package greenvet

// Entry points are the calls that run a function argument somewhere the
// analyzer cares about: in a new greenlet (green.Spawn), in a simulated
// world, synchronously in the caller's greenlet (green.WithTimeout), or in
// a native region with the hub released (green.Native). The table is the
// one place to extend when a package grows a new way to run code: a row
// names the function or method and which argument is the function.
//
// Functions of the analyzed code that pass a parameter on to an entry
// point become entry points themselves (see Summary.Runs): a helper
// `func all(fs ...func() error)` that spawns each fs[i] makes the function
// literals passed to it green code, in its package and in any package that
// imports it.

// how says where an entry point runs its function argument.
type how int

const (
	// runsGreen: in a greenlet (a new one, or the hub's main one).
	runsGreen how = iota + 1
	// runsSim: in a simulated world: a greenlet on a virtual hub, where
	// determinism matters too.
	runsSim
	// runsInline: synchronously, on the caller's stack: green if the
	// caller is.
	runsInline
	// runsNative: with the hub released (a native region, the thread
	// pool): none of the green checks apply.
	runsNative
)

// entry is a row of the table: the function argument at index arg of the
// named function or method runs as how says.
type entry struct {
	arg int
	how how
}

const greenPkg = "github.com/greenshim/greenshim/green"

// entries maps a function key (see funcKey: "pkgpath.Func" or
// "(pkgpath.Type).Method") to its row.
var entries = map[string]entry{
	// Greenlets.
	greenPkg + ".Spawn":                   {0, runsGreen},
	greenPkg + ".SpawnValue":              {0, runsGreen},
	greenPkg + ".SpawnLater":              {1, runsGreen},
	greenPkg + ".Run":                     {0, runsGreen},
	greenPkg + ".Raw":                     {0, runsGreen},
	"(" + greenPkg + ".Hub).Spawn":        {0, runsGreen},
	"(" + greenPkg + ".Hub).SpawnValue":   {0, runsGreen},
	"(" + greenPkg + ".Hub).SpawnLater":   {1, runsGreen},
	"(" + greenPkg + ".Hub).Run":          {0, runsGreen},
	"(" + greenPkg + ".Hub).Raw":          {0, runsGreen},
	"(" + greenPkg + ".Greenlet).Link":    {0, runsGreen},
	"(" + greenPkg + ".Pool).Spawn":       {0, runsGreen},
	"(" + greenPkg + ".Pool).SpawnValue":  {0, runsGreen},
	"(" + greenPkg + ".Group).Spawn":      {0, runsGreen},
	"(" + greenPkg + ".Group).SpawnValue": {0, runsGreen},
	greenPkg + ".Map":                     {2, runsGreen},
	greenPkg + ".Imap":                    {2, runsGreen},
	greenPkg + ".ImapUnordered":           {2, runsGreen},
	// AfterFunc's f runs in a greenlet when the cooperative time module
	// is current; with the blocking one it runs in a goroutine. Called
	// from green code, the code means the former.
	"(" + greenPkg + ".Time).AfterFunc":                     {1, runsInline},
	"(github.com/greenshim/greenshim/iface.Time).AfterFunc": {1, runsInline},

	// In the caller's greenlet.
	greenPkg + ".WithTimeout":            {1, runsInline},
	greenPkg + ".WithContext":            {1, runsInline},
	"(" + greenPkg + ".Hub).WithTimeout": {1, runsInline},
	"(" + greenPkg + ".Hub).WithContext": {1, runsInline},
	"(sync.Once).Do":                     {0, runsInline},

	// With the hub released.
	greenPkg + ".Native":                  {0, runsNative},
	"(" + greenPkg + ".Hub).Native":       {0, runsNative},
	"(" + greenPkg + ".ThreadPool).Spawn": {0, runsNative},
	"(" + greenPkg + ".ThreadPool).Apply": {0, runsNative},
	"(" + greenPkg + ".ThreadPool).Map":   {1, runsNative},

	// The simulated world (package green/sim) adds its rows here, such as
	// "(github.com/greenshim/greenshim/green/sim.Host).Spawn": {0, runsSim}.
}
