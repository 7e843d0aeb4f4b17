package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdApply is a placeholder until the command is built.
func newCmdApply(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "apply", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
