package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
)

func TestAPIIdempotencyKeys(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	token := a.bearer(t, auth.Evaluator)
	b := a.anonymous()
	post := func(key, body string, header http.Header) response {
		h := http.Header{"Authorization": token["Authorization"], "Content-Type": {"application/json"}, "Idempotency-Key": {key}}
		for k, v := range header {
			h[k] = v
		}
		return b.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(body), h)
	}
	body := `{"name":"Once ` + word + `","service_model":"saas"}`
	first := post("key-1-"+word, body, nil)
	wantStatus(t, first, http.StatusCreated)
	again := post("key-1-"+word, body, nil)
	wantStatus(t, again, http.StatusCreated)
	if string(again.body) != string(first.body) || again.header.Get("Location") != first.header.Get("Location") || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry: body %s, Location %q, Idempotent-Replayed %q; want the first answer again, marked replayed", again.body, again.header.Get("Location"), again.header.Get("Idempotent-Replayed"))
	}
	if n := a.countProviders(t, "Once "+word); n != 1 {
		t.Errorf("providers after a retry: %d, want 1", n)
	}
	wantAPIError(t, post("key-1-"+word, `{"name":"Other `+word+`","service_model":"saas"}`, nil), http.StatusUnprocessableEntity, "invalid", "Idempotency-Key")
	if n := a.countProviders(t, "Other "+word); n != 0 {
		t.Errorf("a refused reuse of a key made %d providers, want 0", n)
	}
	// A refusal is kept too: the retry of a conflicting request gets the same 409.
	wantAPIError(t, post("key-2-"+word, body, nil), http.StatusConflict, "conflict", "")
	replayed := post("key-2-"+word, body, nil)
	wantAPIError(t, replayed, http.StatusConflict, "conflict", "")
	if replayed.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry of a refused request: not marked replayed")
	}
	// Keys are the principal's own: another user's same key runs anew.
	other := a.bearer(t, auth.Evaluator)
	r := b.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"Theirs `+word+`","service_model":"iaas"}`),
		http.Header{"Authorization": other["Authorization"], "Content-Type": {"application/json"}, "Idempotency-Key": {"key-1-" + word}})
	wantStatus(t, r, http.StatusCreated)
	if r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("another principal's key: replayed, want a request of its own")
	}
	wantAPIError(t, post("a key with spaces", body, nil), http.StatusUnprocessableEntity, "invalid", "Idempotency-Key")
	// Without the header nothing is kept: the same request is simply made again (and refused).
	wantStatus(t, b.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"Twice `+word+`","service_model":"saas"}`),
		http.Header{"Authorization": token["Authorization"], "Content-Type": {"application/json"}}), http.StatusCreated)
}

// Keys expire after 24 hours: the same key then runs the request anew.
func TestAPIIdempotencyKeysExpire(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	day1 := newAppAt(t, store, now, true)
	day2 := newAppAt(t, store, now.Add(app.IdempotencyKeyLifetime+time.Minute), false)
	token := day1.bearer(t, auth.Evaluator)
	word := tag(t)
	send := func(a *testApp, name string) response {
		return a.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"`+name+`","service_model":"saas"}`),
			http.Header{"Authorization": token["Authorization"], "Content-Type": {"application/json"}, "Idempotency-Key": {"k-" + word}})
	}
	wantStatus(t, send(day1, "First "+word), http.StatusCreated)
	wantAPIError(t, send(day1, "Second "+word), http.StatusUnprocessableEntity, "invalid", "Idempotency-Key")
	r := send(day2, "Second "+word)
	wantStatus(t, r, http.StatusCreated)
	if r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("a day later: replayed, want the key free again")
	}
	if n := day1.countProviders(t, word); n != 2 {
		t.Errorf("providers: %d, want 2", n)
	}
}
