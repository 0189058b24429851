package main

// driver: zmq4 sockets scripted over JSON lines (docs/contract.md, section 5), with the commands
// the reference driver adds (batch, send_many, recv_until, recv_many, setsockopt_string).
//
// What zmq4 v0.17.0 lacks is answered as the contract says, never emulated:
//   - no poller: `poll` is ENOTSUP (after its fields are checked);
//   - no unbind, no disconnect: ENOTSUP;
//   - socket options: zmq4 has SUBSCRIBE/UNSUBSCRIBE on a SUB and a send high-water mark on a PUB
//     ("HWM"); every other option of the contract is EINVAL. (zmq4's SetOption stores any other
//     name in a map and returns nil, without effect; the driver does not pass that off as done.)
//   - no linger: `close` closes at once whatever linger_ms says.
//
// Deadlines. zmq4's Recv has none: it blocks until a message comes or the socket is closed. The
// driver gives `recv` its timeout_ms by leaving the Recv running when the time is up (EAGAIN) and
// handing what it returns to the next recv on that socket, so nothing is lost or read twice. A
// send's deadline is zmq4's own: the socket's send timeout (zmq4.WithTimeout, set per call, see
// lingering.go). A timeout_ms of 0 ("do not wait") becomes 1 ms for a send, because zmq4 refuses
// every send whose deadline has already passed, and a 2 ms wait for a recv, enough for a message
// zmq4 already holds to be handed over.

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"
)

const (
	protocolVersion  = 1
	defaultTimeoutMS = 5000
	maxDurationMS    = 1<<31 - 1
	zeroRecvWait     = 2 * time.Millisecond
	zeroSendDeadline = time.Millisecond
)

var socketTypes = []string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB"}

var (
	intOptions = map[string]bool{"sndhwm": true, "rcvhwm": true, "linger": true, "rcvtimeo": true, "sndtimeo": true,
		"immediate": true, "maxmsgsize": true, "req_relaxed": true, "req_correlate": true, "xpub_verbose": true,
		"router_mandatory": true, "rcvmore": true, "type": true}
	bytesOptions = map[string]bool{"subscribe": true, "unsubscribe": true, "routing_id": true, "last_endpoint": true}
)

// fields each command takes besides cmd (and seq, outside a batch); any other is EINVAL.
var commandFields = map[string][]string{
	"hello": {}, "quit": {},
	"socket":            {"type"},
	"bind":              {"socket", "endpoint"},
	"connect":           {"socket", "endpoint"},
	"unbind":            {"socket", "endpoint"},
	"disconnect":        {"socket", "endpoint"},
	"setsockopt":        {"socket", "option", "value"},
	"setsockopt_string": {"socket", "option", "value"},
	"getsockopt":        {"socket", "option"},
	"send":              {"socket", "frames", "timeout_ms"},
	"recv":              {"socket", "timeout_ms"},
	"poll":              {"items", "timeout_ms"},
	"close":             {"socket", "linger_ms"},
	"send_many":         {"socket", "messages", "timeout_ms"},
	"recv_until":        {"socket", "sentinel", "timeout_ms"},
	"recv_many":         {"socket", "count", "timeout_ms"},
	"batch":             {"requests"},
}

// failure is a reply's error: an errno name and a message.
type failure struct {
	errno, msg string
	index      int // the failing request of a batch; -1 otherwise
}

func (f *failure) Error() string { return f.errno + ": " + f.msg }

func fail(errno, format string, args ...any) *failure {
	return &failure{errno, fmt.Sprintf(format, args...), -1}
}

// libraryFailure names a zmq4 error.
func libraryFailure(err error) *failure {
	name, text := errnoOf(err)
	return &failure{name, text, -1}
}

type dsock struct {
	s       zmq4.Socket
	typ     string
	pending chan received // a Recv still running from an earlier recv whose time ran out
}

type driver struct {
	sockets  map[string]*dsock
	created  int
	quitting bool
}

