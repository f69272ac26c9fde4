package assess_test

import (
	"maps"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/assess"
)

const scoringDay = "2026-11-29"

func TestScoreWorkedExample(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	answers := answersOf(t, q,
		given{ref: "abuse_cases.app_vulnerabilities", value: status(assess.Yes)},
		given{ref: "abuse_cases.malware", value: status(assess.Partial)},
		given{ref: "abuse_cases.privilege_abuse", value: status(assess.Yes)},
		given{ref: "abuse_cases.abuse_reporting", value: status(assess.StatusNotApplies)},
	)

	s := summarize(q, assess.SaaS, answers, today).Score
	qs := questionScore(t, s, "abuse_cases")

	if !qs.Scored {
		t.Fatalf("abuse_cases Scored: got false, want true")
	}
	if got, want := assess.Round1(qs.Score), 83.3; got != want {
		t.Errorf("abuse_cases score rounded: got %v, want %v (unrounded %v)", got, want, qs.Score)
	}
	if want := 100 * 2.5 / 3; !near(qs.Score, want) {
		t.Errorf("abuse_cases score unrounded: got %v, want %v = 100 × (1 + 0.5 + 1) / 3", qs.Score, want)
	}
	if es := elementScore(t, s, "abuse_cases.abuse_reporting"); es.Applies || !es.Answered {
		t.Errorf("abuse_reporting answered not_applicable: got Applies=%v Answered=%v, want Applies=false Answered=true", es.Applies, es.Answered)
	}
}

func TestScoreStatusCredit(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	tests := []struct {
		status        assess.Status
		wantCredit    float64
		wantApplies   bool
		wantQuestion  float64 // abuse_cases, the three other elements answered yes
		wantQuestionW string  // how wantQuestion is reached, for the failure message
	}{
		{assess.Yes, 1, true, 100, "100 × 4 / 4"},
		{assess.Partial, 0.5, true, 87.5, "100 × 3.5 / 4"},
		{assess.No, 0, true, 75, "100 × 3 / 4"},
		{assess.StatusNotApplies, 0, false, 100, "100 × 3 / 3: the element leaves the question"},
	}
	for _, tt := range tests {
		t.Run("malware "+string(tt.status), func(t *testing.T) {
			answers := answersOf(t, q,
				given{ref: "abuse_cases.app_vulnerabilities", value: status(assess.Yes)},
				given{ref: "abuse_cases.malware", value: status(tt.status)},
				given{ref: "abuse_cases.privilege_abuse", value: status(assess.Yes)},
				given{ref: "abuse_cases.abuse_reporting", value: status(assess.Yes)},
			)
			s := assess.ScoreEvaluation(q, answers, today)

			es := elementScore(t, s, "abuse_cases.malware")
			if es.Applies != tt.wantApplies {
				t.Errorf("Applies: got %v, want %v", es.Applies, tt.wantApplies)
			}
			if tt.wantApplies && es.Credit != tt.wantCredit {
				t.Errorf("credit: got %v, want %v", es.Credit, tt.wantCredit)
			}
			if !es.Answered {
				t.Errorf("Answered: got false, want true")
			}
			if qs := questionScore(t, s, "abuse_cases"); !near(qs.Score, tt.wantQuestion) {
				t.Errorf("abuse_cases score: got %v, want %v (%s)", qs.Score, tt.wantQuestion, tt.wantQuestionW)
			}
		})
	}
}

