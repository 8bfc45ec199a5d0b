package publish

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/capplan/capplan/job/publish/gittest"
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

// startSSHD runs Debian's sshd on a free loopback port with a throwaway
// host key, letting in the holder of client. It returns the address and
// the server's host key.
func startSSHD(t *testing.T, client ssh.PublicKey) (string, ssh.PublicKey) {
	t.Helper()
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		sshd = "/usr/sbin/sshd"
	}
	if _, err := os.Stat(sshd); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("sshd is not installed; .ci/run needs Debian's openssh-server package")
		}
		t.Skip("sshd is not installed: apt-get install openssh-server to run this test")
	}
	if os.Geteuid() == 0 {
		// sshd refuses to start without its privilege separation directory.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	hostKey, hostPub := keyPair(t)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	config := write("sshd_config", fmt.Appendf(nil, `Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
`, addr.Port, write("host_key", hostKey), write("authorized_keys", ssh.MarshalAuthorizedKey(client)), filepath.Join(dir, "sshd.pid")))
	cmd := exec.Command(sshd, "-D", "-e", "-f", config)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", log.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr.String())
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %s: %v\n%s", addr, err, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr.String(), hostPub
}

func TestSSH(t *testing.T) {
	gittest.Need(t)
	clientKey, clientPub := keyPair(t)
	addr, hostPub := startSSHD(t, clientPub)
	bare := gittest.Bare(t)
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

	auth, err := Auth(url, Credentials{SSHKey: clientKey, KnownHosts: knownHosts})
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
	if o.Auth, err = Auth(url, Credentials{SSHKey: clientKey, KnownHosts: knownHosts}); err != nil {
		t.Fatal(err)
	}
	res, err := Publish(context.Background(), o, writeFiles("x", map[string]string{"a": "b"}), "m")
	if err == nil || !strings.Contains(err.Error(), "key") {
		t.Fatalf("unknown host key: %+v, %v; want a host key error", res, err)
	}
}

// TestTokenInURLStaysOut: a token written into the URL as its user name
// (GitHub's documented form) is echoed by go-git's errors; ours hide it.
func TestTokenInURLStaysOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	o := options("http://ghp_T0KEN1234@"+addr+"/r.git", t)
	_, err = Publish(context.Background(), o, writeFiles("x", map[string]string{"a": "b"}), "m")
	if err == nil {
		t.Fatal("published to a closed port")
	}
	if strings.Contains(err.Error(), "T0KEN1234") || !strings.Contains(err.Error(), "http://xxxxx@"+addr) {
		t.Errorf("error %v: want the URL shown without its token", err)
	}
}

func TestAuthNeedsKeyForSSH(t *testing.T) {
	if _, err := Auth("ssh://git@example.org/reports.git", Credentials{}); err == nil || !strings.Contains(err.Error(), "private key") {
		t.Fatalf("ssh without a key: %v", err)
	}
	if _, err := Auth("ftp://example.org/x", Credentials{}); err == nil {
		t.Fatal("ftp accepted")
	}
	a, err := Auth("https://example.org/x.git", Credentials{Token: "t"})
	if err != nil || a == nil || a.String() != "http-basic-auth - capplan:*******" {
		t.Fatalf("https with a token: %v, %v", a, err)
	}
}
