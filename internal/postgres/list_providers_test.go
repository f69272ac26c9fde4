package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/assess"
)

func (f fixture) list(t *testing.T, q assess.ProviderQuery) assess.ProviderPage {
	t.Helper()
	page, err := f.store.ListProviders(t.Context(), q, today)
	if err != nil {
		t.Fatalf("ListProviders(%+v): got error %v, want a page", q, err)
	}
	return page
}

func TestListProvidersSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, name := range []string{
		"100% Cloud", "1000 Cloud", "A_B Cloud", "AxB Cloud", `Back\slash Cloud`, "Backslash Cloud",
		"Nordić Cloud Ünited", "Облачные Системы",
	} {
		f.createProvider(t, name, assess.SaaS)
	}

	for _, tc := range []struct {
		name, search string
		want         []string
	}{
		{"percent is literal", "100%", []string{"100% Cloud"}},
		{"a lone percent matches only names with one", "%", []string{"100% Cloud"}},
		{"underscore is literal", "_", []string{"A_B Cloud"}},
		{"underscore inside a word is literal", "a_b", []string{"A_B Cloud"}},
		{"backslash is literal", `\`, []string{`Back\slash Cloud`}},
		{"substring matches several", "100", []string{"100% Cloud", "1000 Cloud"}},
		{"any case matches", "CLOUD", []string{"100% Cloud", "1000 Cloud", "A_B Cloud", "AxB Cloud",
			`Back\slash Cloud`, "Backslash Cloud", "Nordić Cloud Ünited"}},
		{"non-ASCII in another case matches", "облачные", []string{"Облачные Системы"}},
		{"accented letters in another case match", "ÜNITED", []string{"Nordić Cloud Ünited"}},
		{"surrounding spaces are ignored", "  1000  ", []string{"1000 Cloud"}},
		{"no match gives an empty page", "nothing like this", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := f.list(t, assess.ProviderQuery{Search: tc.search})
			// Order is another test's business; the order of punctuation depends on the collation.
			got := names(page)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tc.search, diff)
			}
			if page.Total != len(tc.want) {
				t.Errorf("search %q: got Total %d, want %d", tc.search, page.Total, len(tc.want))
			}
		})
	}
}

func TestListProvidersSortByName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, name := range []string{"charlie", "Delta", "Alpha", "echo", "beta"} {
		f.createProvider(t, name, assess.SaaS)
	}
	want := []string{"Alpha", "beta", "charlie", "Delta", "echo"}
	for _, sort := range []assess.ProviderSort{assess.SortByName, ""} {
		t.Run(fmt.Sprintf("sort %q ignores case", sort), func(t *testing.T) {
			got := names(f.list(t, assess.ProviderQuery{Sort: sort}))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("providers by name (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListProvidersSortByScore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	abuse := []string{"app_vulnerabilities", "malware", "privilege_abuse", "abuse_reporting"}
	// evaluate starts an evaluation and answers the first n abuse_cases elements yes, so that
	// the overall score is 5 × n (one question of five, each element a quarter of it).
	evaluate := func(t *testing.T, p assess.Provider, n int) assess.Evaluation {
		t.Helper()
		ev := f.createEvaluation(t, p.ID)
		for _, el := range abuse[:n] {
			f.save(t, ev.ID, f.answer(t, "abuse_cases."+el, `"yes"`, ""))
		}
		return ev
	}
	evaluate(t, f.createProvider(t, "Zeta", assess.SaaS), 4)  // 20
	evaluate(t, f.createProvider(t, "Mu", assess.SaaS), 2)    // 10
	evaluate(t, f.createProvider(t, "gamma", assess.SaaS), 0) // 0
	evaluate(t, f.createProvider(t, "Alpha", assess.SaaS), 0) // 0
	omega := f.createProvider(t, "Omega", assess.SaaS)
	evaluate(t, omega, 4)                     // 20, but no longer the latest:
	evaluate(t, omega, 0)                     // 0
	f.createProvider(t, "Kappa", assess.SaaS) // never evaluated
	f.createProvider(t, "beta", assess.SaaS)  // never evaluated

	want := []string{"Zeta", "Mu", "Alpha", "gamma", "Omega", "beta", "Kappa"}
	wantScore := map[string]float64{"Zeta": 20, "Mu": 10, "Alpha": 0, "gamma": 0, "Omega": 0}

	t.Run("best latest score first, ties by name, never evaluated last", func(t *testing.T) {
		page := f.list(t, assess.ProviderQuery{Sort: assess.SortByScore})
		if diff := cmp.Diff(want, names(page)); diff != "" {
			t.Errorf("providers by score (-want +got):\n%s", diff)
		}
		for _, p := range page.Providers {
			score, evaluated := wantScore[p.Name]
			switch {
			case !evaluated && p.Latest != nil:
				t.Errorf("%s: got Latest %+v, want nil (never evaluated)", p.Name, *p.Latest)
			case evaluated && p.Latest == nil:
				t.Errorf("%s: got Latest nil, want an evaluation scoring %v", p.Name, score)
			case evaluated && assess.Round1(p.Latest.Score.Overall) != score:
				t.Errorf("%s: got latest score %v, want %v", p.Name, p.Latest.Score.Overall, score)
			}
		}
	})

	t.Run("pages by score add up to the whole list", func(t *testing.T) {
		var got []string
		for offset := 0; offset < len(want)+2; offset += 2 {
			page := f.list(t, assess.ProviderQuery{Sort: assess.SortByScore, Limit: 2, Offset: offset})
			if page.Total != len(want) {
				t.Errorf("offset %d: got Total %d, want %d", offset, page.Total, len(want))
			}
			got = append(got, names(page)...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages of 2 by score, joined (-want +got):\n%s", diff)
		}
	})
}

func TestListProvidersPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var all []string
	for i := 1; i <= 7; i++ {
		name := fmt.Sprintf("Page %02d", i)
		f.createProvider(t, name, assess.SaaS)
		all = append(all, name)
	}
	f.createProvider(t, "Unrelated", assess.SaaS)

	for _, tc := range []struct {
		offset int
		want   []string
	}{
		{0, all[0:3]},
		{3, all[3:6]},
		{6, all[6:7]},
		{7, nil},
		{9, nil},
		{1000, nil},
	} {
		t.Run(fmt.Sprintf("limit 3 offset %d counts every match", tc.offset), func(t *testing.T) {
			page := f.list(t, assess.ProviderQuery{Search: "page", Limit: 3, Offset: tc.offset})
			if diff := cmp.Diff(tc.want, names(page), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if page.Total != 7 {
				t.Errorf("Total: got %d, want 7 (the providers matching \"page\")", page.Total)
			}
		})
	}

	t.Run("without a search Total counts every provider, past the end too", func(t *testing.T) {
		for _, offset := range []int{0, 5, 8, 50} {
			page := f.list(t, assess.ProviderQuery{Limit: 5, Offset: offset})
			if page.Total != 8 {
				t.Errorf("offset %d: got Total %d, want 8", offset, page.Total)
			}
		}
	})

	t.Run("limit 500 is allowed", func(t *testing.T) {
		page := f.list(t, assess.ProviderQuery{Limit: assess.MaxPageSize})
		if len(page.Providers) != 8 || page.Total != 8 {
			t.Errorf("limit %d: got %d providers, Total %d; want 8 and 8", assess.MaxPageSize, len(page.Providers), page.Total)
		}
	})
}

func TestListProvidersLatest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	never := f.createProvider(t, "Never Evaluated", assess.SaaS)
	twice := f.createProvider(t, "Evaluated Twice", assess.IaaS)
	older := f.createEvaluation(t, twice.ID)
	f.save(t, older.ID, f.answer(t, "abuse_cases.malware", `"yes"`, ""))
	newer := f.createEvaluation(t, twice.ID)
	f.save(t, newer.ID, f.answer(t, "abuse_cases.malware", `"partial"`, ""))

	listing := map[int64]assess.ProviderListing{}
	for _, p := range f.list(t, assess.ProviderQuery{}).Providers {
		listing[p.ID] = p
	}

	t.Run("is nil for a provider never evaluated", func(t *testing.T) {
		p, ok := listing[never.ID]
		if !ok {
			t.Fatalf("provider %d: missing from the list", never.ID)
		}
		if p.Latest != nil {
			t.Errorf("Latest: got %+v, want nil", *p.Latest)
		}
	})

	t.Run("is the newer of two evaluations with its stored score", func(t *testing.T) {
		p, ok := listing[twice.ID]
		if !ok {
			t.Fatalf("provider %d: missing from the list", twice.ID)
		}
		if p.Latest == nil {
			t.Fatalf("Latest: got nil, want evaluation %d", newer.ID)
		}
		if p.Latest.ID != newer.ID {
			t.Errorf("Latest.ID: got %d, want %d (the newer; the older is %d)", p.Latest.ID, newer.ID, older.ID)
		}
		want := f.findEvaluation(t, newer.ID)
		// A listing carries the head of the evaluation and its stored figures (per question too,
		// for exports), not the answers.
		want.Answers = nil
		if diff := cmp.Diff(want, *p.Latest); diff != "" {
			t.Errorf("Latest (-want +got):\n%s", diff)
		}
		if p.Latest.Score.Overall != 2.5 {
			t.Errorf("Latest score: got %v, want 2.5 (malware partial)", p.Latest.Score.Overall)
		}
	})
}

func TestListProvidersRefusesInvalidQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.createProvider(t, "Acme Cloud", assess.SaaS)
	for _, tc := range []struct {
		name  string
		q     assess.ProviderQuery
		field string
	}{
		{"limit above 500", assess.ProviderQuery{Limit: 501}, "limit"},
		{"negative limit", assess.ProviderQuery{Limit: -1}, "limit"},
		{"unknown sort", assess.ProviderQuery{Sort: "x"}, "sort"},
		{"negative offset", assess.ProviderQuery{Offset: -1}, "offset"},
		{"search over two lines", assess.ProviderQuery{Search: "acme\ncloud"}, "q"},
		{"search too long", assess.ProviderQuery{Search: strings.Repeat("a", 201)}, "q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := f.store.ListProviders(t.Context(), tc.q, today)
			var ve *assess.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ListProviders(%+v): got error %v (%T), want a *assess.ValidationError", tc.q, err, err)
			}
			if _, ok := ve.Fields[tc.field]; !ok {
				t.Errorf("fields: got %v, want %q among them", ve.Fields, tc.field)
			}
			if len(page.Providers) != 0 {
				t.Errorf("page: got %d providers, want none with an error", len(page.Providers))
			}
		})
	}
}
