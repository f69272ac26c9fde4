package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.createUser(t, "Ada@Example.com", "Ada Lovelace")
	bob := f.createUser(t, "bob@example.com", "bob")

	t.Run("an email taken in another case is a conflict", func(t *testing.T) {
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			_, err := tx.Users().Create(t.Context(), auth.User{Email: "ADA@example.com", Name: "Other", Role: auth.Viewer}, "x")
			return err
		})
		wantErr(t, "Create(ADA@example.com)", err, assess.ErrConflict)
	})

	t.Run("found by email in any case, with the hash", func(t *testing.T) {
		f.read(t, func(tx app.Tx) error {
			u, hash, err := tx.Users().FindByEmail(t.Context(), "ada@EXAMPLE.com")
			if err != nil || u.ID != ada.ID || hash != "hash" {
				t.Errorf("FindByEmail: got %d, %q, %v; want %d, \"hash\", none", u.ID, hash, err, ada.ID)
			}
			_, _, err = tx.Users().FindByEmail(t.Context(), "nobody@example.com")
			wantErr(t, "FindByEmail(nobody)", err, assess.ErrNotFound)
			return nil
		})
	})

	t.Run("changes and list, active first", func(t *testing.T) {
		f.update(t, func(tx app.Tx) error {
			ctx := t.Context()
			if u, err := tx.Users().SetActive(ctx, ada.ID, false); err != nil || u.Active {
				t.Errorf("SetActive(false): got active %v, error %v", u.Active, err)
			}
			if u, err := tx.Users().SetRole(ctx, bob.ID, auth.Admin); err != nil || u.Role != auth.Admin {
				t.Errorf("SetRole(admin): got %s, error %v", u.Role, err)
			}
			if _, err := tx.Users().SetPassword(ctx, bob.ID, "new hash"); err != nil {
				return err
			}
			_, err := tx.Users().SetRole(ctx, 987654, auth.Admin)
			wantErr(t, "SetRole(987654)", err, assess.ErrNotFound)
			return nil
		})
		f.read(t, func(tx app.Tx) error {
			list, err := tx.Users().List(t.Context())
			if err != nil {
				return err
			}
			var got []string
			for _, u := range list {
				got = append(got, u.Name)
			}
			if diff := cmp.Diff([]string{"bob", "Ada Lovelace"}, got); diff != "" {
				t.Errorf("List (-want +got):\n%s", diff)
			}
			n, err := tx.Users().Count(t.Context())
			if n != 2 {
				t.Errorf("Count: got %d, want 2", n)
			}
			_, hash, _ := tx.Users().FindByEmail(t.Context(), "bob@example.com")
			if hash != "new hash" {
				t.Errorf("password hash: got %q, want %q", hash, "new hash")
			}
			return err
		})
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.createUser(t, "ada@example.com", "Ada")
	bob := f.createUser(t, "bob@example.com", "Bob")
	now := time.Now().Truncate(time.Microsecond)
	create := func(t *testing.T, userID int64, label string, hash []byte) auth.Token {
		t.Helper()
		var tok auth.Token
		f.update(t, func(tx app.Tx) error {
			var err error
			tok, err = tx.Tokens().Create(t.Context(), userID, label, hash, now.Add(90*24*time.Hour), now.Add(auth.TokenIdle))
			return err
		})
		return tok
	}
	use := func(t *testing.T, hash []byte, at time.Time) (auth.User, auth.Token, error) {
		t.Helper()
		var u auth.User
		var tok auth.Token
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			var err error
			u, tok, err = tx.Tokens().Use(t.Context(), hash, at, at.Add(-auth.TokenTouch), at.Add(auth.TokenIdle))
			return err
		})
		return u, tok, err
	}
	user := func(t *testing.T, hash []byte) (auth.User, error) {
		t.Helper()
		u, _, err := use(t, hash, now)
		return u, err
	}
	revoke := func(t *testing.T, id, owner int64, hash []byte) (auth.Token, error) {
		t.Helper()
		var tok auth.Token
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			var err error
			tok, err = tx.Tokens().Revoke(t.Context(), id, owner, hash)
			return err
		})
		return tok, err
	}
	adaTok := create(t, ada.ID, "laptop", []byte("hash-a"))
	bobTok := create(t, bob.ID, "ci", []byte("hash-b"))
	spare := create(t, bob.ID, "spare", []byte("hash-c"))
	if adaTok.UserEmail != ada.Email || adaTok.Label != "laptop" || adaTok.LastUsedAt != nil {
		t.Errorf("Create: got %+v, want Ada's unused laptop token", adaTok)
	}

	t.Run("a token past its idle expiry is returned as it is, and its use is not noted", func(t *testing.T) {
		idle := create(t, f.createUser(t, "cy@example.com", "Cy").ID, "idle", []byte("hash-idle"))
		later := now.Add(auth.TokenIdle + time.Minute)
		_, tok, err := use(t, []byte("hash-idle"), later)
		if err != nil || tok.ID != idle.ID || !tok.IdleExpiresAt.Equal(idle.IdleExpiresAt) || tok.Expiry(later) == nil || !tok.Expiry(later).Idle {
			t.Fatalf("Use after the idle expiry: got %+v, error %v; want the token, idle-expired", tok, err)
		}
		var idleEnds time.Time
		var lastUsed *time.Time
		f.pool.QueryRow(t.Context(), `SELECT idle_expires_at, last_used_at FROM api_tokens WHERE id = $1`, idle.ID).Scan(&idleEnds, &lastUsed)
		if !idleEnds.Equal(idle.IdleExpiresAt) || lastUsed != nil {
			t.Errorf("after a use past the idle expiry: idle_expires_at %v (was %v), last_used_at %v; want both unchanged", idleEnds, idle.IdleExpiresAt, lastUsed)
		}
		// Used within its idle time, the idle expiry moves on; within the hour after, it does not.
		soon := now.Add(2 * time.Hour)
		if _, _, err := use(t, []byte("hash-idle"), soon); err != nil {
			t.Fatal(err)
		}
		_, tok, _ = use(t, []byte("hash-idle"), soon.Add(30*time.Minute))
		if !tok.IdleExpiresAt.Equal(soon.Add(auth.TokenIdle)) {
			t.Errorf("idle expiry after uses at +2h and +2h30: got %v, want %v (moved by the first only)", tok.IdleExpiresAt, soon.Add(auth.TokenIdle))
		}
	})

	t.Run("a live token is its user, and its use is noted at most once an hour", func(t *testing.T) {
		u, err := user(t, []byte("hash-a"))
		if err != nil || u.ID != ada.ID {
			t.Fatalf("User(hash-a): got %d, error %v; want %d", u.ID, err, ada.ID)
		}
		var first, second time.Time
		f.pool.QueryRow(t.Context(), `SELECT last_used_at FROM api_tokens WHERE id = $1`, adaTok.ID).Scan(&first)
		if _, err := user(t, []byte("hash-a")); err != nil {
			t.Fatal(err)
		}
		f.pool.QueryRow(t.Context(), `SELECT last_used_at FROM api_tokens WHERE id = $1`, adaTok.ID).Scan(&second)
		if first.IsZero() || !second.Equal(first) {
			t.Errorf("last_used_at: got %v then %v, want set once", first, second)
		}
	})

	t.Run("List is one user's tokens or everyone's, newest first", func(t *testing.T) {
		f.read(t, func(tx app.Tx) error {
			for owner, want := range map[int64][]int64{0: {spare.ID + 1, spare.ID, bobTok.ID, adaTok.ID}, bob.ID: {spare.ID, bobTok.ID}} {
				list, err := tx.Tokens().List(t.Context(), owner)
				if err != nil {
					return err
				}
				var got []int64
				for _, tok := range list {
					got = append(got, tok.ID)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("List(%d) (-want +got):\n%s", owner, diff)
				}
			}
			return nil
		})
	})

	t.Run("Revoke is limited to the owner's tokens", func(t *testing.T) {
		_, err := revoke(t, bobTok.ID, ada.ID, nil)
		wantErr(t, "Revoke(Bob's token as Ada)", err, assess.ErrNotFound)
		_, err = revoke(t, 0, ada.ID, []byte("hash-b"))
		wantErr(t, "Revoke(Bob's token by hash as Ada)", err, assess.ErrNotFound)
		_, err = revoke(t, 987654, 0, nil)
		wantErr(t, "Revoke(987654)", err, assess.ErrNotFound)
		if _, err := user(t, []byte("hash-b")); err != nil {
			t.Errorf("Bob's token after refused revocations: got error %v, want it live", err)
		}
	})

	t.Run("a revoked token is no one, and keeps when it was revoked", func(t *testing.T) {
		tok, err := revoke(t, bobTok.ID, bob.ID, nil)
		if err != nil || tok.RevokedAt == nil || tok.UserEmail != bob.Email {
			t.Fatalf("Revoke: got %+v, error %v; want Bob's token revoked", tok, err)
		}
		_, err = user(t, []byte("hash-b"))
		wantErr(t, "User(revoked)", err, assess.ErrNotFound)
		again, err := revoke(t, 0, 0, []byte("hash-b"))
		if err != nil || again.RevokedAt == nil || !again.RevokedAt.Equal(*tok.RevokedAt) {
			t.Errorf("Revoke again by hash: got %v, error %v; want the first revocation's time %v", again.RevokedAt, err, tok.RevokedAt)
		}
	})

	t.Run("a deactivated user's token is no one", func(t *testing.T) {
		f.update(t, func(tx app.Tx) error {
			_, err := tx.Users().SetActive(t.Context(), ada.ID, false)
			return err
		})
		_, err := user(t, []byte("hash-a"))
		wantErr(t, "User(Ada's token, Ada deactivated)", err, assess.ErrNotFound)
	})
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ada := f.createUser(t, "ada@example.com", "Ada")
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	long := strings.Repeat("é", 400) // 800 bytes
	f.update(t, func(tx app.Tx) error {
		ctx := t.Context()
		e := actorOf(ada).Entry(auth.ActionProviderAdded, "added Acme")
		e.ProviderID = p.ID
		if err := tx.Audit().Record(ctx, e); err != nil {
			return err
		}
		return tx.Audit().Record(ctx, tester.Entry(auth.ActionSignIn, long))
	})
	var all, ofAda, ofProvider []auth.AuditEntry
	var total int
	f.read(t, func(tx app.Tx) error {
		var err error
		if all, total, err = tx.Audit().List(t.Context(), auth.AuditQuery{}); err != nil {
			return err
		}
		if ofAda, _, err = tx.Audit().List(t.Context(), auth.AuditQuery{UserID: ada.ID}); err != nil {
			return err
		}
		ofProvider, _, err = tx.Audit().List(t.Context(), auth.AuditQuery{ProviderID: p.ID, From: time.Now().Add(-time.Hour)})
		return err
	})
	if total != 2 || len(all) != 2 || len(ofAda) != 1 || len(ofProvider) != 1 {
		t.Fatalf("entries: got %d (total %d), Ada's %d, the provider's %d; want 2, 1, 1", len(all), total, len(ofAda), len(ofProvider))
	}
	if got := all[0].Summary; len(got) > 503 || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("newest summary: got %d bytes, want the first 500 bytes of the summary and a mark", len(got))
	}
	if e := ofAda[0]; e.UserID != ada.ID || e.Actor != "Ada" || e.ProviderID != p.ID || e.Action != auth.ActionProviderAdded {
		t.Errorf("Ada's entry: got %+v", e)
	}
}

