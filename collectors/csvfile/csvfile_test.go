package csvfile

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestReadLong(t *testing.T) {
	in := "series,timestamp,value\n" +
		"b,2026-01-01T01:00:00Z,2\n" +
		"a,2026-01-01T00:00:00Z,1.5\n" +
		"b,2026-01-01T00:00:00Z,1\n"
	got, err := Read(strings.NewReader(in), "long.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "b" || got[1].Name != "a" {
		t.Fatalf("series %v, want b then a in order of appearance", got)
	}
	b := got[0]
	if b.Values[0] != 1 || b.Values[1] != 2 || !b.Times[0].Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || b.Lines[0] != 4 {
		t.Errorf("b = %+v, want sorted by time with source lines", b)
	}
}

func TestReadWide(t *testing.T) {
	in := "timestamp,cpu,memory\n" +
		"2026-01-01 00:00:00,1,10\n" +
		"2026-01-02 00:00:00,,11\n" +
		"2026-01-03 00:00:00,3,12\n"
	got, err := Read(strings.NewReader(in), "wide.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "cpu" || len(got[0].Values) != 2 || len(got[1].Values) != 3 {
		t.Fatalf("got %+v; want cpu with 2 points (one empty cell) and memory with 3", got)
	}
}

func TestReadErrorsNameFileLineAndColumn(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bad header", "a,b,c\n", "bad.csv:1: header"},
		{"bad value", "series,timestamp,value\nx,2026-01-01T00:00:00Z,12abc\n", `bad.csv:2:3: series "x" at 2026-01-01T00:00:00Z: value "12abc" is not a number`},
		{"NaN", "series,timestamp,value\nx,2026-01-01T00:00:00Z,NaN\n", `bad.csv:2:3: series "x" at 2026-01-01T00:00:00Z: value "NaN" is not a finite number`},
		{"bad time", "series,timestamp,value\nx,yesterday,1\n", `bad.csv:2:2: timestamp "yesterday"`},
		{"wide bad cell", "timestamp,cpu,disk\n2026-01-01,1,2\n2026-01-02,1,Inf\n", `bad.csv:3:3: series "disk" at 2026-01-02`},
		{"duplicate", "series,timestamp,value\nx,2026-01-01T00:00:00Z,1\nx,2026-01-01T00:00:00Z,2\n", "bad.csv:3: series \"x\" has timestamp 2026-01-01T00:00:00Z again (first on line 2)"},
		{"short row", "timestamp,cpu\n2026-01-01\n", "bad.csv:2: 1 fields, want 2"},
		{"empty", "", "bad.csv: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), "bad.csv")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	if _, err := ReadFile("testdata/does-not-exist.csv"); err == nil || !strings.Contains(err.Error(), "does-not-exist.csv") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

func TestParseTimeFastPathAgreesWithTimeParse(t *testing.T) {
	for _, s := range []string{"2026-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T12:30:45Z"} {
		fast, ok := parseUTCSeconds(s)
		slow, err := time.Parse(time.RFC3339, s)
		if !ok || err != nil || !fast.Equal(slow) || fast.Location() != slow.Location() {
			t.Errorf("%s: fast %v (%v), time.Parse %v (%v)", s, fast, ok, slow, err)
		}
	}
	for _, s := range []string{"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+01:00", "2026-0a-01T00:00:00Z"} {
		if _, ok := parseUTCSeconds(s); ok {
			t.Errorf("%s: accepted by the fast path", s)
		}
	}
	if _, err := parseTime("2026-04-31T00:00:00Z"); err == nil {
		t.Error("31 April accepted")
	}
}

// FuzzRead: no input panics; an error names the input; a series that is
// read has as many times as values, in increasing order, all finite.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"series,timestamp,value\ncpu,2026-01-01T00:00:00Z,1.5\ncpu,2026-01-02T00:00:00Z,2\n",
		"timestamp,cpu,memory\n2026-01-01,1,2\n2026-01-02,,3\n",
		"timestamp,\"a,b\"\n1700000000,1\n",
		"series,timestamp,value\ncpu,2026-01-01T00:00:00Z,NaN\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		series, err := Read(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		for _, s := range series {
			if len(s.Times) != len(s.Values) || len(s.Lines) != len(s.Values) {
				t.Fatalf("%s: %d times, %d values, %d lines", s.Name, len(s.Times), len(s.Values), len(s.Lines))
			}
			for i, v := range s.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: value %v accepted", s.Name, v)
				}
				if i > 0 && !s.Times[i].After(s.Times[i-1]) {
					t.Fatalf("%s: times out of order at %d", s.Name, i)
				}
			}
		}
	})
}
