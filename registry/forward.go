package registry

import (
	"context"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/spf13/afero"

	"github.com/greenshim/greenshim/iface"
)

// The forwarders stand in for a module before its original is provided (see
// the package doc, # Originals): every method calls the original at the time
// of the call. They have no state, so any two forwarders of a module are
// equal and a forwarder is never reported as a stale binding.
type (
	osForwarder     struct{}
	timeForwarder   struct{}
	socketForwarder struct{}
	dnsForwarder    struct{}
)

var (
	_ iface.OS     = osForwarder{}
	_ iface.Procs  = osForwarder{}
	_ iface.Time   = timeForwarder{}
	_ iface.Socket = socketForwarder{}
	_ iface.DNS    = dnsForwarder{}
)

func isForwarder(impl any) bool {
	switch impl.(type) {
	case osForwarder, timeForwarder, socketForwarder, dnsForwarder:
		return true
	}
	return false
}

func noOriginal(m Module) string {
	return "registry: no original " + m.String() + " implementation has been provided; " +
		"import github.com/greenshim/greenshim/patch (it provides package blocking's) or call registry.Provide"
}

func origOSOrPanic() iface.OS {
	if p := origOS.Load(); p != nil {
		return *p
	}
	panic(noOriginal(OSModule))
}

func origTimeOrPanic() iface.Time {
	if p := origTime.Load(); p != nil {
		return *p
	}
	panic(noOriginal(TimeModule))
}

func origSocketOrPanic() iface.Socket {
	if p := origSocket.Load(); p != nil {
		return *p
	}
	panic(noOriginal(SocketModule))
}

func origDNSOrPanic() iface.DNS {
	if p := origDNS.Load(); p != nil {
		return *p
	}
	panic(noOriginal(DNSModule))
}

func (osForwarder) Create(name string) (afero.File, error) { return origOSOrPanic().Create(name) }
func (osForwarder) Mkdir(name string, perm os.FileMode) error {
	return origOSOrPanic().Mkdir(name, perm)
}
func (osForwarder) MkdirAll(path string, perm os.FileMode) error {
	return origOSOrPanic().MkdirAll(path, perm)
}
func (osForwarder) Open(name string) (afero.File, error) { return origOSOrPanic().Open(name) }
func (osForwarder) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	return origOSOrPanic().OpenFile(name, flag, perm)
}
func (osForwarder) Remove(name string) error    { return origOSOrPanic().Remove(name) }
func (osForwarder) RemoveAll(path string) error { return origOSOrPanic().RemoveAll(path) }
func (osForwarder) Rename(oldname, newname string) error {
	return origOSOrPanic().Rename(oldname, newname)
}
func (osForwarder) Stat(name string) (os.FileInfo, error) { return origOSOrPanic().Stat(name) }
func (osForwarder) Name() string                          { return origOSOrPanic().Name() }
func (osForwarder) Chmod(name string, mode os.FileMode) error {
	return origOSOrPanic().Chmod(name, mode)
}
func (osForwarder) Chown(name string, uid, gid int) error {
	return origOSOrPanic().Chown(name, uid, gid)
}
func (osForwarder) Chtimes(name string, atime, mtime time.Time) error {
	return origOSOrPanic().Chtimes(name, atime, mtime)
}
func (osForwarder) Getenv(key string) string            { return origOSOrPanic().Getenv(key) }
func (osForwarder) LookupEnv(key string) (string, bool) { return origOSOrPanic().LookupEnv(key) }
func (osForwarder) Setenv(key, value string) error      { return origOSOrPanic().Setenv(key, value) }
func (osForwarder) Unsetenv(key string) error           { return origOSOrPanic().Unsetenv(key) }
func (osForwarder) Environ() []string                   { return origOSOrPanic().Environ() }
func (osForwarder) Hostname() (string, error)           { return origOSOrPanic().Hostname() }

// The os module's processes are forwarded too: they are greenshim's own
// optional ability, unlike afero's.
func (osForwarder) Command(ctx context.Context, name string, arg ...string) iface.Cmd {
	return iface.ProcsOf(origOSOrPanic()).Command(ctx, name, arg...)
}
func (osForwarder) LookPath(file string) (string, error) {
	return iface.ProcsOf(origOSOrPanic()).LookPath(file)
}

func (timeForwarder) Now() time.Time                         { return origTimeOrPanic().Now() }
func (timeForwarder) Since(t time.Time) time.Duration        { return origTimeOrPanic().Since(t) }
func (timeForwarder) Until(t time.Time) time.Duration        { return origTimeOrPanic().Until(t) }
func (timeForwarder) Sleep(d time.Duration)                  { origTimeOrPanic().Sleep(d) }
func (timeForwarder) After(d time.Duration) <-chan time.Time { return origTimeOrPanic().After(d) }
func (timeForwarder) Tick(d time.Duration) <-chan time.Time  { return origTimeOrPanic().Tick(d) }
func (timeForwarder) NewTimer(d time.Duration) iface.Timer   { return origTimeOrPanic().NewTimer(d) }
func (timeForwarder) NewTicker(d time.Duration) iface.Ticker { return origTimeOrPanic().NewTicker(d) }
func (timeForwarder) AfterFunc(d time.Duration, f func()) iface.Timer {
	return origTimeOrPanic().AfterFunc(d, f)
}
func (timeForwarder) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return origTimeOrPanic().WithTimeout(parent, d)
}
func (timeForwarder) WithDeadline(parent context.Context, t time.Time) (context.Context, context.CancelFunc) {
	return origTimeOrPanic().WithDeadline(parent, t)
}

func (socketForwarder) Dial(network, address string) (net.Conn, error) {
	return origSocketOrPanic().Dial(network, address)
}
func (socketForwarder) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return origSocketOrPanic().DialContext(ctx, network, address)
}
func (socketForwarder) Listen(network, address string) (net.Listener, error) {
	return origSocketOrPanic().Listen(network, address)
}
func (socketForwarder) ListenContext(ctx context.Context, network, address string) (net.Listener, error) {
	return origSocketOrPanic().ListenContext(ctx, network, address)
}
func (socketForwarder) ListenPacket(network, address string) (net.PacketConn, error) {
	return origSocketOrPanic().ListenPacket(network, address)
}
func (socketForwarder) ListenPacketContext(ctx context.Context, network, address string) (net.PacketConn, error) {
	return origSocketOrPanic().ListenPacketContext(ctx, network, address)
}

func (dnsForwarder) LookupHost(ctx context.Context, host string) ([]string, error) {
	return origDNSOrPanic().LookupHost(ctx, host)
}
func (dnsForwarder) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	return origDNSOrPanic().LookupIP(ctx, network, host)
}
func (dnsForwarder) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return origDNSOrPanic().LookupNetIP(ctx, network, host)
}
func (dnsForwarder) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return origDNSOrPanic().LookupAddr(ctx, addr)
}
func (dnsForwarder) LookupPort(ctx context.Context, network, service string) (int, error) {
	return origDNSOrPanic().LookupPort(ctx, network, service)
}
func (dnsForwarder) LookupCNAME(ctx context.Context, host string) (string, error) {
	return origDNSOrPanic().LookupCNAME(ctx, host)
}
func (dnsForwarder) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return origDNSOrPanic().LookupMX(ctx, name)
}
func (dnsForwarder) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return origDNSOrPanic().LookupTXT(ctx, name)
}
func (dnsForwarder) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return origDNSOrPanic().LookupSRV(ctx, service, proto, name)
}
func (dnsForwarder) LookupNS(ctx context.Context, name string) ([]*net.NS, error) {
	return origDNSOrPanic().LookupNS(ctx, name)
}
