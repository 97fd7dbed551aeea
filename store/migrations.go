package store

import "strings"

// migration is one forward-only schema step. Statements are written once
// for both databases; {TS} becomes each one's timestamp type.
type migration struct {
	name       string
	statements []string
	sqlite     []string // statements for SQLite only
	postgres   []string // statements for Postgres only
}

// migrations is the schema's history. Order matters and is final: add new
// steps at the end, never edit one that has shipped.
var migrations = []migration{
	{name: "core schema", statements: []string{
		`CREATE TABLE organizations (
			id TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			name_key TEXT NOT NULL UNIQUE,
			kind TEXT NOT NULL,
			sector TEXT NOT NULL DEFAULT '',
			country TEXT NOT NULL DEFAULT '',
			version INTEGER NOT NULL DEFAULT 1,
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL)`,
		`CREATE INDEX organizations_sector ON organizations (sector)`,
		`CREATE TABLE people (
			id TEXT PRIMARY KEY,
			full_name TEXT NOT NULL,
			job_title TEXT NOT NULL DEFAULT '',
			email TEXT UNIQUE,
			organization_id TEXT NOT NULL REFERENCES organizations (id),
			version INTEGER NOT NULL DEFAULT 1,
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL)`,
		`CREATE INDEX people_organization ON people (organization_id)`,
		`CREATE INDEX people_full_name ON people (full_name, id)`,
		`CREATE TABLE users (
			id TEXT PRIMARY KEY,
			email TEXT NOT NULL UNIQUE,
			password_hash TEXT NOT NULL,
			role TEXT NOT NULL,
			person_id TEXT REFERENCES people (id),
			disabled BOOLEAN NOT NULL DEFAULT FALSE,
			version INTEGER NOT NULL DEFAULT 1,
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL)`,
		`CREATE TABLE api_tokens (
			id TEXT PRIMARY KEY,
			user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
			name TEXT NOT NULL,
			scope TEXT NOT NULL,
			secret_hash TEXT NOT NULL UNIQUE,
			expires_at {TS},
			last_used_at {TS},
			revoked_at {TS},
			created_at {TS} NOT NULL)`,
		`CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at)`,
		`CREATE TABLE sessions (
			id TEXT PRIMARY KEY,
			user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
			created_at {TS} NOT NULL,
			expires_at {TS} NOT NULL,
			last_seen_at {TS} NOT NULL)`,
		`CREATE INDEX sessions_user ON sessions (user_id)`,
		`CREATE TABLE meetings (
			id TEXT PRIMARY KEY,
			title TEXT NOT NULL,
			starts_at {TS} NOT NULL,
			ends_at {TS} NOT NULL,
			timezone TEXT NOT NULL,
			location TEXT NOT NULL DEFAULT '',
			modality TEXT NOT NULL,
			kind TEXT NOT NULL,
			status TEXT NOT NULL,
			tlp TEXT NOT NULL,
			summary TEXT NOT NULL DEFAULT '',
			public_readout TEXT NOT NULL DEFAULT '',
			host_organization_id TEXT NOT NULL REFERENCES organizations (id),
			follow_up_of_id TEXT REFERENCES meetings (id),
			version INTEGER NOT NULL DEFAULT 1,
			created_by TEXT NOT NULL DEFAULT '',
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL,
			deleted_at {TS})`,
		`CREATE INDEX meetings_starts_at ON meetings (starts_at, id)`,
		`CREATE INDEX meetings_tlp ON meetings (tlp, starts_at, id)`,
		`CREATE INDEX meetings_status ON meetings (status, starts_at)`,
		`CREATE INDEX meetings_kind ON meetings (kind, starts_at)`,
		`CREATE INDEX meetings_title ON meetings (title, id)`,
		`CREATE INDEX meetings_created_at ON meetings (created_at, id)`,
		`CREATE INDEX meetings_host ON meetings (host_organization_id, starts_at)`,
		`CREATE INDEX meetings_follow_up_of ON meetings (follow_up_of_id)`,
		`CREATE TABLE attendees (
			id TEXT PRIMARY KEY,
			meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
			person_id TEXT REFERENCES people (id),
			organization_id TEXT NOT NULL REFERENCES organizations (id),
			role TEXT NOT NULL,
			attendance TEXT NOT NULL,
			disclosure TEXT NOT NULL,
			withholding_reason TEXT NOT NULL DEFAULT '',
			version INTEGER NOT NULL DEFAULT 1,
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL,
			UNIQUE (meeting_id, person_id))`,
		`CREATE INDEX attendees_meeting ON attendees (meeting_id, created_at)`,
		`CREATE INDEX attendees_organization ON attendees (organization_id, meeting_id)`,
		`CREATE INDEX attendees_person ON attendees (person_id, meeting_id)`,
		`CREATE TABLE topics (
			id TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			name_key TEXT NOT NULL UNIQUE,
			kind TEXT NOT NULL,
			reference TEXT NOT NULL DEFAULT '',
			description TEXT NOT NULL DEFAULT '',
			version INTEGER NOT NULL DEFAULT 1,
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL)`,
		`CREATE TABLE meeting_topics (
			meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
			topic_id TEXT NOT NULL REFERENCES topics (id),
			PRIMARY KEY (meeting_id, topic_id))`,
		`CREATE INDEX meeting_topics_topic ON meeting_topics (topic_id, meeting_id)`,
		`CREATE TABLE action_items (
			id TEXT PRIMARY KEY,
			meeting_id TEXT NOT NULL REFERENCES meetings (id),
			title TEXT NOT NULL,
			description TEXT NOT NULL DEFAULT '',
			owner_person_id TEXT REFERENCES people (id),
			owner_organization_id TEXT REFERENCES organizations (id),
			due_on TEXT,
			status TEXT NOT NULL,
			priority TEXT NOT NULL,
			completed_at {TS},
			version INTEGER NOT NULL DEFAULT 1,
			created_by TEXT NOT NULL DEFAULT '',
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL,
			deleted_at {TS})`,
		`CREATE INDEX action_items_meeting ON action_items (meeting_id)`,
		`CREATE INDEX action_items_due_on ON action_items (due_on, id)`,
		`CREATE INDEX action_items_status ON action_items (status, due_on)`,
		`CREATE INDEX action_items_owner_person ON action_items (owner_person_id, due_on)`,
		`CREATE INDEX action_items_owner_org ON action_items (owner_organization_id, due_on)`,
		`CREATE INDEX action_items_priority ON action_items (priority, due_on)`,
		`CREATE INDEX action_items_created_at ON action_items (created_at, id)`,
		`CREATE TABLE action_item_updates (
			id TEXT PRIMARY KEY,
			action_item_id TEXT NOT NULL REFERENCES action_items (id),
			author_id TEXT NOT NULL,
			body TEXT NOT NULL,
			status_from TEXT,
			status_to TEXT,
			created_at {TS} NOT NULL)`,
		`CREATE INDEX action_item_updates_item ON action_item_updates (action_item_id, created_at, id)`,
		`CREATE TABLE audit_events (
			id TEXT PRIMARY KEY,
			at {TS} NOT NULL,
			actor_id TEXT,
			action TEXT NOT NULL,
			entity_type TEXT NOT NULL,
			entity_id TEXT NOT NULL,
			changes TEXT NOT NULL DEFAULT '{}',
			request_id TEXT NOT NULL DEFAULT '',
			client_addr TEXT NOT NULL DEFAULT '')`,
		`CREATE INDEX audit_events_at ON audit_events (at, id)`,
		`CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, at)`,
		`CREATE INDEX audit_events_actor ON audit_events (actor_id, at)`,
		`CREATE TABLE idempotency_keys (
			user_id TEXT NOT NULL,
			key TEXT NOT NULL,
			method TEXT NOT NULL,
			path TEXT NOT NULL,
			body_hash TEXT NOT NULL,
			status INTEGER NOT NULL,
			location TEXT NOT NULL DEFAULT '',
			response TEXT NOT NULL,
			created_at {TS} NOT NULL,
			PRIMARY KEY (user_id, key))`,
		`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`,
		`CREATE TABLE login_failures (
			id TEXT PRIMARY KEY,
			email_key TEXT NOT NULL,
			client_addr TEXT NOT NULL,
			at {TS} NOT NULL)`,
		`CREATE INDEX login_failures_email ON login_failures (email_key, at)`,
		`CREATE INDEX login_failures_addr ON login_failures (client_addr, at)`,
	},
		sqlite: []string{
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`,
			`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END`,
			`CREATE TRIGGER action_item_updates_no_update BEFORE UPDATE ON action_item_updates BEGIN SELECT RAISE(ABORT, 'action item updates are append-only'); END`,
			`CREATE TRIGGER action_item_updates_no_delete BEFORE DELETE ON action_item_updates BEGIN SELECT RAISE(ABORT, 'action item updates are append-only'); END`,
		},
		postgres: []string{
			`CREATE FUNCTION liaison_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
			`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION liaison_append_only()`,
			`CREATE TRIGGER action_item_updates_append_only BEFORE UPDATE OR DELETE ON action_item_updates FOR EACH ROW EXECUTE FUNCTION liaison_append_only()`,
		},
	},
	{name: "statistics: days to close, covering indexes", statements: []string{
		`ALTER TABLE action_items ADD COLUMN days_to_close REAL`,
		`CREATE INDEX action_items_close ON action_items (status, days_to_close)`,
		`CREATE INDEX action_items_stats ON action_items (status, due_on, deleted_at, meeting_id)`,
		`CREATE INDEX attendees_disclosure ON attendees (disclosure, meeting_id)`,
		`CREATE INDEX meetings_stats ON meetings (status, tlp, deleted_at)`,
	},
		sqlite:   []string{`UPDATE action_items SET days_to_close = julianday(completed_at) - julianday(created_at) WHERE completed_at IS NOT NULL`},
		postgres: []string{`UPDATE action_items SET days_to_close = EXTRACT(EPOCH FROM (completed_at - created_at)) / 86400.0 WHERE completed_at IS NOT NULL`},
	},
	{name: "action item lists stream in due order per owner", statements: []string{
		`DROP INDEX IF EXISTS action_items_owner_person`,
		`DROP INDEX IF EXISTS action_items_owner_org`,
		`DROP INDEX IF EXISTS action_items_due_on`,
		`CREATE INDEX action_items_owner_person_due ON action_items (owner_person_id, (COALESCE(due_on, '9999-12-31')), id)`,
		`CREATE INDEX action_items_owner_org_due ON action_items (owner_organization_id, (COALESCE(due_on, '9999-12-31')), id)`,
		`CREATE INDEX action_items_due ON action_items ((COALESCE(due_on, '9999-12-31')), id)`,
	}},
	{name: "owner lists filter by status without reading the table", statements: []string{
		`DROP INDEX IF EXISTS action_items_owner_person_due`,
		`DROP INDEX IF EXISTS action_items_owner_org_due`,
		`CREATE INDEX action_items_owner_person_due ON action_items (owner_person_id, (COALESCE(due_on, '9999-12-31')), id, status, deleted_at, meeting_id)`,
		`CREATE INDEX action_items_owner_org_due ON action_items (owner_organization_id, (COALESCE(due_on, '9999-12-31')), id, status, deleted_at, meeting_id, owner_person_id)`,
	}},
	{name: "a meeting's action item counts from the index alone", statements: []string{
		// (status, due_on) is a prefix of action_items_stats: one index less
		// to keep up on every write.
		`DROP INDEX IF EXISTS action_items_status`,
		`DROP INDEX IF EXISTS action_items_meeting`,
		`CREATE INDEX action_items_meeting ON action_items (meeting_id, status, due_on, deleted_at)`,
	}},
	{name: "attendance and visibility from covering indexes", statements: []string{
		// The attendance of a page of meetings, in its order, without
		// reading the table or sorting; it replaces the (meeting_id) index.
		`CREATE INDEX attendees_page ON attendees (meeting_id, created_at, id, person_id, organization_id, role, attendance, disclosure, withholding_reason, version)`,
		`DROP INDEX IF EXISTS attendees_meeting`,
		// The visibility rule asks "did this organisation (person) attend
		// this meeting?" for every candidate meeting: one index probe each.
		`DROP INDEX IF EXISTS attendees_organization`,
		`CREATE INDEX attendees_organization ON attendees (organization_id, meeting_id, attendance)`,
		`DROP INDEX IF EXISTS attendees_person`,
		`CREATE INDEX attendees_person ON attendees (person_id, meeting_id, attendance)`,
	}},
	{name: "meeting visibility from a covering index", statements: []string{
		// Lists of action items ask, for every candidate item, whether its
		// meeting is live and visible: one descent of a compact index
		// rather than the id index and then the meeting's row.
		`CREATE INDEX meetings_visibility ON meetings (id, deleted_at, tlp, host_organization_id)`,
	}},
	{name: "owner lists from their indexes alone", statements: []string{
		// A list's page query reads each row's version (the list item
		// cache's key) with its id: with the version in the owner indexes,
		// an owner's page never reads the table. An update changes the
		// version, so it rewrites these two entries as a status change did.
		`DROP INDEX IF EXISTS action_items_owner_person_due`,
		`DROP INDEX IF EXISTS action_items_owner_org_due`,
		`CREATE INDEX action_items_owner_person_due ON action_items (owner_person_id, (COALESCE(due_on, '9999-12-31')), id, status, deleted_at, meeting_id, version)`,
		`CREATE INDEX action_items_owner_org_due ON action_items (owner_organization_id, (COALESCE(due_on, '9999-12-31')), id, status, deleted_at, meeting_id, owner_person_id, version)`,
	}},
	{name: "every sort of a list has an index", statements: []string{
		// A page sorted by one of these walks the index and stops at its
		// end instead of sorting every row that passes the filters.
		`CREATE INDEX meetings_updated_at ON meetings (updated_at, id)`,
		`CREATE INDEX action_items_updated_at ON action_items (updated_at, id)`,
		`CREATE INDEX action_items_title ON action_items (title, id)`,
	}},
	{name: "idempotent replays keep no bodies", statements: []string{
		// A replay now answers with the record as the caller may see it
		// at the time; a kept body could hold a token's secret or what the
		// caller may no longer see. Only an update's body is still kept.
		`UPDATE idempotency_keys SET response = '' WHERE path NOT LIKE '%/updates'`,
	}},
	{name: "topics made by meetings", statements: []string{
		// A topic made in the directory is public knowledge; one a meeting
		// made is known only to those who may see a meeting using it. Of
		// the topics made so far, those a meeting uses are taken as made
		// by one.
		`ALTER TABLE topics ADD COLUMN from_meeting BOOLEAN NOT NULL DEFAULT FALSE`,
		`UPDATE topics SET from_meeting = TRUE WHERE EXISTS (SELECT 1 FROM meeting_topics mt WHERE mt.topic_id = topics.id)`,
	}},
	{name: "text search from word indexes", sqlite: []string{
		// q matches words by prefix through FTS4 (FTS5 needs a build tag
		// of the driver). A text row's docid is its record's rowid, which
		// VACUUM may renumber: a backup rebuilds the text tables
		// (rebuildTextSQL).
		`CREATE VIRTUAL TABLE meeting_text USING fts4 (body, topics, tokenize=unicode61 "remove_diacritics=2")`,
		`CREATE VIRTUAL TABLE action_item_text USING fts4 (body, tokenize=unicode61 "remove_diacritics=2")`,
		rebuildTextSQL[0], rebuildTextSQL[1], rebuildTextSQL[2], rebuildTextSQL[3],
		`CREATE TRIGGER meeting_text_insert AFTER INSERT ON meetings BEGIN
			INSERT INTO meeting_text (docid, body, topics) VALUES (NEW.rowid, ` + meetingBodySQL("NEW") + `, '');
		END`,
		`CREATE TRIGGER meeting_text_update AFTER UPDATE OF title, summary, public_readout, location ON meetings BEGIN
			UPDATE meeting_text SET body = ` + meetingBodySQL("NEW") + ` WHERE docid = NEW.rowid;
		END`,
		`CREATE TRIGGER meeting_text_delete AFTER DELETE ON meetings BEGIN
			DELETE FROM meeting_text WHERE docid = OLD.rowid;
		END`,
		`CREATE TRIGGER meeting_text_topic_added AFTER INSERT ON meeting_topics BEGIN
			UPDATE meeting_text SET topics = ` + meetingTopicsSQL("NEW.meeting_id") + ` WHERE docid = (SELECT rowid FROM meetings WHERE id = NEW.meeting_id);
		END`,
		`CREATE TRIGGER meeting_text_topic_removed AFTER DELETE ON meeting_topics BEGIN
			UPDATE meeting_text SET topics = ` + meetingTopicsSQL("OLD.meeting_id") + ` WHERE docid = (SELECT rowid FROM meetings WHERE id = OLD.meeting_id);
		END`,
		`CREATE TRIGGER meeting_text_topic_renamed AFTER UPDATE OF name, reference ON topics BEGIN
			UPDATE meeting_text SET topics = ` + meetingTopicsSQL("(SELECT id FROM meetings WHERE rowid = meeting_text.docid)") + `
			WHERE docid IN (SELECT m.rowid FROM meeting_topics mt JOIN meetings m ON m.id = mt.meeting_id WHERE mt.topic_id = NEW.id);
		END`,
		`CREATE TRIGGER action_item_text_insert AFTER INSERT ON action_items BEGIN
			INSERT INTO action_item_text (docid, body) VALUES (NEW.rowid, NEW.title || ' ' || NEW.description);
		END`,
		`CREATE TRIGGER action_item_text_update AFTER UPDATE OF title, description ON action_items BEGIN
			UPDATE action_item_text SET body = NEW.title || ' ' || NEW.description WHERE docid = NEW.rowid;
		END`,
		`CREATE TRIGGER action_item_text_delete AFTER DELETE ON action_items BEGIN
			DELETE FROM action_item_text WHERE docid = OLD.rowid;
		END`,
	}, postgres: []string{
		// q matches words by prefix through full-text indexes: the text
		// as a stored tsvector ('simple': no stemming or stop words, so
		// any word of a title can be found), searched with prefixes. A
		// meeting's topics are copied into topics_text by triggers, so that
		// one index answers for all of its text.
		`ALTER TABLE meetings ADD COLUMN topics_text TEXT NOT NULL DEFAULT ''`,
		`CREATE FUNCTION meeting_topics_text(mid TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
			SELECT ` + strings.Replace(meetingTopicsSQL("mid"), "group_concat", "string_agg", 1) + `
		$$`,
		`UPDATE meetings SET topics_text = meeting_topics_text(id)`,
		`CREATE FUNCTION meeting_topics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP = 'DELETE' THEN
				UPDATE meetings SET topics_text = meeting_topics_text(OLD.meeting_id) WHERE id = OLD.meeting_id;
				RETURN OLD;
			END IF;
			UPDATE meetings SET topics_text = meeting_topics_text(NEW.meeting_id) WHERE id = NEW.meeting_id;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER meeting_topics_text AFTER INSERT OR DELETE ON meeting_topics FOR EACH ROW EXECUTE FUNCTION meeting_topics_changed()`,
		`CREATE FUNCTION topic_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			UPDATE meetings SET topics_text = meeting_topics_text(id) WHERE id IN (SELECT meeting_id FROM meeting_topics WHERE topic_id = NEW.id);
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER topic_renamed AFTER UPDATE OF name, reference ON topics FOR EACH ROW EXECUTE FUNCTION topic_renamed()`,
		// Postgres's parser keeps "-2024" or "a.b" as one token; every
		// character but a letter or digit separates words, as on SQLite.
		`ALTER TABLE meetings ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(` + meetingBodySQL("") + ` || ' ' || topics_text, '[^[:alnum:]]+', ' ', 'g'))) STORED`,
		`CREATE INDEX meetings_search ON meetings USING gin (search)`,
		`ALTER TABLE action_items ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(title || ' ' || description, '[^[:alnum:]]+', ' ', 'g'))) STORED`,
		`CREATE INDEX action_items_search ON action_items USING gin (search)`,
	}},
	{name: "statistics from summary tables", sqlite: summaryGen{d: SQLite, sums: summaries13}.create(), postgres: summaryGen{d: Postgres, sums: summaries13}.create()},
	{name: "an owner's items in every order", statements: []string{
		// An owner's list (owner=me, owner_person, owner_organization)
		// walks one of these to its page in any sort but the due date's,
		// which the (owner, due date) indexes serve.
		`CREATE INDEX action_items_owner_person_created ON action_items (owner_person_id, created_at, id)`,
		`CREATE INDEX action_items_owner_person_updated ON action_items (owner_person_id, updated_at, id)`,
		`CREATE INDEX action_items_owner_person_title ON action_items (owner_person_id, title, id)`,
		`CREATE INDEX action_items_owner_org_created ON action_items (owner_organization_id, created_at, id)`,
		`CREATE INDEX action_items_owner_org_updated ON action_items (owner_organization_id, updated_at, id)`,
		`CREATE INDEX action_items_owner_org_title ON action_items (owner_organization_id, title, id)`,
	}},
	{name: "the median from thousandths of a day",
		sqlite:   summaryGen{d: SQLite, sums: summaries24}.add(summaryGen{d: SQLite, sums: summaries13}, []summary{closeMillis}),
		postgres: summaryGen{d: Postgres, sums: summaries24}.add(summaryGen{d: Postgres, sums: summaries13}, []summary{closeMillis})},
	{name: "summary rows in shards on Postgres",
		postgres: summaryGen{d: Postgres, sums: summaries24, shards: summaryShards}.shard(summaryGen{d: Postgres, sums: summaries24})},
	{name: "list sorts that check the filters from their index", sqlite: listIndexes()},
	{name: "summary tables without rowids", sqlite: summaryGen{d: SQLite, sums: summaries24}.withoutRowid()},
	{name: "imported meetings keep their source row", statements: []string{
		`CREATE TABLE meeting_sources (
			source TEXT NOT NULL,
			source_row INTEGER NOT NULL,
			meeting_id TEXT NOT NULL REFERENCES meetings (id),
			row_hash TEXT NOT NULL,
			imported_at {TS} NOT NULL,
			PRIMARY KEY (source, source_row))`,
		`CREATE INDEX meeting_sources_meeting ON meeting_sources (meeting_id)`,
	}},
	{name: "summary triggers skip the audiences a write cannot reach",
		sqlite: summaryGen{d: SQLite, sums: summaries24}.retrigger(), postgres: summaryGen{d: Postgres, sums: summaries24, shards: summaryShards}.retrigger()},
	{name: "notifications", statements: []string{
		`CREATE TABLE notifications (
			id TEXT PRIMARY KEY,
			user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
			kind TEXT NOT NULL,
			action_item_id TEXT NOT NULL REFERENCES action_items (id) ON DELETE CASCADE,
			status_from TEXT,
			status_to TEXT,
			dedupe TEXT NOT NULL,
			created_at {TS} NOT NULL,
			read_at {TS},
			UNIQUE (user_id, dedupe))`,
		`CREATE INDEX notifications_user ON notifications (user_id, created_at, id)`,
		`CREATE INDEX notifications_item ON notifications (action_item_id)`,
	}},
	{name: "webhooks", statements: []string{
		`CREATE TABLE webhook_endpoints (
			id TEXT PRIMARY KEY,
			url TEXT NOT NULL,
			event_types TEXT NOT NULL,
			tlp_ceiling TEXT NOT NULL,
			owner_user_id TEXT NOT NULL REFERENCES users (id),
			secret TEXT NOT NULL,
			enabled BOOLEAN NOT NULL DEFAULT TRUE,
			disabled_reason TEXT NOT NULL DEFAULT '',
			consecutive_failures INTEGER NOT NULL DEFAULT 0,
			version INTEGER NOT NULL DEFAULT 1,
			created_at {TS} NOT NULL,
			updated_at {TS} NOT NULL)`,
		`CREATE INDEX webhook_endpoints_created ON webhook_endpoints (created_at, id)`,
		`CREATE TABLE webhook_deliveries (
			id TEXT PRIMARY KEY,
			endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
			event_id TEXT NOT NULL,
			event_type TEXT NOT NULL,
			payload TEXT NOT NULL,
			entity TEXT NOT NULL DEFAULT '',
			entity_id TEXT NOT NULL DEFAULT '',
			meeting_id TEXT NOT NULL DEFAULT '',
			event_at {TS} NOT NULL,
			state TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			response_status INTEGER,
			latency_ms INTEGER,
			error TEXT NOT NULL DEFAULT '',
			created_at {TS} NOT NULL,
			last_attempt_at {TS},
			UNIQUE (endpoint_id, event_id))`,
		`CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at, id)`,
	}},
	{name: "e-mail reminders", statements: []string{
		`ALTER TABLE users ADD COLUMN reminders TEXT NOT NULL DEFAULT 'daily'`,
		`ALTER TABLE users ADD COLUMN reminder_hour INTEGER NOT NULL DEFAULT 8`,
		`ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC'`,
		`ALTER TABLE users ADD COLUMN unsubscribe_token TEXT`,
		`CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token)`,
		`CREATE TABLE digests (
			user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
			kind TEXT NOT NULL,
			period TEXT NOT NULL,
			state TEXT NOT NULL,
			created_at {TS} NOT NULL,
			sent_at {TS},
			PRIMARY KEY (user_id, kind, period))`,
	}},
	{name: "owner summaries by shared marking and overdue",
		sqlite: summaryGen{d: SQLite, sums: summaries28}.recount(itemOwners), postgres: summaryGen{d: Postgres, sums: summaries28, shards: summaryShards}.recount(itemOwners)},
	{name: "summary rows by quarter", sqlite: summaries25(SQLite).addQuarters(), postgres: summaries25(Postgres).addQuarters()},
	{name: "meeting lists by organisation or topic walk a tag's index", sqlite: meetingTags()},
	{name: "summary rows by day for every audience", sqlite: summaries27(SQLite).addAudienceDays()},
	{name: "a meeting's items by owner from the index alone", statements: []string{
		// The owners a participant sees in the room (ownersInTheRoom) are
		// counted from this index without reading the items.
		`DROP INDEX action_items_meeting`,
		`CREATE INDEX action_items_meeting ON action_items (meeting_id, status, due_on, deleted_at, owner_organization_id)`,
	}},
	{name: "owner summaries, one row per owner",
		sqlite: summaries29(SQLite).recount(ownerCounts), postgres: summaries29(Postgres).recount(ownerCounts)},
	{name: "summary rows by day for every audience on Postgres", postgres: currentSummaries(Postgres).addAudienceDays()},
}

