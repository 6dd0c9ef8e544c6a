package db

import (
	"bufio"
	"fmt"
	"net"
	"strings"

	"github.com/greenshim/greenshim/registry"
)

// A driver runs one query on its own connection, as a connection-per-query
// database client does.
type driver func(addr string, id int) (string, error)

// nativeDriver dials with package net directly, like MySQLdb calling libc:
// patching cannot reach it, and a greenlet that calls it holds the hub
// until the answer comes.
func nativeDriver(addr string, id int) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	return query(c, id)
}

// pureDriver dials through the registry, like PyMySQL over Python's socket
// module: once the socket module is patched, its waits are cooperative.
func pureDriver(addr string, id int) (string, error) {
	c, err := registry.Socket().Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	return query(c, id)
}

func query(c net.Conn, id int) (string, error) {
	defer c.Close()
	if _, err := fmt.Fprintf(c, "QUERY %d\n", id); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", err
	}
	row := strings.TrimSuffix(line, "\n")
	if row != fmt.Sprintf("ROW %d", id) {
		return "", fmt.Errorf("query %d: answer %q", id, row)
	}
	return row, nil
}

// The native driver is declared, so that every patch report lists it as
// staying blocking.
var _ = registry.DeclareNative("db-native-driver", registry.SocketModule)
