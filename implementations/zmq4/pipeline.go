package main

// PUSH-PULL roles: ventilator (PP-2), worker (PP-3, PP-9, MI-3, MI-4), sink (PP-1, PP-9, MI-1, MI-2).

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
)

const (
	maxWorkloadMS = 60_000 // a task asking for more is malformed, not a reason to sleep for years
	countBytes    = 8
	zeroBatch     = 1000 // zero-cost tasks whose marks are written at once
)

var kill = []byte("KILL")

func ventilator(args []string) error {
	c := newCLI("ventilator", "The seed's task ventilator (catalogue PP-2): tells the sink N, waits for Enter, "+
		"deals N workloads (milliseconds, as decimal text) to the workers and prints their total.").
		endpoints("", "task PUSH").
		endpoints("sink-", "sink PUSH").
		value("tasks", "N", "N, how many tasks (default 100000)").
		value("cost-min", "MS", "smallest workload in ms (default 1)").
		value("cost-max", "MS", fmt.Sprintf("largest workload in ms (default 99, at most %d)", maxWorkloadMS)).
		flag("zero-cost", "every workload 0 ms (for throughput measurements)").
		value("seed", "S", "seed the random workloads")
	if err := c.parse(args); err != nil {
		return err
	}
	const huge = 1<<62 - 1
	tasks, err := c.integer("tasks", 100_000, 0, huge)
	if err != nil {
		return err
	}
	costMin, err := c.integer("cost-min", 1, 0, huge)
	if err != nil {
		return err
	}
	costMax, err := c.integer("cost-max", 99, 0, huge)
	if err != nil {
		return err
	}
	if c.has("zero-cost") {
		costMin, costMax = 0, 0
	}
	if costMin > costMax {
		return usagef("--cost-min is larger than --cost-max")
	}
	if costMax > maxWorkloadMS {
		return usagef("--cost-max must be at most %d ms (a worker skips a longer task), got %d", maxWorkloadMS, costMax)
	}
	if len(c.all("sink-bind")) == 0 && len(c.all("sink-connect")) == 0 {
		return usagef("needs the sink's endpoint (--sink-connect)")
	}
	seed := time.Now().UnixNano()
	if c.has("seed") {
		if seed, err = c.integer("seed", 0, -1<<63, 1<<63-1); err != nil {
			return err
		}
	}
	push := roleSocketFor("PUSH", c.all("bind"), c.all("connect"))
	sinkPush := roleSocketFor("PUSH", c.all("sink-bind"), c.all("sink-connect"))
	boundTasks, err := attach(push, c.all("bind"), c.all("connect"), defaultBind)
	if err != nil {
		return err
	}
	boundSink, err := attach(sinkPush, c.all("sink-bind"), c.all("sink-connect"), "")
	if err != nil {
		return err
	}
	n := make([]byte, countBytes)
	binary.BigEndian.PutUint64(n, uint64(tasks))
	if err := sinkPush.Send(zmq4.NewMsg(n)); err != nil {
		name, text := errnoOf(err)
		return failf("cannot tell the sink N: %s (%s)", text, name)
	}
	say("START VENT SERVER")
	ready(map[string][]string{"tasks": boundTasks, "sink": boundSink})
	out("> IF YOU'RE READY, PRESS ENTER TO START")
	input := bufio.NewReader(os.Stdin)
	if line, _ := input.ReadBytes('\n'); len(line) == 0 {
		return nil
	}
	say("")
	rng := rand.New(rand.NewSource(seed))
	total := int64(0)
	for i := int64(0); i < tasks; i++ {
		workload := int64(0)
		if costMax > 0 {
			workload = costMin + rng.Int63n(costMax-costMin+1)
		}
		total += workload
		if err := push.Send(zmq4.NewMsg([]byte(strconv.FormatInt(workload, 10)))); err != nil {
			name, text := errnoOf(err)
			return failf("cannot deal a task: %s (%s)", text, name)
		}
	}
	say(fmt.Sprintf("TOTAL EXPECTED COST: %d", total))
	out("PRESS ENTER TO QUIT")
	input.ReadBytes('\n')
	say("")
	return nil // zmq4's PUSH writes each task to the connection before Send returns: nothing is left queued
}

// workloadMS is what a task asks for: ASCII decimal digits worth 0..maxWorkloadMS; false if malformed.
func workloadMS(task []byte) (int, bool) {
	if len(task) == 0 {
		return 0, false
	}
	for _, b := range task {
		if b < '0' || b > '9' {
			return 0, false
		}
	}
	significant := strings.TrimLeft(string(task), "0")
	if len(significant) > len(strconv.Itoa(maxWorkloadMS)) {
		return 0, false
	}
	v, _ := strconv.Atoi("0" + significant)
	return v, v <= maxWorkloadMS
}

