package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdConfig is a placeholder until the command is built.
func newCmdConfig(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "config", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
