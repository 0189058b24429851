package main

// What every node shares (docs/contract.md, sections 1-3): UTF-8 output flushed line by line, the
// ready line, the lifelines that end a node whose parent is gone, one-line errors and the exit
// statuses 0 (done), 1 (cannot go on) and 2 (bad arguments).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"
)

const (
	readyPrefix = "ZMQSPEC READY "
	defaultBind = "tcp://127.0.0.1:*"
	// maxMessageBytes is the contract's 64 KiB bound (sink results, worker tasks and kill). zmq4 has
	// no ZMQ_MAXMSGSIZE, so the nodes cannot keep it (DEVIATIONS.md, MI-5); it is only named here.
	maxMessageBytes = 64 * 1024
	shownBytes      = 40
)

var (
	role   = "node"
	outMu  sync.Mutex
	stdout = bufio.NewWriterSize(os.Stdout, 1<<16)
)

// nodeError is a problem the node reports in one line, then exits 1.
type nodeError struct{ msg string }

func (e nodeError) Error() string { return e.msg }

// usageError is a bad command line: one line, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func failf(format string, args ...any) error  { return nodeError{fmt.Sprintf(format, args...)} }
func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// say prints one line on standard output and flushes it.
func say(line string) {
	outMu.Lock()
	stdout.WriteString(line)
	stdout.WriteByte('\n')
	stdout.Flush()
	outMu.Unlock()
}

// out prints text without a newline (a prompt, progress marks) and flushes it.
func out(text string) {
	outMu.Lock()
	stdout.WriteString(text)
	stdout.Flush()
	outMu.Unlock()
}

// warn writes one line on standard error: what the role skipped, or a problem it goes on despite.
func warn(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "zmqspec %s: %s\n", role, fmt.Sprintf(format, args...))
}

// decode shows received bytes as UTF-8 text, each undecodable byte as \xNN (Python's backslashreplace).
func decode(data []byte) string {
	var b strings.Builder
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&b, "\\x%02x", data[0])
			data = data[1:]
			continue
		}
		b.WriteString(string(data[:size]))
		data = data[size:]
	}
	return b.String()
}

// shown quotes at most shownBytes of a message for a line on stderr, with its size when cut.
func shown(data []byte) string {
	if len(data) <= shownBytes {
		return strconv.Quote(decode(data))
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(decode(data[:shownBytes])), len(data))
}

// ready prints the ready line: each socket's name and the endpoints it bound, keys sorted.
func ready(bound map[string][]string) {
	keys := make([]string, 0, len(bound))
	for k := range bound {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		name, _ := json.Marshal(k)
		eps := bound[k]
		if eps == nil {
			eps = []string{}
		}
		list, _ := json.Marshal(eps)
		b.Write(name)
		b.WriteString(": ")
		b.Write(list)
	}
	b.WriteString("}")
	say(readyPrefix + b.String())
}

// -- sockets -------------------------------------------------------------------------------

// newSocket makes a zmq4 socket of the given type (libzmq's names), with zmq4's defaults unless
// options say otherwise.
func newSocket(typ string, opts ...zmq4.Option) (zmq4.Socket, error) {
	ctx := context.Background()
	switch typ {
	case "PAIR":
		return zmq4.NewPair(ctx, opts...), nil
	case "PUB":
		return zmq4.NewPub(ctx, opts...), nil
	case "SUB":
		return zmq4.NewSub(ctx, opts...), nil
	case "REQ":
		return zmq4.NewReq(ctx, opts...), nil
	case "REP":
		return zmq4.NewRep(ctx, opts...), nil
	case "DEALER":
		return zmq4.NewDealer(ctx, opts...), nil
	case "ROUTER":
		return zmq4.NewRouter(ctx, opts...), nil
	case "PULL":
		return zmq4.NewPull(ctx, opts...), nil
	case "PUSH":
		return zmq4.NewPush(ctx, opts...), nil
	case "XPUB":
		return zmq4.NewXPub(ctx, opts...), nil
	case "XSUB":
		return zmq4.NewXSub(ctx, opts...), nil
	}
	return nil, fmt.Errorf("unknown socket type %q", typ)
}

