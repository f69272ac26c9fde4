package server

import (
	_ "embed"
	"net/http"
)

// openAPI describes the JSON API; a test checks that it lists every /api/v1 route.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}
