package greenvet

// The tables of this file name the standard-library (and third-party)
// functions the analyzer knows, each with what it bypasses and, where a
// registry call does the same, the rewrite that -fix applies. A rewrite
// must compile wherever the original did: a function whose result type
// differs from the registry's (time.NewTimer's *time.Timer against
// iface.Timer) carries the conditions under which its result may change
// type (see resultOK in fix_result.go).

// module is one of registry's four modules, by name, as the patch report
// names them.
type module string

const (
	modOS     module = "os"
	modTime   module = "time"
	modSocket module = "socket"
	modDNS    module = "dns"
)

// registry getter of each module, as written in a rewrite.
var getter = map[module]string{
	modOS:     "registry.OS()",
	modTime:   "registry.Time()",
	modSocket: "registry.Socket()",
	modDNS:    "registry.DNS()",
}

// bypass is a function that does a module's I/O without the registry.
type bypass struct {
	mod module
	// fix, when not nil, rewrites a call to the registry's equivalent.
	fix *rewrite
	// hint is the advice when there is no exact rewrite.
	hint string
}

// rewrite turns a call f(args) into fun(prefix args suffix).
type rewrite struct {
	fun    string   // replaces the callee expression; may name packages in imports
	prefix string   // inserted before the first argument
	suffix string   // inserted after the last argument
	result resultAs // how the result's type changes, if it does
}

// resultAs says how a rewrite changes the type of the call's first result.
type resultAs int

const (
	sameResult  resultAs = iota // same types: always safe
	timerResult                 // *time.Timer or *time.Ticker becomes an iface interface: C is a method
	fileResult                  // *os.File becomes afero.File
)

// r is shorthand for a registry method of the same name.
func r(mod module, method string) *rewrite {
	return &rewrite{fun: getter[mod] + "." + method}
}

