// Package cli holds the kctl commands: the cobra root command and one file per
// subcommand. Commands write only to the IOStreams they are given, parse their
// flags into an options struct and hand it to a run function, so flag parsing and
// behaviour can be tested apart.
package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// IOStreams are the standard streams a command reads and writes. No command
// touches os.Stdin, os.Stdout or os.Stderr directly.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// NewRootCommand returns the `kctl` command with every subcommand added.
func NewRootCommand(streams IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "kctl",
		Short: "A Kubernetes client and reference API server",
		Long: "kctl is a Kubernetes toolkit: a reference API server that the real kubectl\n" +
			"works against, and a client for it.",
		SilenceErrors: true, // Main prints errors on one line
		SilenceUsage:  true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w", c.CommandPath(), err)
	})
	root.AddCommand(NewCmdServer(streams, nil))
	return root
}

// Main runs the root command with args (without the program name) and returns
// the process exit code: 0 on success, 1 after printing the error on one line of
// streams.ErrOut.
func Main(ctx context.Context, args []string, streams IOStreams) int {
	root := NewRootCommand(streams)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(streams.ErrOut, errorLine(err))
		return 1
	}
	return 0
}

// errorLine renders err as one line that names the command: errors from a
// command already start with "kctl ...", cobra's own ones (an unknown command)
// get the "kctl: " prefix.
func errorLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if !strings.HasPrefix(msg, "kctl") {
		msg = "kctl: " + msg
	}
	return msg
}
