package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdCompletion is a placeholder until the command is built.
func newCmdCompletion(streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "completion", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