func driverRole(args []string) error {
	c := newCLI("driver", "zmq4 sockets scripted over JSON lines on standard input and output (docs/contract.md, section 5).")
	if err := c.parse(args); err != nil {
		return err
	}
	d := &driver{sockets: map[string]*dsock{}}
	ready(map[string][]string{})
	input := bufio.NewReaderSize(os.Stdin, 1<<16)
	for !d.quitting {
		line, err := input.ReadBytes('\n')
		if err != nil && len(line) == 0 {
			break
		}
		say(d.handle(line)) // every line gets one reply, an empty one included (DP-7)
		if err != nil {
			break
		}
	}
	for _, s := range d.sockets {
		s.s.Close()
	}
	return nil
}

// handle answers one request line with one reply line.
func (d *driver) handle(line []byte) string {
	seq := "null"
	ok, err := func() (map[string]any, *failure) {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil, fail("EPROTO", "an empty line is no request")
		}
		if !utf8.Valid(line) {
			return nil, fail("EPROTO", "not JSON: the line is not UTF-8")
		}
		request, f := parseObject(line)
		if f != nil {
			return nil, f
		}
		n, isNumber := request["seq"].(json.Number)
		if !isNumber || !integral(n) {
			return nil, fail("EPROTO", "a request must have seq, an integer")
		}
		seq = string(n)
		cmd, isText := request["cmd"].(string)
		if !isText {
			return nil, fail("ENOTSUP", "unknown command %v", jsonText(request["cmd"]))
		}
		return d.execute(cmd, request, false)
	}()
	if err != nil {
		e := map[string]any{"errno": err.errno, "message": err.msg}
		if err.index >= 0 {
			e["index"] = err.index
		}
		return `{"seq": ` + seq + `, "error": ` + jsonText(e) + `}`
	}
	return `{"seq": ` + seq + `, "ok": ` + jsonText(ok) + `}`
}

func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "null"
	}
	return strings.TrimRight(b.String(), "\n")
}

func parseObject(line []byte) (map[string]any, *failure) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		return nil, fail("EPROTO", "not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("EPROTO", "not JSON: more after the first value")
	}
	object, isObject := value.(map[string]any)
	if !isObject {
		return nil, fail("EPROTO", "a request must be a JSON object")
	}
	return object, nil
}

