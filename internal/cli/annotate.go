package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdAnnotate is a placeholder until the command is built.
func newCmdAnnotate(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "annotate", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
