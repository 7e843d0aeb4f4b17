package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/gorilla/websocket"

	"kctl.dev/kctl/api/meta"
)

// WatchWebSocket is Watch over a websocket (one JSON event per text message)
// instead of a chunked HTTP stream, for networks whose proxies buffer chunked
// answers. Events, errors and the end of the stream are as for Watch: the
// server ends the watch by closing the connection, seen as io.EOF. It fails
// over between servers as Do does, but is not retried. The server ends a
// websocket watch by dropping the connection without a close frame, so a
// connection lost midway also reads as io.EOF: resume from the last
// resourceVersion.
func (r *Resource[T]) WatchWebSocket(ctx context.Context, opts ListOptions) (Watch[T], error) {
	q := opts.query()
	q.Set("watch", "true")
	if opts.SendInitialEvents && opts.ResourceVersionMatch == "" {
		q.Set("resourceVersionMatch", "NotOlderThan")
	}
	ctx, cancel := context.WithCancel(ctx)
	conn, err := r.c.dialWebSocket(ctx, r.path(r.namespace, ""), q)
	if err != nil {
		cancel()
		return nil, err
	}
	// Closing the connection when ctx ends unblocks a Next.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	frames := &socketFrames{conn: conn, stop: stop}
	return newWatcher(frames, objectDecoder[T](r.elem), cancel), nil
}

func (c *Client) dialWebSocket(ctx context.Context, path string, q url.Values) (*websocket.Conn, error) {
	if c.limiter != nil {
		if err := c.limiter.wait(ctx); err != nil {
			return nil, fmt.Errorf("client: watch %s: rate limiter: %w", path, err)
		}
	}
	dialer := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		TLSClientConfig:  c.tlsConfig,
		HandshakeTimeout: c.timeout,
	}
	if dialer.HandshakeTimeout < 0 {
		dialer.HandshakeTimeout = 0
	}
	start := int(c.current.Load())
	var firstErr error
	for i := range c.servers {
		idx := (start + i) % len(c.servers)
		server := c.servers[idx]
		u := *server
		u.Path = server.Path + path
		u.RawQuery = q.Encode()
		h := http.Header{}
		h.Set("User-Agent", c.userAgent)
		if u.Scheme == "https" {
			u.Scheme = "wss"
			if c.token != "" {
				h.Set("Authorization", "Bearer "+c.token)
			}
		} else {
			u.Scheme = "ws"
		}
		conn, resp, err := dialer.DialContext(ctx, u.String(), h)
		if err == nil {
			if idx != start {
				c.current.Store(int32(idx))
			}
			return conn, nil
		}
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, statusErrorFrom(resp)
		}
		err = fmt.Errorf("client: watch %s: %w", u.Redacted(), err)
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil || !isConnectError(err) {
			return nil, err
		}
	}
	return nil, firstErr
}

// socketFrames reads one event per websocket message.
type socketFrames struct {
	conn *websocket.Conn
	stop func() bool
}

func (s *socketFrames) next() (meta.WatchEvent, error) {
	var ev meta.WatchEvent
	_, data, err := s.conn.ReadMessage()
	if err != nil {
		// The server ends a watch with a normal close (timeoutSeconds, or its
		// shutdown: going away); anything else, a dropped connection included,
		// is an error the caller resumes from.
		if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
			return ev, io.EOF
		}
		return ev, err
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return ev, fmt.Errorf("decode websocket message: %w", err)
	}
	return ev, nil
}

func (s *socketFrames) close() {
	s.stop()
	_ = s.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadlineSoon())
	s.conn.Close()
}