func integral(n json.Number) bool {
	s := strings.TrimPrefix(string(n), "-")
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (d *driver) execute(cmd string, request map[string]any, inBatch bool) (map[string]any, *failure) {
	takes, known := commandFields[cmd]
	if !known || (inBatch && (cmd == "batch" || cmd == "quit")) {
		where := ""
		if inBatch {
			where = " in a batch (batch and quit cannot be batched)"
		}
		return nil, fail("ENOTSUP", "unknown command '%s'%s", cmd, where)
	}
	for name := range request {
		if name == "cmd" || (name == "seq" && !inBatch) || contains(takes, name) {
			continue
		}
		return nil, fail("EINVAL", "unknown field '%s' for %s", name, cmd)
	}
	for _, name := range []string{"timeout_ms", "linger_ms"} {
		if _, has := request[name]; has {
			if _, f := duration(request, name, 0); f != nil {
				return nil, f
			}
		}
	}
	switch cmd {
	case "hello":
		return d.hello(), nil
	case "socket":
		return d.socket(request)
	case "bind":
		return d.bind(request)
	case "connect":
		return d.connect(request)
	case "unbind", "disconnect":
		if _, f := d.socketOf(request); f != nil {
			return nil, f
		}
		if _, f := text(request, "endpoint"); f != nil {
			return nil, f
		}
		return nil, fail("ENOTSUP", "Operation not supported (zmq4 v0.17.0 has no %s)", cmd)
	case "setsockopt":
		return d.setsockopt(request, false)
	case "setsockopt_string":
		return d.setsockopt(request, true)
	case "getsockopt":
		return d.getsockopt(request)
	case "send":
		return d.send(request)
	case "recv":
		return d.recv(request)
	case "poll":
		return d.poll(request)
	case "close":
		return d.close(request)
	case "send_many":
		return d.sendMany(request)
	case "recv_until":
		return d.recvUntil(request)
	case "recv_many":
		return d.recvMany(request)
	case "batch":
		return d.batch(request)
	}
	d.quitting = true // quit
	return map[string]any{}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// -- the commands --------------------------------------------------------------------------

func libraryVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/go-zeromq/zmq4" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

func (d *driver) hello() map[string]any {
	commands := make([]string, 0, len(commandFields))
	for name := range commandFields {
		commands = append(commands, name)
	}
	sort.Strings(commands)
	return map[string]any{
		"protocol":       protocolVersion,
		"implementation": "zmqspec-zmq4",
		"language":       "go " + strings.TrimPrefix(runtime.Version(), "go"),
		"library":        "go-zeromq/zmq4 " + libraryVersion() + " (ZMTP 3.0, no libzmq)",
		// zmq4 has no version call and declares no libzmq version: the contract's "0.0.0" (DP-5)
		"zmq_version":  "0.0.0",
		"transports":   []string{"tcp", "ipc", "inproc"},
		"socket_types": socketTypes,
		"commands":     commands,
	}
}

func (d *driver) socket(request map[string]any) (map[string]any, *failure) {
	typ, f := text(request, "type")
	if f != nil {
		return nil, f
	}
	if !contains(socketTypes, typ) {
		return nil, fail("EINVAL", "unknown socket type '%s'", typ)
	}
	s, err := newSocket(typ)
	if err != nil {
		return nil, fail("EINVAL", "%v", err)
	}
	d.created++
	name := fmt.Sprintf("s%d", d.created)
	d.sockets[name] = &dsock{s: s, typ: typ}
	return map[string]any{"socket": name}, nil
}

func (d *driver) bind(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	endpoint, f := text(request, "endpoint")
	if f != nil {
		return nil, f
	}
	bound, err := bindOne(s.s, endpoint)
	if err != nil {
		return nil, libraryFailure(err)
	}
	return map[string]any{"endpoint": bound}, nil
}

func (d *driver) connect(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	endpoint, f := text(request, "endpoint")
	if f != nil {
		return nil, f
	}
	if err := s.s.Dial(endpoint); err != nil {
		return nil, libraryFailure(err)
	}
	return map[string]any{}, nil
}

// option checks an option's name and value as the contract types them; it returns the value as
// bytes (bytes options) or an integer.
func option(request map[string]any, asText bool) (string, []byte, int64, *failure) {
	name, f := text(request, "option")
	if f != nil {
		return "", nil, 0, f
	}
	if !intOptions[name] && !bytesOptions[name] {
		return "", nil, 0, fail("EINVAL", "unknown option '%s'", name)
	}
	raw, has := request["value"]
	if !has {
		return "", nil, 0, fail("EINVAL", "'value' is missing")
	}
	switch {
	case asText:
		if !bytesOptions[name] {
			return "", nil, 0, fail("EINVAL", "'%s' is not a bytes option", name)
		}
		s, isText := raw.(string)
		if !isText {
			return "", nil, 0, fail("EINVAL", "'value' must be a string")
		}
		return name, []byte(s), 0, nil
	case bytesOptions[name]:
		s, isText := raw.(string)
		if !isText {
			return "", nil, 0, fail("EINVAL", "'value' must be hex")
		}
		value, err := lowerHex(s)
		if err != nil {
			return "", nil, 0, fail("EINVAL", "'value' is not lowercase hex: '%s'", s)
		}
		return name, value, 0, nil
	}
	n, isNumber := raw.(json.Number)
	if !isNumber || !integral(n) {
		return "", nil, 0, fail("EINVAL", "'value' must be an integer")
	}
	value, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return "", nil, 0, fail("EINVAL", "'value' %s does not fit in 64 bits", n)
	}
	return name, nil, value, nil
}

func (d *driver) setsockopt(request map[string]any, asText bool) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	name, value, number, f := option(request, asText)
	if f != nil {
		return nil, f
	}
	var err error
	switch {
	case (name == "subscribe" || name == "unsubscribe") && s.typ == "SUB":
		zname := zmq4.OptionSubscribe
		if name == "unsubscribe" {
			zname = zmq4.OptionUnsubscribe
		}
		err = s.s.SetOption(zname, string(value)) // zmq4 takes a topic as a Go string: any bytes
	case name == "sndhwm" && s.typ == "PUB":
		if number < 0 || number > 1<<31-1 {
			return nil, fail("EINVAL", "Invalid argument (sndhwm %d)", number)
		}
		err = s.s.SetOption(zmq4.OptionHWM, int(number))
	default:
		return nil, lacking(name, s.typ)
	}
	if err != nil {
		return nil, libraryFailure(err)
	}
	return map[string]any{}, nil
}

