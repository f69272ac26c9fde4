package app

import (
	"context"

	"shareline/internal/auth"
)

// ManageOwnAccount is changing one's own password and seeing and ending one's own sessions:
// every signed-in user may, as with their own tokens, so it shares that row of the policy.
const ManageOwnAccount = ManageOwnTokens

// ChangePassword sets p's own password, given the current one. Every other session of p's ends
// (the one keyed current, which asked, goes on), and the change is recorded where p sees it.
func (a *App) ChangePassword(ctx context.Context, p Principal, currentPassword, newPassword, current string) error {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return err
	}
	if err := auth.CheckPasswordPolicyField("new_password", newPassword); err != nil {
		return err
	}
	if err := a.checkOwnPassword(ctx, p, "current_password", currentPassword, nil); err != nil {
		return err
	}
	newHash, err := auth.HashPassword(newPassword)
	if err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.Users().SetPassword(ctx, p.User.ID, newHash); err != nil {
			return err
		}
		n, err := tx.Sessions().EndAll(ctx, p.User.ID, current)
		if err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionPasswordChanged, "%s changed their password; %s ended", p.User.Email, count(n, "other session"))
	})
}

// SecurityEvents lists the latest changes to p's own credentials and sessions (whoever made
// them: p, or an admin), newest first: what a user is shown so that a change they did not make
// does not go unnoticed.
func (a *App) SecurityEvents(ctx context.Context, p Principal) ([]auth.AuditEntry, error) {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return nil, err
	}
	var out []auth.AuditEntry
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, _, err = tx.Audit().List(ctx, auth.AuditQuery{SubjectID: p.User.ID, Actions: auth.CredentialActions, Limit: 20})
		return err
	})
	return out, err
}

// RecordForbidden notes in the audit log that p was refused what the request asked for.
func (a *App) RecordForbidden(ctx context.Context, p Principal, what string) error {
	return a.store.Update(ctx, func(tx Tx) error {
		return record(ctx, tx, p, auth.ActionForbidden, 0, 0, "refused %s", what)
	})
}

// RecordDownload notes in the audit log that p downloaded a file: a report of an evaluation
// (of a provider), or the portfolio export (0, 0).
func (a *App) RecordDownload(ctx context.Context, p Principal, providerID, evaluationID int64, file string) error {
	action := auth.ActionReportDownloaded
	if evaluationID == 0 {
		action = auth.ActionExportDownloaded
	}
	return a.store.Update(ctx, func(tx Tx) error {
		return record(ctx, tx, p, action, providerID, evaluationID, "downloaded %s", file)
	})
}