func TestScoreAllNotApplicableQuestionIsLeftOut(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	answers := answersOf(t, q,
		// abuse_cases: every element not_applicable.
		given{ref: "abuse_cases.app_vulnerabilities", value: status(assess.StatusNotApplies)},
		given{ref: "abuse_cases.malware", value: status(assess.StatusNotApplies)},
		given{ref: "abuse_cases.privilege_abuse", value: status(assess.StatusNotApplies)},
		given{ref: "abuse_cases.abuse_reporting", value: status(assess.StatusNotApplies)},
		// shared_model: 100.
		given{ref: "shared_model.matrix", value: matrixOf(referenceMatrix(assess.SaaS))},
		given{ref: "shared_model.documented", value: status(assess.Yes)},
		given{ref: "shared_model.contractual", value: status(assess.Yes)},
		// monitoring: 100 × (1 + 1 + 0.5 + 1 + 0) / 5 = 70.
		given{ref: "monitoring.continuous_monitoring", value: status(assess.Yes)},
		given{ref: "monitoring.privileged_monitoring", value: status(assess.Yes)},
		given{ref: "monitoring.log_retention_days", value: numberOf(90)},
		given{ref: "monitoring.customer_log_access", value: status(assess.Yes)},
		given{ref: "monitoring.assurance_reports", value: status(assess.No)},
		// assessments and incident_response unanswered: 0 each.
	)

	s := assess.ScoreEvaluation(q, answers, today)

	abuse := questionScore(t, s, "abuse_cases")
	if abuse.Scored {
		t.Errorf("abuse_cases Scored: got true (score %v), want false when every element is not_applicable", abuse.Score)
	}
	if abuse.Progress != 100 {
		t.Errorf("abuse_cases progress: got %v, want 100 (not_applicable is an answer)", abuse.Progress)
	}

	var sum float64
	var n int
	for _, qs := range s.Questions {
		if qs.Scored {
			sum += qs.Score
			n++
		}
	}
	if n != 4 {
		t.Fatalf("scored questions: got %d, want 4", n)
	}
	if mean := sum / float64(n); !near(s.Overall, mean) {
		t.Errorf("overall: got %v, want %v, the mean of the four scored questions", s.Overall, mean)
	}
	if want := (100 + 0 + 70 + 0) / 4.0; !near(s.Overall, want) {
		t.Errorf("overall: got %v, want %v = (100 + 0 + 70 + 0) / 4", s.Overall, want)
	}
}

func TestScoreMatrixCredit(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	tests := []struct {
		name       string
		matrix     map[assess.Layer]assess.Owner
		wantCredit float64
	}{
		{"no layer assigned earns 0", map[assess.Layer]assess.Owner{}, 0},
		{
			"four of eight layers earn 0.5",
			map[assess.Layer]assess.Owner{
				physical: assess.ProviderOwns, hypervisor: assess.ProviderOwns,
				network: assess.SharedOwns, osLayer: assess.CustomerOwns,
			},
			0.5,
		},
		{
			"six of eight layers earn 0.75",
			map[assess.Layer]assess.Owner{
				physical: assess.ProviderOwns, hypervisor: assess.ProviderOwns,
				network: assess.SharedOwns, osLayer: assess.CustomerOwns,
				application: assess.CustomerOwns, userActivity: assess.CustomerOwns,
			},
			0.75,
		},
		{"every layer assigned earns 1", referenceMatrix(assess.IaaS), 1},
		{
			"not_applicable counts as assigned",
			with(referenceMatrix(assess.SaaS), map[assess.Layer]assess.Owner{
				physical: assess.NotApplicable, hypervisor: assess.NotApplicable,
			}),
			1,
		},
		{
			"deviations do not lower the credit",
			with(referenceMatrix(assess.SaaS), map[assess.Layer]assess.Owner{
				application: assess.CustomerOwns, osLayer: assess.CustomerOwns,
			}),
			1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := answersOf(t, q,
				given{ref: "shared_model.matrix", value: matrixOf(tt.matrix)},
				given{ref: "shared_model.documented", value: status(assess.Yes)},
				given{ref: "shared_model.contractual", value: status(assess.No)},
			)
			s := summarize(q, assess.SaaS, answers, today).Score

			es := elementScore(t, s, "shared_model.matrix")
			if es.Credit != tt.wantCredit {
				t.Errorf("matrix credit: got %v, want %v", es.Credit, tt.wantCredit)
			}
			if es.Weight != 2 {
				t.Errorf("matrix weight: got %v, want 2", es.Weight)
			}
			// The matrix weighs 2 of the question's 4: (2 × credit + 1 yes + 0 no) / 4.
			want := 100 * (2*tt.wantCredit + 1) / 4
			if qs := questionScore(t, s, "shared_model"); !near(qs.Score, want) {
				t.Errorf("shared_model score: got %v, want %v = 100 × (2 × %v + 1 + 0) / 4", qs.Score, want, tt.wantCredit)
			}
		})
	}
}

func TestScoreCertifications(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	tests := []struct {
		name  string
		certs []string
		want  float64
	}{
		{"one independent certification earns 1", []string{"soc2_type2"}, 1},
		{"an attestation such as fedramp earns 1", []string{"fedramp"}, 1},
		{"only other earns 0.5", []string{"other"}, 0.5},
		{"an empty list earns 0", []string{}, 0},
		{"other and iso27001 earn 1", []string{"other", "iso27001"}, 1},
		{"iso27001 and other earn 1, whatever the order", []string{"iso27001", "other"}, 1},
		{"several independent certifications earn 1", []string{"iso27001", "iso27017", "pci_dss"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := answersOf(t, q, given{ref: "assessments.certifications", value: multiOf(tt.certs...)})
			s := assess.ScoreEvaluation(q, answers, today)
			if got := elementScore(t, s, "assessments.certifications").Credit; got != tt.want {
				t.Errorf("certifications %v: got credit %v, want %v", tt.certs, got, tt.want)
			}
		})
	}
}