// meetingBodySQL is a meeting's searched text (but its topics), of the row
// named r ("" for the table's own columns).
func meetingBodySQL(r string) string {
	if r != "" {
		r += "."
	}
	return r + "title || ' ' || " + r + "summary || ' ' || " + r + "public_readout || ' ' || " + r + "location"
}

// meetingTopicsSQL is the searched text of the topics of the meeting
// whose id is the expression id.
func meetingTopicsSQL(id string) string {
	return "COALESCE((SELECT group_concat(t.name || ' ' || t.reference, ' ') FROM meeting_topics mt JOIN topics t ON t.id = mt.topic_id WHERE mt.meeting_id = " + id + "), '')"
}

// rebuildTextSQL fills SQLite's text tables from the records, for the
// migration that makes them and for a backup, whose rowids VACUUM may
// have renumbered.
var rebuildTextSQL = []string{
	`DELETE FROM meeting_text`,
	`INSERT INTO meeting_text (docid, body, topics) SELECT m.rowid, ` + meetingBodySQL("m") + `, ` + meetingTopicsSQL("m.id") + ` FROM meetings m`,
	`DELETE FROM action_item_text`,
	`INSERT INTO action_item_text (docid, body) SELECT a.rowid, a.title || ' ' || a.description FROM action_items a`,
}

