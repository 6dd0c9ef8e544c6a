package server

import "errors"

// ErrClosed is returned by Serve, ListenAndServe and Start once the server
// has been closed or stopped, as http.ErrServerClosed is by net/http.
var ErrClosed = errors.New("server: closed")