func TestScoreDateAge(t *testing.T) {
	q := builtin(t)
	tests := []struct {
		name       string
		today      string
		date       string
		wantAge    int
		wantCredit float64
	}{
		{"same day, age 0, earns 1", "2026-11-29", "2026-11-29", 0, 1},
		{"age 365 earns 1", "2026-11-29", "2025-11-29", 365, 1},
		{"age 366 earns 0.5", "2026-11-29", "2025-11-28", 366, 0.5},
		{"age 730 earns 0.5", "2026-11-29", "2024-11-29", 730, 0.5},
		{"age 731 earns 0", "2026-11-29", "2024-11-28", 731, 0},
		{"age of ten years earns 0", "2026-11-29", "2016-11-29", 3652, 0},
		// Today 2028-03-01 follows 29 February 2028: a calendar year back is 366 days.
		{"leap year: one calendar year back is 366 days and earns 0.5", "2028-03-01", "2027-03-01", 366, 0.5},
		{"leap year: 2027-03-02 is 365 days back and earns 1", "2028-03-01", "2027-03-02", 365, 1},
		{"leap year: 2026-03-02 is 730 days back and earns 0.5", "2028-03-01", "2026-03-02", 730, 0.5},
		{"leap year: two calendar years back is 731 days and earns 0", "2028-03-01", "2026-03-01", 731, 0},
		{"leap day itself, one day back", "2028-03-01", "2028-02-29", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today, d := day(t, tt.today), day(t, tt.date)
			if got := today.DaysSince(d); got != tt.wantAge {
				t.Fatalf("%s.DaysSince(%s): got %d, want %d", tt.today, tt.date, got, tt.wantAge)
			}
			for _, ref := range []string{"assessments.last_independent_audit", "incident_response.ir_tested"} {
				answers := answersOf(t, q, given{ref: ref, value: dateOf(d)})
				s := assess.ScoreEvaluation(q, answers, today)
				if got := elementScore(t, s, ref).Credit; got != tt.wantCredit {
					t.Errorf("%s = %s on %s: got credit %v, want %v", ref, tt.date, tt.today, got, tt.wantCredit)
				}
			}
		})
	}
}

func TestScoreDateCreditDependsOnTheDay(t *testing.T) {
	q := builtin(t)
	answers := answersOf(t, q, given{ref: "assessments.last_penetration_test", value: dateOf(day(t, "2025-11-29"))})
	for _, tt := range []struct {
		today string
		want  float64
	}{
		{"2026-11-29", 1},
		{"2026-11-30", 0.5},
		{"2027-11-30", 0},
	} {
		t.Run("scored on "+tt.today, func(t *testing.T) {
			today := day(t, tt.today)
			s := assess.ScoreEvaluation(q, answers, today)
			if got := elementScore(t, s, "assessments.last_penetration_test").Credit; got != tt.want {
				t.Errorf("credit: got %v, want %v", got, tt.want)
			}
			if s.AsOf != today {
				t.Errorf("AsOf: got %v, want %v", s.AsOf, today)
			}
		})
	}
}

func TestScoreNumberBands(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	tests := []struct {
		ref  string
		n    float64
		want float64
	}{
		{"monitoring.log_retention_days", 0, 0},
		{"monitoring.log_retention_days", 89, 0},
		{"monitoring.log_retention_days", 90, 0.5},
		{"monitoring.log_retention_days", 364, 0.5},
		{"monitoring.log_retention_days", 365, 1},
		{"monitoring.log_retention_days", 3650, 1},
		{"incident_response.notification_hours", 0, 1},
		{"incident_response.notification_hours", 72, 1},
		{"incident_response.notification_hours", 73, 0.5},
		{"incident_response.notification_hours", 168, 0.5},
		{"incident_response.notification_hours", 169, 0},
	}
	for _, tt := range tests {
		t.Run(tt.ref+" "+formatNumber(tt.n), func(t *testing.T) {
			answers := answersOf(t, q, given{ref: tt.ref, value: numberOf(tt.n)})
			s := assess.ScoreEvaluation(q, answers, today)
			if got := elementScore(t, s, tt.ref).Credit; got != tt.want {
				t.Errorf("%s = %v: got credit %v, want %v", tt.ref, tt.n, got, tt.want)
			}
		})
	}
}

