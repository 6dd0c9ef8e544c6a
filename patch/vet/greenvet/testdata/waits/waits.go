// Package waits has the native waits: channels, select, sync, and APIs
// that wait on goroutines of their own.
package waits

import (
	"context"
	"database/sql"
	"net/http"
	"sync"

	"github.com/greenshim/greenshim/green"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"
)

func channels(ch chan int, done chan struct{}) {
	green.Spawn(func() error {
		ch <- 1   // want `channel send holds the hub until a receiver takes it: use green.Send`
		v := <-ch // want `channel receive holds the hub`
		_ = v
		select { // want `select holds the hub until a case is ready: use green.Select`
		case ch <- 2:
		case <-done:
		}
		select { // a default case: it never waits
		case ch <- 3:
		default:
		}
		for range ch { // want `range over a channel holds the hub`
		}
		// The cooperative forms are fine.
		if err := green.Send(ch, 4); err != nil {
			return err
		}
		_, _, err := green.Recv(ch)
		return err
	})
}

func locks(mu *sync.Mutex, rw *sync.RWMutex, wg *sync.WaitGroup, cond *sync.Cond) {
	green.Spawn(func() error {
		mu.Lock() // want `\(\*sync.Mutex\).Lock holds the hub while it waits: use green.Lock`
		mu.Unlock()
		rw.RLock() // want `\(\*sync.RWMutex\).RLock holds the hub`
		rw.RUnlock()
		wg.Wait()        // want `\(\*sync.WaitGroup\).Wait holds the hub .* green.Group`
		cond.Wait()      // want `\(\*sync.Cond\).Wait holds the hub`
		wg.Go(func() {}) // want `\(\*sync.WaitGroup\).Go starts a goroutine`
		return nil
	})
}

func natives(ctx context.Context, c *http.Client, db *sql.DB, rdb *redis.Client, cc *grpc.ClientConn) {
	green.Spawn(func() error {
		resp, err := c.Get("http://example.com") // want `\(\*http.Client\).Get waits on net/http's client's own goroutines: called from a greenlet outside green.Native it holds the hub until the run-time hand-off detaches the greenlet`
		if err == nil {
			resp.Body.Close()
		}
		_, _ = http.Get("http://example.com")                                                      // want `http.Get waits on net/http's client`
		_, _ = db.QueryContext(ctx, "SELECT 1")                                                    // want `\(\*sql.DB\).QueryContext waits on database/sql's own goroutines`
		_ = rdb.Get(ctx, "k")                                                                      // want `\(redis.cmdable\).Get waits on go-redis's own goroutines`
		_, _ = grpc_health_v1.NewHealthClient(cc).Check(ctx, &grpc_health_v1.HealthCheckRequest{}) // want `\(grpc_health_v1.HealthClient\).Check waits on grpc-go's own goroutines`
		// In a native region the hub is released: nothing is reported.
		return green.Native(func() error {
			_, err := c.Get("http://example.com")
			mu := &sync.Mutex{}
			mu.Lock()
			mu.Unlock()
			return err
		})
	})
}
