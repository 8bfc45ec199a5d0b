package reportrepo

import (
	"fmt"
	"strings"

	"github.com/capplan/capplan/redact"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// credentials are what a remote may ask for. Secrets arrive here already
// read from files or the environment.
type credentials struct {
	// Username goes with Token over HTTPS; most forges accept any name
	// with a token.
	Username string
	Token    string
	// SSHKey is a private key in PEM or OpenSSH format; KnownHosts the
	// known_hosts file that the server's host key must be listed in.
	SSHKey        []byte
	SSHPassphrase string
	KnownHosts    string
}

// Auth picks the authentication for url: basic auth with the token over
// HTTP(S), the key over SSH (host key checked), none for local paths.
func authFor(url string, c credentials) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("git url %q: %w", redact.URL(url), err)
	}
	switch ep.Protocol {
	case "http", "https":
		if c.Token == "" {
			return nil, nil
		}
		user := c.Username
		if user == "" {
			user = "capplan"
		}
		return &http.BasicAuth{Username: user, Password: c.Token}, nil
	case "ssh":
		if len(c.SSHKey) == 0 {
			return nil, fmt.Errorf("git url %q is SSH: a private key is needed (git.ssh_key_file or CAPPLAN_GIT_SSH_KEY)", redact.URL(url))
		}
		user := ep.User
		if user == "" {
			user = "git"
		}
		keys, err := ssh.NewPublicKeys(user, c.SSHKey, c.SSHPassphrase)
		if err != nil {
			return nil, fmt.Errorf("git ssh key: %w", err)
		}
		var files []string
		if c.KnownHosts != "" {
			files = append(files, c.KnownHosts)
		}
		// With no file named, the user's known_hosts files (or
		// SSH_KNOWN_HOSTS) are read; either way an unknown host key fails.
		cb, err := ssh.NewKnownHostsCallback(files...)
		if err != nil {
			return nil, fmt.Errorf("git known_hosts: %w", err)
		}
		keys.HostKeyCallback = cb
		return keys, nil
	case "file":
		return nil, nil
	default:
		return nil, fmt.Errorf("git url %q: protocol %s not supported (want https, ssh or file)", redact.URL(url), strings.ToLower(ep.Protocol))
	}
}
