package reportrepo

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/capplan/capplan/test/servertest"
)

// keyPair makes a throwaway ed25519 key: the private key in OpenSSH
// format and the public key.
func keyPair(t *testing.T) ([]byte, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), sshPub
}

// startSSHD runs sshd with a throwaway host key, letting in the holder
// of client. It returns the address and the server's host key.
func startSSHD(t *testing.T, client ssh.PublicKey) (string, ssh.PublicKey) {
	t.Helper()
	hostKey, hostPub := keyPair(t)
	return servertest.SSHD(t, hostKey, ssh.MarshalAuthorizedKey(client)), hostPub
}

func TestSSH(t *testing.T) {
	servertest.NeedGit(t)
	clientKey, clientPub := keyPair(t)
	addr, hostPub := startSSHD(t, clientPub)
	bare := servertest.BareRepo(t)
	user := "git"
	if u := os.Getenv("USER"); u != "" {
		user = u
	}
	if os.Geteuid() == 0 {
		user = "root"
	}
	url := fmt.Sprintf("ssh://%s@%s%s", user, addr, bare)
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, hostPub) + "\n"
	if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}

	auth, err := authFor(url, credentials{SSHKey: clientKey, KnownHosts: knownHosts})
	if err != nil {
		t.Fatal(err)
	}
	o := options(url, t)
	o.Auth = auth
	publishTwoWeeks(t, o, bare)

	// A server whose host key is not the one known is refused.
	_, otherPub := keyPair(t)
	line = knownhosts.Line([]string{knownhosts.Normalize(addr)}, otherPub) + "\n"
	if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	if o.Auth, err = authFor(url, credentials{SSHKey: clientKey, KnownHosts: knownHosts}); err != nil {
		t.Fatal(err)
	}
	res, err := commitAndPush(context.Background(), o, writeFiles("x", map[string]string{"a": "b"}), "m")
	if err == nil || !strings.Contains(err.Error(), "key") {
		t.Fatalf("unknown host key: %+v, %v; want a host key error", res, err)
	}
}

// TestTokenInURLStaysOut: a token written into the URL as its user name
// (GitHub's documented form) is echoed by go-git's errors; ours hide it.
func TestTokenInURLStaysOut(t *testing.T) {
	addr := servertest.FreeAddr(t)
	o := options("http://ghp_T0KEN1234@"+addr+"/r.git", t)
	_, err := commitAndPush(context.Background(), o, writeFiles("x", map[string]string{"a": "b"}), "m")
	if err == nil {
		t.Fatal("published to a closed port")
	}
	if strings.Contains(err.Error(), "T0KEN1234") || !strings.Contains(err.Error(), "http://xxxxx@"+addr) {
		t.Errorf("error %v: want the URL shown without its token", err)
	}
}

func TestAuthNeedsKeyForSSH(t *testing.T) {
	if _, err := authFor("ssh://git@example.org/reports.git", credentials{}); err == nil || !strings.Contains(err.Error(), "private key") {
		t.Fatalf("ssh without a key: %v", err)
	}
	if _, err := authFor("ftp://example.org/x", credentials{}); err == nil {
		t.Fatal("ftp accepted")
	}
	a, err := authFor("https://example.org/x.git", credentials{Token: "t"})
	if err != nil || a == nil || a.String() != "http-basic-auth - capplan:*******" {
		t.Fatalf("https with a token: %v, %v", a, err)
	}
}