func formatNumber(n float64) string {
	return string(must(numberOf(n).MarshalJSON()))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestScoreUnansweredAndProgress(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	answers := answersOf(t, q,
		given{ref: "monitoring.continuous_monitoring", value: status(assess.Yes)},
		given{ref: "monitoring.privileged_monitoring", value: status(assess.StatusNotApplies)},
	)
	// An answer that carries only an explanation and evidence has no value: it is unanswered.
	answers["monitoring.customer_log_access"] = assess.Answer{
		Question: "monitoring", Element: "customer_log_access", Explanation: "asked, no reply yet",
		Evidence: []assess.Evidence{{URL: "https://example.com", EffectiveDate: today}},
	}

	s := assess.ScoreEvaluation(q, answers, today)

	t.Run("unanswered elements earn 0 and still count in the question", func(t *testing.T) {
		for _, ref := range []string{"monitoring.log_retention_days", "monitoring.customer_log_access", "monitoring.assurance_reports"} {
			es := elementScore(t, s, ref)
			if es.Answered || es.Credit != 0 || !es.Applies {
				t.Errorf("%s: got Answered=%v Credit=%v Applies=%v, want false, 0, true", ref, es.Answered, es.Credit, es.Applies)
			}
		}
		// 1 yes out of 4 applicable elements (privileged_monitoring left the question).
		if qs := questionScore(t, s, "monitoring"); !near(qs.Score, 25) {
			t.Errorf("monitoring score: got %v, want 25 = 100 × 1 / 4", qs.Score)
		}
	})

	t.Run("progress per question counts not_applicable as answered", func(t *testing.T) {
		qs := questionScore(t, s, "monitoring")
		if qs.Answered != 2 || qs.Total != 5 {
			t.Errorf("monitoring answered/total: got %d/%d, want 2/5", qs.Answered, qs.Total)
		}
		if !near(qs.Progress, 40) {
			t.Errorf("monitoring progress: got %v, want 40", qs.Progress)
		}
		if other := questionScore(t, s, "abuse_cases"); other.Progress != 0 || other.Answered != 0 || other.Total != 4 {
			t.Errorf("abuse_cases progress: got %v (%d/%d), want 0 (0/4)", other.Progress, other.Answered, other.Total)
		}
	})

	t.Run("overall progress is answered elements over all 22", func(t *testing.T) {
		if want := 100 * 2.0 / 22; !near(s.Progress, want) {
			t.Errorf("overall progress: got %v, want %v = 100 × 2 / 22", s.Progress, want)
		}
	})

	t.Run("unanswered questions still score 0 in the coverage mean", func(t *testing.T) {
		abuse := questionScore(t, s, "abuse_cases")
		if !abuse.Scored || abuse.Score != 0 {
			t.Errorf("abuse_cases: got Scored=%v Score=%v, want Scored=true Score=0", abuse.Scored, abuse.Score)
		}
		if want := 25.0 / 5; !near(s.Overall, want) {
			t.Errorf("overall: got %v, want %v = (0 + 0 + 0 + 25 + 0) / 5", s.Overall, want)
		}
	})
}

func TestTierOf(t *testing.T) {
	tests := []struct {
		score float64
		want  assess.Tier
	}{
		{100, assess.Strong},
		{80, assess.Strong},
		{79.96, assess.Adequate},
		{79.99999, assess.Adequate},
		{60, assess.Adequate},
		{59.99, assess.Weak},
		{40, assess.Weak},
		{39.99, assess.Poor},
		{0, assess.Poor},
	}
	for _, tt := range tests {
		t.Run(formatNumber(tt.score), func(t *testing.T) {
			if got := assess.TierOf(tt.score); got != tt.want {
				t.Errorf("TierOf(%v): got %q, want %q", tt.score, got, tt.want)
			}
		})
	}
	if got := assess.Round1(79.96); got != 80 {
		t.Errorf("Round1(79.96): got %v, want 80 (shown as 80.0 while its tier is adequate)", got)
	}
}

// TestScoreTierUsesUnroundedScore builds a one-question questionnaire whose score is 79.96, which is
// shown as 80.0 but must stay adequate.
func TestScoreTierUsesUnroundedScore(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(`{
		"key": "tier-edge", "version": 1, "title": "Tier edge",
		"questions": [{"key": "only", "title": "Only", "elements": [
			{"key": "big", "label": "Big", "type": "status", "weight": 79.96},
			{"key": "small", "label": "Small", "type": "status", "weight": 20.04}
		]}]
	}`))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: got error %v, want none", err)
	}
	answers := answersOf(t, q,
		given{ref: "only.big", value: status(assess.Yes)},
		given{ref: "only.small", value: status(assess.No)},
	)
	s := assess.ScoreEvaluation(q, answers, day(t, scoringDay))
	if s.Overall >= 80 || assess.Round1(s.Overall) != 80 {
		t.Fatalf("overall: got %v, want just under 80 that rounds to 80.0", s.Overall)
	}
	if s.Tier != assess.Adequate {
		t.Errorf("tier of %v: got %q, want %q", s.Overall, s.Tier, assess.Adequate)
	}
}

