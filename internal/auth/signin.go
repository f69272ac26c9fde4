package auth

import (
	"crypto/sha256"
	"strings"
)

// SignInKey is the fixed-length key failed sign-ins are counted under for an account: the
// SHA-256 of the normalised email (trimmed, lower case). What was typed is never stored, and
// the key is the same whether or not such an account exists.
func SignInKey(email string) []byte {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return h[:]
}