// lacking is the EINVAL for an option zmq4 does not have on this socket type.
func lacking(name, typ string) *failure {
	return fail("EINVAL", "Invalid argument (zmq4 v0.17.0 has no ZMQ_%s on a %s socket)", strings.ToUpper(name), typ)
}

var typeNumbers = map[string]int{"PAIR": 0, "PUB": 1, "SUB": 2, "REQ": 3, "REP": 4, "DEALER": 5, "ROUTER": 6,
	"PULL": 7, "PUSH": 8, "XPUB": 9, "XSUB": 10}

func (d *driver) getsockopt(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	name, f := text(request, "option")
	if f != nil {
		return nil, f
	}
	if !intOptions[name] && !bytesOptions[name] {
		return nil, fail("EINVAL", "unknown option '%s'", name)
	}
	switch {
	case name == "type":
		return map[string]any{"value": typeNumbers[string(s.s.Type())]}, nil
	case name == "last_endpoint":
		value := ""
		if addr := s.s.Addr(); addr != nil {
			value = addr.Network() + "://" + addr.String()
			if addr.Network() == "unix" {
				value = "ipc://" + addr.String()
			}
		}
		return map[string]any{"value": hex.EncodeToString([]byte(value))}, nil
	case name == "sndhwm" && s.typ == "PUB":
		v, err := s.s.GetOption(zmq4.OptionHWM)
		if err != nil {
			return map[string]any{"value": 0}, nil // never set: zmq4's PUB has no mark
		}
		return map[string]any{"value": v}, nil
	}
	return nil, lacking(name, s.typ)
}

func (d *driver) send(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	frames, f := framesField(request["frames"], "frames")
	if f != nil {
		return nil, f
	}
	timeout, f := duration(request, "timeout_ms", defaultTimeoutMS)
	if f != nil {
		return nil, f
	}
	if f := sendMessage(s, frames, timeout); f != nil {
		return nil, f
	}
	return map[string]any{}, nil
}

func sendMessage(s *dsock, frames [][]byte, timeoutMS int64) *failure {
	if len(frames) == 0 {
		return fail("EINVAL", "a message needs at least one frame")
	}
	deadline := time.Duration(timeoutMS) * time.Millisecond
	if deadline == 0 {
		deadline = zeroSendDeadline
	}
	setSendTimeout(s.s, deadline)
	if err := s.s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		return libraryFailure(err)
	}
	return nil
}

func (d *driver) recv(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	timeout, f := duration(request, "timeout_ms", defaultTimeoutMS)
	if f != nil {
		return nil, f
	}
	frames, f := receiveBefore(s, deadlineAfter(timeout))
	if f != nil {
		return nil, f
	}
	return map[string]any{"frames": hexes(frames)}, nil
}

func deadlineAfter(timeoutMS int64) time.Time {
	if timeoutMS == 0 {
		return time.Now().Add(zeroRecvWait)
	}
	return time.Now().Add(time.Duration(timeoutMS) * time.Millisecond)
}

