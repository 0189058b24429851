package main

// A role's command line: long GNU-style options ("--name A" or "--name=A"), some repeatable, some
// flags. A problem is a usageError (exit status 2, one line); --help prints the role's options on
// standard output and exits 0.

import (
	"fmt"
	"strconv"
	"strings"
)

type optSpec struct {
	name, metavar, help string // metavar "": a flag
	repeatable          bool
}

type cli struct {
	role, description string
	specs             []optSpec
	given             map[string][]string
}

func newCLI(role, description string) *cli {
	return &cli{role: role, description: description, given: map[string][]string{}}
}

// endpoints adds --{prefix}bind and --{prefix}connect for one socket, both repeatable.
func (c *cli) endpoints(prefix, socket string) *cli {
	c.specs = append(c.specs,
		optSpec{prefix + "bind", "ENDPOINT", "bind the " + socket + " socket (repeatable)", true},
		optSpec{prefix + "connect", "ENDPOINT", "connect the " + socket + " socket (repeatable)", true})
	return c
}

func (c *cli) value(name, metavar, help string) *cli {
	c.specs = append(c.specs, optSpec{name: name, metavar: metavar, help: help})
	return c
}

func (c *cli) flag(name, help string) *cli {
	c.specs = append(c.specs, optSpec{name: name, help: help})
	return c
}

func (c *cli) spec(name string) *optSpec {
	for i := range c.specs {
		if c.specs[i].name == name {
			return &c.specs[i]
		}
	}
	return nil
}

func (c *cli) parse(args []string) error {
	var unknown []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--help" || arg == "-h" {
			say(c.help())
			exit(0)
		}
		var name, inline string
		hasInline := false
		if strings.HasPrefix(arg, "--") {
			name = arg[2:]
			if k, v, ok := strings.Cut(name, "="); ok {
				name, inline, hasInline = k, v, true
			}
		}
		s := c.spec(name)
		if name == "" || s == nil {
			unknown = append(unknown, arg)
			continue
		}
		var value string
		switch {
		case s.metavar == "":
			if hasInline {
				return usagef("argument --%s: ignored explicit argument '%s'", name, inline)
			}
		case hasInline:
			value = inline
		case i+1 < len(args) && !(strings.HasPrefix(args[i+1], "--") && len(args[i+1]) > 2):
			i++
			value = args[i]
		default:
			return usagef("argument --%s: expected one argument", name)
		}
		if s.repeatable {
			c.given[name] = append(c.given[name], value)
		} else {
			c.given[name] = []string{value}
		}
	}
	if len(unknown) > 0 {
		return usagef("unrecognized arguments: %s", strings.Join(unknown, " "))
	}
	return nil
}

func (c *cli) all(name string) []string { return c.given[name] }

func (c *cli) has(name string) bool { _, ok := c.given[name]; return ok }

func (c *cli) text(name, fallback string) string {
	if v := c.given[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return fallback
}

// integer is an integer option within min..max; fallback when absent.
func (c *cli) integer(name string, fallback, min, max int64) (int64, error) {
	if !c.has(name) {
		return fallback, nil
	}
	raw := c.text(name, "")
	v, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil {
		return 0, usagef("argument --%s: invalid int value: '%s'", name, raw)
	}
	if v < min {
		if min == 0 {
			return 0, usagef("argument --%s: must be 0 or more, got %d", name, v)
		}
		return 0, usagef("argument --%s: must be at least %d, got %d", name, min, v)
	}
	if v > max {
		return 0, usagef("argument --%s: must be at most %d, got %d", name, max, v)
	}
	return v, nil
}

func (c *cli) help() string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: zmqspec %s [options]\n\n%s\n\noptions:\n  -h, --help            show this help and exit\n",
		c.role, strings.TrimSpace(c.description))
	for _, s := range c.specs {
		left := "  --" + s.name
		if s.metavar != "" {
			left += " " + s.metavar
		}
		if len(left) < 24 {
			left += strings.Repeat(" ", 24-len(left))
		} else {
			left += "\n" + strings.Repeat(" ", 24)
		}
		b.WriteString(left + s.help + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