// listIndexes are the indexes a list's page walks, made again to hold
// what its filters and the visibility rule read: the walk checks each row
// from the index, and SQLite reads the table only for the rows that pass.
func listIndexes() []string {
	var out []string
	index := func(name, table, cols string) {
		out = append(out, "DROP INDEX "+name, "CREATE INDEX "+name+" ON "+table+" ("+cols+")")
	}
	meeting := "deleted_at, tlp, host_organization_id, status, kind"
	index("meetings_starts_at", "meetings", "starts_at, id, "+meeting)
	for _, sort := range []string{"title", "created_at", "updated_at"} {
		index("meetings_"+sort, "meetings", sort+", id, "+meeting+", starts_at")
	}
	item := "deleted_at, status, priority, meeting_id"
	index("action_items_due", "action_items", "(COALESCE(due_on, '"+noDueDate+"')), id, "+item+", owner_person_id, owner_organization_id")
	for _, sort := range []string{"title", "created_at", "updated_at"} {
		index("action_items_"+sort, "action_items", sort+", id, "+item+", owner_person_id, owner_organization_id, due_on")
	}
	for _, sort := range []struct{ name, col string }{{"created", "created_at"}, {"updated", "updated_at"}, {"title", "title"}} {
		index("action_items_owner_person_"+sort.name, "action_items", "owner_person_id, "+sort.col+", id, "+item+", due_on")
		index("action_items_owner_org_"+sort.name, "action_items", "owner_organization_id, "+sort.col+", id, "+item+", owner_person_id, due_on")
	}
	return out
}
