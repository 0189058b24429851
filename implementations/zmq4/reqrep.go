package main

// REQ-REP roles: rep-server (RR-1, RR-13), req-client (RR-2, RR-4, MI-9), gateway (RR-7).

import (
	"bufio"
	"bytes"
	"io"
	"os"

	"github.com/go-zeromq/zmq4"
)

// framesOf is a received message's frames; zmq4's REP hands over a message of no frames for a
// request whose body is one empty frame, and a ZeroMQ message always has at least one.
func framesOf(msg zmq4.Msg) [][]byte {
	if len(msg.Frames) == 0 {
		return [][]byte{{}}
	}
	return msg.Frames
}

func repServer(args []string) error {
	c := newCLI("rep-server", "The seed's echo server (catalogue RR-1): answers each request m with '{name},{m}'; "+
		"a multipart request gets the name put in front of its first frame, the other frames unchanged.").
		value("name", "NAME", "the name put in front of every reply (default: server)").
		endpoints("", "REP")
	if err := c.parse(args); err != nil {
		return err
	}
	name := c.text("name", "server")
	say("STARTING SERVER")
	rep := roleSocketFor("REP", c.all("bind"), c.all("connect"))
	bound, err := attach(rep, c.all("bind"), c.all("connect"), defaultBind)
	if err != nil {
		return err
	}
	say("READY")
	ready(map[string][]string{"rep": bound})
	quitOnStdinEOF()
	prefix := []byte(name + ",")
	for {
		msg, err := rep.Recv()
		if err != nil {
			if stopped(err) {
				return nil
			}
			continue // a peer gone, or a request zmq4's REP refuses (no delimiter): nothing to echo
		}
		frames := framesOf(msg)
		text := decode(frames[0])
		say("RECEIVED: " + text)
		say("SENDING:  " + name + "," + text)
		reply := append([][]byte{append(append([]byte{}, prefix...), frames[0]...)}, frames[1:]...)
		if err := rep.Send(zmq4.NewMsgFrom(reply...)); err != nil && stopped(err) {
			return nil
		}
	}
}

func reqClient(args []string) error {
	c := newCLI("req-client", "The seed's alternating client (catalogue RR-2, RR-4): sends each line read after "+
		"the prompt '>> ' and prints the reply as 'RECEIVED: {message} FROM {name}'; exits after the reply to 'bye'.").
		endpoints("", "REQ")
	if err := c.parse(args); err != nil {
		return err
	}
	if len(c.all("connect")) == 0 && len(c.all("bind")) == 0 {
		return usagef("needs at least one endpoint to connect to (--connect)")
	}
	req := roleSocketFor("REQ", c.all("bind"), c.all("connect"))
	bound, err := attach(req, c.all("bind"), c.all("connect"), "")
	if err != nil {
		return err
	}
	ready(map[string][]string{"req": bound})
	input := bufio.NewReader(os.Stdin)
	for {
		out(">> ")
		raw, err := input.ReadBytes('\n')
		if len(raw) == 0 && err != nil {
			if err == io.EOF {
				return nil
			}
			return failf("cannot read standard input: %v", err)
		}
		raw = bytes.TrimRight(raw, "\r\n")
		line := decode(raw)
		say("SENDING: " + line)
		if err := req.Send(zmq4.NewMsg(raw)); err != nil {
			name, text := errnoOf(err)
			return failf("cannot send the request: %s (%s)", text, name)
		}
		msg, err := req.Recv()
		if err != nil {
			name, text := errnoOf(err)
			return failf("cannot receive the reply: %s (%s)", text, name)
		}
		frames := framesOf(msg)
		if len(frames) > 1 {
			warn("reply has %d frames; printing the first only", len(frames))
		}
		reply := decode(frames[0])
		from, message, found := bytes.Cut([]byte(reply), []byte(","))
		if !found {
			warn("reply has no 'name,' in front: %s", shown(frames[0]))
			from, message = nil, []byte(reply)
		}
		say("RECEIVED: " + string(message) + " FROM " + string(from))
		if line == "bye" {
			return nil
		}
	}
}

func gateway(args []string) error {
	c := newCLI("gateway", "A REP socket facing out, a REQ socket facing in (catalogue RR-7): each request "+
		"received on the frontend is sent, frames unchanged, on the backend, and the reply relayed back.").
		endpoints("frontend-", "frontend REP").
		endpoints("backend-", "backend REQ")
	if err := c.parse(args); err != nil {
		return err
	}
	front := roleSocketFor("REP", c.all("frontend-bind"), c.all("frontend-connect"))
	back := roleSocketFor("REQ", c.all("backend-bind"), c.all("backend-connect"))
	boundFront, err := attach(front, c.all("frontend-bind"), c.all("frontend-connect"), defaultBind)
	if err != nil {
		return err
	}
	boundBack, err := attach(back, c.all("backend-bind"), c.all("backend-connect"), "")
	if err != nil {
		return err
	}
	ready(map[string][]string{"frontend": boundFront, "backend": boundBack})
	quitOnStdinEOF()
	for {
		request, err := front.Recv()
		if err != nil {
			if stopped(err) {
				return nil
			}
			continue
		}
		if err := back.Send(zmq4.NewMsgFrom(framesOf(request)...)); err != nil {
			name, text := errnoOf(err)
			return failf("cannot relay a request: %s (%s)", text, name)
		}
		reply, err := back.Recv()
		if err != nil {
			name, text := errnoOf(err)
			return failf("cannot receive a reply to relay: %s (%s)", text, name)
		}
		front.Send(zmq4.NewMsgFrom(framesOf(reply)...))
	}
}
