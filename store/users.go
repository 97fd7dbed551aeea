package store

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// UserInput creates a user.
type UserInput struct {
	Email    string
	Password string
	Role     string
	PersonID *string
}

// UserPatch changes a user; fields left out stay as they are.
type UserPatch struct {
	Email    models.Opt[string]      `json:"email"`
	Password models.Opt[string]      `json:"password"`
	Role     models.Opt[models.Role] `json:"role"`
	PersonID models.Nullable[string] `json:"person_id"`
	Disabled models.Opt[bool]        `json:"disabled"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

func validateUser(v *validator, u *models.User) {
	if _, err := mail.ParseAddress(u.Email); err != nil || strings.ContainsAny(u.Email, " <>") {
		v.add("email", "must be an email address")
	}
	v.check(models.OneOf(string(u.Role), models.Roles), "role", "must be one of %v", models.Roles)
}

func checkPassword(v *validator, pw string) {
	v.check(len(pw) >= MinPasswordLen, "password", "must be at least %d characters", MinPasswordLen)
	v.check(len(pw) <= 256, "password", "must be at most 256 characters")
}

func requireAdmin(c Caller) error {
	if c.Role != models.RoleAdmin || c.ReadOnly {
		return newErr(ErrForbidden, "only administrators manage users")
	}
	return nil
}

func (s *Store) checkPersonExists(tx *gorm.DB, v *validator, field string, id *string) error {
	if id == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&models.Person{}).Where("id = ?", *id).Count(&n).Error; err != nil {
		return err
	}
	v.check(n == 1, field, "no person has this id")
	return nil
}

// CreateUser adds a login (admins only).
func (s *Store) CreateUser(ctx context.Context, c Caller, in UserInput) (*models.User, error) {
	if err := requireAdmin(c); err != nil {
		return nil, err
	}
	u := &models.User{ID: newID(), Email: strings.ToLower(strings.TrimSpace(in.Email)), Role: models.Role(in.Role), PersonID: in.PersonID, Version: 1}
	var v validator
	validateUser(&v, u)
	checkPassword(&v, in.Password)
	if err := v.err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := s.checkPersonExists(tx, &v, "person_id", u.PersonID); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return newErr(ErrConflict, "a user with this email already exists")
			}
			return translate(err, "user")
		}
		return s.audit(tx, c, "create", "user", u.ID, diff(nil, u))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// GetUser reads one user (admins, or the user itself).
func (s *Store) GetUser(ctx context.Context, c Caller, id string) (*models.User, error) {
	if c.Role != models.RoleAdmin && c.UserID != id {
		return nil, newErr(ErrForbidden, "only administrators manage users")
	}
	var u models.User
	if err := s.read(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}

var userSorts = newSortSet("email", map[string]sortKey{
	"email":      {expr: "users.email"},
	"created_at": {expr: "users.created_at", isTime: true},
})

// UserFilter narrows the user list.
type UserFilter struct {
	Role string
	Q    string
}

// ListUsers pages through users (admins only).
func (s *Store) ListUsers(ctx context.Context, c Caller, f UserFilter, p Page) ([]models.User, *string, error) {
	if c.Role != models.RoleAdmin {
		return nil, nil, newErr(ErrForbidden, "only administrators manage users")
	}
	q := s.read(ctx).Model(&models.User{})
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if f.Q != "" {
		q = q.Where("users.email LIKE ? ESCAPE '\\'", likePattern(strings.ToLower(f.Q)))
	}
	q, _, name, err := applyPage(q, userSorts, p, "users")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.User
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(u models.User) (any, string) {
		if strings.TrimPrefix(name, "-") == "created_at" {
			return u.CreatedAt, u.ID
		}
		return u.Email, u.ID
	})
	return rows, next, nil
}

// UpdateUser changes a user (admins only). Disabling a user or changing its
// password or role ends its sessions; disabling also revokes its tokens.
func (s *Store) UpdateUser(ctx context.Context, c Caller, id string, p UserPatch) (*models.User, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	if err := requireAdmin(c); err != nil {
		return nil, err
	}
	// A new password is hashed here, not in the write: the hash takes
	// tens of milliseconds, and every write queued behind this one in the
	// group committer would wait for it. One that fails its checks is
	// reported with the others, inside.
	var hash string
	if p.Password.Set {
		var v validator
		if checkPassword(&v, p.Password.V); v.err() == nil {
			var err error
			if hash, err = HashPassword(p.Password.V); err != nil {
				return nil, err
			}
		}
	}
	var out models.User
	err := s.write(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.Where("id = ?", id).Take(&u).Error; err != nil {
			return translate(err, "user")
		}
		if p.IfVersion != nil && *p.IfVersion != u.Version {
			return newErr(ErrPrecondition, "the user has changed since version %d", *p.IfVersion)
		}
		before := u
		var v validator
		endSessions := false
		setIf(&u.Email, p.Email, func(e string) string { return strings.ToLower(strings.TrimSpace(e)) })
		setIf(&u.Role, p.Role, nil)
		endSessions = u.Role != before.Role
		if p.PersonID.Set {
			u.PersonID = p.PersonID.V
			if err := s.checkPersonExists(tx, &v, "person_id", u.PersonID); err != nil {
				return err
			}
		}
		if p.Disabled.Set {
			u.Disabled = p.Disabled.V
			endSessions = endSessions || u.Disabled
		}
		validateUser(&v, &u)
		if p.Password.Set {
			checkPassword(&v, p.Password.V)
		}
		if err := v.err(); err != nil {
			return err
		}
		if p.Password.Set {
			u.PasswordHash = hash
			endSessions = true
		}
		if c.UserID == u.ID && (u.Disabled || u.Role != models.RoleAdmin) {
			return newErr(ErrConflict, "administrators cannot disable or demote themselves")
		}
		if out = u; !p.Password.Set && unchanged(&before, &u) {
			return nil
		}
		u.Version++
		u.UpdatedAt = s.now()
		res := tx.Model(&models.User{}).Where("id = ? AND version = ?", u.ID, before.Version).Select("*").Updates(&u)
		if res.Error != nil {
			if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
				return newErr(ErrConflict, "a user with this email already exists")
			}
			return translate(res.Error, "user")
		}
		if endSessions {
			if err := tx.Where("user_id = ?", u.ID).Delete(&models.Session{}).Error; err != nil {
				return err
			}
		}
		if u.Disabled {
			if err := tx.Model(&models.APIToken{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", s.now()).Error; err != nil {
				return err
			}
		}
		ch := diff(&before, &u)
		if p.Password.Set {
			ch["password"] = Change{Before: "(set)", After: "(changed)"}
		}
		out = u
		return s.audit(tx, c, "update", "user", u.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUser disables a user and ends its sessions and tokens. The record
// stays, because meetings, updates and the audit trail refer to it.
func (s *Store) DeleteUser(ctx context.Context, c Caller, id string, ifVersion *int) error {
	_, err := s.UpdateUser(ctx, c, id, UserPatch{Disabled: models.Some(true), IfVersion: ifVersion})
	return err
}

// EnsureAdmin creates the first administrator when there is no user at all.
// With an empty password it makes a random one and returns it, to be shown
// once. created is false when users already existed.
func (s *Store) EnsureAdmin(ctx context.Context, email, password string) (created bool, generated string, err error) {
	var n int64
	if err := s.read(ctx).Model(&models.User{}).Count(&n).Error; err != nil {
		return false, "", err
	}
	if n > 0 {
		return false, "", nil
	}
	if email == "" {
		email = "admin@localhost"
	}
	if password == "" {
		generated = RandomSecret(18)
		password = generated
	}
	_, err = s.CreateUser(ctx, System, UserInput{Email: email, Password: password, Role: string(models.RoleAdmin)})
	if err != nil {
		return false, "", err
	}
	return true, generated, nil
}

// userCaller builds the Caller for a signed-in user.
func (s *Store) userCaller(tx *gorm.DB, u *models.User) (Caller, error) {
	c := Caller{UserID: u.ID, Role: u.Role}
	if u.PersonID != nil {
		var p models.Person
		if err := tx.Where("id = ?", *u.PersonID).Take(&p).Error; err != nil {
			return c, translate(err, "person")
		}
		c.PersonID, c.OrganizationID = p.ID, p.OrganizationID
	}
	return c, nil
}

// SessionTTL and sessionIdle bound a browser session.
const (
	SessionTTL  = 12 * time.Hour
	sessionIdle = 2 * time.Hour
)