// bypasses maps "pkgpath.Func" (or "(pkgpath.Type).Method" for methods) to
// what it bypasses.
var bypasses = map[string]bypass{
	// socket
	"net.Dial":               {mod: modSocket, fix: r(modSocket, "Dial")},
	"net.Listen":             {mod: modSocket, fix: r(modSocket, "Listen")},
	"net.ListenPacket":       {mod: modSocket, fix: r(modSocket, "ListenPacket")},
	"net.DialTimeout":        {mod: modSocket, hint: "use registry.Socket().DialContext with a context from registry.Time().WithTimeout"},
	"net.DialTCP":            {mod: modSocket, hint: "use registry.Socket().Dial(\"tcp\", ...)"},
	"net.DialUDP":            {mod: modSocket, hint: "use registry.Socket().Dial(\"udp\", ...)"},
	"net.DialIP":             {mod: modSocket, hint: "use registry.Socket().Dial"},
	"net.DialUnix":           {mod: modSocket, hint: "use registry.Socket().Dial(\"unix\", ...)"},
	"net.ListenTCP":          {mod: modSocket, hint: "use registry.Socket().Listen(\"tcp\", ...)"},
	"net.ListenUDP":          {mod: modSocket, hint: "use registry.Socket().ListenPacket(\"udp\", ...)"},
	"net.ListenIP":           {mod: modSocket, hint: "use registry.Socket().ListenPacket"},
	"net.ListenUnix":         {mod: modSocket, hint: "use registry.Socket().Listen(\"unix\", ...)"},
	"net.ListenUnixgram":     {mod: modSocket, hint: "use registry.Socket().ListenPacket(\"unixgram\", ...)"},
	"net.ListenMulticastUDP": {mod: modSocket, hint: "use registry.Socket().ListenPacket"},
	"(net.Dialer).Dial":      {mod: modSocket, hint: "use registry.Socket().Dial (a Dialer's settings do not carry over: say them through the context and the socket module)"},
	"(net.Dialer).DialContext": {mod: modSocket,
		hint: "use registry.Socket().DialContext (a Dialer's settings do not carry over: say them through the context and the socket module)"},
	"(net.ListenConfig).Listen":       {mod: modSocket, hint: "use registry.Socket().ListenContext"},
	"(net.ListenConfig).ListenPacket": {mod: modSocket, hint: "use registry.Socket().ListenPacketContext"},

	// time
	"time.Sleep":           {mod: modTime, fix: r(modTime, "Sleep")},
	"time.Now":             {mod: modTime, fix: r(modTime, "Now")},
	"time.Since":           {mod: modTime, fix: r(modTime, "Since")},
	"time.Until":           {mod: modTime, fix: r(modTime, "Until")},
	"time.After":           {mod: modTime, fix: r(modTime, "After")},
	"time.Tick":            {mod: modTime, fix: r(modTime, "Tick")},
	"time.NewTimer":        {mod: modTime, fix: &rewrite{fun: "registry.Time().NewTimer", result: timerResult}},
	"time.NewTicker":       {mod: modTime, fix: &rewrite{fun: "registry.Time().NewTicker", result: timerResult}},
	"time.AfterFunc":       {mod: modTime, fix: &rewrite{fun: "registry.Time().AfterFunc", result: timerResult}},
	"context.WithTimeout":  {mod: modTime, fix: r(modTime, "WithTimeout")},
	"context.WithDeadline": {mod: modTime, fix: r(modTime, "WithDeadline")},
	"context.WithTimeoutCause": {mod: modTime,
		hint: "use registry.Time().WithTimeout (and context.WithCancelCause for the cause)"},
	"context.WithDeadlineCause": {mod: modTime,
		hint: "use registry.Time().WithDeadline (and context.WithCancelCause for the cause)"},

	// os: files
	"os.Open":     {mod: modOS, fix: &rewrite{fun: "registry.OS().Open", result: fileResult}},
	"os.Create":   {mod: modOS, fix: &rewrite{fun: "registry.OS().Create", result: fileResult}},
	"os.OpenFile": {mod: modOS, fix: &rewrite{fun: "registry.OS().OpenFile", result: fileResult}},
	"os.CreateTemp": {mod: modOS,
		fix: &rewrite{fun: "afero.TempFile", prefix: "registry.OS(), ", result: fileResult}},
	"os.Mkdir":     {mod: modOS, fix: r(modOS, "Mkdir")},
	"os.MkdirAll":  {mod: modOS, fix: r(modOS, "MkdirAll")},
	"os.Remove":    {mod: modOS, fix: r(modOS, "Remove")},
	"os.RemoveAll": {mod: modOS, fix: r(modOS, "RemoveAll")},
	"os.Rename":    {mod: modOS, fix: r(modOS, "Rename")},
	"os.Stat":      {mod: modOS, fix: r(modOS, "Stat")},
	"os.Chmod":     {mod: modOS, fix: r(modOS, "Chmod")},
	"os.Chown":     {mod: modOS, fix: r(modOS, "Chown")},
	"os.Chtimes":   {mod: modOS, fix: r(modOS, "Chtimes")},
	"os.ReadFile":  {mod: modOS, fix: &rewrite{fun: "afero.ReadFile", prefix: "registry.OS(), "}},
	"os.WriteFile": {mod: modOS, fix: &rewrite{fun: "afero.WriteFile", prefix: "registry.OS(), "}},
	"os.Symlink":   {mod: modOS, fix: &rewrite{fun: "iface.SymlinkIfPossible", prefix: "registry.OS(), "}},
	"os.Readlink":  {mod: modOS, fix: &rewrite{fun: "iface.ReadlinkIfPossible", prefix: "registry.OS(), "}},
	"os.Lstat":     {mod: modOS, hint: "use iface.LstatIfPossible(registry.OS(), name)"},
	"os.ReadDir":   {mod: modOS, hint: "use afero.ReadDir(registry.OS(), name) (it returns FileInfos)"},
	"os.MkdirTemp": {mod: modOS, hint: "use afero.TempDir(registry.OS(), dir, prefix)"},
	"os.Truncate":  {mod: modOS, hint: "open the file with registry.OS().OpenFile and call its Truncate"},
	"os.DirFS":     {mod: modOS, hint: "use afero.NewIOFS(afero.NewBasePathFs(registry.OS(), dir))"},
	"os.CopyFS":    {mod: modOS, hint: "copy through registry.OS()"},
	"os.Link":      {mod: modOS, hint: "the os module has no hard links: declare the component native"},
	"os.Lchown":    {mod: modOS, hint: "the os module has no Lchown: declare the component native"},
	"path/filepath.Walk": {mod: modOS,
		fix: &rewrite{fun: "afero.Walk", prefix: "registry.OS(), "}},
	"path/filepath.WalkDir": {mod: modOS, hint: "use afero.Walk(registry.OS(), root, fn) (it passes FileInfos)"},
	"path/filepath.Glob":    {mod: modOS, fix: &rewrite{fun: "afero.Glob", prefix: "registry.OS(), "}},

	// os: environment
	"os.Getenv":    {mod: modOS, fix: r(modOS, "Getenv")},
	"os.LookupEnv": {mod: modOS, fix: r(modOS, "LookupEnv")},
	"os.Setenv":    {mod: modOS, fix: r(modOS, "Setenv")},
	"os.Unsetenv":  {mod: modOS, fix: r(modOS, "Unsetenv")},
	"os.Environ":   {mod: modOS, fix: r(modOS, "Environ")},
	"os.Hostname":  {mod: modOS, fix: r(modOS, "Hostname")},
	"os.ExpandEnv": {mod: modOS, fix: &rewrite{fun: "os.Expand", suffix: ", registry.OS().Getenv"}},
	"os.Clearenv":  {mod: modOS, hint: "unset each variable of registry.OS().Environ() with registry.OS().Unsetenv"},

	// dns: package net's functions use net.DefaultResolver with
	// context.Background(), which the rewrite spells out.
	"net.LookupHost":  {mod: modDNS, fix: dnsBG("LookupHost", "")},
	"net.LookupIP":    {mod: modDNS, fix: dnsBG("LookupIP", `"ip", `)},
	"net.LookupAddr":  {mod: modDNS, fix: dnsBG("LookupAddr", "")},
	"net.LookupPort":  {mod: modDNS, fix: dnsBG("LookupPort", "")},
	"net.LookupCNAME": {mod: modDNS, fix: dnsBG("LookupCNAME", "")},
	"net.LookupMX":    {mod: modDNS, fix: dnsBG("LookupMX", "")},
	"net.LookupTXT":   {mod: modDNS, fix: dnsBG("LookupTXT", "")},
	"net.LookupSRV":   {mod: modDNS, fix: dnsBG("LookupSRV", "")},
	"net.LookupNS":    {mod: modDNS, fix: dnsBG("LookupNS", "")},
	"net.ResolveTCPAddr": {mod: modDNS,
		hint: "resolve the host with registry.DNS().LookupNetIP and build the address"},
	"net.ResolveUDPAddr": {mod: modDNS,
		hint: "resolve the host with registry.DNS().LookupNetIP and build the address"},
	"net.ResolveIPAddr": {mod: modDNS,
		hint: "resolve the host with registry.DNS().LookupNetIP and build the address"},
}

