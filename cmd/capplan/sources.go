package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"
	"time"

	"github.com/capplan/capplan/collectors"
	"github.com/capplan/capplan/job"
)

// sourceFlags are the source settings of job.Config as flags, for the
// snapshot and plan commands.
type sourceFlags struct {
	set map[string]string
}

func (f *sourceFlags) register(fs *flag.FlagSet) {
	f.set = fieldFlags(fs, func(fd job.Field) string { return fd.Usage }, isSource)
}

// isSource tells the settings of where data comes from.
func isSource(key string) bool {
	switch key {
	case "demo", "seed", "kubeconfig", "context", "rook_namespace", "rook_toolbox", "ceph_df", "history_csv", "history_git":
		return true
	}
	return strings.HasPrefix(key, "prometheus.") || strings.HasPrefix(key, "kube.")
}

// fieldFlags registers the job.Config settings that keep accepts as flags
// on fs, and returns the map their values are recorded in as given, for
// job.Load to apply over the file and the environment.
func fieldFlags(fs *flag.FlagSet, usage func(job.Field) string, keep func(key string) bool) map[string]string {
	set := map[string]string{}
	cfg := job.DefaultConfig()
	for _, fd := range cfg.Fields() {
		if keep(fd.Key) {
			fs.Var(&setFlag{set, fd.Flag, fd.IsBool()}, fd.Flag, usage(fd))
		}
	}
	return set
}

// load applies the flags given (and the secrets' variables) and validates.
func (f *sourceFlags) load() (job.Sources, error) {
	cfg, err := job.Load("", func(name string) string {
		switch name {
		case "CAPPLAN_PROMETHEUS_TOKEN", "CAPPLAN_PROMETHEUS_BASIC_AUTH":
			return os.Getenv(name)
		}
		return ""
	}, f.set)
	return cfg.Sources, err
}

// gather collects with the sources; for the snapshot and plan commands a
// source that fails is an error, where the weekly run states a gap.
func gather(ctx context.Context, s job.Sources, now time.Time) (collectors.Snapshot, collectors.History, error) {
	snap, hist, gaps := s.Gather(ctx, now)
	if len(gaps) > 0 {
		msgs := make([]error, len(gaps))
		for i, g := range gaps {
			msgs[i] = errors.New(g.Error)
		}
		return snap, hist, errors.Join(msgs...)
	}
	return snap, hist, nil
}

// setFlag records a flag's value as given.
type setFlag struct {
	set     map[string]string
	name    string
	boolean bool
}

func (s *setFlag) String() string {
	if s == nil || s.set == nil {
		return ""
	}
	return s.set[s.name]
}

func (s *setFlag) Set(v string) error {
	s.set[s.name] = v
	return nil
}

func (s *setFlag) IsBoolFlag() bool { return s.boolean }
