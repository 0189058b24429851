// Command repro shows, one case at a time, each way go-zeromq/zmq4 v0.17.0 departs from libzmq and
// the ZeroMQ RFCs that zmqspec's suite found (implementations/zmq4/DEVIATIONS.md).
//
//	go run ./repro CASE     # from implementations/zmq4; exit 1: the deviation shows, 0: it does not
//	go run ./repro all      # every case, one line each
//
// Each case uses zmq4's public API only, on loopback tcp (or inproc where it says so), and prints
// what libzmq does and what zmq4 did.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
)

type outcome struct {
	deviates bool
	what     string
}

var cases = map[string]struct {
	ids  string
	run  func() outcome
	says string
}{
	"push-round-robin":       {"PP-4, PP-8", pushRoundRobin, "a PUSH deals each message to one peer, in turn"},
	"pull-fair-queue":        {"PP-5", pullFairQueue, "a PULL takes one message from each pusher in turn"},
	"req-lockstep":           {"RR-3", reqLockstep, "a REQ refuses a second send before the reply, and a receive before any send, with EFSM"},
	"rep-lockstep":           {"RR-3", repLockstep, "a REP refuses a send before any receive with EFSM"},
	"rep-recv-twice":         {"RR-3, PS-11", repRecvTwice, "a REP refuses a second receive before its reply (EFSM), so a reply always goes to the peer that asked"},
	"req-no-peer":            {"RR-9", reqNoPeer, "a REQ with no peer blocks its send (EAGAIN once its SNDTIMEO runs out)"},
	"connect-before-bind":    {"RR-8, PP-7, PS-2", connectBeforeBind, "a connect succeeds at once, the connection is made whenever the peer binds"},
	"two-binds":              {"RR-6", twoBinds, "one socket bound to two endpoints answers on both"},
	"rep-envelope":           {"RR-12, RR-13, RR-1", repEnvelope, "a REP's envelope ends at the first empty frame; an empty request is answered with one frame"},
	"sub-counting":           {"PS-7", subCounting, "subscribing twice and unsubscribing once keeps the subscription"},
	"xpub-subscriptions":     {"PS-8", xpubSubscriptions, "an XPUB receives each subscription as a message \\x01+prefix"},
	"no-maxmsgsize":          {"MI-5, MI-6", noMaxMsgSize, "a frame declaring 2**60 bytes drops that connection (or ZMQ_MAXMSGSIZE does)"},
	"no-reconnect":           {"TR-4", noReconnect, "a connecting socket reconnects to a peer that comes back on the same endpoint"},
	"peer-gone":              {"PP-10, PP-12", peerGone, "a PUSH drops a departed peer's queue and goes on dealing to the others"},
	"inproc-queue":           {"TR-1, PP-5", inprocQueue, "an inproc PUSH queues up to its high-water mark (1000) for a peer that is not reading"},
	"pub-close-drops":        {"PS-11, PP-9", pubCloseDrops, "a PUB closed with the default linger still delivers what it queued"},
	"pub-slow-sub":           {"PS-9, PS-12", pubSlowSub, "a subscriber that does not read holds up no other subscriber (each has its own queue, dropped at its HWM)"},
	"service-name-port":      {"NC-9", serviceNamePort, "a tcp endpoint whose port is not a number (tcp://127.0.0.1:http) is refused with EINVAL"},
	"inproc-long-frame":      {"PS-4", inprocLargeFrame, "a SUB over inproc receives a frame of 100000 bytes whole"},
	"req-peer-gone":          {"RR-15, RR-16", reqPeerGone, "a REQ whose peer has gone deals its requests to the peers still connected (or keeps them for the next peer)"},
	"rep-no-delimiter":       {"RR-20", repNoDelimiter, "a REP drops a request without the empty delimiter and hands over the next well-formed one"},
	"connect-waits-greeting": {"PS-17", connectWaitsGreeting, "a connect returns at once; the ZMTP greeting is exchanged afterwards, in the background"},
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "inproc-long-frame-child" {
		inprocLongFrameChild()
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "serve-rep" { // the child of no-maxmsgsize
		serveRep(os.Args[2])
		return
	}
	if len(os.Args) != 2 {
		names := make([]string, 0, len(cases))
		for name := range cases {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: repro CASE|all\ncases: %s\n", strings.Join(names, " "))
		os.Exit(2)
	}
	if os.Args[1] == "all" {
		names := make([]string, 0, len(cases))
		for name := range cases {
			names = append(names, name)
		}
		sort.Strings(names)
		code := 0
		for _, name := range names {
			c := cases[name]
			o := c.run()
			verdict := "as libzmq"
			if o.deviates {
				verdict, code = "DEVIATES", 1
			}
			fmt.Printf("%-20s %-18s %-9s %s\n", name, c.ids, verdict, o.what)
		}
		os.Exit(code)
	}
	c, ok := cases[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "repro: no case %q\n", os.Args[1])
		os.Exit(2)
	}
	o := c.run()
	fmt.Printf("%s (%s)\n  libzmq: %s\n  zmq4:   %s\n", os.Args[1], c.ids, c.says, o.what)
	if o.deviates {
		os.Exit(1)
	}
}

var ctx = context.Background()

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "repro:", err)
		os.Exit(3)
	}
}

