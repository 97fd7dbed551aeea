package api_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"liaison/api"
	"liaison/frontend"
	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// TestBrowserCoordinatorEditsAMeeting: after logging, a coordinator changes
// a meeting, its attendance and its action items in the web UI, each
// change sent with If-Match, and a concurrent change is offered as a
// reload. Deep links survive signing in; unknown addresses and screens of
// other roles say so.
func TestBrowserCoordinatorEditsAMeeting(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	coord := must(st.CallerByEmail(ctx, "coordinator@liaison.demo"))
	ms, _, err := st.ListMeetings(ctx, coord, store.MeetingFilter{Q: "Working session"}, store.Page{Limit: 1})
	if err != nil || len(ms) != 1 {
		t.Fatalf("the demo's working session: %v", err)
	}
	m := ms[0]
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()

	// A deep link opened signed out comes back after signing in.
	var title string
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/meetings/"+m.ID), chromedp.WaitVisible(`#email`, chromedp.ByID),
		chromedp.SendKeys(`#email`, "coordinator@liaison.demo", chromedp.ByID), chromedp.SendKeys(`#password`, seed.DemoPassword, chromedp.ByID),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`.banner`, chromedp.ByQuery),
		chromedp.Title(&title)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(title, m.Title) {
		t.Fatalf("page title %q", title)
	}

	// The meeting's fields, then a concurrent change answered with a reload.
	if err := chromedp.Run(bctx,
		chromedp.Click(`//button[text()="Edit the meeting"]`, chromedp.BySearch), chromedp.WaitVisible(`#e-title`, chromedp.ByID),
		chromedp.SetValue(`#e-title`, "Working session: hardening review", chromedp.ByID), choose(`#e-tlp`, "AMBER"),
		chromedp.Click(`//button[text()="Save the meeting"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//h1[text()="Working session: hardening review"]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(bctx, chromedp.Click(`//button[text()="Edit the meeting"]`, chromedp.BySearch), chromedp.WaitVisible(`#e-title`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	newTitle := "Changed elsewhere"
	if _, err := st.UpdateMeeting(ctx, coord, m.ID, store.MeetingPatch{Title: models.Some(newTitle)}); err != nil {
		t.Fatal(err)
	}
	var alert string
	if err := chromedp.Run(bctx, chromedp.SetValue(`#e-location`, "Somewhere", chromedp.ByID),
		chromedp.Click(`//button[text()="Save the meeting"]`, chromedp.BySearch),
		chromedp.WaitVisible(`[role=alert]`, chromedp.ByQuery), chromedp.Text(`[role=alert]`, &alert, chromedp.ByQuery),
		chromedp.Click(`//button[text()="Reload it"]`, chromedp.BySearch), chromedp.WaitVisible(`//h1[text()="Changed elsewhere"]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(alert, "Someone else changed this meeting") {
		t.Fatalf("alert %q", alert)
	}

	// Attendance: add a person, withhold them, remove the FCC's row.
	if err := chromedp.Run(bctx,
		pick(`#aa-person`, "Elena Marsh"), chromedp.Click(`//button[text()="Add the attendee"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//li[contains(., "Elena Marsh")]//button[text()="Change"]`, chromedp.BySearch),
		chromedp.Click(`//li[contains(., "Elena Marsh")]//button[text()="Change"]`, chromedp.BySearch),
		choose(`select[aria-label="Disclosure of Elena Marsh"]`, "undisclosed"),
		chromedp.Click(`//form[@aria-label="Change Elena Marsh"]//button[text()="Save"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//li[contains(., "Elena Marsh") and contains(., "withheld from others")]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	v := must(st.GetMeeting(ctx, coord, m.ID))
	found := false
	for _, a := range v.Attendees {
		if a.Person != nil && a.Person.FullName == "Elena Marsh" {
			found = a.Disclosure == "undisclosed"
		}
	}
	if !found {
		t.Fatalf("Elena Marsh is not an undisclosed attendee: %+v", v.Attendees)
	}

	// Action items: add one, move its due date, delete it.
	if err := chromedp.Run(bctx,
		chromedp.SendKeys(`#ai-title`, "Brief the board on the review", chromedp.ByID), choose(`#ai-due`, "2025-02-14"),
		chromedp.Click(`//button[text()="Add the action item"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//li[contains(., "Brief the board on the review")]//button[text()="Edit"]`, chromedp.BySearch),
		chromedp.Click(`//li[contains(., "Brief the board on the review")]//button[text()="Edit"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//form[@aria-label="Edit Brief the board on the review"]//input[@type="date"]`, chromedp.BySearch),
		chromedp.SetValue(`//form[@aria-label="Edit Brief the board on the review"]//input[@type="date"]`, "2025-03-01", chromedp.BySearch),
		chromedp.Click(`//button[text()="Save the item"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//li[contains(., "Brief the board on the review") and contains(., "Mar 1, 2025")]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	items, _, err := st.ListActionItems(ctx, coord, store.ActionItemFilter{Q: "Brief the board"}, store.Page{Limit: 5})
	if err != nil || len(items) != 1 || items[0].DueOn == nil || items[0].DueOn.String() != "2025-03-01" {
		t.Fatalf("the new item: %+v %v", items, err)
	}

	// Unknown addresses and other roles' screens.
	var na string
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/no/such/screen"), chromedp.WaitVisible(`//h1[text()="Not found"]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	pctx, pcancel := browser(t)
	defer pcancel()
	if err := chromedp.Run(pctx, signIn(srv.URL, "participant@liaison.demo"), chromedp.Navigate(srv.URL+"/audit"),
		chromedp.WaitVisible(`//h1[text()="Not available"]`, chromedp.BySearch), chromedp.Text(`main`, &na, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(na, "participant") {
		t.Fatalf("a participant's audit screen: %s", na)
	}
}

// TestBrowserActionItemTable: the action item list filters by every API
// filter through the URL, says which filters are in force, sorts by
// column, pages on demand and picks an organisation by searching.
func TestBrowserActionItemTable(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	st.SetClock(func() time.Time { return seed.DemoToday })
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	var rows, more int
	var loc, summary string
	if err := chromedp.Run(bctx, signIn(srv.URL, "coordinator@liaison.demo"),
		chromedp.Navigate(srv.URL+"/action-items?limit=2"), chromedp.WaitVisible(`table.items-table`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('table.items-table tbody tr').length`, &rows),
		chromedp.Click(`//button[text()="Load more"]`, chromedp.BySearch),
		chromedp.Poll(`document.querySelectorAll('table.items-table tbody tr').length >= 4`, nil),
		chromedp.Evaluate(`document.querySelectorAll('table.items-table tbody tr').length`, &more),
		chromedp.Click(`//th//button[contains(., "Title")]`, chromedp.BySearch), chromedp.Poll(`location.search.includes('sort=title')`, nil),
		chromedp.Click(`input[name=overdue]`, chromedp.ByQuery),
		pick(`input[aria-label="Owner organisation"]`, "Northwind Communications"),
		chromedp.Click(`//form[@aria-label="Filter action items"]//button[text()="Apply"]`, chromedp.BySearch),
		chromedp.Poll(`location.search.includes('overdue=true') && location.search.includes('owner_organization=')`, nil),
		chromedp.Poll(`document.querySelector('.summary').textContent.includes('Northwind')`, nil),
		chromedp.Evaluate(`location.search`, &loc), chromedp.Text(`.summary`, &summary, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if rows != 2 || more < 4 {
		t.Errorf("paging: %d rows, then %d", rows, more)
	}
	if !strings.Contains(loc, "sort=title") || !strings.Contains(summary, "overdue") || !strings.Contains(summary, "owned by Northwind Communications") {
		t.Errorf("filters: %s / %s", loc, summary)
	}

	// The export keeps the filters, and downloads what the table lists.
	var shown int
	var href, file string
	await := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	if err := chromedp.Run(bctx, chromedp.Poll(`document.querySelectorAll('table.items-table tbody tr').length > 0`, nil),
		chromedp.Evaluate(`document.querySelectorAll('table.items-table tbody tr').length`, &shown),
		chromedp.Evaluate(`document.querySelector('a[download]').href`, &href),
		chromedp.Evaluate(`fetch(document.querySelector('a[download]').href).then((r) => r.text())`, &file, await)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(file), "\n")
	if !strings.Contains(href, "/api/v1/action-items.csv?") || !strings.Contains(href, "overdue=true") || !strings.Contains(href, "owner_organization=") || !strings.Contains(href, "sort=title") {
		t.Errorf("the export link drops the filters: %s", href)
	}
	if !strings.HasPrefix(lines[0], "id,meeting_id,") || len(lines)-1 != shown || !strings.Contains(file, "Northwind Communications") {
		t.Errorf("the export has %d rows, the table %d:\n%s", len(lines)-1, shown, file)
	}
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/meetings?tlp=GREEN"), chromedp.WaitVisible(`a[download]`, chromedp.ByQuery),
		chromedp.Evaluate(`fetch(document.querySelector('a[download]').href).then((r) => r.text())`, &file, await)); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(file), "\n"); !strings.HasPrefix(lines[0], "id,title,") || len(lines) < 2 || strings.Contains(file, ",AMBER,") || strings.Contains(file, ",CLEAR,") {
		t.Errorf("the meetings export of GREEN meetings:\n%.500s", file)
	}
}

// TestBrowserDirectoryAndUsers: coordinators edit organisations, people
// and topics in place; administrators link users to people, change their
// role and reset their password.
func TestBrowserDirectoryAndUsers(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(bctx, signIn(srv.URL, "admin@liaison.demo"),
		chromedp.Navigate(srv.URL+"/directory"), chromedp.WaitVisible(`button[aria-label="Edit Northwind Communications"]`, chromedp.ByQuery),
		chromedp.Click(`button[aria-label="Edit Northwind Communications"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[aria-label="Edit Northwind Communications"] input[name=country]`, chromedp.ByQuery),
		chromedp.SetValue(`form[aria-label="Edit Northwind Communications"] input[name=country]`, "CA", chromedp.ByQuery),
		chromedp.Click(`form[aria-label="Edit Northwind Communications"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//li[contains(., "Northwind Communications") and contains(., "· CA")]`, chromedp.BySearch),
		chromedp.SendKeys(`#topic-name`, "Volt Typhoon", chromedp.ByID), choose(`#topic-kind`, "campaign"),
		chromedp.Click(`form[aria-label="Add a topic"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//li[contains(., "Volt Typhoon") and contains(., "campaign")]`, chromedp.BySearch),
		chromedp.Navigate(srv.URL+"/users"), chromedp.WaitVisible(`select[aria-label="Role of viewer@liaison.demo"]`, chromedp.ByQuery),
		pick(`input[aria-label="Person of viewer@liaison.demo"]`, "Elena Marsh")); err != nil {
		t.Fatal(err)
	}
	// Each change is saved at once; the next waits for the list to show it.
	viewer := func() store.Caller { return must(st.CallerByEmail(ctx, "viewer@liaison.demo")) }
	waitFor(t, func() bool { return viewer().PersonID != "" })
	if err := chromedp.Run(bctx, chromedp.Reload(), chromedp.WaitVisible(`select[aria-label="Role of viewer@liaison.demo"]`, chromedp.ByQuery),
		choose(`select[aria-label="Role of viewer@liaison.demo"]`, "participant")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return viewer().Role == "participant" })
	orgs, _, _ := st.ListOrganizations(ctx, store.System, store.OrganizationFilter{Q: "Northwind"}, store.Page{Limit: 1})
	if len(orgs) != 1 || orgs[0].Country != "CA" {
		t.Fatalf("Northwind: %+v", orgs)
	}

	// A directory larger than a page is read a page at a time.
	for i := range 60 {
		must(st.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: fmt.Sprintf("Paged Agency %02d", i), Kind: "government", Country: "US"}))
	}
	const shown = `document.querySelectorAll('ul.records li').length`
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/directory"), chromedp.WaitVisible(`button[aria-label="Edit Northwind Communications"]`, chromedp.ByQuery),
		choose(`main > label > input`, "Paged Agency"), chromedp.Poll(shown+` === 50`, nil),
		chromedp.Click(`//button[text()="More organisations"]`, chromedp.BySearch), chromedp.Poll(shown+` === 60`, nil),
		chromedp.WaitNotPresent(`//button[text()="More organisations"]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond for up to ten seconds: the page saves on its own
// time, and the test reads the store for the result.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("the change did not arrive")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserPhoneAndPrint: every main screen fits a phone's width with
// the navigation folded into a menu, and a printed meeting carries its TLP
// marking at the top and bottom of every page.
func TestBrowserPhoneAndPrint(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	coord := must(st.CallerByEmail(ctx, "coordinator@liaison.demo"))
	ms, _, _ := st.ListMeetings(ctx, coord, store.MeetingFilter{Q: "Restricted briefing"}, store.Page{Limit: 1})
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(bctx, chromedp.EmulateViewport(390, 844), signIn(srv.URL, "coordinator@liaison.demo")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/meetings", "/action-items", "/meetings/" + ms[0].ID, "/directory", "/meetings/new", "/public"} {
		var width int
		var menu bool
		if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
			chromedp.WaitNotPresent(`main .loading`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
			chromedp.Evaluate(`getComputedStyle(document.querySelector('button.menu')).display !== 'none' && getComputedStyle(document.querySelector('#nav-links')).display === 'none'`, &menu)); err != nil {
			t.Fatal(err)
		}
		if width > 390 || !menu {
			t.Errorf("%s at phone width: %d px wide, navigation folded %v", path, width, menu)
		}
		if path == "/meetings" || path == "/action-items" {
			var folded bool
			if err := chromedp.Run(bctx, chromedp.Evaluate(`!document.querySelector('details.filter-panel').open`, &folded)); err != nil || !folded {
				t.Errorf("%s at phone width: the filter panel is not folded (%v)", path, err)
			}
		}
	}
	var opened bool
	if err := chromedp.Run(bctx, chromedp.Click(`button.menu`, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('#nav-links')).display !== 'none'`, &opened)); err != nil {
		t.Fatal(err)
	}
	if !opened {
		t.Error("the menu does not open")
	}
	var banner, footer string
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/meetings/"+ms[0].ID), chromedp.WaitVisible(`.banner`, chromedp.ByQuery),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('.banner')).position + ' ' + document.querySelector('.banner').textContent`, &banner),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('main'), '::after').position + ' ' + getComputedStyle(document.querySelector('main'), '::after').content`, &footer)); err != nil {
		t.Fatal(err)
	}
	if banner != "fixed TLP:RED" || footer != `fixed "TLP:" attr(data-tlp)` && footer != `fixed "TLP:RED"` {
		t.Errorf("printed marking: %q, %q", banner, footer)
	}
}

// pick types a name into a search picker and waits until the search has
// found it and its id is chosen.
func pick(sel, name string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Evaluate(`(() => { const el = document.querySelector(`+strconvQuote(sel)+`); el.value = `+strconvQuote(name)+`;
			el.dispatchEvent(new Event('input', {bubbles: true})); })()`, nil),
		chromedp.Poll(`document.querySelector(`+strconvQuote(sel)+`).parentElement.querySelector('input[type=hidden]').value !== ''`, nil),
	}
}

// demoStore is a store with the demonstration data dated around
// seed.DemoToday.
func demoStore(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	if _, err := seed.DemoAt(ctx, st, seed.DemoToday); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestBrowserDashboardFiguresCountTheirLists follows every figure, bar and
// chart segment of the dashboard that links to a list, for a coordinator
// and a participant, and counts that list through the API: each must
// count exactly what its figure says. The server's clock is pinned to a
// day other than the browser's, so the due-date links must use the day
// the server counted from.
func TestBrowserDashboardFiguresCountTheirLists(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	st.SetClock(func() time.Time { return seed.DemoToday })
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	const count = `(async () => {
		const links = [];
		for (const a of document.querySelectorAll('.figures a.figure')) links.push([a.getAttribute('href'), parseInt(a.querySelector('strong').textContent)]);
		for (const tr of document.querySelectorAll('table.bars tr')) {
			const a = tr.querySelector('th a');
			if (a) links.push([a.getAttribute('href'), parseInt(tr.querySelector('td').textContent.trim())]);
		}
		for (const a of document.querySelectorAll('a.seg')) links.push([a.getAttribute('href'), parseInt(a.title.split(': ')[1])]);
		const wrong = [];
		for (const [href, want] of links) {
			let n = 0, cursor = '';
			do {
				const r = await fetch('/api/v1' + href + (href.includes('?') ? '&' : '?') + 'limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
				const d = await r.json();
				n += d.items.length; cursor = d.next_cursor;
			} while (cursor);
			if (n !== want) wrong.push(href + ': shows ' + want + ', lists ' + n);
		}
		return [links.length, wrong];
	})()`
	for _, email := range []string{"coordinator@liaison.demo", "participant@liaison.demo"} {
		t.Run(email, func(t *testing.T) {
			bctx, cancel := browser(t)
			defer cancel()
			var res []any
			if err := chromedp.Run(bctx, signIn(srv.URL, email), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`.figures`, chromedp.ByQuery),
				chromedp.Evaluate(count, &res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
				t.Fatal(err)
			}
			if n, _ := res[0].(float64); n < 10 {
				t.Fatalf("only %v linked figures on the dashboard", res[0])
			}
			if wrong, _ := res[1].([]any); len(wrong) > 0 {
				t.Errorf("figures that do not count their lists: %v", wrong)
			}
		})
	}
}

// TestBrowserAccessibility runs axe-core in each screen, as the roles that
// use it, and fails on any violation of the WCAG 2.1 A and AA rules.
func TestBrowserAccessibility(t *testing.T) {
	chromium(t)
	axe, err := os.ReadFile("testdata/axe/axe-4.14.1.min.js")
	if err != nil {
		t.Fatal(err)
	}
	st := demoStore(t)
	st.SetClock(func() time.Time { return seed.DemoToday })
	coord := must(st.CallerByEmail(ctx, "coordinator@liaison.demo"))
	ms, _, err := st.ListMeetings(ctx, coord, store.MeetingFilter{}, store.Page{Limit: 1})
	if err != nil || len(ms) != 1 {
		t.Fatalf("a demo meeting: %v", err)
	}
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
		.then((r) => r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')))`
	pages := map[string][]string{
		"": {"/public", "/login", "/unsubscribe?token=none"},
		"coordinator@liaison.demo": {"/", "/meetings", "/meetings/" + ms[0].ID, "/meetings/new", "/action-items?owner=me", "/action-items",
			"/directory", "/tokens", "/audit", "/import", "/no-such-screen"},
		"admin@liaison.demo":       {"/users", "/webhooks"},
		"participant@liaison.demo": {"/", "/action-items?owner=me", "/meetings/" + ms[0].ID, "/meetings/00000000-0000-0000-0000-000000000000", "/notifications"},
	}
	for who, paths := range pages {
		bctx, cancel := browser(t)
		if who != "" {
			if err := chromedp.Run(bctx, signIn(srv.URL, who)); err != nil {
				cancel()
				t.Fatal(err)
			}
		}
		for _, p := range paths {
			var violations []string
			if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
				chromedp.WaitNotPresent(`.loading`, chromedp.ByQuery),
				chromedp.Evaluate(string(axe), nil),
				chromedp.Evaluate(run, &violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
				t.Errorf("%s as %q: %v", p, who, err)
				continue
			}
			for _, v := range violations {
				t.Errorf("%s as %q: %s", p, who, v)
			}
		}
		cancel()
	}
}

// TestBrowserPublicPagesThroughEveryReadout: signed out, the public page
// shows twenty readouts and then, page by page, every TLP:CLEAR readout.
func TestBrowserPublicPagesThroughEveryReadout(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	coord := must(st.CallerByEmail(ctx, "coordinator@liaison.demo"))
	orgs, _, err := st.ListOrganizations(ctx, coord, store.OrganizationFilter{}, store.Page{Limit: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("an organisation: %v", err)
	}
	start := time.Date(2025, 6, 2, 14, 0, 0, 0, time.UTC)
	for i := range 25 {
		at := start.AddDate(0, 0, i)
		if _, err := st.CreateMeeting(ctx, coord, store.MeetingInput{Title: fmt.Sprintf("Open call %02d", i), StartsAt: at, EndsAt: at.Add(time.Hour),
			Timezone: "UTC", Modality: "virtual", Kind: "call", Status: "held", TLP: "CLEAR", HostOrganizationID: orgs[0].ID,
			PublicReadout: "A readout of the call."}); err != nil {
			t.Fatal(err)
		}
	}
	all, _, err := st.ListPublicMeetings(ctx, store.PublicFilter{}, store.Page{Limit: 100})
	if err != nil || len(all) < 26 {
		t.Fatalf("public readouts: %d (%v)", len(all), err)
	}
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	const shown = `document.querySelectorAll('article.readout').length`
	var first int
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/public"), chromedp.WaitVisible(`article.readout`, chromedp.ByQuery),
		chromedp.Evaluate(shown, &first)); err != nil {
		t.Fatal(err)
	}
	if first != 20 {
		t.Fatalf("the first page shows %d readouts, want 20", first)
	}
	for page := 0; page < 10; page++ {
		// Clicked from the page's script: chromedp's node-based click can
		// hold a button the page has just drawn again.
		var n int
		if err := chromedp.Run(bctx, chromedp.Evaluate(`(() => {
			const b = document.evaluate('//button[text()="Older readouts"]', document, null, 9, null).singleNodeValue;
			if (!b) return -1;
			const n = `+shown+`;
			b.click();
			return n;
		})()`, &n)); err != nil {
			t.Fatal(err)
		}
		if n < 0 {
			break
		}
		if err := chromedp.Run(bctx, chromedp.Poll(shown+` > `+fmt.Sprint(n), nil)); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := chromedp.Run(bctx, chromedp.Evaluate(shown, &n)); err != nil {
		t.Fatal(err)
	}
	if n != len(all) {
		t.Errorf("the public page shows %d readouts of %d", n, len(all))
	}
}

// TestBrowserCalendar: a participant subscribes to their calendar and adds
// a meeting to it.
func TestBrowserCalendar(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	st.SetClock(func() time.Time { return seed.DemoToday })
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	await := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	var feed, body, ics string
	if err := chromedp.Run(bctx, signIn(srv.URL, "participant@liaison.demo"), chromedp.Navigate(srv.URL+"/tokens"),
		chromedp.Click(`//button[text()="Subscribe in your calendar"]`, chromedp.BySearch),
		chromedp.WaitVisible(`[data-testid=feed]`, chromedp.ByQuery), chromedp.Text(`[data-testid=feed]`, &feed, chromedp.ByQuery),
		// A calendar app has no cookie.
		chromedp.Evaluate(`fetch(document.querySelector('[data-testid=feed]').textContent, {credentials: 'omit'}).then((r) => r.text())`, &body, await),
		chromedp.Navigate(srv.URL+"/meetings"), chromedp.Click(`ul.cards a`, chromedp.ByQuery),
		chromedp.WaitVisible(`//a[text()="Add to calendar"]`, chromedp.BySearch),
		chromedp.Evaluate(`fetch(document.evaluate('//a[text()="Add to calendar"]', document, null, 9, null).singleNodeValue.href).then((r) => r.text())`, &ics, await)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(feed, srv.URL+"/api/v1/calendar/lsn_") || !strings.HasSuffix(feed, ".ics") {
		t.Errorf("feed address %q", feed)
	}
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || !strings.Contains(body, "BEGIN:VEVENT") {
		t.Errorf("the feed:\n%.400s", body)
	}
	if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || strings.Count(ics, "BEGIN:VEVENT") != 1 {
		t.Errorf("the meeting's calendar:\n%.400s", ics)
	}
}

// TestBrowserImport: a coordinator previews a file, imports it, and opens
// a meeting it made.
func TestBrowserImport(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	file, err := filepath.Abs("../importer/testdata/whitehouse-excerpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	bctx, cancel := browser(t)
	defer cancel()
	var preview, done, source string
	if err := chromedp.Run(bctx, signIn(srv.URL, "coordinator@liaison.demo"), chromedp.Navigate(srv.URL+"/import"),
		chromedp.WaitVisible(`#imp-file`, chromedp.ByID),
		chromedp.SetUploadFiles(`#imp-file`, []string{file}, chromedp.ByID),
		chromedp.SetValue(`#imp-format`, "whitehouse-calendars", chromedp.ByID),
		chromedp.Evaluate(`document.querySelector('#imp-format').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.Poll(`document.querySelector('#imp-source').value !== ''`, nil),
		chromedp.Value(`#imp-source`, &source, chromedp.ByID),
		chromedp.Click(`//button[text()="Preview"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//h2[text()="Preview: nothing written yet"]`, chromedp.BySearch),
		chromedp.Text(`.import-result`, &preview, chromedp.ByQuery),
		chromedp.Click(`//button[starts-with(text(), "Import ")]`, chromedp.BySearch),
		chromedp.WaitVisible(`//h2[text()="Imported"]`, chromedp.BySearch),
		chromedp.Text(`.import-result`, &done, chromedp.ByQuery),
		chromedp.Click(`.import-result td a`, chromedp.ByQuery),
		chromedp.WaitVisible(`//p[contains(., "Host: ")]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	if source != "whitehouse-excerpt.csv" || !strings.Contains(preview, "25 rows read") || !strings.Contains(preview, "would create") || !strings.Contains(preview, "Rejected rows") {
		t.Errorf("source %q, preview:\n%s", source, preview)
	}
	if !strings.Contains(done, "25 rows read") || strings.Contains(done, "would create") {
		t.Errorf("result:\n%s", done)
	}
}

// TestBrowserNotifications: a participant sees the bell count an item
// assigned to them, opens the notification, moves the item on from there
// and marks the notification read.
func TestBrowserNotifications(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	e := &env{t: t, st: st}
	e.startJobs(t)
	coord := must(st.CallerByEmail(ctx, "coordinator@liaison.demo"))
	part := must(st.CallerByEmail(ctx, "participant@liaison.demo"))
	meetings, _, err := st.ListMeetings(ctx, coord, store.MeetingFilter{}, store.Page{Limit: 1})
	if err != nil || len(meetings) == 0 {
		t.Fatalf("a demo meeting: %v", err)
	}
	item := must(st.CreateActionItem(ctx, coord, store.ActionItemInput{MeetingID: meetings[0].ID, Title: "Rotate the lawful-intercept keys", OwnerPersonID: &part.PersonID}))
	e.drainJobs(t)
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	var badge, first string
	if err := chromedp.Run(bctx, signIn(srv.URL, "participant@liaison.demo"),
		chromedp.WaitVisible(`a.bell .badge`, chromedp.ByQuery), chromedp.Text(`a.bell .badge`, &badge, chromedp.ByQuery),
		chromedp.Click(`a.bell`, chromedp.ByQuery),
		chromedp.WaitVisible(`ul.notifications li.unread`, chromedp.ByQuery), chromedp.Text(`ul.notifications li`, &first, chromedp.ByQuery),
		// The item is right there to act on.
		choose(`ul.notifications li form select`, "in_progress"),
		chromedp.Click(`//ul[contains(@class,"notifications")]//form//button[text()="Save status"]`, chromedp.BySearch),
		chromedp.Click(`//button[text()="Mark read"]`, chromedp.BySearch),
		chromedp.WaitNotPresent(`ul.notifications li.unread`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`a.bell .badge`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if badge != "1" || !strings.Contains(first, "Assigned to you") || !strings.Contains(first, "Rotate the lawful-intercept keys") {
		t.Fatalf("bell %q, notification %q", badge, first)
	}
	waitFor(t, func() bool {
		v, err := st.GetActionItem(ctx, part, item.ID)
		return err == nil && v.Status == "in_progress"
	})

	// E-mail reminders: chosen on the same screen; this server has no
	// SMTP, and says so. A digest's unsubscribe page asks, then stops them.
	var note, done string
	if err := chromedp.Run(bctx, chromedp.WaitVisible(`#reminders-h`, chromedp.ByQuery),
		chromedp.Text(`//section[@aria-labelledby="reminders-h"]//p[@role="status"]`, &note, chromedp.BySearch),
		choose(`select[name=frequency]`, "weekly"), choose(`select[name=hour]`, "7"),
		chromedp.SetValue(`input[name=timezone]`, "Europe/London", chromedp.ByQuery),
		chromedp.Click(`//section[@aria-labelledby="reminders-h"]//button[text()="Save"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//section[@aria-labelledby="reminders-h"]//p[text()="Saved."]`, chromedp.BySearch)); err != nil {
		t.Fatal(err)
	}
	if p := must(st.Reminders(ctx, part)); p.Frequency != "weekly" || p.Hour != 7 || p.Timezone != "Europe/London" || !strings.Contains(note, "sends no e-mail") {
		t.Fatalf("reminders %+v; note %q", p, note)
	}
	token := must(st.UnsubscribeToken(ctx, part.UserID))
	if err := chromedp.Run(bctx, chromedp.Navigate(srv.URL+"/unsubscribe?token="+token),
		chromedp.Click(`//button[text()="Stop e-mail reminders"]`, chromedp.BySearch),
		chromedp.WaitVisible(`main p.note`, chromedp.ByQuery), chromedp.Text(`main p.note`, &done, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if p := must(st.Reminders(ctx, part)); p.Frequency != "off" || !strings.Contains(done, "are off") {
		t.Fatalf("after unsubscribing: %+v, %q", p, done)
	}
}

// TestBrowserWebhooks: an administrator adds an endpoint, keeps its
// secret, sends it a test event and reads the delivery log.
func TestBrowserWebhooks(t *testing.T) {
	chromium(t)
	st := demoStore(t)
	e := &env{t: t, st: st}
	e.startJobs(t)
	rc := newReceiver(t)
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	bctx, cancel := browser(t)
	defer cancel()
	var secret, state string
	if err := chromedp.Run(bctx, signIn(srv.URL, "admin@liaison.demo"), chromedp.Navigate(srv.URL+"/webhooks"),
		chromedp.WaitVisible(`#wh-url`, chromedp.ByQuery),
		chromedp.SendKeys(`#wh-url`, rc.srv.URL+"/liaison", chromedp.ByQuery),
		pick(`#wh-owner`, "participant@liaison.demo"),
		chromedp.Click(`//button[text()="Add an endpoint"]`, chromedp.BySearch),
		chromedp.WaitVisible(`[data-testid=webhook-secret]`, chromedp.ByQuery), chromedp.Text(`[data-testid=webhook-secret]`, &secret, chromedp.ByQuery),
		chromedp.Click(`//button[text()="Send test event"]`, chromedp.BySearch),
		chromedp.WaitVisible(`table.deliveries`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(rc.all()) == 1 })
	verify(t, secret, rc.all()[0])
	if err := chromedp.Run(bctx, chromedp.Click(`//button[text()="Refresh the log"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//table[contains(@class,"deliveries")]//td[text()="succeeded"]`, chromedp.BySearch),
		chromedp.Text(`table.deliveries tbody tr`, &state, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state, "webhook.test") || !strings.Contains(state, "204") {
		t.Fatalf("delivery log row %q", state)
	}
}
