package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher/ignorefile"
)

// readmeBuild is the README's build command, the one line that starts
// with CGO_ENABLED=0.
func readmeBuild(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(readme), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "CGO_ENABLED=0 go build") {
			return line
		}
	}
	t.Fatal("README.md has no line starting with `CGO_ENABLED=0 go build`")
	return ""
}

// outputFlag is the -o PATH of a go build command line: the README writes
// ./capplan, the image /out/capplan, the test a temporary file.
var outputFlag = regexp.MustCompile(` -o \S+`)

func withoutOutput(cmd string) string { return outputFlag.ReplaceAllString(cmd, "") }

// TestDockerfile parses the Dockerfile with BuildKit's own parser and
// linter (no Docker engine is needed) and holds it to the image's rules:
// base images pinned by tag, never latest; the README's static build; a
// non-root user and no shell at run time; nothing fetched with ADD.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile: parser warning: %s", w.Short)
	}
	var lints []string
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		lints = append(lints, rule+": "+msg)
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, l := range lints {
		t.Errorf("Dockerfile: lint %s", l)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want 2 (build, run)", len(stages))
	}

	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(string(mustRead(t, "../../go.mod")))
	if goVersion == nil {
		t.Fatal("go.mod has no go line")
	}
	for _, s := range stages {
		image, tag, ok := strings.Cut(s.BaseName, ":")
		if !ok || tag == "" || strings.Contains(tag, "latest") || strings.Contains(image, "$") {
			t.Errorf("stage %q: FROM %s: want an image pinned by tag, not latest", s.Name, s.BaseName)
		}
		for _, c := range s.Commands {
			if add, ok := c.(*instructions.AddCommand); ok {
				t.Errorf("stage %q: ADD %v: use COPY (ADD fetches URLs and unpacks archives)", s.Name, add.SourcePaths)
			}
		}
	}

	build := stages[0]
	if want := "golang:" + goVersion[1] + "-"; !strings.HasPrefix(build.BaseName, want) {
		t.Errorf("build stage FROM %s: want %s… (go.mod's Go)", build.BaseName, want)
	}
	var buildLine string
	for _, c := range build.Commands {
		if r, ok := c.(*instructions.RunCommand); ok && strings.Contains(strings.Join(r.CmdLine, " "), "go build") {
			buildLine = strings.Join(r.CmdLine, " ")
		}
	}
	if got, want := withoutOutput(buildLine), withoutOutput(readmeBuild(t)); got != want {
		t.Errorf("the build stage runs\n  %s\nthe README builds with\n  %s", got, want)
	}

	run := stages[1]
	if !slices.Contains([]string{"gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/static-debian13:nonroot"}, run.BaseName) {
		t.Errorf("run stage FROM %s: want distroless static, nonroot (no shell, CA certificates, a passwd entry for 65532)", run.BaseName)
	}
	var user string
	var entrypoint, cmd *instructions.ShellDependantCmdLine
	for _, c := range run.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.EntrypointCommand:
			entrypoint = &c.ShellDependantCmdLine
		case *instructions.CmdCommand:
			cmd = &c.ShellDependantCmdLine
		case *instructions.RunCommand:
			t.Errorf("run stage: RUN %v: the run image has no shell", c.CmdLine)
		}
	}
	if uid, _, _ := strings.Cut(user, ":"); uid != "65532" {
		t.Errorf("run stage: USER %q, want 65532 (numeric, so Kubernetes can check runAsNonRoot)", user)
	}
	if entrypoint == nil || entrypoint.PrependShell || !slices.Equal(entrypoint.CmdLine, []string{"/capplan"}) {
		t.Errorf(`run stage: ENTRYPOINT %+v, want ["/capplan"] (exec form)`, entrypoint)
	}
	if cmd == nil || cmd.PrependShell || !slices.Equal(cmd.CmdLine, []string{"run"}) {
		t.Errorf(`run stage: CMD %+v, want ["run"] (exec form)`, cmd)
	}

	f, err := os.Open("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ignored, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	for _, want := range []string{".git", "capplan", "capplan-demo", "*.test"} {
		if !slices.Contains(ignored, want) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestStaticBuild builds the binary as the README and the image do and
// checks that it is static (distroless/static has no C library) and
// carries the stamped version. Its flags (CGO_ENABLED=0, -trimpath) make
// every package compile a second time, which would double a newcomer's
// first go test ./...: .ci/run runs it, with CAPPLAN_STATIC_BUILD=1.
func TestStaticBuild(t *testing.T) {
	if os.Getenv("CAPPLAN_STATIC_BUILD") != "1" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CAPPLAN_STATIC_BUILD is not 1: under CI=true the static build is checked (.ci/run sets it)")
		}
		t.Skip("compiles everything again with the README's static flags: CAPPLAN_STATIC_BUILD=1 go test ./cmd/capplan -run TestStaticBuild")
	}
	line := readmeBuild(t)
	const version = "v9.8.7-test"
	// The README's line, with its ${VERSION} and output path made concrete,
	// run by the shell as a reader would paste it.
	bin := filepath.Join(t.TempDir(), "capplan")
	script := "cd ../.. && VERSION=" + version + " && " + outputFlag.ReplaceAllString(line, " -o "+bin)
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %s program header: it is not static", p.Type)
		}
	}
	if s := f.Section(".dynamic"); s != nil {
		t.Error("the binary has a .dynamic section: it is not static")
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "capplan " + version + "\n"; string(got) != want {
		t.Errorf("capplan version printed %q, want %q", got, want)
	}
}
