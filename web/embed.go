// Package web holds the static files the pages use (CSS, vendored htmx, a little JavaScript),
// embedded in the binary so that the app needs nothing from the internet at run time.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var files embed.FS

// Static serves the files under static/, with a cache lifetime short enough that an upgrade is
// picked up within the hour.
func Static() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	fileServer := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	})
}
