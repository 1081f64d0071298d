package mcptools

import (
	"context"
	"slices"
)

// refreshSoon re-reads the tool list after tools/list_changed, in the
// background, one refresh at a time (a notification during one asks for
// another).
func (s *server) refreshSoon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refreshing {
		s.again = true
		return
	}
	if s.ts.track(s.refresh) {
		s.refreshing = true
	}
}

func (s *server) refresh() {
	for {
		s.mu.Lock()
		c := s.cur
		s.again = false
		s.mu.Unlock()
		if c != nil && !c.isDead() {
			ctx, cancel := context.WithTimeout(s.ts.life, s.cfg.ConnectTimeout)
			defs, err := s.list(ctx, c.cs)
			cancel()
			if err == nil {
				err = s.ts.acceptTools(s, defs)
			}
			if err != nil {
				// The previous list stays.
				s.logger.Warn("MCP tool list refresh failed; keeping the previous list", "error", err.Error())
			}
		}
		s.mu.Lock()
		if !s.again || s.ts.isClosed() {
			s.refreshing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
	}
}

// def is the current definition of the server's tool name.
func (s *server) def(name string) (toolDef, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.tools {
		if d.name == name {
			return d, true
		}
	}
	return toolDef{}, false
}

// status reports the server's state.
func (s *server) status() ServerStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ServerStatus{Name: s.cfg.Name, Transport: "stdio", Restarts: s.total, StderrBytes: s.stderr.Total()}
	if s.cfg.URL != "" {
		st.Transport = "http"
	}
	if c := s.cur; c != nil && !c.isDead() {
		st.Connected = true
		st.PID = c.pid
		st.SessionID = c.cs.ID()
		if r := c.cs.InitializeResult(); r != nil {
			st.ProtocolVersion = r.ProtocolVersion
		}
	}
	for _, d := range s.tools {
		st.Tools = append(st.Tools, d.exposed)
	}
	st.Withheld = slices.Clone(s.withheld)
	if s.lastErr != nil {
		st.LastError = s.lastErr.Error()
	}
	st.Down = s.down
	st.Stderr = s.stderr.String()
	return st
}