// receiveBefore is one whole message, or EAGAIN once the deadline has passed (the Recv in
// progress then stays with the socket for its next receive).
func receiveBefore(s *dsock, deadline time.Time) ([][]byte, *failure) {
	if s.pending == nil {
		ch := make(chan received, 1)
		s.pending = ch
		go func(sock zmq4.Socket) {
			msg, err := sock.Recv()
			ch <- received{msg, err}
		}(s.s)
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case r := <-s.pending:
		s.pending = nil
		if r.err != nil {
			return nil, libraryFailure(r.err)
		}
		return r.msg.Frames, nil
	case <-timer.C:
		return nil, fail("EAGAIN", "Resource temporarily unavailable")
	}
}

func (d *driver) poll(request map[string]any) (map[string]any, *failure) {
	items, isList := request["items"].([]any)
	if !isList {
		return nil, fail("EINVAL", "'items' must be a list")
	}
	for _, raw := range items {
		item, isObject := raw.(map[string]any)
		if !isObject {
			return nil, fail("EINVAL", "each poll item must be an object")
		}
		for name := range item {
			if name != "socket" && name != "events" {
				return nil, fail("EINVAL", "unknown field '%s' in a poll item", name)
			}
		}
		if _, f := d.socketOf(item); f != nil {
			return nil, f
		}
		if events, has := item["events"]; has {
			list, isList := events.([]any)
			if !isList {
				return nil, fail("EINVAL", "'events' must be a list")
			}
			for _, e := range list {
				if e != "in" && e != "out" {
					return nil, fail("EINVAL", "unknown poll event %s", jsonText(e))
				}
			}
		}
	}
	if _, f := duration(request, "timeout_ms", defaultTimeoutMS); f != nil {
		return nil, f
	}
	return nil, fail("ENOTSUP", "Operation not supported (zmq4 v0.17.0 has no poller: no zmq_poll, no ZMQ_EVENTS)")
}

func (d *driver) close(request map[string]any) (map[string]any, *failure) {
	name, f := text(request, "socket")
	if f != nil {
		return nil, f
	}
	s, f := d.socketNamed(name)
	if f != nil {
		return nil, f
	}
	if _, f := duration(request, "linger_ms", 0); f != nil {
		return nil, f
	}
	s.s.Close() // zmq4 has no linger: what the socket still holds is dropped
	delete(d.sockets, name)
	return map[string]any{}, nil
}

func (d *driver) sendMany(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	list, isList := request["messages"].([]any)
	if !isList {
		return nil, fail("EINVAL", "'messages' must be a list")
	}
	timeout, f := duration(request, "timeout_ms", defaultTimeoutMS)
	if f != nil {
		return nil, f
	}
	messages := make([][][]byte, 0, len(list))
	for _, m := range list {
		frames, f := framesField(m, "messages")
		if f != nil {
			return nil, f
		}
		messages = append(messages, frames)
	}
	for _, frames := range messages {
		if f := sendMessage(s, frames, timeout); f != nil {
			return nil, f
		}
	}
	return map[string]any{"sent": len(messages)}, nil
}

func (d *driver) recvUntil(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	sentinel, f := framesField(request["sentinel"], "sentinel")
	if f != nil {
		return nil, f
	}
	timeout, f := duration(request, "timeout_ms", defaultTimeoutMS)
	if f != nil {
		return nil, f
	}
	deadline := deadlineAfter(timeout)
	messages := []any{}
	for {
		frames, f := receiveBefore(s, deadline)
		if f != nil {
			if f.errno == "EAGAIN" {
				return map[string]any{"messages": messages, "found": false}, nil
			}
			return nil, f
		}
		if sameFrames(frames, sentinel) {
			return map[string]any{"messages": messages, "found": true}, nil
		}
		messages = append(messages, hexes(frames))
	}
}

