package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// Login rate limits: failures counted over loginWindow, per account and per
// client address. The state is in the database, so it holds across servers.
const (
	loginWindow         = 15 * time.Minute
	maxFailuresPerEmail = 5
	maxFailuresPerAddr  = 20
)

// Login checks a password and opens a session. It returns the user, its
// caller, and the session secret for the cookie. Every outcome is audited.
func (s *Store) Login(ctx context.Context, email, password, clientAddr, requestID string) (*models.User, Caller, string, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	since := s.now().Add(-loginWindow)
	var byEmail, byAddr int64
	r := s.read(ctx)
	if err := r.Model(&struct{}{}).Table("login_failures").Where("email_key = ? AND at >= ?", key, since).Count(&byEmail).Error; err != nil {
		return nil, Caller{}, "", err
	}
	if err := r.Model(&struct{}{}).Table("login_failures").Where("client_addr = ? AND at >= ?", clientAddr, since).Count(&byAddr).Error; err != nil {
		return nil, Caller{}, "", err
	}
	if byEmail >= maxFailuresPerEmail || byAddr >= maxFailuresPerAddr {
		return nil, Caller{}, "", newErr(ErrRateLimited, "too many failed sign-ins; try again in %d minutes", int(loginWindow.Minutes()))
	}

	var u models.User
	found := r.Where("email = ?", key).Take(&u).Error == nil
	hash := dummyHash
	if found {
		hash = u.PasswordHash
	}
	ok := CheckPassword(hash, password) && found && !u.Disabled
	audit := Caller{RequestID: requestID, ClientAddr: clientAddr}
	if !ok {
		err := s.write(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec("INSERT INTO login_failures (id, email_key, client_addr, at) VALUES (?, ?, ?, ?)", newID(), key, clientAddr, s.now()).Error; err != nil {
				return err
			}
			if err := tx.Exec("DELETE FROM login_failures WHERE at < ?", s.now().Add(-24*time.Hour)).Error; err != nil {
				return err
			}
			entity := ""
			if found {
				entity = u.ID
			}
			return s.audit(tx, audit, "login_failed", "user", entity, map[string]Change{"email": {After: key}})
		})
		if err != nil {
			return nil, Caller{}, "", err
		}
		return nil, Caller{}, "", newErr(ErrUnauthorized, "the email or password is wrong")
	}
	secret := RandomSecret(32)
	var c Caller
	err := s.write(ctx, func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Create(&models.Session{ID: secretHash(secret), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL), LastSeenAt: now}).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM login_failures WHERE email_key = ?", key).Error; err != nil {
			return err
		}
		if err := tx.Where("expires_at < ?", now).Delete(&models.Session{}).Error; err != nil {
			return err
		}
		var err error
		if c, err = s.userCaller(tx, &u); err != nil {
			return err
		}
		audit.UserID = u.ID
		return s.audit(tx, audit, "login", "user", u.ID, nil)
	})
	if err != nil {
		return nil, Caller{}, "", err
	}
	return &u, c, secret, nil
}

// Logout ends the session whose cookie secret is given.
func (s *Store) Logout(ctx context.Context, c Caller, secret string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ?", secretHash(secret)).Delete(&models.Session{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil
		}
		return s.audit(tx, c, "logout", "user", c.UserID, nil)
	})
}

// AuthenticateSession resolves a session cookie to its caller. Sessions end
// after SessionTTL, or sessionIdle without use.
func (s *Store) AuthenticateSession(ctx context.Context, secret string) (Caller, error) {
	var sess models.Session
	if err := s.read(ctx).Where("id = ?", secretHash(secret)).Take(&sess).Error; err != nil {
		return Caller{}, newErr(ErrUnauthorized, "the session has ended; sign in again")
	}
	now := s.now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > sessionIdle {
		return Caller{}, newErr(ErrUnauthorized, "the session has ended; sign in again")
	}
	c, err := s.activeUserCaller(ctx, sess.UserID)
	if err != nil {
		return Caller{}, err
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		// Touch at most once a minute: a write per request would serialise reads.
		if err := s.write(ctx, func(tx *gorm.DB) error {
			return tx.Model(&models.Session{}).Where("id = ?", sess.ID).Update("last_seen_at", now).Error
		}); err != nil {
			return Caller{}, err
		}
	}
	return c, nil
}

func (s *Store) activeUserCaller(ctx context.Context, userID string) (Caller, error) {
	var u models.User
	if err := s.read(ctx).Where("id = ?", userID).Take(&u).Error; err != nil || u.Disabled {
		return Caller{}, newErr(ErrUnauthorized, "the account is disabled")
	}
	return s.userCaller(s.read(ctx), &u)
}

// TokenPrefix starts every API token secret, so that leaked tokens are easy
// to recognise in logs and by secret scanners.
const TokenPrefix = "lsn_"

// AuthenticateToken resolves a bearer token to its caller. It runs on
// every API request, so it is one hand-written query (token, user and the
// user's person) rather than three.
func (s *Store) AuthenticateToken(ctx context.Context, secret string) (Caller, error) {
	c, scope, touch, err := s.tokenCaller(ctx, secret)
	if err != nil {
		return Caller{}, err
	}
	if scope == CalendarScope {
		// A calendar feed's secret opens the feed alone.
		return Caller{}, newErr(ErrUnauthorized, "the token is invalid, expired or revoked")
	}
	if err := touch(); err != nil {
		return Caller{}, err
	}
	return c, nil
}

