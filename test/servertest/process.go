package servertest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// missing skips the test because a server is not there, saying how to
// provide it, or fails it under CI=true, where .ci/run provides them all.
func missing(t testing.TB, what, provide string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: under CI=true this is a failure; %s", what, provide)
	}
	t.Skipf("%s: %s to run this test", what, provide)
}

// Need is the path of the program name, found on $PATH or at one of the
// paths given; install says how to get it when it is neither.
func Need(t testing.TB, name, install string, paths ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	missing(t, name+" not found", install)
	return ""
}

// NeedEnv is the value of the variable env, which names a server's binary
// or the directory .ci/ built servers into; enable is the command that
// runs the test with it set.
func NeedEnv(t testing.TB, env, enable string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		missing(t, env+" is not set", enable)
	}
	return v
}

// FreePort is a loopback port nothing listens on now, below Linux's
// ephemeral ports (32768 and up): a port the kernel chose for a listener
// of port 0 is one it may give the next outgoing connection (a Thanos
// Query dialling its stores, a client of another package's test) before
// the server it was chosen for binds it. A port of 20000-32767 is chosen
// at random and kept when it can be bound.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(12768)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatal("no free loopback port in 20000-32767 after 100 tries")
	return 0
}

// FreeAddr is a loopback address nothing listens on now: for a server to
// listen on, or, left so, for a client to find closed.
func FreeAddr(t testing.TB) string {
	t.Helper()
	return "127.0.0.1:" + strconv.Itoa(FreePort(t))
}

// Process is a server to run for one test.
type Process struct {
	Path string
	Args []string
	// Env is the server's whole environment; nil gives it the test's.
	Env []string
	// LogFile, when not empty, is where the server's output goes; else it
	// is kept, and shown when the test fails.
	LogFile string
	// Ready tells whether the server answers yet (HTTPReady, TCPReady);
	// Start waits for it up to Within (default 30 s).
	Ready  func() error
	Within time.Duration
}

// Start runs p until the test ends and waits until it is ready; at the
// end it is sent SIGTERM, then killed after 5 s.
func Start(t testing.TB, p Process) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(p.Path, p.Args...)
	cmd.Env = p.Env
	// A child the server started may hold its output open after it
	// exits; Wait gives up on the pipes after this long.
	cmd.WaitDelay = 5 * time.Second
	log := &lockedBuffer{}
	var file *os.File
	if p.LogFile != "" {
		var err error
		if file, err = os.Create(p.LogFile); err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = file, file
	} else {
		cmd.Stdout, cmd.Stderr = log, log
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if file != nil {
			file.Close()
		}
		if t.Failed() && p.LogFile == "" {
			t.Logf("%s:\n%s", p.Path, log.String())
		}
	})
	if p.Ready == nil {
		return cmd
	}
	within := p.Within
	if within == 0 {
		within = 30 * time.Second
	}
	deadline := time.Now().Add(within)
	for {
		err := p.Ready()
		if err == nil {
			return cmd
		}
		select {
		case <-exited:
			t.Fatalf("%s exited before it was ready (%v):\n%s", p.Path, err, tail(log.String(), p.LogFile))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s: %v\n%s", p.Path, within, err, tail(log.String(), p.LogFile))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tail is the end of a server's log, from memory or its file.
func tail(kept, file string) string {
	if file != "" {
		data, _ := os.ReadFile(file)
		kept = string(data)
	}
	if len(kept) > 4000 {
		kept = kept[len(kept)-4000:]
	}
	return kept
}

// HTTPReady is ready when GET url (through client, with a bearer token
// when token is not "") answers 200 with want in the start of its body.
func HTTPReady(client *http.Client, url, token, want string) func() error {
	return func() error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body := make([]byte, 256)
		n, _ := resp.Body.Read(body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body[:n]), want) {
			return fmt.Errorf("%s: %s %q", url, resp.Status, body[:n])
		}
		return nil
	}
}

// tcpReady is ready when addr takes a connection.
func tcpReady(addr string) func() error {
	return func() error {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	}
}

// lockedBuffer keeps a server's output, written from its pipes' copying
// goroutines and read when the test fails.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WriteFile writes a server's file (a configuration, a key) into dir,
// readable by its owner only, and returns its path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
