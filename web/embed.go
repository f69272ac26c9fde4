// Package web holds the static files the pages use (CSS, vendored htmx, a little JavaScript),
// embedded in the binary so that the app needs nothing from the internet at run time.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed static
var files embed.FS

// Static serves the files under static/. A request naming the file's current content hash
// (the URLs Path makes) may be cached for a year unchanged; any other, for an hour. Each file has
// an ETag, so that a browser revalidating it gets 304 Not Modified.
func Static() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	fileServer := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		// Files only: no directory is listed (ASVS 4.3.2), nor redirected to one.
		if st, err := fs.Stat(sub, path.Clean("/" + name)[1:]); name == "" || strings.HasSuffix(name, "/") || err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		if hash, ok := versions()[name]; ok {
			w.Header().Set("ETag", `"`+hash+`"`)
			if r.URL.Query().Get("v") == hash {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "public, max-age=3600")
			}
		}
		fileServer.ServeHTTP(w, r)
	})
}

// versions holds a short content hash of each static file, computed once.
var versions = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	fs.WalkDir(files, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(path, "static/")] = hex.EncodeToString(sum[:4])
		return nil
	})
	return out
})

// Path is the URL of a static file with its content hash, so that browsers fetch a changed
// file at once instead of using a cached copy.
func Path(name string) string {
	return "/static/" + name + "?v=" + versions()[name]
}