// tokenCaller resolves a token's secret to its caller and scope; touch
// records that the token was used, once the scope is found fitting.
func (s *Store) tokenCaller(ctx context.Context, secret string) (c Caller, scope string, touch func() error, err error) {
	fail := newErr(ErrUnauthorized, "the token is invalid, expired or revoked")
	if !strings.HasPrefix(secret, TokenPrefix) {
		return Caller{}, "", nil, fail
	}
	hash := secretHash(secret)
	var (
		tokenID, userID, role      string
		disabled                   bool
		personID, orgID            sql.NullString
		expires, revoked, lastUsed sql.NullTime
	)
	row, err := s.queryRow(ctx, `SELECT t.id, t.scope, t.expires_at, t.revoked_at, t.last_used_at, u.id, u.role, u.disabled, u.person_id, p.organization_id
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN people p ON p.id = u.person_id
		WHERE t.secret_hash = ?`, hash)
	if err != nil {
		return Caller{}, "", nil, err
	}
	err = row.Scan(&tokenID, &scope, &expires, &revoked, &lastUsed, &userID, &role, &disabled, &personID, &orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return Caller{}, "", nil, fail
	}
	if err != nil {
		return Caller{}, "", nil, err
	}
	now := s.now()
	if revoked.Valid || (expires.Valid && now.After(expires.Time)) {
		return Caller{}, "", nil, fail
	}
	if disabled {
		return Caller{}, "", nil, newErr(ErrUnauthorized, "the account is disabled")
	}
	c = Caller{UserID: userID, Role: models.Role(role), PersonID: personID.String, OrganizationID: orgID.String, ReadOnly: scope != "write"}
	touch = func() error {
		if lastUsed.Valid && now.Sub(lastUsed.Time) <= time.Minute {
			return nil
		}
		return s.write(ctx, func(tx *gorm.DB) error {
			return tx.Model(&models.APIToken{}).Where("id = ?", tokenID).Update("last_used_at", now).Error
		})
	}
	return c, scope, touch, nil
}

// TokenInput creates a token.
type TokenInput struct {
	Name          string
	Scope         string
	ExpiresInDays *int
}

// CreateToken makes a token for the caller's own user and returns it with
// its secret, which is never available again.
func (s *Store) CreateToken(ctx context.Context, c Caller, in TokenInput) (*models.APIToken, string, error) {
	if c.UserID == "" {
		return nil, "", newErr(ErrForbidden, "only a signed-in user can create tokens")
	}
	if c.ReadOnly {
		return nil, "", newErr(ErrForbidden, "a read-only token cannot create tokens")
	}
	var v validator
	name := strings.TrimSpace(in.Name)
	v.check(name != "" && len(name) <= 100, "name", "must be 1 to 100 characters")
	v.check(models.OneOf(in.Scope, models.TokenScopes), "scope", "must be one of %v", models.TokenScopes)
	if in.ExpiresInDays != nil {
		v.check(*in.ExpiresInDays >= 1 && *in.ExpiresInDays <= 3650, "expires_in_days", "must be between 1 and 3650")
	}
	if err := v.err(); err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + RandomSecret(32)
	t := &models.APIToken{ID: newID(), UserID: c.UserID, Name: name, Scope: in.Scope, SecretHash: secretHash(secret), CreatedAt: s.now()}
	if in.ExpiresInDays != nil {
		e := t.CreatedAt.AddDate(0, 0, *in.ExpiresInDays)
		t.ExpiresAt = &e
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return s.audit(tx, c, "create", "api_token", t.ID, diff(nil, t))
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

var tokenSorts = newSortSet("-created_at", map[string]sortKey{"created_at": {expr: "api_tokens.created_at", isTime: true}})

// ListTokens pages through the caller's own tokens, revoked ones included.
func (s *Store) ListTokens(ctx context.Context, c Caller, p Page) ([]models.APIToken, *string, error) {
	q := s.read(ctx).Model(&models.APIToken{}).Where("user_id = ?", c.UserID)
	q, _, name, err := applyPage(q, tokenSorts, p, "api_tokens")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.APIToken
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(t models.APIToken) (any, string) { return t.CreatedAt, t.ID })
	return rows, next, nil
}

// RevokeToken revokes one of the caller's own tokens.
func (s *Store) RevokeToken(ctx context.Context, c Caller, id string) error {
	if c.ReadOnly {
		return newErr(ErrForbidden, "a read-only token cannot revoke tokens")
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var t models.APIToken
		if err := tx.Where("id = ? AND user_id = ?", id, c.UserID).Take(&t).Error; err != nil {
			return translate(err, "token")
		}
		if t.RevokedAt != nil {
			return nil
		}
		now := s.now()
		if err := tx.Model(&models.APIToken{}).Where("id = ?", id).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return s.audit(tx, c, "revoke", "api_token", id, map[string]Change{"revoked_at": {After: now.Format(time.RFC3339Nano)}})
	})
}

// Me returns the caller's user record.
func (s *Store) Me(ctx context.Context, c Caller) (*models.User, error) {
	var u models.User
	if err := s.read(ctx).Where("id = ?", c.UserID).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, newErr(ErrUnauthorized, "no user is signed in")
		}
		return nil, err
	}
	return &u, nil
}

// CallerByEmail is the caller of an active user, for the command line.
func (s *Store) CallerByEmail(ctx context.Context, email string) (Caller, error) {
	var u models.User
	if err := s.read(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error; err != nil {
		return Caller{}, newErr(ErrNotFound, "no user has this email")
	}
	if u.Disabled {
		return Caller{}, newErr(ErrForbidden, "the user is disabled")
	}
	return s.userCaller(s.read(ctx), &u)
}
