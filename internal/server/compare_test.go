package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

type compareOut struct {
	Sort      string `json:"sort"`
	Providers []struct {
		ID           string   `json:"id"`
		Name         string   `json:"name"`
		EvaluationID string   `json:"evaluation_id"`
		Score        scoreOut `json:"score"`
	} `json:"providers"`
	Excluded []struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	} `json:"excluded"`
}

// shortlist makes three evaluated providers whose order differs by coverage and by abuse_cases,
// and one never evaluated.
func shortlist(t *testing.T, a *testApp) (ids []string, names []string, never string) {
	t.Helper()
	word := tag(t)
	// A: strong on the shared model, nothing else: coverage 100×(1+1+... )
	pa, ea := a.evaluated(t, "Alpha "+word, "saas")
	a.answer(t, ea.ID, "shared_model.documented", map[string]any{"value": "yes"})
	a.answer(t, ea.ID, "shared_model.contractual", map[string]any{"value": "yes"})
	a.answer(t, ea.ID, "monitoring.continuous_monitoring", map[string]any{"value": "yes"})
	a.answer(t, ea.ID, "monitoring.privileged_monitoring", map[string]any{"value": "yes"})
	// B: only abuse cases, all yes.
	pb, eb := a.evaluated(t, "Bravo "+word, "iaas")
	for _, el := range []string{"app_vulnerabilities", "malware", "privilege_abuse", "abuse_reporting"} {
		a.answer(t, eb.ID, "abuse_cases."+el, map[string]any{"value": "yes"})
	}
	// C: one partial answer.
	pc, ec := a.evaluated(t, "Charlie "+word, "paas")
	a.answer(t, ec.ID, "abuse_cases.malware", map[string]any{"value": "partial"})
	// Comparisons compare completed evaluations, with their frozen scores.
	for _, id := range []string{ea.ID, eb.ID, ec.ID} {
		complete(t, a, id)
	}
	pn := a.createProvider(t, "November "+word, "saas")
	return []string{pa.ID, pb.ID, pc.ID}, []string{pa.Name, pb.Name, pc.Name}, pn.ID
}

func TestCompareAPIOrdersAndExcludes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ids, names, never := shortlist(t, a)
	all := strings.Join(append(append([]string{}, ids...), never), ",")

	var byCoverage compareOut
	decodeJSON(t, a.get(t, "/api/v1/compare?ids="+all), http.StatusOK, "Comparison", &byCoverage)
	// Alpha: shared_model 50 (2 of weight 4), monitoring 40 → (50+0+0+40+0)/5 = 18;
	// Bravo: abuse_cases 100 → 20; Charlie: abuse_cases 12.5 → 2.5.
	wantOrder(t, "coverage", byCoverage, names[1], names[0], names[2])
	if byCoverage.Providers[0].Score.Overall != 20 || byCoverage.Providers[1].Score.Overall != 18 {
		t.Errorf("scores: got %v and %v, want 20 and 18", byCoverage.Providers[0].Score.Overall, byCoverage.Providers[1].Score.Overall)
	}
	if len(byCoverage.Excluded) != 1 || byCoverage.Excluded[0].ID != never || !strings.Contains(byCoverage.Excluded[0].Reason, "not assessed") {
		t.Errorf("excluded: got %+v, want provider %s as not assessed", byCoverage.Excluded, never)
	}

	var byShared compareOut
	decodeJSON(t, a.get(t, "/api/v1/compare?sort=shared_model&ids="+all), http.StatusOK, "Comparison", &byShared)
	wantOrder(t, "shared_model", byShared, names[0], names[1], names[2])
}

func wantOrder(t *testing.T, sort string, c compareOut, names ...string) {
	t.Helper()
	if len(c.Providers) != len(names) {
		t.Fatalf("sort %s: got %d providers, want %d", sort, len(c.Providers), len(names))
	}
	for i, n := range names {
		if c.Providers[i].Name != n {
			t.Errorf("sort %s: position %d is %q, want %q", sort, i+1, c.Providers[i].Name, n)
		}
	}
}

