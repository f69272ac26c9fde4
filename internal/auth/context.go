package auth

import "context"

type ctxKey struct{}

// WithUser returns a context that carries the signed-in user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// UserFrom returns the signed-in user of a request, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(ctxKey{}).(User)
	return u, ok && u.ID != 0
}

// Can reports whether the signed-in user of ctx has at least role need: what pages use to show
// or hide controls. The server enforces the same rule on every route.
func Can(ctx context.Context, need Role) bool {
	u, ok := UserFrom(ctx)
	return ok && u.Active && u.Role.Allows(need)
}
