package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decode sets the struct v points to (a Config, a what-if file) from the
// YAML in data, strictly: a key it does not have, a value of the wrong
// type or a key given twice is an error naming the file, the line and the
// key. origins gains where each key was given
// ("config.yaml:12"), for the errors validation finds later. A key given
// no value (`git:` alone) keeps its default.
//
// The file is walked node by node rather than unmarshalled whole so that
// every error can say which key it is about and on which line: a decoder's
// own type errors give neither the key nor, after a YAML-to-JSON
// conversion, the line.
func decode(data []byte, file string, v any, origins map[string]string) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // an empty file
	}
	d := decoder{file: file, origins: origins}
	d.value(doc.Content[0], doc.Content[0], reflect.ValueOf(v).Elem(), "")
	return errors.Join(d.errs...)
}

type decoder struct {
	file    string
	origins map[string]string
	errs    []error
}

func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = key + ": " + msg
	}
	d.errs = append(d.errs, fmt.Errorf("%s:%d: %s", d.file, n.Line, msg))
}

var durationType = reflect.TypeFor[time.Duration]()

// value sets v from n; key is v's path in the file, given at the node
// at (the key's, or a list item's), whose line errors name.
func (d *decoder) value(at, n *yaml.Node, v reflect.Value, key string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	switch t := v.Type(); {
	case t == durationType, t.Kind() != reflect.Struct && t.Kind() != reflect.Map && t.Kind() != reflect.Slice:
		if n.Kind != yaml.ScalarNode {
			d.fail(at, key, "want %s, not %s", words(t), kindWords(n))
			return
		}
		if !scalar(n, v) {
			d.fail(at, key, "want %s, not %q", words(t), n.Value)
		}
	case t.Kind() == reflect.Struct:
		d.mapping(at, n, key, func(k *yaml.Node, name string) (reflect.Value, func()) {
			f, ok := fieldsOf(t)[name]
			if !ok {
				d.unknown(k, key, name, t)
				return reflect.Value{}, nil
			}
			return v.FieldByIndex(f), func() {}
		})
	case t.Kind() == reflect.Map:
		// A file's map replaces the default one whole.
		v.Set(reflect.MakeMap(t))
		d.mapping(at, n, key, func(_ *yaml.Node, name string) (reflect.Value, func()) {
			e := reflect.New(t.Elem()).Elem()
			return e, func() { v.SetMapIndex(reflect.ValueOf(name), e) }
		})
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(at, key, "want a list, not %s", kindWords(n))
			return
		}
		// A file's list replaces the default one whole.
		out := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			path := fmt.Sprintf("%s[%d]", key, i)
			d.origins[path] = fmt.Sprintf("%s:%d", d.file, item.Line)
			d.value(item, item, out.Index(i), path)
		}
		v.Set(out)
	}
}

// scalar sets v from the scalar n and tells whether n is of v's type. A
// whole number may be written as 1e12, but a fraction is not truncated
// into a whole-number setting.
func scalar(n *yaml.Node, v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint64:
		if n.ShortTag() == "!!float" && v.Type() != durationType {
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<63 || (f < 0 && v.Kind() == reflect.Uint64) {
				return false
			}
			if v.Kind() == reflect.Uint64 {
				v.SetUint(uint64(f))
			} else {
				v.SetInt(int64(f))
			}
			return true
		}
	}
	return n.Decode(v.Addr().Interface()) == nil
}

// mapping walks the keys of the mapping n: slot gives where a key's value
// goes and how to store it there once decoded, or no store for a key that
// has no place.
func (d *decoder) mapping(at, n *yaml.Node, key string, slot func(k *yaml.Node, name string) (reflect.Value, func())) {
	if n.Kind != yaml.MappingNode {
		d.fail(at, key, "want a mapping of keys, not %s", kindWords(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name := k.Value
		path := name
		if key != "" {
			path = key + "." + name
		}
		if first, ok := seen[name]; ok {
			d.fail(k, path, "given twice, first on line %d", first)
			continue
		}
		seen[name] = k.Line
		dst, store := slot(k, name)
		if store == nil {
			continue
		}
		d.origins[path] = fmt.Sprintf("%s:%d", d.file, k.Line)
		d.value(k, val, dst, path)
		store()
	}
}

// unknown says that the mapping at key (of type t) has no key name, and
// which it has.
func (d *decoder) unknown(k *yaml.Node, key, name string, t reflect.Type) {
	known := slices.Sorted(func(yield func(string) bool) {
		for n := range fieldsOf(t) {
			if !yield(n) {
				return
			}
		}
	})
	where := "the file"
	if key != "" {
		where = key
	}
	switch {
	case key == "" && name == "planner":
		d.fail(k, "", `unknown key "planner": the planner's settings (thresholds, horizon_days, months, target_months, network_bytes_per_second, catalogue, inventory, planned, groups, capacities) are keys of the file's top level`)
	case closest(name, known) != "":
		d.fail(k, "", "unknown key %q in %s: did you mean %s?", name, where, closest(name, known))
	default:
		d.fail(k, "", "unknown key %q in %s, which takes %s", name, where, strings.Join(known, ", "))
	}
}

// fieldsOf maps the YAML keys of struct type t, with its inlined
// structs' keys, to the fields' indices.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case opts == "inline":
			for k, idx := range fieldsOf(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
		case name != "":
			out[name] = []int{i}
		}
	}
	return out
}

// closest is the known key a misspelt or shortened name most likely
// meant: the nearest of those at most a third of its letters (and at
// least two) away, or that it abbreviates (cpu_avg, cpu_average); "" when
// none is.
func closest(name string, known []string) string {
	best, bestD := "", -1
	for _, k := range known {
		dist := editDistance(name, k)
		if (dist <= max(2, len(name)/3) || abbreviates(name, k)) && (bestD < 0 || dist < bestD) {
			best, bestD = k, dist
		}
	}
	return best
}

// abbreviates tells whether name keeps key's first three letters and the
// rest of its letters in key's order.
func abbreviates(name, key string) bool {
	if len(name) < 3 || len(key) < 3 || name[:3] != key[:3] {
		return false
	}
	i := 0
	for j := 0; j < len(key) && i < len(name); j++ {
		if key[j] == name[i] {
			i++
		}
	}
	return i == len(name)
}

// editDistance is Levenshtein's distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// words says what a setting of type t takes.
func words(t reflect.Type) string {
	if t == durationType {
		return "a duration such as 90s, 5m or 1h"
	}
	switch t.Kind() {
	case reflect.Pointer:
		// An optional setting: unset is told apart from its zero.
		return words(t.Elem())
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Uint64:
		return "a whole number from 0 up"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	}
	return "a mapping of keys"
}

// kindWords says what kind of YAML value n is.
func kindWords(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}
