package main

// PUB-SUB roles: weather-pub (PS-1, PS-2), weather-sub (PS-6, MI-7), sync-pub and sync-sub (PS-11, MI-8).

import (
	"fmt"
	"math/big"
	"math/rand"
	"regexp"
	"time"

	"github.com/go-zeromq/zmq4"
)

const seqModulus = 1_000_000

var (
	hello = []byte("HELLO")
	end   = []byte("END")
)

// weatherRandom draws the updates of weather-pub and sync-pub.
type weatherRandom struct{ rng *rand.Rand }

func newWeatherRandom(c *cli) (*weatherRandom, error) {
	seed := time.Now().UnixNano()
	if c.has("seed") {
		v, err := c.integer("seed", 0, 0, seedMax)
		if err != nil {
			return nil, err
		}
		seed = v
	}
	return &weatherRandom{rand.New(rand.NewSource(seed))}, nil
}

// between is uniform in lo..hi, both included.
func (w *weatherRandom) between(lo, hi int) int { return lo + w.rng.Intn(hi-lo+1) }

// update is one weather update: f"{zipcode:05d} {temp:-3d} {hum:-2d} {seq:06d}" in the seed's words.
func (w *weatherRandom) update(seq, zipMin, zipMax int) []byte {
	zipcode := w.between(zipMin, zipMax)
	temp := w.between(-80, 134)
	hum := w.between(10, 59)
	return []byte(fmt.Sprintf("%05d %3d %2d %06d", zipcode, temp, hum, seq))
}

func weatherPub(args []string) error {
	c := newCLI("weather-pub", "The seed's weather publisher (catalogue PS-1, PS-2): publishes "+
		"'zipcode temp hum seq' updates whether or not anyone subscribes.").
		endpoints("", "PUB").
		value("count", "N", "stop after this many updates (default 0: never stop)").
		value("rate", "R", "at most this many updates a second (default 0: as fast as possible)").
		value("zip-min", "Z", "smallest zipcode (default 1)").
		value("zip-max", "Z", "largest zipcode (default 99999)").
		value("first-seq", "S", "the seq of the first update (default 0)").
		value("seed", "S", "seed the random updates, for a repeatable stream").
		value("sndhwm", "N", "the PUB socket's send high-water mark (zmq4's PUB 'HWM')")
	if err := c.parse(args); err != nil {
		return err
	}
	count, err := c.integer("count", 0, 0, intMax)
	if err != nil {
		return err
	}
	rate, err := c.integer("rate", 0, 0, intMax)
	if err != nil {
		return err
	}
	zipMin, err := c.integer("zip-min", 1, 1, 99999)
	if err != nil {
		return err
	}
	zipMax, err := c.integer("zip-max", 99999, 1, 99999)
	if err != nil {
		return err
	}
	if zipMin > zipMax {
		return usagef("argument --zip-min: must not be larger than --zip-max (%d > %d)", zipMin, zipMax)
	}
	firstSeq, err := c.integer("first-seq", 0, 0, 999999)
	if err != nil {
		return err
	}
	sndhwm, err := c.integer("sndhwm", -1, 0, intMax)
	if err != nil {
		return err
	}
	w, err := newWeatherRandom(c)
	if err != nil {
		return err
	}
	pub := roleSocketFor("PUB", c.all("bind"), c.all("connect"))
	if sndhwm >= 0 {
		pub.SetOption(zmq4.OptionHWM, int(sndhwm))
	}
	bound, err := attach(pub, c.all("bind"), c.all("connect"), defaultBind)
	if err != nil {
		return err
	}
	ready(map[string][]string{"pub": bound})
	quitOnStdinEOF()
	var period time.Duration
	if rate > 0 {
		period = time.Second / time.Duration(rate)
	}
	next := time.Now()
	seq := int(firstSeq % seqModulus)
	for sent := int64(0); count == 0 || sent < count; sent++ {
		pub.Send(zmq4.NewMsg(w.update(seq, int(zipMin), int(zipMax))))
		seq = (seq + 1) % seqModulus
		if period > 0 {
			next = next.Add(period)
			if delay := time.Until(next); delay > 0 {
				time.Sleep(delay)
			}
		}
	}
	flushPub(pub)
	return nil
}

var updatePattern = regexp.MustCompile(`^\s*(\S+)\s+([+-]?[0-9]+)\s+[+-]?[0-9]+\s+[0-9]+\s*$`)

func weatherSub(args []string) error {
	c := newCLI("weather-sub", "The seed's weather subscriber (catalogue PS-6): subscribes to a zipcode prefix, "+
		"prints N updates and the average temperature of exactly those N, and exits 0.").
		endpoints("", "SUB").
		value("filter", "PREFIX", "the zipcode prefix to subscribe to (default 10001; '' for all)").
		value("count", "N", "how many updates to average (default 50)")
	if err := c.parse(args); err != nil {
		return err
	}
	count, err := c.integer("count", 50, 1, intMax)
	if err != nil {
		return err
	}
	if err := c.need(""); err != nil {
		return err
	}
	sub := roleSocketFor("SUB", c.all("bind"), c.all("connect"))
	sub.SetOption(zmq4.OptionSubscribe, c.text("filter", "10001")) // zmq4's SUB takes the prefix as a Go string: its UTF-8 bytes
	bound, err := attach(sub, c.all("bind"), c.all("connect"), "")
	if err != nil {
		return err
	}
	ready(map[string][]string{"sub": bound})
	quitOnStdinEOF()
	total := new(big.Int)
	zipcode := ""
	for counted := int64(0); counted < count; {
		msg, err := sub.Recv()
		if err != nil {
			if stopped(err) {
				return nil
			}
			continue
		}
		frames := framesOf(msg)
		text := decode(frames[0])
		var match []string
		if len(frames) == 1 {
			match = updatePattern.FindStringSubmatch(text)
		}
		if match == nil {
			what := shown(frames[0])
			if len(frames) > 1 {
				what = fmt.Sprintf("%d frames", len(frames))
			}
			warn("skipping a message that is not a weather update 'zipcode temp hum seq': %s", what)
			continue
		}
		say("RECEIVED: " + text)
		temp, _ := new(big.Int).SetString(match[2], 10)
		total.Add(total, temp)
		zipcode = match[1]
		counted++
	}
	avg, _ := new(big.Rat).SetFrac(total, big.NewInt(count)).Float64()
	say(fmt.Sprintf("AVERAGE TEMPERATURE FOR %s: %+.2f", zipcode, avg))
	return nil
}

