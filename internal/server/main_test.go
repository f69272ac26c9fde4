package server_test

import (
	"testing"

	"shareline/internal/postgres/postgrestest"
)

// TestMain stops the private PostgreSQL cluster the tests may have started (postgrestest.Main).
func TestMain(m *testing.M) { postgrestest.Main(m) }
