package server

import (
	"context"
	"net/http"
)

// init wires the layers; filled in as the API layer lands.
func (s *Server) init(ctx context.Context) error {
	s.handler = http.NotFoundHandler()
	go func() { <-ctx.Done(); close(s.done) }()
	return nil
}