// listen binds s to a free loopback port and returns the endpoint.
func listen(s zmq4.Socket) string {
	must(s.Listen("tcp://127.0.0.1:0"))
	return "tcp://" + s.Addr().String()
}

// recvWithin is one Recv, or an error once d has passed (zmq4's Recv has no deadline of its own).
func recvWithin(s zmq4.Socket, d time.Duration) (zmq4.Msg, error) {
	ch := make(chan zmq4.Msg, 1)
	errs := make(chan error, 1)
	go func() {
		m, err := s.Recv()
		if err != nil {
			errs <- err
			return
		}
		ch <- m
	}()
	select {
	case m := <-ch:
		return m, nil
	case err := <-errs:
		return zmq4.Msg{}, err
	case <-time.After(d):
		return zmq4.Msg{}, errors.New("nothing within " + d.String())
	}
}

func pushRoundRobin() outcome {
	push := zmq4.NewPush(ctx)
	defer push.Close()
	ep := listen(push)
	pulls := make([]zmq4.Socket, 3)
	for i := range pulls {
		pulls[i] = zmq4.NewPull(ctx)
		defer pulls[i].Close()
		must(pulls[i].Dial(ep))
	}
	time.Sleep(200 * time.Millisecond) // the PUSH's accept loop takes the three connections
	for i := 0; i < 30; i++ {
		must(push.Send(zmq4.NewMsgString(fmt.Sprint(i))))
	}
	counts := make([]int, 3)
	for i, p := range pulls {
		for {
			if _, err := recvWithin(p, 300*time.Millisecond); err != nil {
				break
			}
			counts[i]++
		}
	}
	total := counts[0] + counts[1] + counts[2]
	return outcome{total != 30, fmt.Sprintf("30 messages sent to 3 PULLs: they received %v, %d in all (every PULL gets every message)", counts, total)}
}

func pullFairQueue() outcome {
	pull := zmq4.NewPull(ctx)
	defer pull.Close()
	ep := listen(pull)
	for _, name := range []string{"A", "B", "C"} {
		push := zmq4.NewPush(ctx)
		defer push.Close()
		must(push.Dial(ep))
		for i := 0; i < 4; i++ {
			must(push.Send(zmq4.NewMsgString(fmt.Sprintf("%s%d", name, i))))
		}
	}
	time.Sleep(200 * time.Millisecond)
	var order []string
	for i := 0; i < 12; i++ {
		m, err := recvWithin(pull, time.Second)
		if err != nil {
			break
		}
		order = append(order, string(m.Frames[0]))
	}
	fair := len(order) == 12
	for round := 0; fair && round < 4; round++ {
		seen := map[byte]bool{}
		for _, m := range order[round*3 : round*3+3] {
			seen[m[0]] = true
		}
		fair = len(seen) == 3
	}
	return outcome{!fair, fmt.Sprintf("3 PUSHes sent 4 each before the PULL read: it took %v", order)}
}

