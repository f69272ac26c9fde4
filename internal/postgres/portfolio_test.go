package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/app"
	"shareline/internal/assess"
)

func TestAllStreamsEveryProviderByName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, name := range []string{"charlie", "Delta", "Alpha", "Облачные Системы"} {
		f.createProvider(t, name, assess.SaaS)
	}
	beta := f.createProvider(t, "beta", assess.PaaS)
	current := f.evaluate(t, beta, assess.EvaluationCompleted, time.Now(), abuse[:2]...)
	draft := f.evaluate(t, beta, assess.EvaluationDraft, time.Time{}, abuse[:1]...)

	t.Run("every provider, by name in any case, with its evaluations", func(t *testing.T) {
		var got []string
		f.read(t, func(tx app.Tx) error {
			for l, err := range tx.Providers().All(t.Context()) {
				if err != nil {
					return err
				}
				got = append(got, l.Name)
				if l.ID != beta.ID {
					if l.Current != nil || l.Draft != nil {
						t.Errorf("%s: got Current %v, Draft %v; want none", l.Name, l.Current, l.Draft)
					}
					continue
				}
				if l.Current == nil || l.Draft == nil {
					t.Fatalf("%s: got Current %v, Draft %v; want both", l.Name, l.Current, l.Draft)
				}
				if diff := cmp.Diff(current, *l.Current); diff != "" {
					t.Errorf("Current (-want Find +got):\n%s", diff)
				}
				if diff := cmp.Diff(draft, *l.Draft); diff != "" {
					t.Errorf("Draft (-want Find +got):\n%s", diff)
				}
			}
			return nil
		})
		want := []string{"Alpha", "beta", "charlie", "Delta", "Облачные Системы"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
	})

	t.Run("breaking out of the loop closes the query and frees the transaction", func(t *testing.T) {
		f.read(t, func(tx app.Tx) error {
			n := 0
			for _, err := range tx.Providers().All(t.Context()) {
				if err != nil {
					return err
				}
				if n++; n == 2 {
					break
				}
			}
			page, err := tx.Providers().List(t.Context(), assess.ProviderQuery{})
			if err != nil || page.Total != 5 {
				t.Errorf("List after breaking out: got Total %d, error %v; want 5, none", page.Total, err)
			}
			return nil
		})
	})
}