func TestScoreQuestionWeights(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(`{
		"key": "weighted", "version": 1, "title": "Weighted",
		"questions": [
			{"key": "heavy", "title": "Heavy", "weight": 3, "elements": [{"key": "a", "label": "A", "type": "status"}]},
			{"key": "light", "title": "Light", "elements": [{"key": "b", "label": "B", "type": "status"}]}
		]
	}`))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: got error %v, want none", err)
	}
	answers := answersOf(t, q, given{ref: "heavy.a", value: status(assess.Yes)}, given{ref: "light.b", value: status(assess.No)})
	s := assess.ScoreEvaluation(q, answers, day(t, scoringDay))
	if !near(s.Overall, 75) {
		t.Errorf("overall: got %v, want 75 = (3 × 100 + 1 × 0) / 4", s.Overall)
	}
}

func TestScoreEvidenced(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	tests := []struct {
		name    string
		answers []given
		want    float64
	}{
		{
			name: "share of credited weight backed by evidence",
			answers: []given{
				{ref: "abuse_cases.app_vulnerabilities", value: status(assess.Yes), evidence: true},
				{ref: "abuse_cases.malware", value: status(assess.Yes)},
				{ref: "abuse_cases.privilege_abuse", value: status(assess.Partial), evidence: true},
				{ref: "abuse_cases.abuse_reporting", value: status(assess.No), evidence: true},
			},
			// credited 1 + 1 + 0.5 + 0 = 2.5; evidenced 1 + 0.5 + 0 = 1.5.
			want: 60,
		},
		{
			name: "weight counts: the matrix weighs 2",
			answers: []given{
				{ref: "shared_model.matrix", value: matrixOf(referenceMatrix(assess.SaaS)), evidence: true},
				{ref: "shared_model.documented", value: status(assess.Yes)},
			},
			// credited 2 × 1 + 1 = 3; evidenced 2.
			want: 100 * 2.0 / 3,
		},
		{
			name: "evidence on a not_applicable answer counts for nothing",
			answers: []given{
				{ref: "abuse_cases.malware", value: status(assess.Yes)},
				{ref: "abuse_cases.abuse_reporting", value: status(assess.StatusNotApplies), evidence: true},
			},
			want: 0,
		},
		{
			name: "everything evidenced",
			answers: []given{
				{ref: "monitoring.log_retention_days", value: numberOf(100), evidence: true},
				{ref: "monitoring.assurance_reports", value: status(assess.Yes), evidence: true},
			},
			want: 100,
		},
		{name: "nothing credited gives 0", answers: nil, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := assess.ScoreEvaluation(q, answersOf(t, q, tt.answers...), today)
			if !near(s.Evidenced, tt.want) {
				t.Errorf("evidenced: got %v, want %v", s.Evidenced, tt.want)
			}
		})
	}
}