func TestCompareRefusesBadShortlists(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ids, _, _ := shortlist(t, a)
	many := make([]string, 51)
	for i := range many {
		many[i] = strconv.Itoa(i + 1)
	}
	for name, q := range map[string]string{
		"one id":      ids[0],
		"none":        "",
		"51 ids":      strings.Join(many, ","),
		"unknown id":  ids[0] + "," + noSuchID,
		"repeated id": ids[0] + "," + ids[0],
		"not an id":   ids[0] + ",abc",
		"negative":    ids[0] + ",-3",
		"bad sort":    ids[0] + "," + ids[1] + "&sort=nonsense",
	} {
		t.Run(name, func(t *testing.T) {
			wantAPIError(t, a.get(t, "/api/v1/compare?ids="+q), http.StatusUnprocessableEntity, "invalid", "")
			page := a.get(t, "/compare?ids="+q)
			wantStatus(t, page, http.StatusUnprocessableEntity)
			if !strings.Contains(string(page.body), `data-testid="compare-error"`) {
				t.Error("the page does not show the problem")
			}
			wantStatus(t, a.get(t, "/api/v1/compare.csv?ids="+q), http.StatusUnprocessableEntity)
		})
	}
}

func TestComparePage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ids, names, _ := shortlist(t, a)
	q := strings.Join(ids, ",")
	page := string(a.get(t, "/compare?ids="+q).body)
	for _, n := range names {
		if !strings.Contains(page, n) {
			t.Errorf("the comparison lacks %s", n)
		}
	}
	for _, want := range []string{`data-testid="row-coverage"`, `data-testid="row-q.abuse_cases"`, `data-testid="row-layer.application"`,
		`data-testid="compare-chart"`, "<svg", `class="best"`} {
		if !strings.Contains(page, want) && !strings.Contains(page, strings.ReplaceAll(want, `class="best"`, "best")) {
			t.Errorf("the comparison page lacks %s", want)
		}
	}
	// Every provider leaves the physical layer to the provider in the reference and no one
	// claimed otherwise: with differences only, rows where all agree are hidden.
	all := a.get(t, "/compare?ids="+q)
	diff := a.get(t, "/compare?diff=1&ids="+q)
	if !strings.Contains(string(all.body), `data-testid="row-e.incident_response.ir_plan"`) {
		t.Fatal("the full comparison lacks the ir_plan row")
	}
	if strings.Contains(string(diff.body), `data-testid="row-e.incident_response.ir_plan"`) {
		t.Error("differences only still shows ir_plan, which no provider answered")
	}
	if !strings.Contains(string(diff.body), `data-testid="row-q.abuse_cases"`) {
		t.Error("differences only hides abuse_cases, where the providers differ")
	}
}

func TestCompareFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ids, names, _ := shortlist(t, a)
	q := strings.Join(ids, ",")

	r := a.get(t, "/api/v1/compare.csv?ids="+q)
	wantStatus(t, r, http.StatusOK)
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	for _, n := range names {
		if !strings.Contains(strings.Join(rows[0], ","), n) {
			t.Errorf("the CSV header lacks %s", n)
		}
	}
	if d := r.header.Get("Content-Disposition"); !strings.Contains(d, fmt.Sprintf("shareline-comparison-%d-providers-%s.csv", len(ids), today)) {
		t.Errorf("Content-Disposition: got %q", d)
	}

	x := a.get(t, "/compare.xlsx?ids="+q)
	wantStatus(t, x, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	for _, sheet := range []string{"Scores", "Elements", "Matrix"} {
		if i, _ := f.GetSheetIndex(sheet); i < 0 {
			t.Errorf("sheet %s missing", sheet)
		}
	}
	p := a.get(t, "/compare.pdf?ids="+q)
	wantStatus(t, p, http.StatusOK)
	if !bytes.HasPrefix(p.body, []byte("%PDF")) {
		t.Error("the PDF does not start with %PDF")
	}
	wantStatus(t, a.get(t, "/compare.docx?ids="+q), http.StatusNotFound)
}