func syncPub(args []string) error {
	c := newCLI("sync-pub", "A publisher that waits for its subscribers (catalogue PS-11): publishes HELLO every "+
		"10 ms until N subscribers have reported in on the sync REP, then --count updates and END.").
		endpoints("", "PUB").
		endpoints("sync-", "sync REP").
		value("subscribers", "N", "how many subscribers to wait for (required)").
		value("count", "M", "how many updates to publish (default 1000)").
		value("seed", "S", "seed the random updates")
	if err := c.parse(args); err != nil {
		return err
	}
	if !c.has("subscribers") {
		return usagef("the following arguments are required: --subscribers")
	}
	subscribers, err := c.integer("subscribers", 0, 1, intMax)
	if err != nil {
		return err
	}
	count, err := c.integer("count", 1000, 0, intMax)
	if err != nil {
		return err
	}
	w, err := newWeatherRandom(c)
	if err != nil {
		return err
	}
	// zmq4's PUB has no high-water mark unless given one
	pub := roleSocketFor("PUB", c.all("bind"), c.all("connect"))
	sync := roleSocketFor("REP", c.all("sync-bind"), c.all("sync-connect"))
	boundPub, err := attach(pub, c.all("bind"), c.all("connect"), defaultBind)
	if err != nil {
		return err
	}
	boundSync, err := attach(sync, c.all("sync-bind"), c.all("sync-connect"), defaultBind)
	if err != nil {
		return err
	}
	ready(map[string][]string{"pub": boundPub, "sync": boundSync})
	quitOnStdinEOF()
	requests, replied := repInbox(sync)
	tick := time.NewTimer(10 * time.Millisecond)
	for synced := int64(0); synced < subscribers; {
		select {
		case <-requests:
			sync.Send(zmq4.NewMsg([]byte{}))
			replied <- struct{}{}
			synced++
		case <-tick.C:
			pub.Send(zmq4.NewMsg(hello))
			tick.Reset(10 * time.Millisecond)
		}
	}
	say(fmt.Sprintf("SUBSCRIBERS READY: %d", subscribers))
	for seq := int64(0); seq < count; seq++ {
		pub.Send(zmq4.NewMsg(w.update(int(seq%seqModulus), 1, 99999)))
	}
	pub.Send(zmq4.NewMsg(end))
	say(fmt.Sprintf("PUBLISHED %d UPDATES", count))
	flushPub(pub)
	return nil
}

func syncSub(args []string) error {
	c := newCLI("sync-sub", "A subscriber that tells sync-pub it is listening (catalogue PS-11): waits for HELLO, "+
		"reports in on the sync REQ, counts every update until END and prints 'RECEIVED {n} UPDATES'.").
		endpoints("", "SUB").
		endpoints("sync-", "sync REQ")
	if err := c.parse(args); err != nil {
		return err
	}
	if len(c.all("connect")) == 0 && len(c.all("bind")) == 0 {
		return usagef("needs the publisher's endpoint (--connect)")
	}
	if len(c.all("sync-connect")) == 0 && len(c.all("sync-bind")) == 0 {
		return usagef("needs the publisher's sync endpoint (--sync-connect)")
	}
	sub := roleSocketFor("SUB", c.all("bind"), c.all("connect"))
	sync := roleSocketFor("REQ", c.all("sync-bind"), c.all("sync-connect"))
	sub.SetOption(zmq4.OptionSubscribe, "")
	boundSub, err := attach(sub, c.all("bind"), c.all("connect"), "")
	if err != nil {
		return err
	}
	boundSync, err := attach(sync, c.all("sync-bind"), c.all("sync-connect"), "")
	if err != nil {
		return err
	}
	ready(map[string][]string{"sub": boundSub, "sync": boundSync})
	quitOnStdinEOF()
	oneFrame := func() ([]byte, error) {
		for {
			msg, err := sub.Recv()
			if err != nil {
				if stopped(err) {
					return nil, err
				}
				continue
			}
			frames := framesOf(msg)
			if len(frames) == 1 {
				return frames[0], nil
			}
			warn("skipping a message of %d frames (an update is one frame)", len(frames))
		}
	}
	for {
		m, err := oneFrame()
		if err != nil {
			return nil
		}
		if string(m) == string(hello) {
			break
		}
	}
	if err := sync.Send(zmq4.NewMsg([]byte{})); err != nil {
		name, text := errnoOf(err)
		return failf("cannot report in on the sync socket: %s (%s)", text, name)
	}
	if _, err := sync.Recv(); err != nil {
		name, text := errnoOf(err)
		return failf("no reply on the sync socket: %s (%s)", text, name)
	}
	updates := 0
	for {
		m, err := oneFrame()
		if err != nil {
			return nil
		}
		if string(m) == string(end) {
			break
		}
		if string(m) != string(hello) {
			updates++
		}
	}
	say(fmt.Sprintf("RECEIVED %d UPDATES", updates))
	return nil
}
