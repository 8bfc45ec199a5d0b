package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/capplan/capplan/redact"
)

// readSecrets takes each secret from its file, else its variable.
func (c *Config) readSecrets(env func(string) string) error {
	read := func(field, file, variable string, into *string) error {
		if file == "" {
			*into = env(variable)
			return nil
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		*into = strings.TrimSpace(string(data))
		if *into == "" {
			return fmt.Errorf("%s: %s is empty", field, file)
		}
		return nil
	}
	var s Secrets
	if err := read("prometheus.token_file", c.Prometheus.TokenFile, "CAPPLAN_PROMETHEUS_TOKEN", &s.PrometheusToken); err != nil {
		return err
	}
	basic := ""
	if err := read("prometheus.basic_auth_file", c.Prometheus.BasicAuthFile, "CAPPLAN_PROMETHEUS_BASIC_AUTH", &basic); err != nil {
		return err
	}
	if basic != "" {
		user, password, ok := strings.Cut(basic, ":")
		if !ok || user == "" || strings.ContainsAny(basic, "\r\n") {
			return errors.New("prometheus.basic_auth_file (or CAPPLAN_PROMETHEUS_BASIC_AUTH): want one line, user:password")
		}
		s.PrometheusUser, s.PrometheusPassword = user, password
	}
	if s.PrometheusToken != "" && basic != "" {
		// One Authorization header: Prometheus' client refuses both.
		return errors.New("prometheus: a bearer token (prometheus.token_file or CAPPLAN_PROMETHEUS_TOKEN) and basic auth (prometheus.basic_auth_file or CAPPLAN_PROMETHEUS_BASIC_AUTH) cannot both be used")
	}
	if err := read("git.token_file", c.Git.TokenFile, "CAPPLAN_GIT_TOKEN", &s.GitToken); err != nil {
		return err
	}
	if err := read("git.ssh_key_file", c.Git.SSHKeyFile, "CAPPLAN_GIT_SSH_KEY", &s.GitSSHKey); err != nil {
		return err
	}
	c.secrets = s
	return nil
}

// Redactor knows every secret of the configuration: those read from files
// or the environment, and those written into the Prometheus, Git, Ollama
// and Pushgateway URLs.
func (c Config) Redactor() redact.Redactor {
	git := c.Git.URL
	if c.secrets.GitToken != "" {
		// With a token beside it, the URL's user is a name, not the
		// credential: kept, so that it does not cut words out of messages.
		git = withoutUser(git)
	}
	s := c.secrets
	return redact.New([]string{git, c.Prometheus.URL, c.Ollama.Host, c.Pushgateway.URL},
		s.GitToken, s.GitSSHKey, s.PrometheusToken, s.PrometheusPassword)
}

func withoutUser(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if p, ok := u.User.Password(); ok {
		u.User = url.UserPassword("", p)
	} else {
		u.User = nil
	}
	return u.String()
}