func reqLockstep() outcome {
	router := zmq4.NewRouter(ctx)
	defer router.Close()
	ep := listen(router)
	req := zmq4.NewReq(ctx)
	defer req.Close()
	must(req.Dial(ep))
	_, recvErr := req.Recv()
	must(req.Send(zmq4.NewMsgString("first")))
	secondErr := req.Send(zmq4.NewMsgString("second"))
	var got []string
	for i := 0; i < 2; i++ {
		if m, err := recvWithin(router, time.Second); err == nil {
			got = append(got, string(m.Frames[len(m.Frames)-1]))
		}
	}
	return outcome{recvErr == nil || !strings.Contains(recvErr.Error(), "EFSM") || secondErr == nil,
		fmt.Sprintf("Recv before any Send: %v; a second Send before the reply: error %v, and the ROUTER received %v", recvErr, secondErr, got)}
}

func repLockstep() outcome {
	rep := zmq4.NewRep(ctx)
	defer rep.Close()
	ep := listen(rep)
	req := zmq4.NewReq(ctx)
	defer req.Close()
	must(req.Dial(ep))
	err := rep.Send(zmq4.NewMsgString("unasked"))
	return outcome{err == nil, fmt.Sprintf("a REP's Send before any Recv returned %v (the reply goes nowhere)", err)}
}

// repRecvTwice: two REQs ask one REP; the REP receives both requests before it replies (what a node
// that reads its REP in a goroutine of its own does). zmq4 takes the second Recv and sends the one
// reply to the second peer; the first waits for ever. This is how sync-pub lost a sync-sub (PS-11).
func repRecvTwice() outcome {
	rep := zmq4.NewRep(ctx)
	defer rep.Close()
	ep := listen(rep)
	first, second := zmq4.NewReq(ctx), zmq4.NewReq(ctx)
	defer first.Close()
	defer second.Close()
	must(first.Dial(ep))
	must(second.Dial(ep))
	must(first.Send(zmq4.NewMsgString("first")))
	a, err := rep.Recv()
	must(err)
	must(second.Send(zmq4.NewMsgString("second")))
	b, err := rep.Recv() // libzmq: EFSM
	if err != nil {
		return outcome{false, fmt.Sprintf("a second Recv before the reply failed: %v", err)}
	}
	must(rep.Send(zmq4.NewMsgString("reply to " + string(a.Frames[0]))))
	got := make(chan string, 2)
	for name, req := range map[string]zmq4.Socket{"first": first, "second": second} {
		go func(name string, req zmq4.Socket) {
			if m, err := req.Recv(); err == nil {
				got <- fmt.Sprintf("the %s REQ got %q", name, m.Frames[0])
			}
		}(name, req)
	}
	select {
	case line := <-got:
		return outcome{!strings.HasPrefix(line, "the first "), fmt.Sprintf(
			"the REP received %q, then %q before replying; its reply to %q: %s", a.Frames[0], b.Frames[0], a.Frames[0], line)}
	case <-time.After(2 * time.Second):
		return outcome{true, "the reply reached neither REQ in 2 s"}
	}
}

func reqNoPeer() outcome {
	req := zmq4.NewReq(ctx, zmq4.WithTimeout(time.Second))
	defer req.Close()
	start := time.Now()
	err := req.Send(zmq4.NewMsgString("nowhere"))
	return outcome{time.Since(start) < 500*time.Millisecond,
		fmt.Sprintf("Send with no peer (send timeout 1 s) returned after %v: %v", time.Since(start).Round(time.Millisecond), err)}
}

func connectBeforeBind() outcome {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	ep := "tcp://" + l.Addr().String()
	l.Close() // a free port: nobody listens there yet
	req := zmq4.NewReq(ctx)
	defer req.Close()
	start := time.Now()
	err = req.Dial(ep)
	return outcome{err != nil, fmt.Sprintf("Dial to an endpoint nobody has bound yet returned after %v: %v",
		time.Since(start).Round(100*time.Millisecond), err)}
}