func TestScoreVerified(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	tests := []struct {
		name    string
		answers []given
		want    float64
	}{
		{
			name: "share of credited weight a reviewer accepted",
			answers: []given{
				{ref: "abuse_cases.app_vulnerabilities", value: status(assess.Yes), verdict: assess.Accepted},
				{ref: "abuse_cases.malware", value: status(assess.Yes), verdict: assess.Clarify},
				{ref: "abuse_cases.privilege_abuse", value: status(assess.Partial), verdict: assess.Accepted},
				{ref: "abuse_cases.abuse_reporting", value: status(assess.No), verdict: assess.Accepted},
				{ref: "monitoring.assurance_reports", value: status(assess.Yes), verdict: assess.Rejected},
			},
			// credited 1 + 1 + 0.5 + 0 + 1 = 3.5; verified 1 + 0.5 + 0 (accepted, no credit) = 1.5.
			want: 100 * 1.5 / 3.5,
		},
		{
			name: "weight counts: an accepted matrix weighs 2",
			answers: []given{
				{ref: "shared_model.matrix", value: matrixOf(referenceMatrix(assess.SaaS)), verdict: assess.Accepted},
				{ref: "shared_model.documented", value: status(assess.Yes)},
			},
			// credited 2 × 1 + 1 = 3; verified 2.
			want: 100 * 2.0 / 3,
		},
		{
			name: "accepted answers without credit add nothing",
			answers: []given{
				{ref: "abuse_cases.malware", value: status(assess.Yes)},
				{ref: "abuse_cases.app_vulnerabilities", value: status(assess.No), verdict: assess.Accepted},
				{ref: "abuse_cases.abuse_reporting", value: status(assess.StatusNotApplies), verdict: assess.Accepted},
			},
			want: 0,
		},
		{
			name: "evidence is not verification",
			answers: []given{
				{ref: "abuse_cases.malware", value: status(assess.Yes), evidence: true},
			},
			want: 0,
		},
		{
			name: "everything accepted",
			answers: []given{
				{ref: "monitoring.log_retention_days", value: numberOf(100), verdict: assess.Accepted},
				{ref: "monitoring.assurance_reports", value: status(assess.Partial), verdict: assess.Accepted},
			},
			want: 100,
		},
		{name: "nothing credited gives 0", answers: nil, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := assess.ScoreEvaluation(q, answersOf(t, q, tt.answers...), today)
			if !near(s.Verified, tt.want) {
				t.Errorf("verified: got %v, want %v", s.Verified, tt.want)
			}
		})
	}
}

func TestScoreFullAndEmpty(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)

	t.Run("every element answered at its best scores 100, strong", func(t *testing.T) {
		s := summarize(q, assess.SaaS, bestAnswers(t, q, today), today).Score
		if s.Overall != 100 || s.Tier != assess.Strong || s.Progress != 100 {
			t.Errorf("got overall %v, tier %q, progress %v; want 100, strong, 100", s.Overall, s.Tier, s.Progress)
		}
		for _, qs := range s.Questions {
			if !qs.Scored || qs.Score != 100 || qs.Progress != 100 {
				t.Errorf("question %s: got scored=%v score %v progress %v, want true 100 100", qs.Key, qs.Scored, qs.Score, qs.Progress)
			}
		}
	})

	// Nothing answered is no score at all, never "0.0 Poor".
	t.Run("no answers is not assessed, progress 0", func(t *testing.T) {
		s := summarize(q, assess.SaaS, nil, today).Score
		if s.Assessed() || s.Tier != assess.NotAssessed || s.Progress != 0 || s.Evidenced != 0 {
			t.Errorf("got assessed %v, tier %q, progress %v, evidenced %v; want false, not_assessed, 0, 0", s.Assessed(), s.Tier, s.Progress, s.Evidenced)
		}
	})

	t.Run("one answer of no is assessed, poor", func(t *testing.T) {
		answers := answersOf(t, q, given{ref: "abuse_cases.malware", value: status(assess.No)})
		s := summarize(q, assess.SaaS, answers, today).Score
		if !s.Assessed() || s.Tier != assess.Poor || s.Overall != 0 {
			t.Errorf("got assessed %v, tier %q, overall %v; want true, poor, 0", s.Assessed(), s.Tier, s.Overall)
		}
	})

	t.Run("the score records its day, rules and every question in order", func(t *testing.T) {
		s := assess.ScoreEvaluation(q, nil, today)
		if s.AsOf != today || s.ScoringVersion != assess.ScoringVersion {
			t.Errorf("got AsOf %v, ScoringVersion %d; want %v, %d", s.AsOf, s.ScoringVersion, today, assess.ScoringVersion)
		}
		var keys []string
		elements := 0
		for _, qs := range s.Questions {
			keys = append(keys, qs.Key)
			elements += len(qs.Elements)
		}
		want := []string{"shared_model", "abuse_cases", "assessments", "monitoring", "incident_response"}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("question keys (-want +got):\n%s", diff)
		}
		if elements != 22 {
			t.Errorf("element scores: got %d, want 22", elements)
		}
	})

	t.Run("scoring is a pure function of its inputs", func(t *testing.T) {
		answers := bestAnswers(t, q, today)
		answers["monitoring.assurance_reports"] = assess.Answer{Question: "monitoring", Element: "assurance_reports", Value: status(assess.Partial)}
		first := assess.ScoreEvaluation(q, answers, today)
		second := assess.ScoreEvaluation(q, answers, today)
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("two scores of the same input differ (-first +second):\n%s", diff)
		}
	})
}

