// Package cli holds the kctl commands: the cobra root command and one file per
// subcommand. Commands write only to the IOStreams they are given, parse their
// flags into an options struct and hand it to a run function, so flag parsing and
// behaviour can be tested apart.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
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
	flags := &ConfigFlags{}
	flags.AddFlags(root.PersistentFlags())
	f := NewFactory(flags)
	root.PersistentPostRun = func(*cobra.Command, []string) { f.Close() }
	root.AddCommand(NewCmdServer(streams, nil))
	addClientCommands(root, f, streams)
	return root
}

// Main runs the root command with args (without the program name) and returns
// the process exit code: 0 on success, 1 after printing the error on one line of
// streams.ErrOut.
func Main(ctx context.Context, args []string, streams IOStreams) int {
	root := NewRootCommand(streams)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		fmt.Fprintln(streams.ErrOut, errorLine(err))
		var ue *usageError
		if errors.As(err, &ue) && cmd != nil {
			fmt.Fprintf(streams.ErrOut, "See '%s -h' for help and examples\n", cmd.CommandPath())
		}
		return 1
	}
	return 0
}

// errorLine renders err as one line that names the command: errors from a
// command already start with "kctl ...", cobra's own ones (an unknown command)
// get the "kctl: " prefix.
func errorLine(err error) string {
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		// kubectl's words for an answer of the server.
		msg := strings.Join(strings.Fields(se.Status.Message), " ")
		if se.Status.Reason == meta.StatusReasonInvalid && se.Status.Code == 422 {
			return "The " + msg // kubectl: The ConfigMap "x" is invalid: ...
		}
		if se.Status.Reason == "" {
			return "Error from server: " + msg
		}
		return fmt.Sprintf("Error from server (%s): %s", se.Status.Reason, msg)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return "error: " + ue.msg
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if !strings.HasPrefix(msg, "kctl") {
		msg = "kctl: " + msg
	}
	return msg
}