func twoBinds() outcome {
	rep := zmq4.NewRep(ctx)
	defer rep.Close()
	first := listen(rep)
	second := listen(rep)
	result := make(chan error, 1)
	go func() {
		req := zmq4.NewReq(ctx)
		result <- req.Dial(first)
	}()
	select {
	case err := <-result:
		return outcome{err != nil, fmt.Sprintf("bound %s then %s; a Dial to the first returned %v", first, second, err)}
	case <-time.After(3 * time.Second):
		return outcome{true, fmt.Sprintf("bound %s then %s; a Dial to the first has not returned after 3 s "+
			"(the second Listen replaced the first listener: nobody accepts on the first, and Dial has no deadline)", first, second)}
	}
}

func repEnvelope() outcome {
	rep := zmq4.NewRep(ctx)
	defer rep.Close()
	ep := listen(rep)
	req := zmq4.NewReq(ctx)
	defer req.Close()
	must(req.Dial(ep))
	must(req.Send(zmq4.NewMsgFrom([]byte("a"), []byte{}, []byte("x"))))
	m, err := recvWithin(rep, time.Second)
	must(err)
	got := fmt.Sprintf("%q", m.Frames)
	must(rep.Send(zmq4.NewMsgString("ok")))
	_, err = recvWithin(req, time.Second)
	must(err)
	must(req.Send(zmq4.NewMsg([]byte{})))
	e, err := recvWithin(rep, time.Second)
	must(err)
	must(rep.Send(zmq4.NewMsgString("R")))
	reply, err := recvWithin(req, time.Second)
	must(err)
	return outcome{len(m.Frames) != 3 || len(reply.Frames) != 1,
		fmt.Sprintf("the request [a, '', x] reached the REP as %s; the empty request reached it as %q and its one-frame reply came back as %q",
			got, e.Frames, reply.Frames)}
}

func subCounting() outcome {
	pub := zmq4.NewPub(ctx)
	defer pub.Close()
	ep := listen(pub)
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	must(sub.Dial(ep))
	must(sub.SetOption(zmq4.OptionSubscribe, "A"))
	must(sub.SetOption(zmq4.OptionSubscribe, "A"))
	must(sub.SetOption(zmq4.OptionUnsubscribe, "A"))
	must(sub.SetOption(zmq4.OptionSubscribe, "Z"))
	time.Sleep(300 * time.Millisecond) // the subscriptions reach the PUB
	must(pub.Send(zmq4.NewMsgString("A kept?")))
	must(pub.Send(zmq4.NewMsgString("Z sentinel")))
	var got []string
	for {
		m, err := recvWithin(sub, time.Second)
		if err != nil {
			break
		}
		got = append(got, string(m.Frames[0]))
		if strings.HasPrefix(got[len(got)-1], "Z") {
			break
		}
	}
	return outcome{len(got) == 0 || got[0] != "A kept?",
		fmt.Sprintf("subscribe A, subscribe A, unsubscribe A, subscribe Z; published 'A kept?', 'Z sentinel': the SUB received %q", got)}
}

func xpubSubscriptions() outcome {
	xpub := zmq4.NewXPub(ctx)
	defer xpub.Close()
	ep := listen(xpub)
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	must(sub.SetOption(zmq4.OptionSubscribe, "weather"))
	must(sub.Dial(ep))
	m, err := recvWithin(xpub, 2*time.Second)
	if err != nil {
		return outcome{true, "a SUB subscribed to 'weather' and connected; the XPUB's Recv got nothing in 2 s: " + err.Error()}
	}
	return outcome{false, fmt.Sprintf("the XPUB received %q", m.Frames)}
}

// zmtpPeer is a hand-made ZMTP 3.0 NULL peer of the given type: greeting and READY.
func zmtpPeer(ep, typ string) net.Conn {
	conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
	must(err)
	greeting := make([]byte, 64)
	greeting[0], greeting[9], greeting[10], greeting[11] = 0xff, 0x7f, 3, 0
	copy(greeting[12:], "NULL")
	_, err = conn.Write(greeting)
	must(err)
	body := []byte("\x05READY\x0bSocket-Type")
	body = binary.BigEndian.AppendUint32(body, uint32(len(typ)))
	body = append(body, typ...)
	_, err = conn.Write(append([]byte{0x04, byte(len(body))}, body...))
	must(err)
	return conn
}

