package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/capplan/capplan/config"
)

// configFlags bind the configuration's settings to a command's flags, and
// --config to its file. Flags are recorded as given, for config.Load to
// apply over the file and the environment.
type configFlags struct {
	set  map[string]string
	file *string
	now  func() (time.Time, error) // --now, where the command has it
}

// register defines --config and the settings keep accepts as flags on fs;
// withEnv adds each one's variable to its usage.
func (f *configFlags) register(fs *flag.FlagSet, keep func(config.Field) bool, withEnv bool) {
	f.file = fs.String("config", os.Getenv("CAPPLAN_CONFIG"), "configuration file, YAML (default $CAPPLAN_CONFIG); variables CAPPLAN_… override it, flags override both")
	f.set = map[string]string{}
	for _, fd := range config.Fields() {
		if !keep(fd) {
			continue
		}
		usage := fd.Usage
		if withEnv {
			usage += " [" + fd.Env() + "]"
		}
		record := func(v string) error { f.set[fd.Flag] = v; return nil }
		if fd.IsBool() {
			fs.BoolFunc(fd.Flag, usage, record)
		} else {
			fs.Func(fd.Flag, usage, record)
		}
		// --help shows the built-in value.
		fs.Lookup(fd.Flag).DefValue = fd.Default()
	}
}

func (f *configFlags) load() (config.Config, error) {
	return config.Load(*f.file, os.Getenv, f.set)
}

// all keeps every setting.
func all(config.Field) bool { return true }

// asOf defines --now on fs, the moment the command runs as of: the wall
// clock when not given. loadAsOf reads it.
func (f *configFlags) asOf(fs *flag.FlagSet) {
	s := fs.String("now", "", "run as of `TIME`, RFC 3339 (2026-11-30T09:00:00Z): history after it is left out, dates count from it, the report is dated by it (default: the wall clock)")
	f.now = func() (time.Time, error) {
		if *s == "" {
			return time.Now(), nil
		}
		t, err := time.Parse(time.RFC3339, *s)
		switch {
		case err != nil:
			return t, fmt.Errorf("%w: --now %q: want RFC 3339, 2026-11-30T09:00:00Z", errUsage, *s)
		case t.After(time.Now()):
			return t, fmt.Errorf("%w: --now %s is in the future: no history reaches it", errUsage, *s)
		}
		return t, nil
	}
}

// loadAsOf loads the configuration and the moment --now gives.
func (f *configFlags) loadAsOf() (config.Config, time.Time, error) {
	c, err := f.load()
	if err != nil {
		return c, time.Time{}, err
	}
	now, err := f.now()
	return c, now, err
}
