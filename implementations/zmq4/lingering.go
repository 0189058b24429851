package main

// The two places these nodes look inside zmq4 v0.17.0, by reflection, because its API has no way
// to say what they need (both listed in DEVIATIONS.md, "What the nodes do about zmq4's gaps"):
//
//   - setSendTimeout: zmq4 takes a socket's send deadline only when the socket is made
//     (zmq4.WithTimeout); the driver's `send` has a deadline per call (timeout_ms), so it sets the
//     same field, socket.timeout, before each call, as libzmq's ZMQ_SNDTIMEO would be set.
//   - pubQueueEmpty: zmq4 has no ZMQ_LINGER; a PUB queues what it is given and a goroutine writes
//     it out, and Close drops what is still queued. flushPub waits for that queue to be empty and
//     for the write in progress to end, so a role's last publication is not lost.

import (
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/go-zeromq/zmq4"
)

// field is the named field of the struct v points to (or holds), made settable; invalid if absent.
func field(v reflect.Value, name string) reflect.Value {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// setSendTimeout sets the send deadline zmq4 gives every Send of s; false if zmq4 has no such field.
func setSendTimeout(s zmq4.Socket, d time.Duration) bool {
	t := field(field(reflect.ValueOf(s), "sck"), "timeout")
	if !t.IsValid() || t.Type() != reflect.TypeOf(time.Duration(0)) {
		return false
	}
	t.SetInt(int64(d))
	return true
}

// pubQueueEmpty says whether a PUB socket's writer has nothing queued and no write in progress
// (true too when s has no such writer: nothing to wait for).
func pubQueueEmpty(s zmq4.Socket) bool {
	w := field(field(reflect.ValueOf(s), "sck"), "w")
	if !w.IsValid() {
		return true
	}
	qmu, q, mu := field(w, "qmu"), field(w, "q"), field(w, "mu")
	if !qmu.IsValid() || !q.IsValid() || !mu.IsValid() {
		return true
	}
	queueLock, ok1 := qmu.Addr().Interface().(*sync.Mutex)
	queue, ok2 := q.Interface().(*zmq4.Queue)
	writeLock, ok3 := mu.Addr().Interface().(*sync.Mutex)
	if !ok1 || !ok2 || !ok3 {
		return true
	}
	queueLock.Lock()
	empty := queue.Len() == 0
	queueLock.Unlock()
	if !empty {
		return false
	}
	writeLock.Lock() // held by the writer while it writes a message it has taken off the queue
	writeLock.Unlock()
	queueLock.Lock()
	empty = queue.Len() == 0
	queueLock.Unlock()
	return empty
}
