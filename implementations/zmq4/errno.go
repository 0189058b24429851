package main

// zmq4 reports failures as Go errors, not errno values. The contract wants each failure named by
// its libzmq/POSIX errno, so errnoOf names them, by the error's type where zmq4 gives one (a
// syscall.Errno inside a net error, zmq4.UnknownTransportError, context.DeadlineExceeded) and by
// zmq4's own words otherwise. Each rule says what zmq4 meant; none turns one meaning into another
// (a send refused at once for want of a peer is ENOTCONN, not the EAGAIN of a deadline run out).
// The message keeps zmq4's words, so a report shows what really happened.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/go-zeromq/zmq4"
)

var errnoNames = map[syscall.Errno]string{
	syscall.EADDRINUSE:      "EADDRINUSE",
	syscall.EADDRNOTAVAIL:   "EADDRNOTAVAIL",
	syscall.ECONNREFUSED:    "ECONNREFUSED",
	syscall.ECONNRESET:      "ECONNRESET",
	syscall.EACCES:          "EACCES",
	syscall.ENOENT:          "ENOENT",
	syscall.ENOTDIR:         "ENOTDIR",
	syscall.EINVAL:          "EINVAL",
	syscall.EPIPE:           "EPIPE",
	syscall.ENETUNREACH:     "ENETUNREACH",
	syscall.EHOSTUNREACH:    "EHOSTUNREACH",
	syscall.ETIMEDOUT:       "ETIMEDOUT",
	syscall.EAFNOSUPPORT:    "EAFNOSUPPORT",
	syscall.EPROTONOSUPPORT: "EPROTONOSUPPORT",
	syscall.ENAMETOOLONG:    "ENAMETOOLONG",
	syscall.EMFILE:          "EMFILE",
}

// libzmq's strerror for the names the driver reports most.
var errnoText = map[string]string{
	"EAGAIN":          "Resource temporarily unavailable",
	"EINVAL":          "Invalid argument",
	"ENOTSUP":         "Operation not supported",
	"EPROTONOSUPPORT": "Protocol not supported",
	"ENOTCONN":        "Transport endpoint is not connected",
	"ECONNRESET":      "Connection reset by peer",
	"EADDRINUSE":      "Address already in use",
	"ECONNREFUSED":    "Connection refused",
	"EPROTO":          "Protocol error",
	"EIO":             "Input/output error",
}

// errnoOf names a zmq4 failure: its errno name and a message (libzmq's words, then zmq4's).
func errnoOf(err error) (string, string) {
	name := errnoName(err)
	text := errnoText[name]
	var errno syscall.Errno
	if errors.As(err, &errno) {
		text = errno.Error()
		if len(text) > 0 {
			text = strings.ToUpper(text[:1]) + text[1:]
		}
	}
	if text == "" {
		return name, err.Error()
	}
	return name, fmt.Sprintf("%s (%s)", text, err)
}

func errnoName(err error) string {
	var unknown zmq4.UnknownTransportError
	var errno syscall.Errno
	var addrErr *net.AddrError
	text := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "EAGAIN" // the socket's deadline ran out
	case errors.As(err, &unknown), strings.Contains(text, "unknown transport"):
		return "EPROTONOSUPPORT"
	case errors.As(err, &errno):
		if name, ok := errnoNames[errno]; ok {
			return name
		}
		return fmt.Sprintf("E%d", int(errno))
	case strings.Contains(text, "already in use"): // zmq4's inproc listener
		return "EADDRINUSE"
	case strings.Contains(text, "connection refused"): // zmq4's inproc dialer
		return "ECONNREFUSED"
	case errors.As(err, &addrErr), strings.Contains(text, "invalid address"),
		strings.Contains(text, "missing port"), strings.Contains(text, "invalid port"),
		strings.Contains(text, "no such host"), strings.Contains(text, "too many colons"):
		return "EINVAL" // an endpoint zmq4 cannot parse
	case strings.Contains(text, "can't send"), strings.Contains(text, "can't recv"):
		return "ENOTSUP" // a PUB's recv, a PULL's send...
	case strings.Contains(text, "no connections available"):
		return "ENOTCONN" // a REQ's send with no peer, its recv with no request sent
	case errors.Is(err, zmq4.ErrBadProperty):
		return "EINVAL"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, zmq4.ErrClosedConn),
		errors.Is(err, net.ErrClosed), strings.Contains(text, "closed pipe"):
		return "ECONNRESET" // a Recv that zmq4 fails because a peer's connection ended
	case strings.Contains(text, "invalid REP message"):
		return "EPROTO" // a REP's request without an empty delimiter frame
	}
	return "EIO"
}
