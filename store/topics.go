package store

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"liaison/models"
)

// TopicInput creates a topic.
type TopicInput struct {
	Name, Kind, Reference, Description string
}

// TopicPatch changes a topic; fields left out stay as they are.
type TopicPatch struct {
	Name        models.Opt[string] `json:"name"`
	Kind        models.Opt[string] `json:"kind"`
	Reference   models.Opt[string] `json:"reference"`
	Description models.Opt[string] `json:"description"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

// References are checked per kind: a CVE id, a CISA or ICS advisory id, an
// ATT&CK technique id. Subjects and campaigns take free text.
var topicReference = map[string]struct {
	re   *regexp.Regexp
	hint string
}{
	"vulnerability": {regexp.MustCompile(`^CVE-\d{4}-\d{4,7}$`), "a CVE id such as CVE-2024-3400"},
	"advisory":      {regexp.MustCompile(`^(AA\d{2}-\d{3}[A-Z]|ICS[AM]?A-\d{2}-\d{3}-\d{2}[A-Z]?)$`), "a CISA advisory id such as AA23-144A or ICSA-24-065-01"},
	"technique":     {regexp.MustCompile(`^T\d{4}(\.\d{3})?$`), "an ATT&CK technique id such as T1190 or T1071.001"},
}

func validateTopic(v *validator, t *models.Topic) {
	v.check(t.Name != "" && len(t.Name) <= 200, "name", "must be 1 to 200 characters")
	v.check(models.OneOf(t.Kind, models.TopicKinds), "kind", "must be one of %v", models.TopicKinds)
	v.check(len(t.Reference) <= 200, "reference", "must be at most 200 characters")
	v.check(len(t.Description) <= 10000, "description", "must be at most 10000 characters")
	if rule, ok := topicReference[t.Kind]; ok && t.Reference != "" {
		v.check(rule.re.MatchString(t.Reference), "reference", "must be %s", rule.hint)
	}
}

func dupTopic(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &ValidationError{Errors: []FieldError{{Field: "name", Message: "a topic with this name already exists"}}}
	}
	return translate(err, "topic")
}

// CreateTopic adds a topic.
func (s *Store) CreateTopic(ctx context.Context, c Caller, in TopicInput) (*models.Topic, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	t := &models.Topic{ID: newID(), Name: strings.TrimSpace(in.Name), Kind: in.Kind, Reference: strings.TrimSpace(in.Reference), Description: in.Description, Version: 1}
	t.NameKey = strings.ToLower(t.Name)
	var v validator
	validateTopic(&v, t)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return dupTopic(err)
		}
		return s.audit(tx, c, "create", "topic", t.ID, diff(nil, t))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// GetTopic reads one topic.
func (s *Store) GetTopic(ctx context.Context, c Caller, id string) (*models.Topic, error) {
	var t models.Topic
	if err := s.read(ctx).Model(&models.Topic{}).Scopes(topicVisible(s.dialect, c)).Where("topics.id = ?", id).Take(&t).Error; err != nil {
		return nil, translate(err, "topic")
	}
	return &t, nil
}

// TopicFilter narrows the topic list.
type TopicFilter struct{ Kind, Q string }

var topicSorts = newSortSet("name", map[string]sortKey{
	"name":       {expr: "topics.name_key"},
	"created_at": {expr: "topics.created_at", isTime: true},
})

// ListTopics pages through the topics the caller may know of.
func (s *Store) ListTopics(ctx context.Context, c Caller, f TopicFilter, p Page) ([]models.Topic, *string, error) {
	q := s.read(ctx).Model(&models.Topic{}).Scopes(topicVisible(s.dialect, c))
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Q != "" {
		pat := likePattern(f.Q)
		q = q.Where("(topics.name_key LIKE ? ESCAPE '\\' OR topics.reference "+s.like()+" ? ESCAPE '\\')", strings.ToLower(pat), pat)
	}
	q, key, name, err := applyPage(q, topicSorts, p, "topics")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.Topic
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(x models.Topic) (any, string) {
		if key.isTime {
			return x.CreatedAt, x.ID
		}
		return x.NameKey, x.ID
	})
	return rows, next, nil
}

// UpdateTopic changes a topic.
func (s *Store) UpdateTopic(ctx context.Context, c Caller, id string, p TopicPatch) (*models.Topic, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var out models.Topic
	err := s.write(ctx, func(tx *gorm.DB) error {
		var t models.Topic
		if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
			return translate(err, "topic")
		}
		if err := checkVersion(p.IfVersion, t.Version, "topic"); err != nil {
			return err
		}
		before := t
		setIf(&t.Name, p.Name, strings.TrimSpace)
		setIf(&t.Kind, p.Kind, nil)
		setIf(&t.Reference, p.Reference, strings.TrimSpace)
		setIf(&t.Description, p.Description, nil)
		t.NameKey = strings.ToLower(t.Name)
		var v validator
		validateTopic(&v, &t)
		if err := v.err(); err != nil {
			return err
		}
		if out = t; unchanged(&before, &t) {
			return nil
		}
		if err := saveVersioned(tx, &t, &t.Version, before.Version, t.ID); err != nil {
			return dupTopic(err)
		}
		out = t
		return s.audit(tx, c, "update", "topic", t.ID, diff(&before, &t))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTopic removes a topic that no meeting uses.
func (s *Store) DeleteTopic(ctx context.Context, c Caller, id string, ifVersion *int) error {
	if err := requireCoordinator(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var t models.Topic
		if err := tx.Where("id = ?", id).Take(&t).Error; err != nil {
			return translate(err, "topic")
		}
		if err := checkVersion(ifVersion, t.Version, "topic"); err != nil {
			return err
		}
		if err := stillReferenced(tx, "topic", t.ID, reference{"meeting_topics", "topic_id", "meeting", "meetings"}); err != nil {
			return err
		}
		if err := tx.Delete(&t).Error; err != nil {
			return translate(err, "topic")
		}
		return s.audit(tx, c, "delete", "topic", t.ID, diff(&t, nil))
	})
}

// topicsByName finds or creates (as subjects) the named topics, in order,
// without duplicates.
func (s *Store) topicsByName(tx *gorm.DB, c Caller, names []string) ([]models.Topic, error) {
	var out []models.Topic
	seen := map[string]bool{}
	for i, raw := range names {
		name := strings.TrimSpace(raw)
		key := strings.ToLower(name)
		if name == "" || len(name) > 200 {
			return nil, &ValidationError{Errors: []FieldError{{Field: "topics[" + itoa(i) + "]", Message: "must be 1 to 200 characters"}}}
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		var t models.Topic
		err := tx.Where("name_key = ?", key).Take(&t).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			t = models.Topic{ID: newID(), Name: name, NameKey: key, Kind: "subject", FromMeeting: true, Version: 1}
			if err := tx.Create(&t).Error; err != nil {
				return nil, err
			}
			if err := s.audit(tx, c, "create", "topic", t.ID, diff(nil, &t)); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
