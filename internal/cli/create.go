package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdCreate is a placeholder until the command is built.
func newCmdCreate(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "create", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
