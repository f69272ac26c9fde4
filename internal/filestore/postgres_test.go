package filestore_test

import (
	"testing"

	"shareline/internal/filestore"
	"shareline/internal/filestore/storetest"
	"shareline/internal/postgres/postgrestest"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

func TestPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) filestore.Store {
		return filestore.NewPostgres(postgrestest.Pool(t))
	})
}