func TestSummarizeDeviations(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	dev := func(l assess.Layer, claimed, ref assess.Owner) assess.Deviation {
		return assess.Deviation{Question: "shared_model", Element: "matrix", Layer: l, Claimed: claimed, Reference: ref}
	}
	tests := []struct {
		name   string
		model  assess.ServiceModel
		matrix map[assess.Layer]assess.Owner // nil: the matrix is unanswered
		want   []assess.Deviation
	}{
		{
			name:   "saas provider handing application to the customer",
			model:  assess.SaaS,
			matrix: with(referenceMatrix(assess.SaaS), map[assess.Layer]assess.Owner{application: assess.CustomerOwns}),
			want:   []assess.Deviation{dev(application, assess.CustomerOwns, assess.ProviderOwns)},
		},
		{name: "saas claim matching the reference", model: assess.SaaS, matrix: referenceMatrix(assess.SaaS)},
		{name: "paas claim matching the reference", model: assess.PaaS, matrix: referenceMatrix(assess.PaaS)},
		{name: "iaas claim matching the reference", model: assess.IaaS, matrix: referenceMatrix(assess.IaaS)},
		{name: "unassigned layers are not deviations", model: assess.SaaS, matrix: map[assess.Layer]assess.Owner{}},
		{
			name:   "only the assigned layer that differs",
			model:  assess.IaaS,
			matrix: map[assess.Layer]assess.Owner{physical: assess.ProviderOwns, osLayer: assess.ProviderOwns},
			want:   []assess.Deviation{dev(osLayer, assess.ProviderOwns, assess.CustomerOwns)},
		},
		{name: "no matrix answer", model: assess.SaaS},
		{
			name:   "not_applicable differs from the reference",
			model:  assess.SaaS,
			matrix: with(referenceMatrix(assess.SaaS), map[assess.Layer]assess.Owner{hypervisor: assess.NotApplicable}),
			want:   []assess.Deviation{dev(hypervisor, assess.NotApplicable, assess.ProviderOwns)},
		},
		{
			name:   "iaas offering claiming the saas split, in layer order",
			model:  assess.IaaS,
			matrix: referenceMatrix(assess.SaaS),
			want: []assess.Deviation{
				dev(network, assess.ProviderOwns, assess.SharedOwns),
				dev(osLayer, assess.ProviderOwns, assess.CustomerOwns),
				dev(application, assess.ProviderOwns, assess.CustomerOwns),
				dev(userActivity, assess.SharedOwns, assess.CustomerOwns),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gs []given
			if tt.matrix != nil {
				gs = append(gs, given{ref: "shared_model.matrix", value: matrixOf(tt.matrix)})
			}
			got := summarize(q, tt.model, answersOf(t, q, gs...), today).Deviations
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("deviations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummarizeRetainedLayers(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	kept := func(l assess.Layer, o assess.Owner, from string, always bool) assess.RetainedLayer {
		return assess.RetainedLayer{Layer: l, Owner: o, From: from, Always: always}
	}
	const (
		claimed   = assess.FromClaimed
		reference = assess.FromReference
	)
	tests := []struct {
		name   string
		model  assess.ServiceModel
		matrix map[assess.Layer]assess.Owner // nil: the matrix is unanswered
		want   assess.Retained
	}{
		{
			name:  "saas without a matrix answer reads the reference",
			model: assess.SaaS,
			want: assess.Retained{From: reference, Layers: []assess.RetainedLayer{
				kept(userActivity, assess.SharedOwns, reference, false),
				kept(userPermissions, assess.CustomerOwns, reference, true),
				kept(privilegedActions, assess.CustomerOwns, reference, true),
			}},
		},
		{
			name:  "paas without a matrix answer reads the reference",
			model: assess.PaaS,
			want: assess.Retained{From: reference, Layers: []assess.RetainedLayer{
				kept(application, assess.SharedOwns, reference, false),
				kept(userActivity, assess.CustomerOwns, reference, false),
				kept(userPermissions, assess.CustomerOwns, reference, true),
				kept(privilegedActions, assess.CustomerOwns, reference, true),
			}},
		},
		{
			name:   "iaas with the full reference claimed",
			model:  assess.IaaS,
			matrix: referenceMatrix(assess.IaaS),
			want: assess.Retained{From: claimed, Layers: []assess.RetainedLayer{
				kept(network, assess.SharedOwns, claimed, false),
				kept(osLayer, assess.CustomerOwns, claimed, false),
				kept(application, assess.CustomerOwns, claimed, false),
				kept(userActivity, assess.CustomerOwns, claimed, false),
				kept(userPermissions, assess.CustomerOwns, claimed, true),
				kept(privilegedActions, assess.CustomerOwns, claimed, true),
			}},
		},
		{
			name:  "permissions and privileged actions stay with the customer even when the provider claims them",
			model: assess.SaaS,
			matrix: with(referenceMatrix(assess.SaaS), map[assess.Layer]assess.Owner{
				userPermissions: assess.ProviderOwns, privilegedActions: assess.ProviderOwns,
			}),
			want: assess.Retained{From: claimed, Layers: []assess.RetainedLayer{
				kept(userActivity, assess.SharedOwns, claimed, false),
				kept(userPermissions, assess.CustomerOwns, claimed, true),
				kept(privilegedActions, assess.CustomerOwns, claimed, true),
			}},
		},
		{
			name:   "a partial matrix mixes claims with the reference and says so",
			model:  assess.SaaS,
			matrix: map[assess.Layer]assess.Owner{application: assess.CustomerOwns, userActivity: assess.ProviderOwns},
			want: assess.Retained{From: reference, Layers: []assess.RetainedLayer{
				kept(application, assess.CustomerOwns, claimed, false),
				kept(userPermissions, assess.CustomerOwns, reference, true),
				kept(privilegedActions, assess.CustomerOwns, reference, true),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gs []given
			if tt.matrix != nil {
				gs = append(gs, given{ref: "shared_model.matrix", value: matrixOf(tt.matrix)})
			}
			got := summarize(q, tt.model, answersOf(t, q, gs...), today).Retained
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("retained (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRound1(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{100 * 2.5 / 3, 83.3},
		{100 * 2.0 / 3, 66.7},
		{79.96, 80},
		{79.94, 79.9},
		{0, 0},
		{100, 100},
	}
	for _, tt := range tests {
		if got := assess.Round1(tt.in); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Round1(%v): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestScoreCriticalElementCapsTheTier: a critical element below full credit holds the tier at
// Weak, whatever the coverage; at full credit, or not applicable, it holds nothing.
func TestScoreCriticalElementCapsTheTier(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	element(t, q, "incident_response.ir_plan").Critical = true
	answers := bestAnswers(t, q, today)

	s := assess.ScoreEvaluation(q, answers, today)
	if s.Tier != assess.Strong || len(s.Capping()) != 0 {
		t.Fatalf("every answer at its best: tier %s with %d capping, want strong and none", s.Tier, len(s.Capping()))
	}
	if !elementScore(t, s, "incident_response.ir_plan").Critical {
		t.Error("the element's score does not say it is critical")
	}

	cases := []struct {
		name  string
		value assess.Value
		tier  assess.Tier
	}{
		{"partial", status(assess.Partial), assess.Weak},
		{"no", status(assess.No), assess.Weak},
		{"not applicable", status(assess.StatusNotApplies), assess.Strong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := answers["incident_response.ir_plan"]
			a.Value = c.value
			changed := maps.Clone(answers)
			changed["incident_response.ir_plan"] = a
			s := assess.ScoreEvaluation(q, changed, today)
			if s.Tier != c.tier {
				t.Errorf("tier: got %s (coverage %.1f), want %s", s.Tier, s.Overall, c.tier)
			}
			if capping := s.Capping(); (c.tier == assess.Weak) != (len(capping) == 1 && capping[0].Element == "ir_plan") {
				t.Errorf("capping: got %+v", capping)
			}
			if c.tier == assess.Weak && s.Overall < 80 {
				t.Errorf("coverage %.1f: the case should show a cap of a score that would be Strong or Adequate", s.Overall)
			}
		})
	}
	// Unanswered counts as below full credit.
	delete(answers, "incident_response.ir_plan")
	if s := assess.ScoreEvaluation(q, answers, today); s.Tier != assess.Weak {
		t.Errorf("critical element unanswered: tier %s (coverage %.1f), want weak", s.Tier, s.Overall)
	}
	// A poor score stays poor: the cap only lowers.
	poor := answersOf(t, q, given{ref: "monitoring.continuous_monitoring", value: status(assess.Partial)})
	if s := assess.ScoreEvaluation(q, poor, today); s.Tier != assess.Poor {
		t.Errorf("a poor score with a critical element unanswered: tier %s, want poor", s.Tier)
	}
}
