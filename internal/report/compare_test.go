package report_test

import (
	"slices"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

const (
	nordic  = reporttest.Nordic
	russian = reporttest.Russian
	script  = reporttest.Script
	never   = reporttest.Never
)

// rowsByKey indexes rows by key, failing on a repeated key.
func rowsByKey(t *testing.T, rows []report.CompareRow) map[string]report.CompareRow {
	t.Helper()
	out := map[string]report.CompareRow{}
	for _, r := range rows {
		if _, dup := out[r.Key]; dup {
			t.Fatalf("row key %q appears twice", r.Key)
		}
		out[r.Key] = r
	}
	return out
}

func wantProviderOrder(t *testing.T, c assess.Comparison, names ...string) {
	t.Helper()
	var got []string
	for _, p := range c.Providers {
		got = append(got, p.Evaluation.ProviderName)
	}
	if !slices.Equal(got, names) {
		t.Fatalf("providers in order %q, want %q", got, names)
	}
}

func TestCompareRowsOrderAndKeys(t *testing.T) {
	c := reporttest.Three(t)
	wantProviderOrder(t, c, nordic, russian, script)
	if len(c.Excluded) != 1 || c.Excluded[0].Provider.Name != never {
		t.Fatalf("excluded = %+v, want the provider never evaluated", c.Excluded)
	}
	want := []string{"summary/coverage", "summary/tier", "summary/progress", "summary/evidenced", "summary/verified"}
	for _, qu := range c.Questionnaire.Questions {
		want = append(want, "questions/q."+qu.Key)
	}
	for _, qu := range c.Questionnaire.Questions {
		for _, el := range qu.Elements {
			want = append(want, "elements/e."+qu.Key+"."+el.Key)
		}
	}
	for _, l := range c.Questionnaire.Split.Keys() {
		want = append(want, "responsibility/layer."+string(l))
	}
	want = append(want, "responsibility/retained")
	rows := report.CompareRows(c)
	var got []string
	for _, r := range rows {
		got = append(got, r.Group+"/"+r.Key)
		if len(r.Cells) != len(c.Providers) {
			t.Errorf("row %s has %d cells, want one per provider (%d)", r.Key, len(r.Cells), len(c.Providers))
		}
		if r.Label == "" {
			t.Errorf("row %s has no label", r.Key)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows =\n%q\nwant\n%q", got, want)
	}
	byKey := rowsByKey(t, rows)
	if q := byKey["e.abuse_cases.malware"].Question; q != "abuse_cases" {
		t.Errorf("element row's Question = %q, want abuse_cases", q)
	}
	if report.CompareRows(assess.Comparison{}) != nil {
		t.Error("CompareRows of an empty comparison is not nil")
	}
}

func TestCompareRowsCells(t *testing.T) {
	c := reporttest.Three(t)
	rows := rowsByKey(t, report.CompareRows(c))
	nordicScore := assess.Round1(c.Providers[0].Summary.Score.Overall)
	tests := []struct {
		key   string
		texts []string
		best  []bool
	}{
		{"coverage", []string{report.OneDecimal(nordicScore), "42.5", "26.3"}, []bool{true, false, false}},
		{"tier", []string{"Adequate", "Weak", "Poor"}, []bool{false, false, false}},
		{"q.shared_model", []string{"81.3", "100.0", "75.0"}, []bool{false, true, false}},
		{"q.abuse_cases", []string{"83.3", "12.5", "not applicable"}, []bool{true, false, false}},
		// Ties: both "yes" cells are best.
		{"e.monitoring.continuous_monitoring", []string{"Yes · credit 100%", "Yes · credit 100%", "Partial · credit 50%"},
			[]bool{true, true, false}},
		// All agree: nothing stands out.
		{"e.shared_model.documented", []string{"Yes · credit 100%", "Yes · credit 100%", "Yes · credit 100%"},
			[]bool{false, false, false}},
		{"e.shared_model.matrix", []string{"7 of 8 layers assigned · credit 87.5%", "8 of 8 layers assigned · credit 100%",
			"8 of 8 layers assigned · credit 100%"}, []bool{false, true, true}},
		{"e.abuse_cases.abuse_reporting", []string{"Not applicable", "Not answered · credit 0%", "Not applicable"},
			[]bool{false, false, false}},
		{"e.assessments.certifications", []string{"Other · credit 50%", "ISO/IEC 27001, SOC 2 Type II · credit 100%",
			"Not answered · credit 0%"}, []bool{false, true, false}},
		{"layer.physical", []string{"Provider", "Provider", "Provider"}, []bool{false, false, false}},
		{"layer.user_activity", []string{"not answered", "Customer", "Customer"}, []bool{false, false, false}},
		// Fewest layers kept is best: Nordić and the PaaS one keep 4, the IaaS one 5.
		{"retained", []string{"4", "5", "4"}, []bool{true, false, true}},
	}
	for _, tc := range tests {
		row := rows[tc.key]
		for i, cell := range row.Cells {
			if cell.Text != tc.texts[i] {
				t.Errorf("%s cell %d Text = %q, want %q", tc.key, i, cell.Text, tc.texts[i])
			}
			if cell.Best != tc.best[i] {
				t.Errorf("%s cell %d (%q) Best = %v, want %v", tc.key, i, cell.Text, cell.Best, tc.best[i])
			}
		}
	}
	for key, differs := range map[string]bool{
		"coverage": true, "e.shared_model.documented": false, "layer.physical": false, "layer.hypervisor": false,
		"layer.user_permissions": false, "layer.application": true, "retained": true,
	} {
		if rows[key].Differs != differs {
			t.Errorf("%s Differs = %v, want %v", key, rows[key].Differs, differs)
		}
	}
}

func TestCompareRowsValuesAndShades(t *testing.T) {
	c := reporttest.Three(t)
	rows := rowsByKey(t, report.CompareRows(c))
	value := func(key string, i int) *float64 { return rows[key].Cells[i].Value }
	if v := value("coverage", 0); v == nil || *v != assess.Round1(c.Providers[0].Summary.Score.Overall) {
		t.Errorf("coverage Value = %v, want the one-decimal coverage score", v)
	}
	if v := value("e.shared_model.matrix", 0); v == nil || *v != 0.875 {
		t.Errorf("matrix element Value = %v, want the credit 0.875", v)
	}
	if v := value("e.abuse_cases.malware", 1); v == nil || *v != 0 {
		t.Errorf("a 'no' answer's Value = %v, want the credit 0", v)
	}
	for _, key := range []string{"tier", "q.abuse_cases", "layer.os"} {
		if v := value(key, 2); v != nil {
			t.Errorf("%s cell 2 has Value %v, want none", key, *v)
		}
	}
	if v := value("retained", 1); v == nil || *v != 5 {
		t.Errorf("retained Value = %v, want 5", v)
	}
	shades := []struct {
		key  string
		cell int
		want float64
	}{
		{"coverage", 1, 0.425}, {"q.shared_model", 1, 1}, {"q.shared_model", 2, 0.75}, {"q.assessments", 2, 0},
		{"q.abuse_cases", 2, -1}, {"tier", 0, -1}, {"progress", 0, -1}, {"e.shared_model.matrix", 0, -1},
		{"layer.os", 0, -1}, {"retained", 0, -1},
	}
	for _, s := range shades {
		if got := rows[s.key].Cells[s.cell].Shade; got != s.want {
			t.Errorf("%s cell %d Shade = %v, want %v", s.key, s.cell, got, s.want)
		}
	}
}

// TestCompareRowsDeviations checks deviations against each provider's own service model: the
// same claim is a deviation for a SaaS offering and not for an IaaS one.
func TestCompareRowsDeviations(t *testing.T) {
	c := reporttest.Three(t)
	rows := rowsByKey(t, report.CompareRows(c))
	want := map[string][]bool{
		"layer.application":   {true, false, false}, // Nordić (SaaS) hands it to the customer
		"layer.network":       {false, true, false}, // the IaaS one claims it, where the reference shares it
		"layer.os":            {false, false, false},
		"layer.user_activity": {false, false, false}, // unanswered is no deviation
	}
	for key, devs := range want {
		for i, cell := range rows[key].Cells {
			if cell.Deviation != devs[i] {
				t.Errorf("%s cell %d (%q) Deviation = %v, want %v", key, i, cell.Text, cell.Deviation, devs[i])
			}
		}
	}
	if got, want := rows["layer.application"].Cells[0].Text, "Customer (reference: Provider)"; got != want {
		t.Errorf("deviating cell Text = %q, want %q", got, want)
	}
	if got := rows["layer.application"].Cells[1].Text; got != "Customer" {
		t.Errorf("the IaaS claim of the same owner reads %q, want %q", got, "Customer")
	}
	for _, r := range rows {
		if r.Group != report.CompareResponsibility {
			for i, cell := range r.Cells {
				if cell.Deviation {
					t.Errorf("%s cell %d is a deviation outside the responsibility rows", r.Key, i)
				}
			}
		}
	}
}

func TestCompareRowsNotAssessed(t *testing.T) {
	c := reporttest.NotAssessedComparison(t)
	wantProviderOrder(t, c, nordic, "Empty")
	rows := rowsByKey(t, report.CompareRows(c))
	for key, want := range map[string]string{"coverage": "Not assessed", "tier": "Not assessed", "q.abuse_cases": "not assessed"} {
		cell := rows[key].Cells[1]
		if cell.Text != want || cell.Value != nil || !cell.Faint || cell.Best {
			t.Errorf("%s cell of the provider not assessed = %+v, want %q, faint, no value", key, cell, want)
		}
	}
}

func TestCompareRowsWithoutSplit(t *testing.T) {
	c := reporttest.NoSplitComparison(t)
	for _, r := range report.CompareRows(c) {
		if r.Group == report.CompareResponsibility {
			t.Errorf("row %s: a questionnaire without a split has no responsibility rows", r.Key)
		}
	}
}