func worker(args []string) error {
	c := newCLI("worker", "The seed's worker with the kill signal (catalogue PP-3, PP-9): per task prints '.', "+
		"sleeps the workload and pushes an empty result; the message KILL on the kill socket ends it.").
		endpoints("", "task PULL").
		endpoints("sink-", "result PUSH").
		endpoints("kill-", "kill SUB").
		flag("wait-connected", "print the ready line only once every connect has completed its ZMTP handshake "+
			"(zmq4's connect returns only then)")
	if err := c.parse(args); err != nil {
		return err
	}
	if (len(c.all("bind")) == 0 && len(c.all("connect")) == 0) ||
		(len(c.all("sink-bind")) == 0 && len(c.all("sink-connect")) == 0) {
		return usagef("needs the ventilator's (--connect) and the sink's (--sink-connect) endpoints")
	}
	tasks := roleSocketFor("PULL", c.all("bind"), c.all("connect"))
	results := roleSocketFor("PUSH", c.all("sink-bind"), c.all("sink-connect"))
	killSub := roleSocketFor("SUB", c.all("kill-bind"), c.all("kill-connect"))
	killSub.SetOption(zmq4.OptionSubscribe, "")
	// zmq4's Dial completes the ZMTP handshake before it returns, so once these are done every
	// connect has its handshake: --wait-connected needs nothing more.
	boundTasks, err := attach(tasks, c.all("bind"), c.all("connect"), "")
	if err != nil {
		return err
	}
	boundResults, err := attach(results, c.all("sink-bind"), c.all("sink-connect"), "")
	if err != nil {
		return err
	}
	boundKill := []string{}
	if len(c.all("kill-bind")) > 0 || len(c.all("kill-connect")) > 0 {
		if boundKill, err = attach(killSub, c.all("kill-bind"), c.all("kill-connect"), ""); err != nil {
			return err
		}
	}
	ready(map[string][]string{"tasks": boundTasks, "sink": boundResults, "kill": boundKill})
	quitOnStdinEOF()
	taskIn, killIn := inbox(tasks), inbox(killSub)
	killed := func(msg zmq4.Msg) bool {
		frames := framesOf(msg)
		switch {
		case len(frames) == 1 && string(frames[0]) == string(kill):
			return true
		case len(frames) > 1:
			warn("ignoring a control message of %d frames (the kill signal is one frame)", len(frames))
		default:
			warn("ignoring unknown control message %s", shown(frames[0]))
		}
		return false
	}
	// killQueued reads the kill channel without waiting: true once KILL has arrived.
	killQueued := func() bool {
		for {
			select {
			case msg := <-killIn:
				if killed(msg) {
					return true
				}
			default:
				return false
			}
		}
	}
	done := 0 // zero-cost tasks done whose marks and results are not out yet
	finish := func() {
		if done > 0 {
			out(strings.Repeat(".", done))
			for ; done > 0; done-- {
				results.Send(zmq4.NewMsg([]byte{}))
			}
		}
	}
	for {
		var task zmq4.Msg
		if done > 0 {
			select { // take what is queued; once nothing is, the batch goes out
			case task = <-taskIn:
			default:
				finish()
				continue
			}
		} else {
			select {
			case msg := <-killIn:
				if killed(msg) {
					return nil
				}
				continue
			case task = <-taskIn:
			}
		}
		frames := framesOf(task)
		if len(frames) > 1 {
			warn("skipping a task of %d frames (a task is one frame)", len(frames))
			continue
		}
		cost, ok := workloadMS(frames[0])
		if !ok {
			warn("skipping a task that is not a workload of 0..%d ms in decimal digits: %s", maxWorkloadMS, shown(frames[0]))
			continue
		}
		if cost == 0 {
			done++
			if done == zeroBatch {
				finish()
			}
			if killQueued() {
				finish()
				return nil
			}
			continue
		}
		finish()
		if killQueued() {
			return nil
		}
		out(".")
		time.Sleep(time.Duration(cost) * time.Millisecond)
		results.Send(zmq4.NewMsg([]byte{}))
	}
}

func sink(args []string) error {
	c := newCLI("sink", "The seed's sink with the kill signal (catalogue PP-1, PP-9): reads N, prints a mark per "+
		"result and the elapsed time after exactly N results, then publishes KILL.").
		endpoints("", "result PULL").
		endpoints("kill-", "kill PUB")
	if err := c.parse(args); err != nil {
		return err
	}
	results := roleSocketFor("PULL", c.all("bind"), c.all("connect"))
	killPub := roleSocketFor("PUB", c.all("kill-bind"), c.all("kill-connect"))
	boundResults, err := attach(results, c.all("bind"), c.all("connect"), defaultBind)
	if err != nil {
		return err
	}
	boundKill, err := attach(killPub, c.all("kill-bind"), c.all("kill-connect"), defaultBind)
	if err != nil {
		return err
	}
	where := ""
	if len(boundResults) > 0 {
		where = boundResults[0]
	} else {
		where = c.all("connect")[0]
	}
	if transport, address, _ := strings.Cut(where, "://"); transport == "tcp" {
		where = address[strings.LastIndex(address, ":")+1:]
	}
	say("STARTING SERVER AT " + where)
	ready(map[string][]string{"results": boundResults, "kill": boundKill})
	quitOnStdinEOF()
	in := inbox(results)
	oneFrame := func(msg zmq4.Msg) []byte {
		frames := framesOf(msg)
		if len(frames) == 1 {
			return frames[0]
		}
		warn("ignoring a message of %d frames (the sink takes one-frame messages)", len(frames))
		return nil
	}
	var tasks uint64
	for {
		first := oneFrame(<-in)
		if first == nil {
			continue
		}
		if len(first) == countBytes {
			tasks = binary.BigEndian.Uint64(first)
			break
		}
		warn("ignoring a first message that is not %d bytes (N): %s", countBytes, shown(first))
	}
	say(fmt.Sprintf("GATHER %d TASKS.", tasks))
	started := time.Now()
	var marks strings.Builder
	for gathered := uint64(0); gathered < tasks; {
		msg := <-in // wait for one result, then take every other one already queued
		for {
			if oneFrame(msg) != nil {
				if gathered%10 == 0 {
					marks.WriteByte(':')
				} else {
					marks.WriteByte('.')
				}
				gathered++
			}
			if gathered == tasks {
				break
			}
			var more bool
			select {
			case msg = <-in:
				more = true
			default:
			}
			if !more {
				break
			}
		}
		out(marks.String())
		marks.Reset()
	}
	say(fmt.Sprintf("\nELAPSED TIME: %.2f", time.Since(started).Seconds()))
	killPub.Send(zmq4.NewMsg(kill))
	flushPub(killPub)
	return nil
}
