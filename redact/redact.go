// Package redact keeps secrets out of everything capplan writes: it shows
// URLs without their credentials, removes known secrets from text, errors
// and files, and wraps a log handler so that no log line carries one.
package redact

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// redacted stands where a secret was.
const redacted = "xxxxx"

// minSecret is the shortest string a Redactor removes: shorter ones
// (a user name such as "git") would cut words out of every message while
// protecting nothing.
const minSecret = 4

// credentialWords mark query parameters that carry credentials: token,
// access_token, api_key, X-Amz-Signature, password, auth, sig, secret…
var credentialWords = []string{"token", "key", "secret", "pass", "auth", "sig", "cred", "session"}

func credentialParam(name string) bool {
	name = strings.ToLower(name)
	for _, w := range credentialWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// URL is raw as it may be shown: its user info and the values of
// query parameters whose names look like credentials are replaced by
// Redacted. Every URL a source string, a note, a gap, a log line or an
// error names goes through it. A URL that does not parse loses everything
// between its scheme and the last '@' of its host part, and its query.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactUnparsed(raw)
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(redacted, redacted)
		} else {
			u.User = url.User(redacted)
		}
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			u.RawQuery = redacted
		} else {
			for name := range q {
				if credentialParam(name) {
					q[name] = []string{redacted}
				}
			}
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

func redactUnparsed(raw string) string {
	u := split(raw)
	if u.user != "" {
		u.host = redacted + "@" + u.host
	}
	if u.query != "" {
		u.path += "?" + redacted
	}
	return u.scheme + u.host + u.path
}

// unparsed is a URL that net/url does not take, cut where its parts
// would be: scheme://user@host/path?query.
type unparsed struct{ scheme, user, host, path, query string }

func split(raw string) unparsed {
	var u unparsed
	rest := raw
	if i := strings.Index(raw, "://"); i >= 0 {
		u.scheme, rest = raw[:i+3], raw[i+3:]
	}
	u.host = rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		u.host, u.path = rest[:i], rest[i:]
	}
	if i := strings.LastIndex(u.host, "@"); i >= 0 {
		u.user, u.host = u.host[:i], u.host[i+1:]
	}
	if i := strings.IndexAny(u.path, "?#"); i >= 0 {
		u.path, u.query = u.path[:i], u.path[i+1:]
	}
	return u
}

// Redactor removes known secrets from text: the credentials written into
// the URLs it was made with (their user info and credential-like query
// values) and the secrets read from files or the environment, in the forms
// they take in messages (as written, URL-escaped, JSON-escaped).
type Redactor struct {
	r *strings.Replacer
}

// New knows the secrets in urls and the secrets given. Strings
// shorter than four characters are not secrets it can remove.
func New(urls []string, secrets ...string) Redactor {
	var all []string
	for _, raw := range urls {
		all = append(all, urlSecrets(raw)...)
	}
	for _, s := range secrets {
		all = append(all, s)
		// A key file's lines are secrets on their own.
		for line := range strings.Lines(s) {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "-----") {
				all = append(all, line)
			}
		}
	}
	seen := map[string]bool{}
	var olds []string
	for _, s := range all {
		js, _ := json.Marshal(s)
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(string(js), `"`)} {
			if len(form) >= minSecret && !seen[form] {
				seen[form] = true
				olds = append(olds, form)
			}
		}
	}
	if len(olds) == 0 {
		return Redactor{}
	}
	// The longest first, so that a secret containing another is removed
	// whole.
	slices.SortFunc(olds, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(olds))
	for _, o := range olds {
		pairs = append(pairs, o, redacted)
	}
	return Redactor{strings.NewReplacer(pairs...)}
}

// urlSecrets are the credentials written into a URL: its password, its
// user name where that is the token (https://TOKEN@host/, GitHub's form),
// and the values of credential-like query parameters.
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return unparsedSecrets(raw)
	}
	var out []string
	if u.User != nil {
		p, ok := u.User.Password()
		switch {
		case ok:
			out = append(out, p)
		case u.Scheme == "http" || u.Scheme == "https":
			out = append(out, u.User.Username())
		}
	}
	if u.RawQuery != "" {
		out = append(out, querySecrets(u.RawQuery)...)
	}
	return out
}

// unparsedSecrets are what URL hides of a URL that does not parse
// (host:port, as OLLAMA_HOST is often written, or user@host:path): the
// user info before the host and the query.
func unparsedSecrets(raw string) []string {
	u := split(raw)
	var out []string
	if u.user != "" {
		out = append(out, u.user)
		if _, password, ok := strings.Cut(u.user, ":"); ok {
			out = append(out, password)
		}
	}
	if u.query != "" {
		out = append(out, querySecrets(u.query)...)
	}
	return out
}

// querySecrets are the values of a query's credential-like parameters;
// the whole query when it does not parse.
func querySecrets(raw string) []string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return []string{raw}
	}
	var out []string
	for name, vs := range q {
		if credentialParam(name) {
			out = append(out, vs...)
		}
	}
	return out
}

// String is s without the secrets.
func (r Redactor) String(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Bytes is b without the secrets, for a file's content.
func (r Redactor) Bytes(b []byte) []byte {
	if r.r == nil {
		return b
	}
	return []byte(r.r.Replace(string(b)))
}

// Error is err with its message redacted, still wrapping err so that
// errors.Is and errors.As see through it.
func (r Redactor) Error(err error) error {
	if err == nil || r.r == nil {
		return err
	}
	msg := err.Error()
	if clean := r.r.Replace(msg); clean != msg {
		return redactedError{clean, err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
