package server

import (
	"context"
	"net/http"

	"shareline/internal/auth"
	"shareline/templates"
)

// withNotices is the request's context for rendering a page: when the page is a whole one
// (not an htmx fragment) for a user signed in by session who has security notices not shown yet
// (counted with the session, so a page without any costs no query), they are taken, marked
// shown, and put in the header for the layout to show once. A failure to read them is logged
// and the page goes on: they stay listed on the account page.
func (s *Server) withNotices(r *http.Request) context.Context {
	ctx := r.Context()
	p := principal(r)
	if p.Via != "session" || isHTMX(r) || unseenNotices(ctx) == 0 {
		return ctx
	}
	nav, ok := templates.NavFrom(ctx)
	if !ok || nav.Notices != nil {
		return ctx
	}
	notices, err := s.app.TakeNotices(ctx, p)
	if err != nil {
		s.log.ErrorContext(ctx, "reading security notices", "err", err)
		return ctx
	}
	nav.Notices = []templates.NoticeRow{}
	for _, n := range notices {
		nav.Notices = append(nav.Notices, templates.NoticeRow{At: n.At, Title: auth.NoticeTitle(n.Action), Summary: n.Summary,
			Actor: n.Actor, RemoteAddr: n.RemoteAddr})
	}
	return templates.WithNav(ctx, nav)
}
