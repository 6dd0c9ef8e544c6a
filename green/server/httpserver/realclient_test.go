package httpserver_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green"
	"github.com/greenshim/greenshim/green/server/httpserver"
)

// realClientMux is what the real clients talk to.
func realClientMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/hello", hello)
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			io.WriteString(w, "part "+strconv.Itoa(i)+"\n")
			w.(http.Flusher).Flush()
		}
	})
	return mux
}

// tool returns the path of a client program, or skips the test saying
// what to install (.ci/run installs them).
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install -y %s; .ci/run installs it)", name, pkg)
	}
	return p
}

// runTool runs a client program, bounded, and returns its output.
func runTool(t *testing.T, stdin string, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	require.NoError(t, err, "%s %v\nstdout:\n%s\nstderr:\n%s", name, args, out.String(), errOut.String())
	return out.String(), errOut.String()
}

// curl speaks each protocol case the server has to get right.
func TestServer_Curl(t *testing.T) {
	curl := tool(t, "curl", "curl")
	_, url := serve(t, &httpserver.Server{Handler: realClientMux()})
	big := strings.Repeat("0123456789", 200_000) // 2 MB
	cases := []struct {
		name  string
		stdin string
		args  []string
		check func(t *testing.T, out, errOut string)
	}{
		{"GET", "", []string{"-sS", "-i", url + "/hello"}, func(t *testing.T, out, _ string) {
			assert.True(t, strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n"), out)
			assert.Contains(t, out, "Content-Length: 5\r\n")
			assert.True(t, strings.HasSuffix(out, "\r\n\r\nhello"), out)
		}},
		{"KeepAlive", "", []string{"-sS", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} ", url + "/hello", url + "/hello", url + "/hello"}, func(t *testing.T, out, _ string) {
			assert.Equal(t, "1 0 0 ", out, "new connections per transfer")
		}},
		{"HEAD", "", []string{"-sS", "-I", url + "/hello"}, func(t *testing.T, out, _ string) {
			assert.Contains(t, out, "Content-Length: 5\r\n")
			assert.True(t, strings.HasSuffix(out, "\r\n\r\n"), "no body: %q", out)
		}},
		{"ChunkedUpload", "a chunked body from stdin", []string{"-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", url + "/echo"}, func(t *testing.T, out, _ string) {
			assert.Equal(t, "a chunked body from stdin", out)
		}},
		{"Expect100Continue", big, []string{"-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "@-", url + "/echo"}, func(t *testing.T, out, errOut string) {
			assert.Contains(t, errOut, "HTTP/1.1 100 Continue")
			assert.Equal(t, len(big), len(out))
			assert.True(t, out == big, "the echo differs")
		}},
		{"ChunkedResponse", "", []string{"-sS", "--raw", "-i", url + "/stream"}, func(t *testing.T, out, _ string) {
			assert.Contains(t, out, "Transfer-Encoding: chunked\r\n")
			assert.True(t, strings.HasSuffix(out, "7\r\npart 0\n\r\n7\r\npart 1\n\r\n7\r\npart 2\n\r\n0\r\n\r\n"), "%q", out)
		}},
		{"HTTP10", "", []string{"-sS", "-i", "--http1.0", url + "/stream"}, func(t *testing.T, out, _ string) {
			assert.True(t, strings.HasPrefix(out, "HTTP/1.0 200 OK\r\n"), out)
			assert.NotContains(t, out, "Transfer-Encoding")
			assert.True(t, strings.HasSuffix(out, "part 0\npart 1\npart 2\n"), "%q", out)
		}},
		{"NotFound", "", []string{"-sS", "-o", "/dev/null", "-w", "%{http_code}", url + "/nothing"}, func(t *testing.T, out, _ string) {
			assert.Equal(t, "404", out)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut := runTool(t, c.stdin, curl, c.args...)
			c.check(t, out, errOut)
		})
	}
}

// wrk keeps 20 connections busy for a second: every response is a 200 and
// no connection breaks.
func TestServer_Wrk(t *testing.T) {
	wrk := tool(t, "wrk", "wrk")
	_, url := serve(t, &httpserver.Server{Handler: realClientMux()})
	out, _ := runTool(t, "", wrk, "-t2", "-c20", "-d1s", url+"/hello")
	m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	n, _ := strconv.Atoi(m[1])
	assert.Positive(t, n, out)
	assert.NotContains(t, out, "Non-2xx", out)
	assert.NotContains(t, out, "Socket errors", out)
}

// ab sends 2000 keep-alive requests, 20 at a time, and counts them all
// complete, none failed, all kept alive.
func TestServer_ApacheBench(t *testing.T) {
	ab := tool(t, "ab", "apache2-utils")
	_, url := serve(t, &httpserver.Server{Handler: realClientMux()})
	out, _ := runTool(t, "", ab, "-q", "-n", "2000", "-c", "20", "-k", url+"/hello")
	assert.Regexp(t, `Complete requests:\s+2000\n`, out)
	assert.Regexp(t, `Failed requests:\s+0\n`, out)
	assert.Regexp(t, `Keep-Alive requests:\s+2000\n`, out)
	assert.Regexp(t, `Document Length:\s+5 bytes`, out)
}

// curl speaks HTTPS/1.1 to the server, twice on one connection.
func TestServer_CurlTLS(t *testing.T) {
	curl := tool(t, "curl", "curl")
	config, _ := testTLS(t)
	h := green.New(green.Options{Name: t.Name()})
	defer h.Close()
	ln, err := green.Socket{Hub: h}.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &httpserver.Server{Hub: h, Handler: tlsHandler, TLSConfig: config}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	defer func() {
		srv.Close()
		<-served
	}()
	url := "https://" + ln.Addr().String() + "/"
	out, _ := runTool(t, "", curl, "-sS", "-k", "-w", " %{num_connects}\n", url, url)
	assert.Equal(t, "TLS true true 1\nTLS true true 0\n", out)
}
