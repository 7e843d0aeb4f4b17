package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdLabel is a placeholder until the command is built.
func newCmdLabel(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "label", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
