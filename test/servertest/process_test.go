package servertest

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

// TestStart: a server is waited for until it is ready, and is stopped
// when its test ends; a free address is closed.
func TestStart(t *testing.T) {
	addr := FreeAddr(t)
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatalf("%s takes connections", addr)
	}
	sh := Need(t, "sh", "install a POSIX shell")
	asked := 0
	var pid int
	t.Run("server", func(t *testing.T) {
		p := Start(t, Process{Path: sh, Args: []string{"-c", "exec sleep 60"}, Ready: func() error {
			if asked++; asked < 3 {
				return errors.New("not yet")
			}
			return nil
		}})
		pid = p.Process.Pid
	})
	if pid == 0 || asked != 3 {
		t.Fatalf("pid %d after %d readiness checks, want 3", pid, asked)
	}
	// Stopped and reaped with its test.
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the server (pid %d) outlived its test: %v", pid, err)
	}
}