func serveRep(ep string) {
	rep := zmq4.NewRep(ctx)
	must(rep.Listen(ep))
	fmt.Println("ready")
	for {
		if _, err := rep.Recv(); err != nil {
			continue
		}
	}
}

func noMaxMsgSize() outcome {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	ep := "tcp://" + l.Addr().String()
	l.Close()
	child := exec.Command(os.Args[0], "serve-rep", ep)
	stdout, _ := child.StdoutPipe()
	var stderr strings.Builder
	child.Stderr = &stderr
	must(child.Start())
	bufio.NewReader(stdout).ReadString('\n')
	conn := zmtpPeer(ep, "REQ")
	defer conn.Close()
	header := []byte{0x02}
	header = binary.BigEndian.AppendUint64(header, 1<<60) // a long frame of 2**60 bytes
	conn.Write(header)
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	select {
	case err := <-done:
		first := strings.SplitN(strings.TrimSpace(stderr.String()), "\n", 2)[0]
		return outcome{true, fmt.Sprintf("a REP server read a frame header declaring 2**60 bytes and its process ended (%v): %s", err, first)}
	case <-time.After(2 * time.Second):
		child.Process.Kill()
		return outcome{false, "the REP server survived a frame header declaring 2**60 bytes"}
	}
}

func noReconnect() outcome {
	rep := zmq4.NewRep(ctx)
	ep := listen(rep)
	req := zmq4.NewReq(ctx)
	defer req.Close()
	must(req.Dial(ep))
	must(req.Send(zmq4.NewMsgString("before")))
	_, err := recvWithin(rep, time.Second)
	must(err)
	must(rep.Send(zmq4.NewMsgString("ok")))
	_, err = recvWithin(req, time.Second)
	must(err)
	rep.Close()
	time.Sleep(200 * time.Millisecond)
	again := zmq4.NewRep(ctx)
	defer again.Close()
	must(again.Listen(ep))
	time.Sleep(500 * time.Millisecond)
	var sendErrs []string
	for i := 0; i < 3; i++ {
		if err := req.Send(zmq4.NewMsgString("after")); err != nil {
			sendErrs = append(sendErrs, err.Error())
		}
	}
	_, err = recvWithin(again, 2*time.Second)
	return outcome{err != nil, fmt.Sprintf("the REP came back on %s; the REQ's sends: errors %q; the new REP's Recv: %v", ep, sendErrs, err)}
}

