package assess

import (
	"bytes"
	"encoding/json"
)

// NextVersion decides the version a questionnaire is published as, given the newest stored
// version of its key (nil when the key is new): 1 for a new key; the newest version's number,
// unchanged, when the definition is the same as that version's apart from its number; else the
// next number. The version written in the file is only a record of where it came from.
func NextVersion(latest, q *Questionnaire) (version int, changed bool) {
	if latest == nil {
		return 1, true
	}
	if SameDefinition(latest, q) {
		return latest.Version, false
	}
	return latest.Version + 1, true
}

// SameDefinition reports whether two questionnaires read and score alike, whatever their version
// numbers: the same key and the same definition once defaults are filled in.
func SameDefinition(a, b *Questionnaire) bool {
	x, y := *a, *b
	x.Version, y.Version = 0, 0
	ja, errA := json.Marshal(&x)
	jb, errB := json.Marshal(&y)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
