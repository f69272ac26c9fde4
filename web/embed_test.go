package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"shareline/web"
)

func TestStaticCaching(t *testing.T) {
	h := http.StripPrefix("/static/", web.Static())
	get := func(target string, header http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		for k, v := range header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	hashed := get(web.Path("app.css"), nil)
	if hashed.Code != http.StatusOK || !strings.Contains(hashed.Body.String(), "--accent") {
		t.Fatalf("GET %s: got %d, want the stylesheet", web.Path("app.css"), hashed.Code)
	}
	if got := hashed.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control of a content-hashed URL: got %q, want a year, immutable", got)
	}
	etag := hashed.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if got := get(web.Path("app.css"), http.Header{"If-None-Match": {etag}}); got.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: got %d, want 304", got.Code)
	}
	stale := get("/static/app.css?v=0000", nil)
	if got := stale.Header().Get("Cache-Control"); got != "public, max-age=3600" {
		t.Errorf("Cache-Control of an old hash: got %q, want an hour", got)
	}
	if got := get(web.Path("favicon.svg"), nil); got.Code != http.StatusOK || got.Header().Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: got %d %q, want 200 image/svg+xml", got.Code, got.Header().Get("Content-Type"))
	}
}

// ASVS 4.3.2: /static serves its files and nothing about them: no directory listing (of the
// root or of any directory), and a file named as a directory is not found either.
func TestStaticListsNoDirectory(t *testing.T) {
	h := http.StripPrefix("/static/", web.Static())
	for _, target := range []string{"/static/", "/static/.", "/static/./", "/static/nothing/", "/static/app.css/", "/static/%2e/"} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "app.css") {
			t.Errorf("GET %s: got %d %q, want 404 without a listing", target, w.Code, w.Body.String())
		}
	}
}
