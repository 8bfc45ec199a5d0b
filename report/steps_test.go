package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestStepsByColumn(t *testing.T) {
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	s := Steps{
		{Date: day, Mean: 20.30547188742829, Lo80: 19.487512462212962, Hi80: 20.9, Lo95: -0.000123456, Hi95: 123456789012},
		{Date: day.AddDate(0, 0, 1), Mean: 1, Lo80: 2, Hi80: 3, Lo95: 4, Hi95: 5},
	}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"from":"2026-11-23T00:00:00Z","step":"day","mean":[20.31,1],"lo80":[19.49,2],"hi80":[20.9,3],"lo95":[-0.0001235,4],"hi95":[1.235e11,5]}`
	if string(data) != want {
		t.Fatalf("got  %s\nwant %s", data, want)
	}
	var back Steps
	if err := json.Unmarshal(data, &back); err != nil || len(back) != 2 || !back[1].Date.Equal(day.AddDate(0, 0, 1)) || back[0].Hi95 != 123500000000 {
		t.Fatalf("read back %+v, %v", back, err)
	}
	months := Steps{{Date: day.AddDate(0, 0, -22)}, {Date: day.AddDate(0, 1, -22)}, {Date: day.AddDate(0, 2, -22)}}
	if data, err := json.Marshal(months); err != nil || !strings.Contains(string(data), `"step":"month"`) {
		t.Errorf("months: %s, %v", data, err)
	}
	if _, err := json.Marshal(Steps{{Date: day}, {Date: day.AddDate(0, 0, 1)}, {Date: day.AddDate(0, 0, 3)}}); err == nil {
		t.Error("a missing day was written as a column")
	}
	// Schema v1's list of points still reads.
	var v1 Steps
	if err := json.Unmarshal([]byte(`[{"date":"2026-11-23T00:00:00Z","mean":1,"lo80":0,"hi80":2,"lo95":0,"hi95":3}]`), &v1); err != nil || len(v1) != 1 || v1[0].Hi95 != 3 {
		t.Errorf("v1: %+v, %v", v1, err)
	}
	if err := json.Unmarshal([]byte(`{"from":"2026-11-23T00:00:00Z","step":"day","mean":[1,2],"lo80":[1],"hi80":[1,2],"lo95":[1,2],"hi95":[1,2]}`), &v1); err == nil {
		t.Error("columns of different lengths read")
	}
}

func TestOneLineArrays(t *testing.T) {
	in := "{\n \"a\": [\n  1,\n  -2.5\n ],\n \"b\": [\n  \"x\"\n ],\n \"c\": []\n}"
	want := "{\n \"a\": [1, -2.5],\n \"b\": [\n  \"x\"\n ],\n \"c\": []\n}"
	if got := string(oneLineArrays([]byte(in))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
