package redact

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://alice:S3cretPW@127.0.0.1:1/?token=T", "http://xxxxx:xxxxx@127.0.0.1:1/?token=xxxxx"},
		{"https://ghp_SECRET@127.0.0.1:1/r.git", "https://xxxxx@127.0.0.1:1/r.git"},
		{"https://prom.example.org/api?Access_Token=a&query=up&X-Amz-Signature=b&api_key=c", "https://prom.example.org/api?Access_Token=xxxxx&X-Amz-Signature=xxxxx&api_key=xxxxx&query=up"},
		{"http://127.0.0.1:9090", "http://127.0.0.1:9090"},
		{"ssh://git@git.example.org/reports.git", "ssh://xxxxx@git.example.org/reports.git"},
		{"127.0.0.1:11434", "127.0.0.1:11434"},
		{"git@git.example.org:r.git", "xxxxx@git.example.org:r.git"},
		{"file:///srv/reports.git", "file:///srv/reports.git"},
		// Unparsable: the user info and the query still go.
		{"http://bob:pa%zz@host/p?sig=1", "http://xxxxx@host/p?xxxxx"},
	} {
		got := URL(tc.in)
		if got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactor(t *testing.T) {
	key, err := os.ReadFile("testdata/id_ed25519")
	if err != nil {
		t.Fatal(err)
	}
	r := New([]string{"http://alice:S3cret%2FPW@127.0.0.1:1/?token=T0ken&query=up", "https://ghp_SECRET@127.0.0.1:1/r.git", "ssh://git@host/r.git"},
		"tok-9f8e7d6c", string(key), "ab")
	body := strings.Split(strings.TrimSpace(string(key)), "\n")[1]
	for _, tc := range []struct{ in, want string }{
		{`Post "http://alice:***@127.0.0.1:1/api/v1/query?token=T0ken": dial tcp`, `Post "http://alice:***@127.0.0.1:1/api/v1/query?token=xxxxx": dial tcp`},
		{"password S3cret%2FPW escaped, S3cret/PW plain", "password xxxxx escaped, xxxxx plain"},
		{"clone https://ghp_SECRET@127.0.0.1:1/r.git", "clone https://xxxxx@127.0.0.1:1/r.git"},
		{"bearer tok-9f8e7d6c", "bearer xxxxx"},
		{"key line " + body, "key line xxxxx"},
		// A user name that is not the credential, and short strings, stay.
		{"git clone ab", "git clone ab"},
	} {
		if got := r.String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	base := errors.New("dial to 127.0.0.1 with T0ken")
	err = r.Error(base)
	if err.Error() != "dial to 127.0.0.1 with xxxxx" || !errors.Is(err, base) {
		t.Errorf("Error: %v (wraps: %v)", err, errors.Is(err, base))
	}
	if got := string(r.Bytes([]byte(`{"s":"S3cret/PW"}`))); got != `{"s":"xxxxx"}` {
		t.Errorf("Bytes: %s", got)
	}
	// Addresses that do not parse as URLs are not secrets; their user info
	// and query are.
	odd := New([]string{"127.0.0.1:11434", "http://bob:pa%zz@host/p?sig=s1gnature"})
	if got := odd.String("no Ollama answered at 127.0.0.1:11434; bob:pa%zz and s1gnature"); got != "no Ollama answered at 127.0.0.1:11434; xxxxx and xxxxx" {
		t.Errorf("unparsed URLs: %q", got)
	}
	var zero Redactor
	if zero.String("T0ken") != "T0ken" || zero.Error(nil) != nil {
		t.Error("the zero Redactor changes text")
	}
}
