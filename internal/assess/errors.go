package assess

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Domain errors. Callers match them with errors.Is; the HTTP layer maps each to one status.
var (
	// ErrNotFound: the thing asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change collides with what is stored (a duplicate name, say).
	ErrConflict = errors.New("conflict")
	// ErrNameTaken: another provider has this name, in some case.
	ErrNameTaken error = Conflict("a provider with this name already exists (names are compared ignoring case)")
	// ErrUnavailable: storage cannot be reached just now; the same request may work later.
	ErrUnavailable = errors.New("storage unavailable")
)

// ValidationError says which fields of an input are wrong and why, in words a person can act on.
// Keys are field names as the caller sent them ("name", "value.physical", "evidence[0].url").
type ValidationError struct {
	Fields map[string]string
}

// Error lists the fields in a stable order.
func (e *ValidationError) Error() string {
	keys := slices.Sorted(maps.Keys(e.Fields))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Invalid builds a ValidationError for one field.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: fmt.Sprintf(format, args...)}}
}

// fieldErrors collects problems across the fields of one input.
type fieldErrors map[string]string

func (f fieldErrors) add(field, format string, args ...any) {
	if _, seen := f[field]; !seen {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// merge copies another validation error's fields under a prefix.
func (f fieldErrors) merge(prefix string, err error) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		for k, v := range ve.Fields {
			f.add(prefix+k, "%s", v)
		}
		return
	}
	if err != nil {
		f.add(strings.TrimSuffix(prefix, "."), "%s", err.Error())
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// JoinInvalid merges validation errors into one that names every field; any other error is
// returned as it is. No errors give nil.
func JoinInvalid(errs ...error) error {
	f := fieldErrors{}
	for _, err := range errs {
		var ve *ValidationError
		if err != nil && !errors.As(err, &ve) {
			return err
		}
		f.merge("", err)
	}
	return f.err()
}

// Conflict is a conflict with what is stored, described in words a person can act on.
type Conflict string

func (c Conflict) Error() string { return string(c) }

// Unwrap makes every Conflict an ErrConflict.
func (c Conflict) Unwrap() error { return ErrConflict }

// IsNotFound reports whether err means the thing asked for does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
