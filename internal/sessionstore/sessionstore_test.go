package sessionstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/postgres/postgrestest"
	"shareline/internal/sessionstore"
)

// storedTokens is every token in the sessions table.
func storedTokens(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT token FROM sessions ORDER BY token`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var tok string
		if err := rows.Scan(&tok); err != nil {
			t.Fatal(err)
		}
		out = append(out, tok)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A session made through scs, as sign-in makes one: the table holds the SHA-256 of the cookie,
// never the cookie; the cookie finds its session, and the stored value used as a cookie finds
// nothing.
func TestSessionsTableNeverHoldsTheCookie(t *testing.T) {
	t.Parallel()
	pool := postgrestest.Pool(t)
	sm := scs.New()
	sm.Store = sessionstore.New(pgxstore.NewWithCleanupInterval(pool, 0))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if err := sm.RenewToken(r.Context()); err != nil {
			t.Error(err)
		}
		sm.Put(r.Context(), "user_id", int64(42))
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strconv.FormatInt(sm.GetInt64(r.Context(), "user_id"), 10)))
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := sm.Destroy(r.Context()); err != nil {
			t.Error(err)
		}
	})
	h := sm.LoadAndSave(mux)
	send := func(method, path, cookie string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: sm.Cookie.Name, Value: cookie})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	var cookie string
	for _, c := range send(http.MethodPost, "/login", "").Result().Cookies() {
		if c.Name == sm.Cookie.Name {
			cookie = c.Value
		}
	}
	if cookie == "" {
		t.Fatal("sign-in set no session cookie")
	}
	stored := storedTokens(t, pool)
	if len(stored) != 1 {
		t.Fatalf("sessions table holds %d rows, want 1", len(stored))
	}
	if stored[0] == cookie {
		t.Fatalf("sessions.token is the cookie value %q itself", cookie)
	}
	if want := sessionstore.Key(cookie); stored[0] != want || len(want) != 64 {
		t.Errorf("sessions.token = %q, want the hex SHA-256 of the cookie, %q", stored[0], want)
	}

	if got := send(http.MethodGet, "/me", cookie).Body.String(); got != "42" {
		t.Errorf("GET /me with the cookie: got user %q, want 42", got)
	}
	if got := send(http.MethodGet, "/me", stored[0]).Body.String(); got != "0" {
		t.Errorf("GET /me with the stored token as a cookie: got user %q, want nobody (0)", got)
	}
	send(http.MethodPost, "/logout", cookie)
	if left := storedTokens(t, pool); len(left) != 0 {
		t.Errorf("after sign-out the sessions table holds %v, want nothing", left)
	}
}

func TestStoreCommitFindDelete(t *testing.T) {
	t.Parallel()
	pool := postgrestest.Pool(t)
	st := sessionstore.New(pgxstore.NewWithCleanupInterval(pool, 0))
	ctx := context.Background()
	const token = "ZXhhbXBsZS10b2tlbi1vZi00My1jaGFyYWN0ZXJzLXh4eA"
	if err := st.CommitCtx(ctx, token, []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit("expired-token", []byte("old"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, tok := range storedTokens(t, pool) {
		if tok == token || tok == "expired-token" {
			t.Errorf("sessions table holds the raw token %q", tok)
		}
	}
	if b, found, err := st.FindCtx(ctx, token); err != nil || !found || string(b) != "data" {
		t.Errorf("Find(token): got %q, %v, %v; want the data", b, found, err)
	}
	if _, found, err := st.Find(sessionstore.Key(token)); err != nil || found {
		t.Errorf("Find(stored key): got found %v, %v; want not found", found, err)
	}
	if _, found, err := st.Find("expired-token"); err != nil || found {
		t.Errorf("Find(expired): got found %v, %v; want not found", found, err)
	}
	if err := st.Commit(token, []byte("new"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := st.Find(token); string(b) != "new" {
		t.Errorf("Find after a second Commit: got %q, want the new data", b)
	}
	if err := st.DeleteCtx(ctx, token); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete("never-existed"); err != nil {
		t.Errorf("Delete of an unknown token: %v, want nil", err)
	}
	if _, found, err := st.Find(token); err != nil || found {
		t.Errorf("Find after Delete: got found %v, %v; want not found", found, err)
	}
}
