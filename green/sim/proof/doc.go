// Package proof holds no code: its tests run code nobody here wrote over
// the simulated world of package sim, unchanged except for where it gets
// its dialer and listener. They are the proofs that the world serves real
// libraries.
//
// # gRPC in a synctest bubble (mode 2)
//
// grpc-go's server (grpc.NewServer().Serve) listens on one host's
// simulated listener and its client (grpc.NewClient with
// grpc.WithContextDialer) dials from another host, all goroutines of a
// testing/synctest bubble, so every timer grpc-go starts runs on the
// bubble's clock. The health service's unary Check and server-streaming
// Watch RPCs go through; a partition injected while a Watch stream is
// open makes the stream and a new Check fail with codes.DeadlineExceeded
// at exactly their deadlines in bubble time; the heal lets the next RPCs
// through on the same connection.
package proof