func (d *driver) recvMany(request map[string]any) (map[string]any, *failure) {
	s, f := d.socketOf(request)
	if f != nil {
		return nil, f
	}
	raw, isNumber := request["count"].(json.Number)
	count, err := strconv.ParseInt(string(raw), 10, 64)
	if !isNumber || err != nil || count < 0 {
		return nil, fail("EINVAL", "'count' must be an integer >= 0")
	}
	timeout, f := duration(request, "timeout_ms", defaultTimeoutMS)
	if f != nil {
		return nil, f
	}
	deadline := deadlineAfter(timeout)
	messages := []any{}
	for int64(len(messages)) < count {
		frames, f := receiveBefore(s, deadline)
		if f != nil {
			if f.errno == "EAGAIN" {
				break
			}
			return nil, f
		}
		messages = append(messages, hexes(frames))
	}
	return map[string]any{"messages": messages}, nil
}

func (d *driver) batch(request map[string]any) (map[string]any, *failure) {
	list, isList := request["requests"].([]any)
	if !isList {
		return nil, fail("EINVAL", "'requests' must be a list")
	}
	results := make([]any, 0, len(list))
	for index, raw := range list {
		ok, f := func() (map[string]any, *failure) {
			one, isObject := raw.(map[string]any)
			if !isObject {
				return nil, fail("EINVAL", "not a JSON object")
			}
			cmd, isText := one["cmd"].(string)
			if !isText {
				return nil, fail("ENOTSUP", "unknown command %s", jsonText(one["cmd"]))
			}
			return d.execute(cmd, one, true)
		}()
		if f != nil {
			return nil, &failure{f.errno, fmt.Sprintf("batch request %d: %s", index, f.msg), index}
		}
		results = append(results, ok)
	}
	return map[string]any{"results": results}, nil
}

// -- fields of a request --------------------------------------------------------------------

func (d *driver) socketOf(request map[string]any) (*dsock, *failure) {
	name, f := text(request, "socket")
	if f != nil {
		return nil, f
	}
	return d.socketNamed(name)
}

func (d *driver) socketNamed(name string) (*dsock, *failure) {
	s, ok := d.sockets[name]
	if !ok {
		return nil, fail("ENOTSOCK", "no socket named '%s'", name)
	}
	return s, nil
}

func text(request map[string]any, field string) (string, *failure) {
	s, ok := request[field].(string)
	if !ok {
		return "", fail("EINVAL", "'%s' must be a string", field)
	}
	return s, nil
}

// duration is a timeout_ms or linger_ms: an integer from 0 to 2**31-1; fallback when absent.
func duration(request map[string]any, field string, fallback int64) (int64, *failure) {
	raw, has := request[field]
	if !has {
		return fallback, nil
	}
	n, isNumber := raw.(json.Number)
	if isNumber && integral(n) {
		if v, err := strconv.ParseInt(string(n), 10, 64); err == nil && v >= 0 && v <= maxDurationMS {
			return v, nil
		}
	}
	return 0, fail("EINVAL", "%s must be an integer from 0 to %d, got %s", field, maxDurationMS, jsonText(raw))
}

func framesField(raw any, field string) ([][]byte, *failure) {
	list, isList := raw.([]any)
	if !isList {
		return nil, fail("EINVAL", "'%s' must be a list", field)
	}
	frames := make([][]byte, 0, len(list))
	for _, item := range list {
		s, isText := item.(string)
		if !isText {
			return nil, fail("EINVAL", "'%s' must hold hex strings", field)
		}
		frame, err := lowerHex(s)
		if err != nil {
			return nil, fail("EINVAL", "'%s' is not lowercase hex: '%s'", field, s)
		}
		frames = append(frames, frame)
	}
	return frames, nil
}

func hexes(frames [][]byte) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = hex.EncodeToString(f)
	}
	return out
}

func sameFrames(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// lowerHex decodes hex as the protocol writes it: lowercase only (DP-8).
func lowerHex(s string) ([]byte, error) {
	if strings.ContainsAny(s, "ABCDEF") {
		return nil, hex.InvalidByteError(s[strings.IndexAny(s, "ABCDEF")])
	}
	return hex.DecodeString(s)
}
