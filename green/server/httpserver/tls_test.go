package httpserver_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server/httpserver"
)

// testTLS returns the test certificate net/http/httptest serves with, and
// a client that trusts it.
func testTLS(t *testing.T) (*tls.Config, *http.Client) {
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	config := ts.TLS.Clone()
	cl := ts.Client()
	ts.Close()
	cl.Timeout = 10 * time.Second
	t.Cleanup(cl.CloseIdleConnections)
	return config, cl
}

// tlsHandler tells what the request knows of its connection.
var tlsHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.TLS == nil {
		io.WriteString(w, "no TLS")
		return
	}
	fmt.Fprintf(w, "TLS %v %v", r.TLS.Version >= tls.VersionTLS12, r.TLS.HandshakeComplete)
})

// TestServer_TLS serves HTTPS/1.1 from both servers: requests know their
// TLS state, connections are kept, and plain HTTP sent to the port gets a
// 400 that says so.
func TestServer_TLS(t *testing.T) {
	config, cl := testTLS(t)
	starts := []struct {
		name  string
		start func(t *testing.T, ln net.Listener, lb *logBuf) (serve func() error, close func() error)
	}{
		{"net/http", func(t *testing.T, ln net.Listener, lb *logBuf) (func() error, func() error) {
			srv := &http.Server{Handler: tlsHandler, TLSConfig: config, ErrorLog: log.New(lb, "", 0)}
			srv.TLSConfig.NextProtos = []string{"http/1.1"}
			return func() error { return srv.ServeTLS(ln, "", "") }, srv.Close
		}},
		{"green", func(t *testing.T, ln net.Listener, lb *logBuf) (func() error, func() error) {
			h := green.New(green.Options{Name: t.Name()})
			t.Cleanup(h.Close)
			srv := &httpserver.Server{Hub: h, Handler: tlsHandler, TLSConfig: config, ErrorLog: log.New(lb, "", 0)}
			return func() error { return srv.ServeTLS(ln, "", "") }, srv.Close
		}},
	}
	for _, st := range starts {
		t.Run(st.name, func(t *testing.T) {
			ln, err := green.Socket{}.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			lb := &logBuf{}
			serve, closeSrv := st.start(t, ln, lb)
			served := make(chan error, 1)
			go func() { served <- serve() }()
			defer func() {
				closeSrv()
				_, ok := recv(testCtx(t), served)
				assert.True(t, ok, "Serve returned")
			}()
			url := "https://" + ln.Addr().String()
			for range 2 {
				assert.Equal(t, "TLS true true", get(t, cl, url))
			}

			c, br := rawConn(t, &running{addr: ln.Addr().String()})
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, body := readResponse(t, br, "GET")
			assert.Equal(t, 400, resp.StatusCode)
			assert.Equal(t, "Client sent an HTTP request to an HTTPS server.\n", body)
			require.Eventually(t, func() bool { return strings.Contains(lb.String(), "TLS handshake error") }, 5*time.Second, 10*time.Millisecond)
		})
	}
}