var (
	socketsMu sync.Mutex
	sockets   []zmq4.Socket
)

// roleSocket makes a socket for a role and remembers it, to be closed when the role ends.
func roleSocket(typ string, opts ...zmq4.Option) zmq4.Socket {
	s, err := newSocket(typ, opts...)
	if err != nil {
		panic(err)
	}
	socketsMu.Lock()
	sockets = append(sockets, s)
	socketsMu.Unlock()
	return s
}

// roleSocketFor makes a role's socket for the endpoints it is given, with zmq4's defaults. (zmq4
// reconnects only when asked, zmq4.WithAutomaticReconnect; asked, it redials the last endpoint the
// socket was given, from inside the read that found the connection gone, and a REQ client then
// hangs instead of getting its reply: DEVIATIONS.md, TR-4. The roles leave it off.)
func roleSocketFor(typ string, binds, connects []string) zmq4.Socket {
	return roleSocket(typ)
}

// bindOne binds one endpoint and returns it as bound (a wildcard port resolved), or the failure.
func bindOne(s zmq4.Socket, endpoint string) (string, error) {
	if err := s.Listen(endpoint); err != nil {
		return "", err
	}
	return boundEndpoint(s, endpoint), nil
}

// boundEndpoint is the endpoint a socket's listener has: the transport of what was asked and the
// address zmq4's listener reports (for tcp, the port the kernel gave).
func boundEndpoint(s zmq4.Socket, asked string) string {
	transport, _, _ := strings.Cut(asked, "://")
	addr := s.Addr()
	if addr == nil {
		return asked
	}
	return transport + "://" + addr.String()
}

// badTCPPort says what is wrong with the port of a tcp endpoint that no socket can take, refused by
// the node itself (contract section 1; NC-9); "" when there is nothing to say. A port beyond 65535
// (libzmq would take it modulo 65536), and a port that is not a number: zmq4 hands the address to
// Go's net package, which takes a service name ("tcp://127.0.0.1:http" binds port 80), where libzmq
// refuses it with EINVAL (src/tcp_address.cpp).
func badTCPPort(ep string) string {
	if !strings.HasPrefix(ep, "tcp://") || !strings.Contains(ep[len("tcp://"):], ":") {
		return "" // no port at all: zmq4 refuses it already
	}
	port := ep[strings.LastIndex(ep, ":")+1:]
	if port == "*" {
		return ""
	}
	if port == "" || strings.Trim(port, "0123456789") != "" {
		return "the tcp port is not a number"
	}
	port = strings.TrimLeft(port, "0")
	if len(port) > 5 || (port != "" && mustAtoi(port) > 65535) {
		return "a tcp port is at most 65535"
	}
	return ""
}

func mustAtoi(digits string) int {
	v, _ := strconv.Atoi(digits)
	return v
}

// attach binds and connects one socket as its options say; with neither, it binds fallback (none
// when fallback is ""). It returns the endpoints actually bound.
func attach(s zmq4.Socket, binds, connects []string, fallback string) ([]string, error) {
	if len(binds) == 0 && len(connects) == 0 && fallback != "" {
		binds = []string{fallback}
	}
	for _, ep := range append(append([]string{}, binds...), connects...) {
		if why := badTCPPort(ep); why != "" {
			verb := "bind"
			if !contains(binds, ep) {
				verb = "connect"
			}
			return nil, failf("cannot %s %s: Invalid argument: %s (EINVAL)", verb, ep, why)
		}
	}
	bound := []string{}
	for _, ep := range binds {
		got, err := bindOne(s, ep)
		if err != nil {
			name, text := errnoOf(err)
			return nil, failf("cannot bind %s: %s (%s)", ep, text, name)
		}
		bound = append(bound, got)
	}
	for _, ep := range connects {
		if err := s.Dial(ep); err != nil {
			name, text := errnoOf(err)
			return nil, failf("cannot connect %s: %s (%s)", ep, text, name)
		}
	}
	return bound, nil
}

// -- receiving ------------------------------------------------------------------------------

// received is the outcome of one zmq4 Recv.
type received struct {
	msg zmq4.Msg
	err error
}

