// Command capplan plans the capacity of a Kubernetes cluster with Ceph
// storage: it snapshots the cluster, forecasts every resource and writes a
// dated report.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/capplan/capplan/config"
	"github.com/capplan/capplan/job"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"forecast", "forecast every series of a CSV file with prediction intervals", runForecast},
		{"snapshot", "print what the cluster holds now: nodes, requests, usage, volumes, Ceph", runSnapshot},
		{"plan", "plan the capacity and write report.json, report.md and charts", runPlan},
		{"run", "the weekly job: collect, forecast, plan, report, narrate and commit to the report repository", runRun},
		{"demo", "run the weekly job on the built-in demo cluster into a local Git repository", runDemo},
		{"schedule", "run the weekly job on a cron schedule, for installs without Kubernetes", runSchedule},
		{"version", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer) error {
			_, err := fmt.Fprintf(stdout, "capplan %s\n", version)
			return err
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a mistake in the command line, which exits with status 2.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, job.ErrNothingPlanned):
			fmt.Fprintf(stderr, "capplan %s: %v: the report says why at its top\n", c.name, err)
			return 3
		case errors.Is(err, job.ErrIncomplete):
			fmt.Fprintf(stderr, "capplan %s: %v: the report says which at its top\n", c.name, err)
			return 4
		case errors.Is(err, errUsage), errors.As(err, new(config.Error)):
			fmt.Fprintf(stderr, "capplan %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "capplan %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "capplan: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, "capplan plans cluster capacity from forecasts.\n\nUsage:\n  capplan <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'capplan <command> --help' for a command's flags.\n")
}

// newFlagSet makes a command's flag set that reports errors instead of
// exiting, so that tests can drive commands in-process; --help shows the
// synopsis, the description when there is one, and the flags.
func newFlagSet(name, synopsis, description string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("capplan "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: capplan %s %s\n\n", name, synopsis)
		if description != "" {
			fmt.Fprintf(stderr, "%s\n\n", description)
		}
		fmt.Fprint(stderr, "Flags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and rejects stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// given tells whether the flag name was on the command line.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}
