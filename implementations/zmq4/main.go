// Command zmq4node runs one role of zmqspec's node contract (docs/contract.md) on go-zeromq/zmq4,
// the pure-Go ZeroMQ stack (no libzmq): zmq4node ROLE [OPTIONS].
package main

import (
	"os"
	"strings"
)

const roleNames = "rep-server req-client gateway weather-pub weather-sub sync-pub sync-sub ventilator worker sink driver"

func main() {
	name, args := "", []string{}
	if len(os.Args) > 1 {
		name, args = os.Args[1], os.Args[2:]
	}
	roles := map[string]func([]string) error{
		"rep-server":  repServer,
		"req-client":  reqClient,
		"gateway":     gateway,
		"weather-pub": weatherPub,
		"weather-sub": weatherSub,
		"sync-pub":    syncPub,
		"sync-sub":    syncSub,
		"ventilator":  ventilator,
		"worker":      worker,
		"sink":        sink,
		"driver":      driverRole,
	}
	body, ok := roles[name]
	switch {
	case ok:
		run(name, func() error { return body(args) })
	case name == "--help" || name == "-h":
		say("usage: zmq4node ROLE [OPTIONS]\n\nroles: " + roleNames + "\n\nROLE --help describes one role.")
		exit(0)
	default:
		run("node", func() error {
			return usagef("unknown role '%s'; the roles are: %s", name, strings.ReplaceAll(roleNames, " ", ", "))
		})
	}
}
