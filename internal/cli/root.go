// Package cli holds the kctl commands: the cobra root command and one file per
// subcommand. Commands write only to the IOStreams they are given, parse their
// flags into an options struct and hand it to a run function, so flag parsing and
// behaviour can be tested apart.
package cli

import (
	"context"
	"fmt"
	"io"

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
		SilenceErrors: true, // Main prints errors as kubectl does
		SilenceUsage:  true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &flagError{err: err, path: c.CommandPath()}
	})
	flags := &ConfigFlags{}
	flags.AddFlags(root.PersistentFlags())
	f := NewFactory(flags)
	root.PersistentPostRun = func(*cobra.Command, []string) { f.Close() }
	root.AddCommand(NewCmdServer(streams, nil))
	addClientCommands(root, f, streams)
	return root
}

// Main runs the root command with args (without the program name) and returns
// the process exit code: 0 on success, 1 after printing the error to
// streams.ErrOut as kubectl prints it (see errorReport): one line, followed by
// a hint for a usage error.
func Main(ctx context.Context, args []string, streams IOStreams) int {
	root := NewRootCommand(streams)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		fmt.Fprint(streams.ErrOut, errorReport(root, cmd, err))
		return 1
	}
	return 0
}