func peerGone() outcome {
	push := zmq4.NewPush(ctx)
	defer push.Close()
	ep := listen(push)
	stay, leave := zmq4.NewPull(ctx), zmq4.NewPull(ctx)
	defer stay.Close()
	must(stay.Dial(ep))
	must(leave.Dial(ep))
	time.Sleep(200 * time.Millisecond)
	leave.Close()
	time.Sleep(200 * time.Millisecond)
	var errs []string
	for i := 0; i < 5; i++ {
		if err := push.Send(zmq4.NewMsgString(fmt.Sprint(i))); err != nil {
			errs = append(errs, err.Error())
		}
	}
	return outcome{len(errs) > 0, fmt.Sprintf("one of two PULLs closed; 5 sends on the PUSH: %d failed, the first with %q", len(errs), first(errs))}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func inprocQueue() outcome {
	push := zmq4.NewPush(ctx, zmq4.WithTimeout(time.Second))
	defer push.Close()
	must(push.Listen("inproc://repro-queue"))
	pull := zmq4.NewPull(ctx)
	defer pull.Close()
	must(pull.Dial("inproc://repro-queue"))
	sent := 0
	var err error
	for ; sent < 100; sent++ {
		if err = push.Send(zmq4.NewMsgString(fmt.Sprint(sent))); err != nil {
			break
		}
	}
	return outcome{sent < 100, fmt.Sprintf("100 sends on an inproc PUSH whose PULL does not read (send timeout 1 s): %d went, then %v", sent, err)}
}

func pubCloseDrops() outcome {
	pub := zmq4.NewPub(ctx)
	ep := listen(pub)
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	must(sub.SetOption(zmq4.OptionSubscribe, ""))
	must(sub.Dial(ep))
	time.Sleep(300 * time.Millisecond)
	for i := 0; i < 1000; i++ {
		must(pub.Send(zmq4.NewMsgString(fmt.Sprintf("update %d", i))))
	}
	must(pub.Send(zmq4.NewMsgString("END")))
	pub.Close()
	got, last := 0, ""
	for {
		m, err := recvWithin(sub, time.Second)
		if err != nil {
			break
		}
		got, last = got+1, string(m.Frames[0])
	}
	return outcome{last != "END", fmt.Sprintf("1000 updates and END published, then Close: the SUB received %d, the last %q", got, last)}
}

// serviceNamePort: libzmq's tcp address parser takes a port only as a number (or *, 0), so
// tcp://127.0.0.1:http is EINVAL for bind and connect alike. zmq4's transport hands the host:port
// to net.Listen, which looks the name up in /etc/services: "http" is port 80.
func serviceNamePort() outcome {
	rep := zmq4.NewRep(ctx)
	defer rep.Close()
	err := rep.Listen("tcp://127.0.0.1:http")
	if err == nil {
		return outcome{true, fmt.Sprintf("Listen(\"tcp://127.0.0.1:http\") succeeded; the socket listens on %s", rep.Addr())}
	}
	// Not as root, port 80 is refused by the kernel, not by zmq4: the error names 127.0.0.1:80.
	return outcome{strings.Contains(err.Error(), ":80"), fmt.Sprintf("Listen(\"tcp://127.0.0.1:http\") failed: %v", err)}
}

// pubSlowSub: libzmq's PUB keeps one queue per subscriber (SNDHWM each) and never blocks: a
// subscriber that does not read loses messages past its high-water mark, the others get them all.
// zmq4's PUB has one writer goroutine that writes each message to every matching connection in
// turn with a blocking write (pubMWriter.sendMsg), and zmq4's SUB reads at most 10 messages ahead
// (qrsize): once the idle subscriber's socket buffers are full, the write to it blocks and no
// other subscriber gets anything more until it reads.
func pubSlowSub() outcome {
	pub := zmq4.NewPub(ctx)
	defer pub.Close()
	ep := listen(pub)
	idle, busy := zmq4.NewSub(ctx), zmq4.NewSub(ctx)
	defer idle.Close()
	defer busy.Close()
	for _, s := range []zmq4.Socket{idle, busy} {
		must(s.Dial(ep))
		must(s.SetOption(zmq4.OptionSubscribe, ""))
	}
	// One goroutine reads the busy subscriber for the whole case (a Recv cannot be abandoned).
	msgs := make(chan string, 16)
	go func() {
		for {
			m, err := busy.Recv()
			if err != nil {
				close(msgs)
				return
			}
			msgs <- string(m.Frames[0])
		}
	}()
	// Both subscriptions in place: a marker reaches the busy subscriber (the idle one keeps its own).
	deadline := time.Now().Add(5 * time.Second)
synced:
	for {
		must(pub.Send(zmq4.NewMsgString("sync")))
		select {
		case <-msgs:
			break synced
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return outcome{false, "setup: no marker reached the busy subscriber in 5 s"}
		}
	}
	// In lock-step: the next message is published only once the busy subscriber has the last one,
	// so the busy subscriber is never behind and only the idle one's queue can fill.
	const n = 2000
	body := strings.Repeat("x", 4096)
	got := 0
lockstep:
	for got < n {
		must(pub.Send(zmq4.NewMsgString(fmt.Sprintf("%05d %s", got, body))))
		for {
			select {
			case m, ok := <-msgs:
				if !ok {
					break lockstep
				}
				if strings.HasPrefix(m, "sync") {
					continue
				}
				got++
				continue lockstep
			case <-time.After(3 * time.Second):
				break lockstep
			}
		}
	}
	return outcome{got < n, fmt.Sprintf("%d messages of 4 KiB published over tcp, each once the reading subscriber had the one "+
		"before; it got %d, then waited 3 s for the next in vain (the other subscriber reads nothing)", n, got)}
}

func reqPeerGone() (o outcome) {
	a, b := zmq4.NewRep(ctx), zmq4.NewRep(ctx)
	defer a.Close()
	epA, epB := listen(a), listen(b)
	go func() { // A answers every request
		for {
			m, err := a.Recv()
			if err != nil {
				return
			}
			a.Send(zmq4.NewMsgString("A," + string(m.Frames[0])))
		}
	}()
	req := zmq4.NewReq(ctx, zmq4.WithTimeout(time.Second))
	defer req.Close()
	must(req.Dial(epA))
	must(req.Dial(epB))
	must(req.Send(zmq4.NewMsgString("r0"))) // to A: the next turn is B's
	_, err := recvWithin(req, time.Second)
	must(err)
	b.Close() // B goes away
	time.Sleep(300 * time.Millisecond)
	defer func() {
		if p := recover(); p != nil {
			o = outcome{true, fmt.Sprintf("REQ connected to A and B; one exchange with A; B closed; a later Send panicked: %v", p)}
		}
	}()
	var errs []string
	for i := 1; i <= 5; i++ {
		if err := req.Send(zmq4.NewMsgString(fmt.Sprint("r", i))); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		recvWithin(req, 500*time.Millisecond)
	}
	return outcome{len(errs) > 0, fmt.Sprintf("B closed; 5 more requests: %d sends failed %q", len(errs), errs)}
}

func repNoDelimiter() outcome {
	rep := zmq4.NewRep(ctx)
	defer rep.Close()
	ep := listen(rep)
	dealer := zmq4.NewDealer(ctx)
	defer dealer.Close()
	must(dealer.Dial(ep))
	must(dealer.Send(zmq4.NewMsgString("no-delimiter")))
	must(dealer.Send(zmq4.NewMsgFrom([]byte{}, []byte("good"))))
	m, err := recvWithin(rep, 2*time.Second)
	if err != nil {
		return outcome{true, "a DEALER sent [no-delimiter] then ['', good]; the REP's first Recv failed: " + err.Error()}
	}
	return outcome{string(m.Frames[0]) != "good", fmt.Sprintf("the REP's first Recv gave %q", m.Frames)}
}

func connectWaitsGreeting() outcome {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	defer l.Close()
	go func() { // a peer that accepts but sends its greeting only after 3 s
		conn, err := l.Accept()
		if err != nil {
			return
		}
		time.Sleep(3 * time.Second)
		conn.Close()
	}()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	start := time.Now()
	err = sub.Dial("tcp://" + l.Addr().String())
	took := time.Since(start)
	return outcome{took > time.Second, fmt.Sprintf("Dial to a peer that accepts and stays silent returned after %v: %v",
		took.Round(100*time.Millisecond), err)}
}

func inprocLargeFrame() outcome {
	// In a child process: the panic zmq4 may raise ends the whole process.
	child := exec.Command(os.Args[0], "inproc-long-frame-child")
	var out strings.Builder
	child.Stdout, child.Stderr = &out, &out
	err := child.Run()
	first := strings.SplitN(strings.TrimSpace(out.String()), "\n", 2)[0]
	return outcome{err != nil, fmt.Sprintf("an inproc PUB sent one frame of 100000 'x' bytes to a SUB (''): %s (%v)", first, err)}
}

func inprocLongFrameChild() {
	pub := zmq4.NewPub(ctx)
	defer pub.Close()
	must(pub.Listen("inproc://repro-large"))
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	must(sub.SetOption(zmq4.OptionSubscribe, ""))
	must(sub.Dial("inproc://repro-large"))
	time.Sleep(300 * time.Millisecond) // the subscription reaches the PUB
	must(pub.Send(zmq4.NewMsgString(strings.Repeat("x", 100000))))
	m, err := recvWithin(sub, 2*time.Second)
	if err != nil {
		fmt.Println("the SUB got nothing:", err)
		os.Exit(1)
	}
	fmt.Printf("the SUB got a frame of %d bytes\n", len(m.Frames[0]))
	if len(m.Frames[0]) != 100000 {
		os.Exit(1)
	}
}
