package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
)

func TestCreateProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("returns an id and the time it was stored", func(t *testing.T) {
		before := time.Now()
		p, err := f.store.CreateProvider(t.Context(), assess.Provider{Name: "Acme Cloud", ServiceModel: assess.IaaS}, tester)
		after := time.Now()
		if err != nil {
			t.Fatalf("CreateProvider: got error %v, want none", err)
		}
		if p.ID <= 0 {
			t.Errorf("ID: got %d, want a positive id", p.ID)
		}
		// The database clock and ours are the same machine's; allow for rounding.
		if p.CreatedAt.Before(before.Add(-time.Second)) || p.CreatedAt.After(after.Add(time.Second)) {
			t.Errorf("CreatedAt: got %v, want between %v and %v", p.CreatedAt, before, after)
		}
		if !p.UpdatedAt.Equal(p.CreatedAt) {
			t.Errorf("UpdatedAt: got %v, want CreatedAt %v on a new provider", p.UpdatedAt, p.CreatedAt)
		}
	})

	t.Run("gives each provider its own id", func(t *testing.T) {
		a := f.createProvider(t, "Distinct One", assess.SaaS)
		b := f.createProvider(t, "Distinct Two", assess.SaaS)
		if a.ID == b.ID {
			t.Errorf("ids of two providers: got %d twice, want two ids", a.ID)
		}
	})

	t.Run("a name taken in another case is a conflict and stores nothing", func(t *testing.T) {
		first := f.createProvider(t, "ACME cloud object storage", assess.SaaS)
		before := f.count(t, `SELECT count(*) FROM providers`)
		_, err := f.store.CreateProvider(t.Context(), assess.Provider{Name: "Acme Cloud Object Storage", ServiceModel: assess.PaaS}, tester)
		wantErr(t, `CreateProvider("Acme Cloud Object Storage") beside "ACME cloud object storage"`, err, assess.ErrConflict)
		if got := f.count(t, `SELECT count(*) FROM providers`); got != before {
			t.Errorf("providers after the conflict: got %d, want %d", got, before)
		}
		got, err := f.store.FindProvider(t.Context(), first.ID)
		if err != nil {
			t.Fatalf("FindProvider(%d): got error %v, want the first provider", first.ID, err)
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("first provider after the conflict (-want +got):\n%s", diff)
		}
	})

	t.Run("a non-ASCII name taken in another case is a conflict", func(t *testing.T) {
		f.createProvider(t, "Облачные Системы", assess.SaaS)
		_, err := f.store.CreateProvider(t.Context(), assess.Provider{Name: "ОБЛАЧНЫЕ СИСТЕМЫ", ServiceModel: assess.SaaS}, tester)
		wantErr(t, `CreateProvider("ОБЛАЧНЫЕ СИСТЕМЫ") beside "Облачные Системы"`, err, assess.ErrConflict)
		f.createProvider(t, "Nordić Cloud Ünited", assess.SaaS)
		_, err = f.store.CreateProvider(t.Context(), assess.Provider{Name: "NORDIĆ CLOUD ÜNITED", ServiceModel: assess.SaaS}, tester)
		wantErr(t, `CreateProvider("NORDIĆ CLOUD ÜNITED") beside "Nordić Cloud Ünited"`, err, assess.ErrConflict)
	})
}

func TestFindProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	for _, in := range []assess.Provider{
		{Name: "Acme Cloud", Offering: "Object storage", ServiceModel: assess.IaaS,
			Website: "https://acme.example/security", Notes: "Asked for the SOC 2 report.\nWaiting."},
		{Name: "Nordić Cloud Ünited", Offering: "Ħosted CRM", ServiceModel: assess.SaaS,
			Website: "https://nordic.example", Notes: "Ünïcödé notes ✓ 🌩"},
		{Name: "Облачные Системы", Offering: "Платформа", ServiceModel: assess.PaaS},
	} {
		t.Run("round-trips every field of "+in.Name, func(t *testing.T) {
			created, err := f.store.CreateProvider(t.Context(), in, tester)
			if err != nil {
				t.Fatalf("CreateProvider(%q): got error %v, want none", in.Name, err)
			}
			want := in
			want.ID, want.CreatedAt, want.UpdatedAt = created.ID, created.CreatedAt, created.UpdatedAt
			if diff := cmp.Diff(want, created); diff != "" {
				t.Errorf("CreateProvider returned (-want +got):\n%s", diff)
			}
			got, err := f.store.FindProvider(t.Context(), created.ID)
			if err != nil {
				t.Fatalf("FindProvider(%d): got error %v, want the provider", created.ID, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("FindProvider(%d) (-want +got):\n%s", created.ID, diff)
			}
		})
	}

	t.Run("an unknown id is not found", func(t *testing.T) {
		_, err := f.store.FindProvider(t.Context(), 987654)
		wantErr(t, "FindProvider(987654)", err, assess.ErrNotFound)
	})
}

func TestUpdateProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("changes every field and updated_at, keeps created_at", func(t *testing.T) {
		p := f.createProvider(t, "Before Cloud", assess.SaaS)
		time.Sleep(2 * time.Millisecond)
		change := assess.Provider{ID: p.ID, Name: "Äfter Cloud", Offering: "Managed Postgres",
			ServiceModel: assess.PaaS, Website: "https://after.example", Notes: "Renamed."}
		got, err := f.store.UpdateProvider(t.Context(), change, tester)
		if err != nil {
			t.Fatalf("UpdateProvider: got error %v, want none", err)
		}
		if !got.UpdatedAt.After(p.UpdatedAt) {
			t.Errorf("UpdatedAt: got %v, want later than %v", got.UpdatedAt, p.UpdatedAt)
		}
		want := change
		want.CreatedAt, want.UpdatedAt = p.CreatedAt, got.UpdatedAt
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("UpdateProvider returned (-want +got):\n%s", diff)
		}
		found, err := f.store.FindProvider(t.Context(), p.ID)
		if err != nil {
			t.Fatalf("FindProvider(%d): got error %v, want the provider", p.ID, err)
		}
		if diff := cmp.Diff(want, found); diff != "" {
			t.Errorf("FindProvider after the update (-want +got):\n%s", diff)
		}
	})

	t.Run("renaming to another case of its own name is allowed", func(t *testing.T) {
		p := f.createProvider(t, "Own Name Cloud", assess.SaaS)
		p.Name = "OWN NAME CLOUD"
		got, err := f.store.UpdateProvider(t.Context(), p, tester)
		if err != nil {
			t.Fatalf("UpdateProvider to %q: got error %v, want none", p.Name, err)
		}
		if got.Name != p.Name {
			t.Errorf("Name: got %q, want %q", got.Name, p.Name)
		}
	})

	t.Run("a name another provider has in another case is a conflict and changes nothing", func(t *testing.T) {
		f.createProvider(t, "ACME cloud", assess.SaaS)
		other := f.createProvider(t, "Other Cloud", assess.IaaS)
		change := other
		change.Name, change.Notes = "Acme Cloud", "should not be stored"
		_, err := f.store.UpdateProvider(t.Context(), change, tester)
		wantErr(t, `UpdateProvider(name "Acme Cloud") beside "ACME cloud"`, err, assess.ErrConflict)
		got, err := f.store.FindProvider(t.Context(), other.ID)
		if err != nil {
			t.Fatalf("FindProvider(%d): got error %v, want the provider", other.ID, err)
		}
		if diff := cmp.Diff(other, got); diff != "" {
			t.Errorf("provider after the refused update (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown id is not found and stores nothing", func(t *testing.T) {
		before := f.count(t, `SELECT count(*) FROM providers`)
		_, err := f.store.UpdateProvider(t.Context(), assess.Provider{ID: 987654, Name: "Ghost Cloud", ServiceModel: assess.SaaS}, tester)
		wantErr(t, "UpdateProvider(987654)", err, assess.ErrNotFound)
		if got := f.count(t, `SELECT count(*) FROM providers`); got != before {
			t.Errorf("providers after updating an unknown id: got %d, want %d", got, before)
		}
	})
}
