package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdGet is a placeholder until the command is built.
func newCmdGet(f *Factory, streams IOStreams) *cobra.Command {
	return &cobra.Command{Use: "get", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not built yet") }}
}
