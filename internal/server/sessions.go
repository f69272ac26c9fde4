package server

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/sessionstore"
)

// Session keys beside sessionUserKey and sessionSeenKey: the user's session epoch, when the
// user signed in (unix seconds), and from where and with what, shown in their session list.
const (
	sessionEpochKey    = "epoch"
	sessionSignedInKey = "signed_in"
	sessionAddrKey     = "addr"
	sessionAgentKey    = "agent"
	maxAgentLength     = 200
	// sessionPendingKey is the user whose password was accepted, until their second factor is;
	// sessionPendingAtKey when (unix seconds): the second step must follow within pendingTTL.
	sessionPendingKey   = "pending_user"
	sessionPendingAtKey = "pending_at"
	pendingTTL          = 5 * time.Minute
	// sessionMFASetupKey marks a session that must set up a second factor before anything else.
	sessionMFASetupKey = "mfa_setup"
	// sessionTOTPSetupKey is the TOTP secret being set up, until a code of it confirms it.
	sessionTOTPSetupKey = "totp_setup"
	// sessionReauthKey is when (unix seconds) the user last gave their password again.
	sessionReauthKey = "reauth_at"
)

// appSessions keeps browser sessions through the App (in PostgreSQL), keyed by a SHA-256 of
// their token (sessionstore.Key): the cookie value is never stored. Reading a session also
// reads its user, in one query, into the request's sessionSlot, so that authenticating a
// request costs one query and a deactivation or a reset takes effect on the next request of
// every server process, with nothing cached.
type appSessions struct{ app *app.App }

var _ scs.CtxStore = appSessions{}

// sessionSlot is where FindCtx leaves the user of the request's session, or the error reading
// it, which authenticate answers as any failed lookup is answered (scs would turn it into an
// outage whatever it was).
type sessionSlot struct {
	user   auth.User
	found  bool
	unseen int // the user's security notices not shown yet
	err    error
}

type sessionSlotKey struct{}

func (st appSessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	s, err := st.app.FindSession(ctx, sessionstore.Key(token))
	slot, hasSlot := ctx.Value(sessionSlotKey{}).(*sessionSlot)
	switch {
	case assess.IsNotFound(err):
		return nil, false, nil
	case err != nil && hasSlot:
		slot.err = err
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	if hasSlot {
		slot.user, slot.found, slot.unseen = s.User, s.User.ID != 0, s.UnseenNotices
	}
	return s.Data, true, nil
}

func (st appSessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return st.app.CommitSession(ctx, sessionstore.Key(token), b, expiry, sessionMeta(b))
}

func (st appSessions) DeleteCtx(ctx context.Context, token string) error {
	return st.app.DeleteSession(ctx, sessionstore.Key(token))
}

func (st appSessions) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

func (st appSessions) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

func (st appSessions) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// sessionMeta reads what is kept beside a session from its data (scs's gob encoding).
func sessionMeta(b []byte) app.SessionMeta {
	_, values, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return app.SessionMeta{}
	}
	num := func(k string) int64 { n, _ := values[k].(int64); return n }
	text := func(k string) string { s, _ := values[k].(string); return s }
	at := func(k string) time.Time {
		if n := num(k); n != 0 {
			return time.Unix(n, 0)
		}
		return time.Time{}
	}
	return app.SessionMeta{UserID: num(sessionUserKey), Epoch: num(sessionEpochKey), SignedInAt: at(sessionSignedInKey),
		LastSeenAt: at(sessionSeenKey), RemoteAddr: text(sessionAddrKey), UserAgent: text(sessionAgentKey)}
}

// loadSession loads the request's session (and its user, into a sessionSlot) and saves it
// after the handler, as scs's LoadAndSave does. Building it binds the session manager to the
// App's store: Options.Sessions is not used where there is an App.
func (s *Server) loadSession(next http.Handler) http.Handler {
	if s.app != nil {
		s.sessions.Store = appSessions{s.app}
	}
	h := s.sessions.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionSlotKey{}, &sessionSlot{})))
	})
}

// unseenNotices counts the security notices of the session's user not shown yet, as read
// with the session.
func unseenNotices(ctx context.Context) int {
	if slot, ok := ctx.Value(sessionSlotKey{}).(*sessionSlot); ok {
		return slot.unseen
	}
	return 0
}

// sessionUser is the user the request's session was found with, if any, or the error that
// kept it from being read.
func sessionUser(ctx context.Context) (auth.User, bool, error) {
	slot, ok := ctx.Value(sessionSlotKey{}).(*sessionSlot)
	switch {
	case !ok:
		return auth.User{}, false, nil
	case slot.err != nil:
		return auth.User{}, false, slot.err
	}
	return slot.user, slot.found, nil
}

// currentSessionKey is the stored key of the request's session ("" before it has a token).
func (s *Server) currentSessionKey(ctx context.Context) string {
	if t := s.sessions.Token(ctx); t != "" {
		return sessionstore.Key(t)
	}
	return ""
}
