package api_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/internal/smtptest"
	"liaison/jobs"
	"liaison/models"
	"liaison/store"
)

// The leak suite. It seeds a meeting at every TLP level with an attendee of
// every disclosure, each with distinctive secret names, then calls every
// operation of the OpenAPI document as every kind of caller and fails when
// a response body or header carries something that caller may not know: a
// hidden meeting's title or id, or a withheld attendee's name or id.
// Because it walks the document, a new route is covered as soon as it is
// documented (and TestEveryRouteIsDocumented makes sure it is).

type leakMeeting struct {
	id, title, tlp, disclosure string
	secretPerson, handoff      *models.Person // the withheld attendee; a colleague of theirs who owns an item
	secretOrgRow               *models.Organization
	secretUser                 string // the withheld attendee's login, which writes an update
	attendeeIDs, itemIDs       []string
	telcoItem                  string // owned by the telecom, so seen by its people as owners
	topicID                    string
}

type leakCaller struct {
	name      string
	visible   func(m *leakMeeting) bool // may see the meeting
	identity  func(m *leakMeeting) bool // may see its withheld attendees
	ownsTelco bool                      // of the telecom, which owns an item of every meeting
}

func TestNoLeaks(t *testing.T) {
	eachDB(t, testNoLeaks)
}

func testNoLeaks(t *testing.T, e *env) {
	st, sys := e.st, store.System
	w := e.w
	// A colleague of the insider: same organisation, never on an attendance.
	colleague := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Colin Colleague", OrganizationID: w.telco.ID}))
	must(st.CreateUser(ctx, sys, store.UserInput{Email: "colleague@example.test", Password: "correct horse battery staple", Role: "participant", PersonID: &colleague.ID}))
	cc := must(st.CallerByEmail(ctx, "colleague@example.test"))
	_, sec, err := st.CreateToken(ctx, cc, store.TokenInput{Name: "t", Scope: "write"})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["colleague"] = sec
	_, sec, err = st.CreateToken(ctx, cc, store.TokenInput{Name: "t", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["colleagueread"] = sec

	// E-mail: the digests of the callers below are read as their
	// responses are. Their reminders are off until the data is made, so
	// that the queue's first round (on start) records no empty digest.
	mailSrv := smtptest.Start(t)
	e.mailer = must(jobs.NewMailer(mailSrv.URL, "Liaison <liaison@example.test>", mailSrv.ClientTLS))
	digestCallers := []string{"insider", "colleague", "outsider", "viewer"}
	for _, name := range digestCallers {
		must(st.SetReminders(ctx, must(st.CallerByEmail(ctx, name+"@example.test")), store.ReminderPatch{Frequency: models.Some("off")}))
	}
	e.startJobs(t) // the changes below make notifications, which are walked too

	// A webhook endpoint owned by each caller who is not staff, taking
	// every event of every TLP: what reaches its receiver is checked as
	// that caller's responses are.
	receivers := map[string]*receiver{}
	for _, name := range []string{"insider", "colleague", "outsider", "viewer"} {
		rc := newReceiver(t)
		receivers[name] = rc
		owner := must(st.CallerByEmail(ctx, name+"@example.test"))
		if _, _, err := st.CreateWebhook(ctx, sys, store.WebhookInput{URL: rc.srv.URL, EventTypes: store.WebhookEventTypes, TLPCeiling: "RED", OwnerUserID: owner.UserID}); err != nil {
			t.Fatal(err)
		}
	}

	coord := must(st.CallerByEmail(ctx, "coordinator@example.test"))
	var meetings []*leakMeeting
	// RED first: each meeting follows up the one made before it, so that
	// visible meetings follow up hidden ones.
	tlps := slices.Clone(models.TLPs)
	slices.Reverse(tlps)
	for _, tlp := range tlps {
		for _, disc := range models.Disclosures {
			tag := strings.NewReplacer("+", "").Replace(tlp) + strings.ReplaceAll(disc, "_", "")
			m := &leakMeeting{tlp: tlp, disclosure: disc, title: "Zqtitle" + tag}
			m.secretOrgRow = must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zqorg" + tag, Kind: "industry", Sector: "energy", Country: "US"}))
			m.secretPerson = must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqperson" + tag, JobTitle: "Zqjob" + tag, OrganizationID: m.secretOrgRow.ID}))
			m.handoff = must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqhandoff" + tag, OrganizationID: m.secretOrgRow.ID}))
			m.secretUser = must(st.CreateUser(ctx, sys, store.UserInput{Email: "zq" + strings.ToLower(tag) + "@example.test", Password: "correct horse battery staple", Role: "participant", PersonID: &m.secretPerson.ID})).ID
			var follows *string
			if len(meetings) > 0 {
				follows = &meetings[len(meetings)-1].id
			}
			reason := "national_security"
			if disc == "public" {
				reason = ""
			}
			due := models.DateOf(models.DateOf(st.Now()).AddDate(0, 0, -3))
			v := must(st.CreateMeeting(ctx, coord, store.MeetingInput{
				Title: m.title, StartsAt: st.Now().AddDate(0, 0, -10), EndsAt: st.Now().AddDate(0, 0, -10).Add(3600e9), Timezone: "UTC",
				Modality: "virtual", Kind: "call", Status: "held", TLP: tlp, HostOrganizationID: w.gov.ID, Topics: []string{"Zqtopic" + tag}, FollowUpOfID: follows,
				PublicReadout: "Readout " + tag,
				Attendees: []store.AttendeeInput{
					{PersonID: &w.telcoP.ID, Attendance: "attended", Disclosure: "public"}, // the insider attends every meeting
					{PersonID: &m.secretPerson.ID, Attendance: "attended", Disclosure: disc, WithholdingReason: reason},
				},
				ActionItems: []store.ActionItemInput{
					{Title: "Item for " + tag, OwnerPersonID: &m.secretPerson.ID, OwnerOrganizationID: &m.secretOrgRow.ID, DueOn: &due},
					{Title: "Telco item for " + tag, OwnerOrganizationID: &w.telco.ID, DueOn: &due},
					{Title: "Hand-off for " + tag, OwnerPersonID: &m.handoff.ID, OwnerOrganizationID: &m.secretOrgRow.ID, DueOn: &due},
				},
			}))
			m.id, m.topicID = v.ID, v.Topics[0].ID
			for _, a := range v.Attendees {
				m.attendeeIDs = append(m.attendeeIDs, a.ID)
			}
			items, _, err := st.ListActionItems(ctx, coord, store.ActionItemFilter{MeetingID: v.ID}, store.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			secretCaller := must(st.CallerByEmail(ctx, "zq"+strings.ToLower(tag)+"@example.test"))
			for _, it := range items {
				m.itemIDs = append(m.itemIDs, it.ID)
				if it.OwnerOrganizationID != nil && *it.OwnerOrganizationID == w.telco.ID {
					m.telcoItem = it.ID
				}
				if _, err := st.CreateUpdate(ctx, coord, it.ID, store.UpdateInput{Body: "Update on " + tag}); err != nil {
					t.Fatal(err)
				}
				if it.OwnerPersonID != nil && *it.OwnerPersonID == m.secretPerson.ID {
					// The withheld attendee writes too: their user id must
					// not tie this update to them.
					if _, err := st.CreateUpdate(ctx, secretCaller, it.ID, store.UpdateInput{Body: "Own update on " + tag}); err != nil {
						t.Fatal(err)
					}
				}
			}
			meetings = append(meetings, m)
		}
	}

	// k-anonymity: the only organisation of its sector attends a GREEN
	// meeting undisclosed; naming its sector would name it.
	lonelyOrg := must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zqlonely Reactor Operator", Kind: "industry", Sector: "nuclear", Country: "US"}))
	lonelyP := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqlonely Operator", OrganizationID: lonelyOrg.ID}))
	lonely := must(st.CreateMeeting(ctx, coord, store.MeetingInput{
		Title: "Zqlonely sector briefing", StartsAt: st.Now().AddDate(0, 0, -5), EndsAt: st.Now().AddDate(0, 0, -5).Add(3600e9), Timezone: "UTC",
		Modality: "virtual", Kind: "call", Status: "held", TLP: "GREEN", HostOrganizationID: w.gov.ID,
		Attendees: []store.AttendeeInput{{PersonID: &lonelyP.ID, Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: "national_security"}},
	}))

	e.drainJobs(t)

	all := func(*leakMeeting) bool { return true }
	none := func(*leakMeeting) bool { return false }
	clearGreen := func(m *leakMeeting) bool { return m.tlp == "CLEAR" || m.tlp == "GREEN" }
	amberOrg := func(m *leakMeeting) bool { return m.tlp != "RED" } // the telecom is on every attendance
	callers := []leakCaller{
		{"admin", all, all, false},
		{"coordinator", all, all, false},
		{"readtoken", all, all, false},      // a coordinator's read-only token
		{"insider", all, all, true},         // attends every meeting
		{"colleague", amberOrg, none, true}, // same organisation, not on the attendance
		{"colleagueread", amberOrg, none, true},
		{"outsider", clearGreen, none, false},
		{"viewer", clearGreen, none, false},
		{"public", func(m *leakMeeting) bool { return m.tlp == "CLEAR" }, none, false},
	}

	// What each caller must not see, in body or headers.
	forbidden := func(c leakCaller) map[string]string {
		out := map[string]string{}
		for _, m := range meetings {
			if !c.visible(m) {
				out[m.title] = "title of a hidden meeting"
				out[m.id] = "id of a hidden meeting"
				out["Readout "+strings.TrimPrefix(m.title, "Zqtitle")] = "readout of a hidden meeting"
				out["Zqtopic"+strings.TrimPrefix(m.title, "Zqtitle")] = "topic only a hidden meeting uses"
				out[m.topicID] = "id of a topic only a hidden meeting uses"
				for _, id := range append(m.attendeeIDs, m.itemIDs...) {
					if !(c.ownsTelco && id == m.telcoItem) { // an owner sees the item, not its meeting
						out[id] = "id of a hidden meeting's row"
					}
				}
			}
			if m.disclosure != "public" && !c.identity(m) {
				out[m.secretPerson.FullName] = "withheld person's name"
				out[m.secretPerson.JobTitle] = "withheld person's title"
				out[m.secretPerson.ID] = "withheld person's id"
				out[m.secretUser] = "withheld person's user id"
				if m.disclosure == "undisclosed" {
					out[m.secretOrgRow.Name] = "undisclosed organisation's name"
					out[m.secretOrgRow.ID] = "undisclosed organisation's id"
					out[m.handoff.ID] = "id of an owner from an undisclosed organisation"
				}
			}
		}
		return out
	}

	// E-mail digests, as their recipients may see them: each caller's due
	// now, at hour 0 of UTC.
	for _, name := range digestCallers {
		must(st.SetReminders(ctx, must(st.CallerByEmail(ctx, name+"@example.test")), store.ReminderPatch{Frequency: models.Some("daily"), Hour: models.Some(0)}))
	}
	if _, err := st.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	waitForDigests := time.Now().Add(30 * time.Second)
	for {
		pending := 0
		for _, c := range must(st.JobCounts(ctx)) {
			if c.Kind == "digest" && (c.State == "available" || c.State == "running" || c.State == "retryable") {
				pending += int(c.Jobs)
			}
		}
		if pending == 0 || time.Now().After(waitForDigests) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mailTo := map[string]int{}
	for _, m := range mailSrv.Messages() {
		text, html, _, err := m.Parts()
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(m.To[0], "@example.test")
		mailTo[name]++
		for _, c := range callers {
			if c.name != name {
				continue
			}
			for secret, what := range forbidden(c) {
				if strings.Contains(text+html, secret) {
					t.Errorf("the digest e-mailed to %s holds %s (%q)", name, what, secret)
				}
			}
		}
	}
	if mailTo["insider"] != 1 || mailTo["colleague"] != 1 {
		t.Errorf("digests e-mailed: %v; the insider and the colleague own overdue items", mailTo)
	}

	// Webhook payloads, as their owners may see them.
	for _, c := range callers {
		rc := receivers[c.name]
		if rc == nil {
			continue
		}
		got := rc.all()
		if len(got) == 0 {
			t.Errorf("%s's webhook received nothing", c.name)
		}
		for _, r := range got {
			for secret, what := range forbidden(c) {
				if strings.Contains(string(r.body), secret) {
					t.Errorf("a webhook owned by %s sent %s (%q): %.300s", c.name, what, secret, r.body)
				}
			}
		}
	}

	// Path parameters for every documented route.
	var redUndisclosed *leakMeeting
	for _, m := range meetings {
		if m.tlp == "RED" && m.disclosure == "undisclosed" {
			redUndisclosed = m
		}
	}
	var meetingIDs, itemIDs, attendeePairs []string
	for _, m := range meetings {
		meetingIDs = append(meetingIDs, m.id)
		itemIDs = append(itemIDs, m.itemIDs...)
		for _, a := range m.attendeeIDs {
			attendeePairs = append(attendeePairs, m.id+"|"+a)
		}
	}
	paramRe := regexp.MustCompile(`\{[a-z_]+\}`)
	expand := func(path string) []string {
		switch {
		case strings.Contains(path, "{attendee_id}"):
			var out []string
			for _, p := range attendeePairs {
				mid, aid, _ := strings.Cut(p, "|")
				out = append(out, strings.NewReplacer("{id}", mid, "{attendee_id}", aid).Replace(path))
			}
			return out
		case strings.HasPrefix(path, "/meetings/{id}"), strings.HasPrefix(path, "/public/meetings/{id}"):
			var out []string
			for _, id := range meetingIDs {
				out = append(out, strings.Replace(path, "{id}", id, 1))
			}
			return out
		case strings.HasPrefix(path, "/action-items/{id}"):
			var out []string
			for _, id := range itemIDs {
				out = append(out, strings.Replace(path, "{id}", id, 1))
			}
			return out
		case strings.HasPrefix(path, "/organizations/{id}"):
			return []string{strings.Replace(path, "{id}", redUndisclosed.secretOrgRow.ID, 1)}
		case strings.HasPrefix(path, "/people/{id}"):
			return []string{strings.Replace(path, "{id}", redUndisclosed.secretPerson.ID, 1)}
		case strings.HasPrefix(path, "/topics/{id}"):
			var out []string
			for _, m := range meetings {
				out = append(out, strings.Replace(path, "{id}", m.topicID, 1))
			}
			return out
		case paramRe.MatchString(path):
			return []string{paramRe.ReplaceAllString(path, meetingIDs[0])}
		}
		return []string{path}
	}
	// Probes: filters naming a withheld identity or a hidden meeting.
	var probes []string
	for _, m := range meetings {
		probes = append(probes, "organization="+m.secretOrgRow.ID, "owner_organization="+m.secretOrgRow.ID, "owner_person="+m.secretPerson.ID,
			"q="+url.QueryEscape(m.secretPerson.FullName), "q="+url.QueryEscape(m.title), "topic="+url.QueryEscape("Zqtopic"+strings.TrimPrefix(m.title, "Zqtitle")),
			"meeting="+m.id, "follow_up_of="+m.id)
	}
	probes = append(probes, "sector=nuclear")
	for _, g := range []string{"owner_organization", "status", "month", "priority", "sector", "topic", "kind", "host_organization"} {
		probes = append(probes, "group_by="+g)
	}
	// Directory routes show names by design: people and organisations exist
	// openly; what is secret is that they attended. They are checked for
	// meeting titles and ids only.
	directory := func(path string) bool {
		return strings.HasPrefix(path, "/organizations") || strings.HasPrefix(path, "/people") ||
			strings.HasPrefix(path, "/users") || strings.HasPrefix(path, "/audit-events")
	}

	called := map[string]bool{}
	ops := documentedPaths(t)
	for _, c := range callers {
		bad := forbidden(c)
		check := func(method, path string, out resp) {
			t.Helper()
			if out.Status >= 500 {
				t.Errorf("%s %s as %s: %d %s", method, path, c.name, out.Status, out.Body)
			}
			var hdr strings.Builder
			for k, vs := range out.Header {
				hdr.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
			}
			text := string(out.Body) + "\n" + hdr.String()
			for secret, what := range bad {
				if directory(strings.TrimPrefix(path, "/api/v1")) && strings.Contains(what, "withheld") || directory(strings.TrimPrefix(path, "/api/v1")) && strings.Contains(what, "undisclosed") {
					continue
				}
				if strings.Contains(text, secret) {
					t.Errorf("LEAK: %s %s as %s shows the %s (%s)", method, path, c.name, what, secret)
				}
			}
		}
		// The caller's own calendar feed, which the walk below cannot open.
		if tok := e.do(req{method: "POST", path: "/api/v1/me/tokens", as: c.name, body: map[string]any{"name": "calendar", "scope": "calendar"}, noSpec: true}); tok.Status == 201 {
			feed := "/api/v1/calendar/" + tok.obj(t)["token"].(string) + ".ics"
			out := e.do(req{method: "GET", path: feed, noSpec: true})
			if out.Status != 200 {
				t.Errorf("the calendar feed of %s: %d", c.name, out.Status)
			}
			check("GET", "/api/v1/calendar/{feed} of "+c.name, out)
		}
		for _, op := range ops {
			method, path, _ := strings.Cut(op, " ")
			if c.name == "admin" && method != "GET" {
				continue // admins may change anything; their writes would alter the fixture
			}
			if method == "DELETE" && (c.name == "coordinator") {
				continue
			}
			for _, p := range expand(path) {
				full := "/api/v1" + p
				var body any
				if method == "POST" || method == "PATCH" {
					body = map[string]any{}
				}
				if c.name == "coordinator" && method != "GET" {
					continue // coordinators see everything; writes would alter the fixture
				}
				out := e.do(req{method: method, path: full, as: c.name, body: body, noSpec: true})
				called[op] = true
				check(method, full, out)
				if method == "POST" && (strings.HasSuffix(path, "/updates") || path == "/me/tokens") {
					// A valid write, then its replay: both are checked, and a
					// token's secret never comes back.
					valid := map[string]any{"body": "Leak suite update"}
					if path == "/me/tokens" {
						valid = map[string]any{"name": "leak suite", "scope": "read"}
					}
					h := map[string]string{"Idempotency-Key": "leak-" + c.name + "-" + p}
					first := e.do(req{method: method, path: full, as: c.name, body: valid, header: h, noSpec: true})
					again := e.do(req{method: method, path: full, as: c.name, body: valid, header: h, noSpec: true})
					check(method, full, first)
					check(method, full+" (replayed)", again)
					if secret, _ := first.obj(t)["token"].(string); secret != "" && strings.Contains(string(again.Body), secret) {
						t.Errorf("LEAK: the replay of POST %s as %s shows the token's secret again", full, c.name)
					}
				}
				if method == "GET" && !strings.Contains(path, "{") && !strings.HasSuffix(path, ".json") {
					for _, pr := range probes {
						out := e.do(req{method: "GET", path: full + "?" + pr, as: c.name, noSpec: true})
						if out.Status == 400 {
							continue // not a filter of this list
						}
						check("GET", full+"?"+pr, out)
						probeMeeting(t, c, meetings, full, pr, out)
						staff := c.name == "admin" || c.name == "coordinator" || c.name == "readtoken"
						if !staff && pr == "sector=nuclear" && strings.Contains(string(out.Body), lonely.ID) {
							t.Errorf("LEAK: %s?%s as %s finds a meeting through the sector of its only organisation", full, pr, c.name)
						}
						if !staff && pr == "group_by=sector" && strings.Contains(string(out.Body), `"nuclear"`) {
							t.Errorf("LEAK: %s?%s as %s counts the sector of a withheld attendee that is its only organisation", full, pr, c.name)
						}
					}
				}
			}
		}
	}
	for _, op := range ops {
		if !called[op] {
			t.Errorf("the leak suite did not call %s", op)
		}
	}
	for _, as := range []string{"viewer", "outsider", "public"} {
		if out := string(e.do(req{method: "GET", path: "/api/v1/meetings/" + lonely.ID, as: as, noSpec: true}).Body); strings.Contains(out, "nuclear") {
			t.Errorf("LEAK: the meeting as %s names the sector of a withheld attendee that is its only organisation", as)
		}
	}

	// Operational surfaces: no metrics on the API's listener, and no link
	// built from a Host header the client chose.
	if out := e.do(req{method: "GET", path: "/metrics", noSpec: true}); strings.Contains(string(out.Body), "liaison_http_requests_total") {
		t.Error("LEAK: the API's listener serves metrics to anyone")
	}
	if out := e.do(req{method: "GET", path: "/api/v1/public/readouts.atom", header: map[string]string{"Host": "attacker.example"}, noSpec: true}); strings.Contains(string(out.Body), "attacker.example") {
		t.Error("LEAK: the Atom feed builds its links from the request's Host header")
	}
}

// probeMeeting fails when a filter that names a withheld identity of a
// meeting returns that meeting, or anything of it, to a caller who may not
// know of the attendance, and when a filter naming a hidden meeting finds
// anything at all, which would confirm that the meeting exists.
func probeMeeting(t *testing.T, c leakCaller, meetings []*leakMeeting, path, probe string, out resp) {
	t.Helper()
	for _, m := range meetings {
		if !c.visible(m) && (probe == "follow_up_of="+m.id || probe == "meeting="+m.id) &&
			strings.Contains(string(out.Body), `"items":[{`) {
			t.Errorf("LEAK: %s?%s as %s finds something, confirming that the hidden meeting %s exists", path, probe, c.name, m.title)
		}
	}
	for _, m := range meetings {
		if !c.visible(m) || c.identity(m) || m.disclosure == "public" {
			continue
		}
		named := strings.HasSuffix(probe, "="+m.secretPerson.ID) || strings.Contains(probe, url.QueryEscape(m.secretPerson.FullName))
		if m.disclosure == "undisclosed" {
			named = named || strings.HasSuffix(probe, "="+m.secretOrgRow.ID)
		}
		if named && strings.Contains(string(out.Body), m.id) {
			t.Errorf("LEAK: %s?%s as %s matches meeting %s, revealing who attended it withheld", path, probe, c.name, m.title)
		}
	}
}
