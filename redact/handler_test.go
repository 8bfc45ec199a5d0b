package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestHandler: a secret leaves no trace in the message, a string, an
// error, a group, a list of strings, an attribute bound with With, or a
// value that prints as text.
func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	red := New(nil, "S3cretPW")
	log := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil), red)).With("bound", "with S3cretPW")
	log.Info("clone with S3cretPW", "url", "http://u:S3cretPW@h/", "error", errors.New("auth S3cretPW refused"),
		slog.Group("g", "inner", "S3cretPW"), "list", []string{"a", "S3cretPW"}, "any", struct{ P string }{"S3cretPW"}, "count", 3)
	out := buf.String()
	if strings.Contains(out, "S3cretPW") {
		t.Errorf("the secret reached the log: %s", out)
	}
	for _, want := range []string{`"msg":"clone with xxxxx"`, `"bound":"with xxxxx"`, `"error":"auth xxxxx refused"`, `"g":{"inner":"xxxxx"}`, `"list":["a","xxxxx"]`, `"count":3`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
}