func dnsBG(method, prefix string) *rewrite {
	return &rewrite{fun: "registry.DNS()." + method, prefix: "context.Background(), " + prefix}
}

// resolverMethods are the methods of *net.Resolver that iface.DNS copies:
// on net.DefaultResolver they rewrite to registry.DNS(), on any other
// resolver they are reported with a hint (its settings would be lost).
var resolverMethods = map[string]bool{
	"LookupHost": true, "LookupIP": true, "LookupNetIP": true, "LookupAddr": true,
	"LookupPort": true, "LookupCNAME": true, "LookupMX": true, "LookupTXT": true,
	"LookupSRV": true, "LookupNS": true,
}

// otherResolverMethods are *net.Resolver methods without an iface.DNS copy.
var otherResolverMethods = map[string]bool{"LookupIPAddr": true}

// importPaths names the packages a rewrite may mention.
var importPaths = map[string]string{
	"registry": "github.com/greenshim/greenshim/registry",
	"iface":    "github.com/greenshim/greenshim/iface",
	"green":    "github.com/greenshim/greenshim/green",
	"afero":    "github.com/spf13/afero",
	"context":  "context",
	"os":       "os",
	"slices":   "slices",
	"maps":     "maps",
}

// natives are APIs that wait on goroutines, channels and locks of their
// own: in a greenlet they hold the hub until the run-time hand-off detaches
// the greenlet. The key is a package path; the value says which of its
// calls count.
type nativeAPI struct {
	what string // as the message names it
	// match reports whether a call of the function or method counts.
	// recv is the receiver's type name ("" for a function).
	match func(recv, name string, ctxFirst bool) bool
}

var nativeAPIs = map[string]nativeAPI{
	"net/http": {what: "net/http's client", match: func(recv, name string, _ bool) bool {
		switch recv {
		case "":
			return name == "Get" || name == "Head" || name == "Post" || name == "PostForm"
		case "Client":
			return name == "Do" || name == "Get" || name == "Head" || name == "Post" || name == "PostForm"
		case "Transport":
			return name == "RoundTrip"
		}
		return false
	}},
	"database/sql": {what: "database/sql", match: func(recv, name string, _ bool) bool {
		switch recv {
		case "DB", "Conn", "Tx", "Stmt":
			switch name {
			case "Query", "QueryContext", "QueryRow", "QueryRowContext", "Exec", "ExecContext",
				"Begin", "BeginTx", "Ping", "PingContext", "Prepare", "PrepareContext", "Conn", "Commit", "Rollback":
				return true
			}
		case "Rows":
			return name == "Next" || name == "NextResultSet"
		}
		return false
	}},
	"google.golang.org/grpc": {what: "grpc-go", match: func(recv, name string, _ bool) bool {
		switch recv {
		case "ClientConn", "ClientConnInterface":
			return name == "Invoke" || name == "NewStream"
		case "":
			return name == "Invoke" || name == "NewClient" || name == "Dial" || name == "DialContext"
		}
		return false
	}},
	"github.com/redis/go-redis/v9":    {what: "go-redis", match: redisCall},
	"github.com/go-redis/redis/v8":    {what: "go-redis", match: redisCall},
	"github.com/jackc/pgx/v5":         {what: "pgx", match: ctxMethod},
	"github.com/jackc/pgx/v5/pgxpool": {what: "pgx's pool", match: ctxMethod},
}

// redisCall counts every command: go-redis's commands are methods that take
// a context first.
func redisCall(recv, _ string, ctxFirst bool) bool { return recv != "" && ctxFirst }

func ctxMethod(recv, _ string, ctxFirst bool) bool { return recv != "" && ctxFirst }
