package servertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// SSHD runs Debian's sshd on 127.0.0.1 with hostKey (a private key in
// OpenSSH form), letting in the keys of authorizedKeys (authorized_keys
// lines), and returns its address.
func SSHD(t testing.TB, hostKey, authorizedKeys []byte) string {
	t.Helper()
	bin := Need(t, "sshd", "apt-get install openssh-server", "/usr/sbin/sshd")
	if os.Geteuid() == 0 {
		// sshd refuses to start without its privilege separation directory.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string { return WriteFile(t, dir, name, data) }
	port := FreePort(t)
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
`, port, write("host_key", hostKey), write("authorized_keys", authorizedKeys), filepath.Join(dir, "sshd.pid")))
	addr := "127.0.0.1:" + strconv.Itoa(port)
	Start(t, Process{Path: bin, Args: []string{"-D", "-e", "-f", config}, Ready: tcpReady(addr)})
	return addr
}
