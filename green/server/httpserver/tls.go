package httpserver

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/greenshim/greenshim/green"
)

// ServeTLS serves HTTPS/1.1 on ln, as http.Server's ServeTLS: TLSConfig
// (cloned) with the certificate and key of the two files, or TLSConfig's
// own certificates when both names are empty. It offers "http/1.1" only,
// since the server speaks no HTTP/2.
func (s *Server) ServeTLS(ln net.Listener, certFile, keyFile string) error {
	config, err := s.tlsConfig(certFile, keyFile)
	if err != nil {
		ln.Close()
		return err
	}
	return s.Serve(tls.NewListener(ln, config))
}

// ListenAndServeTLS listens on Addr (":https" if empty) through Socket and
// serves HTTPS/1.1, as ServeTLS.
func (s *Server) ListenAndServeTLS(certFile, keyFile string) error {
	if s.inShutdown.Load() {
		return http.ErrServerClosed
	}
	config, err := s.tlsConfig(certFile, keyFile)
	if err != nil {
		return err
	}
	addr := s.Addr
	if addr == "" {
		addr = ":https"
	}
	h := s.hub()
	ln, err := s.listen(h, addr)
	if err != nil {
		return err
	}
	return s.serve(h, tls.NewListener(ln, config))
}

func (s *Server) tlsConfig(certFile, keyFile string) (*tls.Config, error) {
	var config *tls.Config
	if s.TLSConfig != nil {
		config = s.TLSConfig.Clone()
	} else {
		config = &tls.Config{}
	}
	if !slices.Contains(config.NextProtos, "http/1.1") {
		config.NextProtos = append(config.NextProtos, "http/1.1")
	}
	config.NextProtos = slices.DeleteFunc(config.NextProtos, func(p string) bool { return p == "h2" })
	hasCert := len(config.Certificates) > 0 || config.GetCertificate != nil || config.GetConfigForClient != nil
	if !hasCert || certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		config.Certificates = []tls.Certificate{cert}
	}
	return config, nil
}

// handshake completes the TLS handshake of a TLS conn, and reports whether
// the connection may go on. The handshake runs off the hub, in a native
// region (its I/O then blocks only its own goroutine): its public-key
// arithmetic would otherwise hold the hub, and every other connection,
// for a millisecond or so. It is bounded as net/http bounds it.
func (c *conn) handshake(tc *tls.Conn) bool {
	if d := c.srv.tlsHandshakeTimeout(); d > 0 {
		dl := c.now().Add(d)
		c.setReadDeadline(dl)
		c.setWriteDeadline(dl)
		defer func() {
			c.setReadDeadline(time.Time{})
			c.setWriteDeadline(time.Time{})
		}()
	}
	err := green.Native(func() error { return tc.HandshakeContext(context.Background()) })
	if err != nil {
		reason := err.Error()
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && tlsRecordHeaderLooksLikeHTTP(re.RecordHeader) {
			io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
			re.Conn.Close()
			reason = "client sent an HTTP request to an HTTPS server"
		}
		c.srv.logf("http: TLS handshake error from %s: %v", c.rwc.RemoteAddr(), reason)
		return false
	}
	st := tc.ConnectionState()
	c.tlsState = &st
	return true
}

// tlsHandshakeTimeout is the least positive of the read and write
// timeouts, as net/http's.
func (s *Server) tlsHandshakeTimeout() time.Duration {
	var d time.Duration
	for _, v := range []time.Duration{s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout} {
		if v > 0 && (d == 0 || v < d) {
			d = v
		}
	}
	return d
}

func tlsRecordHeaderLooksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}
