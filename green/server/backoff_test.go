package server_test

import (
	"context"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/greenshim/greenshim/green/server"
)

// The accept loop backs off when the process runs out of descriptors, and
// serves again once some are free. The test runs in a child process of its
// own, whose descriptor limit it lowers until accept(2) fails with EMFILE.
func TestStreamServer_AcceptBackoffOnEMFILE(t *testing.T) {
	if os.Getenv("SERVER_TEST_EMFILE_CHILD") == "1" {
		emfileChild(t)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestStreamServer_AcceptBackoffOnEMFILE$", "-test.v")
	cmd.Env = append(os.Environ(), "SERVER_TEST_EMFILE_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child:\n%s", out)
	delays := regexp.MustCompile(`server: accept error: accept tcp \S+: accept4: too many open files; retrying in (\S+)`).FindAllStringSubmatch(string(out), -1)
	var got []string
	for _, d := range delays {
		got = append(got, d[1])
	}
	assert.Equal(t, []string{"10ms", "20ms", "40ms", "40ms", "40ms"}, got, "child:\n%s", out)
	assert.Contains(t, string(out), "served: ping")
}

// emfileChild queues a connection, takes every descriptor the lowered limit
// leaves, and frees them after the server has logged five retries.
func emfileChild(t *testing.T) {
	h := newHub(t, nil)
	ln := listen(t, h)
	client, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	client.SetDeadline(time.Now().Add(20 * time.Second))

	var hog []*os.File
	free := func() {
		for _, f := range hog {
			f.Close()
		}
		hog = nil
	}
	defer free()
	var lim syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim))
	saved := lim
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &saved)
	lim.Cur = uint64(openFiles(t) + 8)
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim))
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			require.ErrorIs(t, err, syscall.EMFILE)
			break
		}
		hog = append(hog, f)
	}

	retries := 0
	logw := writerFunc(func(p []byte) (int, error) {
		os.Stdout.Write(p)
		if strings.Contains(string(p), "retrying") {
			if retries++; retries == 5 {
				free() // runs in the accept loop, between two accepts
			}
		}
		return len(p), nil
	})
	srv := &server.StreamServer{
		MaxDelay: 40 * time.Millisecond,
		ErrorLog: newLogger(logw),
		Handler:  func(c net.Conn) { io.Copy(c, c) },
	}
	require.NoError(t, run(t, h, func() error { return srv.Start(ln) }))
	_, err = io.WriteString(client, "ping")
	require.NoError(t, err)
	got := make([]byte, 4)
	_, err = io.ReadFull(client, got)
	require.NoError(t, err)
	t.Logf("served: %s", got)
	require.NoError(t, run(t, h, func() error { return srv.Stop(0) }))
}

func newLogger(w io.Writer) *log.Logger { return log.New(w, "", 0) }

// openFiles counts the process's open descriptors.
func openFiles(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(ents)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
