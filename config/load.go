package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Error is a configuration that cannot run; capplan exits with 2.
type Error struct{ Err error }

func (e Error) Error() string { return "configuration: " + e.Err.Error() }
func (e Error) Unwrap() error { return e.Err }

// Load reads the configuration: the defaults (with Ollama's own
// OLLAMA_HOST), the YAML file when path is not empty, the CAPPLAN_…
// variables of env, then flags (name to value, only those given); reads
// the secrets; and validates the result once. Every error is an Error
// that says where the value at fault was given: the file and line, the
// variable or the flag, with its key.
func Load(path string, env func(string) string, flags map[string]string) (Config, error) {
	c := Default()
	// Ollama's own variable comes before capplan's settings, as a default.
	if h := env("OLLAMA_HOST"); h != "" {
		c.Ollama.Host = h
	}
	origins := map[string]string{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, Error{err}
		}
		if err := decode(data, path, &c, origins); err != nil {
			return c, Error{err}
		}
	}
	fields := c.fields()
	for _, f := range fields {
		if v := env(f.Env()); v != "" {
			if err := f.set(v); err != nil {
				return c, Error{fmt.Errorf("%s=%q: %w", f.Env(), v, err)}
			}
			origins[f.Key] = f.Env()
		}
	}
	for _, f := range fields {
		if v, ok := flags[f.Flag]; ok {
			if err := f.set(v); err != nil {
				return c, Error{fmt.Errorf("--%s %q: %w", f.Flag, v, err)}
			}
			origins[f.Key] = "--" + f.Flag
		}
	}
	if err := c.readSecrets(env); err != nil {
		return c, Error{err}
	}
	if err := joined(c.problems(), origins); err != nil {
		return c, err
	}
	return c, nil
}

// joined is problems as one Error, each with where its key was given; nil
// without any.
func joined(problems []problem, origins map[string]string) error {
	if len(problems) == 0 {
		return nil
	}
	out := make([]error, len(problems))
	for i, p := range problems {
		out[i] = p.at(origins)
	}
	return Error{errors.Join(out...)}
}

// problem is a setting that does not validate: its key (the YAML path,
// catalogue[1].cost) and what is wrong, the key's name first.
type problem struct{ key, msg string }

// at is the problem with where its key was given, when it was given.
func (p problem) at(origins map[string]string) error {
	for key := p.key; key != ""; {
		if o, ok := origins[key]; ok {
			return fmt.Errorf("%s: %s", o, p.msg)
		}
		// A list item's problem is the list's, when the item was not
		// given on a line of its own.
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return errors.New(p.msg)
}

// LoadWhatIf reads a what-if file: planned workloads (the configuration's
// planned: key, alone), for a plan that asks what they would change. Its
// errors, an Error, name the file, the line and the key.
func LoadWhatIf(path string) ([]Workload, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Error{err}
	}
	var w struct {
		Planned []Workload `yaml:"planned"`
	}
	origins := map[string]string{}
	if err := decode(data, path, &w, origins); err != nil {
		return nil, Error{err}
	}
	if len(w.Planned) == 0 {
		return nil, Error{fmt.Errorf("%s: no planned workload (a list under planned:)", path)}
	}
	if err := joined(plannedProblems(w.Planned), origins); err != nil {
		return nil, err
	}
	for i := range w.Planned {
		w.Planned[i].WhatIf = path
	}
	return w.Planned, nil
}
