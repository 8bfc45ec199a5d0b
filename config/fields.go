package config

import (
	_ "embed"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Field is one setting as a flag and an environment variable.
type Field struct {
	Key   string // the YAML path, git.url
	Flag  string
	Usage string
	value reflect.Value
}

// Env is the field's environment variable: CAPPLAN_ and the key in capitals.
func (f Field) Env() string {
	return "CAPPLAN_" + strings.ToUpper(strings.NewReplacer(".", "_").Replace(f.Key))
}

// Default is the setting's built-in value as a flag shows it; "" when it
// has none.
func (f Field) Default() string {
	v := f.value
	switch {
	case v.IsZero():
		return ""
	case v.Type() == durationType:
		return time.Duration(v.Int()).String()
	case v.Kind() == reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	return fmt.Sprint(v.Interface())
}

// IsBool tells a switch, which as a flag takes no value.
func (f Field) IsBool() bool { return f.value.Kind() == reflect.Bool }

// IsSource tells the settings of where a snapshot and its history come
// from, which every command that reads a cluster takes as flags.
func (f Field) IsSource() bool {
	switch f.Key {
	case "demo", "seed", "kubeconfig", "context", "rook_namespace", "rook_toolbox", "ceph_df", "history_csv", "history_git":
		return true
	}
	return strings.HasPrefix(f.Key, "prometheus.") || strings.HasPrefix(f.Key, "kube.")
}

// set sets the field from a variable's or a flag's text.
func (f Field) set(s string) error {
	v := f.value
	var err error
	switch {
	case v.Type() == durationType:
		var d time.Duration
		if d, err = time.ParseDuration(s); err == nil {
			v.SetInt(int64(d))
		}
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		var b bool
		if b, err = strconv.ParseBool(s); err == nil {
			v.SetBool(b)
		}
	case v.Kind() == reflect.Int:
		var n int64
		if n, err = strconv.ParseInt(s, 0, 64); err == nil {
			v.SetInt(n)
		}
	case v.Kind() == reflect.Uint64:
		var n uint64
		if n, err = strconv.ParseUint(s, 0, 64); err == nil {
			v.SetUint(n)
		}
	case v.Kind() == reflect.Float64:
		var x float64
		if x, err = strconv.ParseFloat(s, 64); err == nil {
			v.SetFloat(x)
		}
	default:
		return fmt.Errorf("%s cannot be set from text", f.Key)
	}
	if err != nil {
		return fmt.Errorf("want %s", words(v.Type()))
	}
	return nil
}

// flagsTable lists the settings flags and variables can set, with each
// flag's name and help: one line a setting, kept apart from the types so
// that the command line's words read as one text.
//
//go:embed flags.txt
var flagsTable string

// Fields are the settings that flags and the environment can set.
func Fields() []Field {
	c := Default()
	return c.fields()
}

// fields are the settings of c that flags and the environment can set,
// bound to c, in flags.txt's order.
func (c *Config) fields() []Field {
	var out []Field
	for line := range strings.Lines(flagsTable) {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, rest, _ := strings.Cut(line, " ")
		flag, usage, _ := strings.Cut(strings.TrimSpace(rest), " ")
		v, ok := lookup(reflect.ValueOf(c).Elem(), key)
		if !ok || !strings.HasPrefix(flag, "--") {
			panic(fmt.Sprintf("config/flags.txt: %q is not a setting's line", line))
		}
		out = append(out, Field{Key: key, Flag: strings.TrimPrefix(flag, "--"), Usage: strings.TrimSpace(usage), value: v})
	}
	return out
}

// lookup is the field of the struct v at key, its YAML path.
func lookup(v reflect.Value, key string) (reflect.Value, bool) {
	for part := range strings.SplitSeq(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		idx, ok := fieldsOf(v.Type())[part]
		if !ok {
			return reflect.Value{}, false
		}
		v = v.FieldByIndex(idx)
	}
	return v, true
}