func TestSignIns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const window = 15 * time.Minute
	ada, bob := auth.SignInKey("Ada@example.com"), auth.SignInKey("bob@example.com")
	var first int64
	f.update(t, func(tx app.Tx) error {
		for i, attempt := range []struct {
			key  []byte
			addr string
		}{{ada, "10.0.0.1"}, {auth.SignInKey(" ADA@example.com"), "10.0.0.1"}, {ada, "10.0.0.2"}, {bob, "10.0.0.1"}} {
			if err := tx.SignIns().Lock(t.Context(), attempt.addr); err != nil {
				return err
			}
			id, err := tx.SignIns().Record(t.Context(), attempt.key, attempt.addr, window)
			if err != nil {
				return err
			}
			if i == 0 {
				first = id
			}
		}
		return nil
	})
	count := func(t *testing.T) app.SignInCount {
		t.Helper()
		var c app.SignInCount
		f.read(t, func(tx app.Tx) error {
			var err error
			c, err = tx.SignIns().Count(t.Context(), ada, "10.0.0.1", window)
			return err
		})
		return c
	}
	if c := count(t); c.Pair != 2 || c.Address != 3 || c.PairLast.IsZero() || c.AddressLast.Before(c.PairLast) || c.Now.Before(c.AddressLast) {
		t.Errorf("Count: got %+v, want 2 for Ada from 10.0.0.1, 3 from the address, times in order", c)
	}
	f.update(t, func(tx app.Tx) error { return tx.SignIns().Forget(t.Context(), first) })
	if c := count(t); c.Pair != 1 || c.Address != 2 {
		t.Errorf("Count after Forget: got %+v, want 1 and 2", c)
	}
	f.update(t, func(tx app.Tx) error {
		n, err := tx.SignIns().Clear(t.Context(), ada, "10.0.0.1")
		if n != 1 {
			t.Errorf("Clear from one address: cleared %d, want 1", n)
		}
		return err
	})
	if c := count(t); c.Pair != 0 || c.Address != 1 {
		t.Errorf("Count after Clear from 10.0.0.1: got %+v, want 0 and 1 (bob)", c)
	}
	f.update(t, func(tx app.Tx) error {
		n, err := tx.SignIns().Clear(t.Context(), ada, "")
		if n != 1 {
			t.Errorf("Clear from every address: cleared %d, want 1 (from 10.0.0.2)", n)
		}
		return err
	})
	var raw int
	f.read(t, func(tx app.Tx) error {
		var err error
		_, raw, _, err = tx.SignIns().Failures(t.Context(), "bob@example.com", "10.0.0.1", window)
		return err
	})
	if raw != 1 {
		t.Errorf("Failures from 10.0.0.1: got %d, want bob's 1", raw)
	}
}
