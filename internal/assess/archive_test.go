package assess_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"shareline/internal/assess"
)

func TestArchiveChecks(t *testing.T) {
	active := assess.Provider{ID: 7, Name: "Acme Cloud"}
	archived := active
	archived.ArchivedAt = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		check func(assess.Provider) error
		p     assess.Provider
		want  error // nil: allowed
	}{
		{"an active provider may change", assess.CheckActive, active, nil},
		{"an archived provider may not change", assess.CheckActive, archived, assess.ErrArchived},
		{"an active provider may be archived", assess.CheckArchivable, active, nil},
		{"an archived provider is not archived twice", assess.CheckArchivable, archived, assess.ErrArchivedAlready},
		{"an archived provider may be restored", assess.CheckRestorable, archived, nil},
		{"an active provider is not restored", assess.CheckRestorable, active, assess.ErrNotArchived},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.p)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if err != nil && !errors.Is(err, assess.ErrConflict) {
				t.Errorf("got %v, want a conflict (409)", err)
			}
		})
	}
	if active.Archived() || !archived.Archived() {
		t.Errorf("Archived(): got %v for the active one and %v for the archived one, want false and true", active.Archived(), archived.Archived())
	}
}

func TestCheckComparableNamesTheArchived(t *testing.T) {
	at := time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	in := func(ps ...assess.Provider) []assess.CompareInput {
		out := make([]assess.CompareInput, 0, len(ps))
		for _, p := range ps {
			out = append(out, assess.CompareInput{Provider: p})
		}
		return out
	}
	a := assess.Provider{ID: 1, Name: "Acme"}
	b := assess.Provider{ID: 2, Name: "Bravo", ArchivedAt: at}
	c := assess.Provider{ID: 3, Name: "Charlie", ArchivedAt: at}
	if err := assess.CheckComparable(in(a, assess.Provider{ID: 4, Name: "Delta"})); err != nil {
		t.Errorf("no archived provider: got %v, want nil", err)
	}
	for _, tt := range []struct {
		name  string
		in    []assess.CompareInput
		words []string
	}{
		{"one archived", in(a, b), []string{"provider 2 (Bravo) is archived", "restore it"}},
		{"two archived", in(b, a, c), []string{"providers 2 (Bravo), 3 (Charlie) are archived", "restore them"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ve *assess.ValidationError
			if err := assess.CheckComparable(tt.in); !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error on ids", err)
			}
			for _, w := range tt.words {
				if !strings.Contains(ve.Fields["ids"], w) {
					t.Errorf("ids: got %q, want it to say %q", ve.Fields["ids"], w)
				}
			}
		})
	}
}

func TestProviderQueryArchivedIsFiltered(t *testing.T) {
	if (assess.ProviderQuery{}).Filtered() {
		t.Errorf("the plain list: Filtered() true, want false (its total is the kept one)")
	}
	if !(assess.ProviderQuery{Archived: true}).Filtered() {
		t.Errorf("the archived list: Filtered() false, want true (its total is counted)")
	}
}