// stopped says whether a Recv failed because its socket was closed (its context cancelled).
func stopped(err error) bool {
	return err != nil && (err == context.Canceled || strings.Contains(err.Error(), "context canceled"))
}

// inbox feeds a role from one socket: a goroutine calls zmq4's blocking Recv in a loop and hands
// each message over a channel, so that a role can wait on several sockets at once with select
// (zmq4 has no poller). A Recv that fails because a peer went away (zmq4 reports that as an error
// of the next Recv) is not a message: it is dropped and the loop goes on.
func inbox(s zmq4.Socket) <-chan zmq4.Msg {
	ch := make(chan zmq4.Msg)
	go func() {
		for {
			msg, err := s.Recv()
			if err != nil {
				if stopped(err) {
					return
				}
				if strings.Contains(err.Error(), "can't recv") {
					return
				}
				continue
			}
			ch <- msg
		}
	}()
	return ch
}

// repInbox is inbox for a REP socket: it receives the next request only after the caller has sent
// the reply to the last one and said so on replied. zmq4's REP keeps no lock-step (RR-3, DEVIATIONS.md)
// and sends each reply to the peer of the latest Recv, so a second Recv before the Send (what inbox
// does) sends the reply to the wrong peer, and the first peer never gets one (seen as sync-pub's race
// with three sync-subs, PS-11).
func repInbox(s zmq4.Socket) (<-chan zmq4.Msg, chan<- struct{}) {
	ch := make(chan zmq4.Msg)
	replied := make(chan struct{}, 1)
	go func() {
		for {
			msg, err := s.Recv()
			if err != nil {
				if stopped(err) || strings.Contains(err.Error(), "can't recv") {
					return
				}
				continue
			}
			ch <- msg
			<-replied
		}
	}()
	return ch, replied
}

// -- lifelines and ending -------------------------------------------------------------------

func init() {
	// PR_SET_PDEATHSIG belongs to the thread that asks; the main goroutine stays on the main thread.
	runtime.LockOSThread()
}

// dieWithParent asks Linux for SIGTERM when the parent process exits (contract section 3).
func dieWithParent() {
	const prSetPdeathsig = 1
	parent := os.Getppid()
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGTERM), 0)
	if os.Getppid() != parent { // the parent died before the request took effect
		exit(143)
	}
}

// quitOnStdinEOF is for roles that never read standard input: its end-of-file means quit, status 0.
func quitOnStdinEOF() {
	go func() {
		io.Copy(io.Discard, os.Stdin)
		exit(0)
	}()
}

// exit flushes standard output and ends the process at once (sockets close with the process:
// zmq4 has no linger).
func exit(code int) {
	outMu.Lock()
	stdout.Flush()
	os.Exit(code)
}

// run runs a role with the contract's exit rules; it never returns.
func run(name string, body func() error) {
	role = name
	dieWithParent()
	err := body()
	code := 0
	switch e := err.(type) {
	case nil:
	case usageError:
		fmt.Fprintf(os.Stderr, "zmqspec %s: error: %s\n", role, e.msg)
		code = 2
	default:
		fmt.Fprintf(os.Stderr, "zmqspec %s: error: %s\n", role, err)
		code = 1
	}
	socketsMu.Lock()
	for _, s := range sockets {
		s.Close()
	}
	socketsMu.Unlock()
	exit(code)
}

// flushPub waits, at most a second, until a PUB socket has written out every message queued on it.
// zmq4 has no ZMQ_LINGER: Close drops what its PUB still queues, so a role whose last act is a
// publish (sink's KILL, sync-pub's END, weather-pub --count) would lose it and leave its peers
// waiting for ever. This reads zmq4's private queue (see lingering.go); listed in DEVIATIONS.md.
func flushPub(s zmq4.Socket) {
	deadline := time.Now().Add(10 * time.Second)
	for calm := 0; calm < 2 && time.Now().Before(deadline); {
		// twice empty, 5 ms apart: the writer takes a message off the queue a moment before it
		// starts writing it
		if pubQueueEmpty(s) {
			calm++
		} else {
			calm = 0
		}
		time.Sleep(5 * time.Millisecond)
	}
}
