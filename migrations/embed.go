// Package migrations holds the database schema as forward-only SQL files, applied in order by
// goose. Never edit a file that has landed: add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
