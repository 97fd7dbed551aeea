package api_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"liaison/api"
	"liaison/frontend"
	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// chromium finds Debian's headless Chromium, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser tests need Chromium (Debian package chromium); .ci/run installs it")
	return ""
}

// browser starts a headless Chromium with a fresh profile.
func browser(t *testing.T) (context.Context, context.CancelFunc) {
	profile, err := os.MkdirTemp("", "liaison-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	return tctx, func() {
		cancelT()
		cancelC()
		cancelA() // kills the browser and waits for it
		_ = os.RemoveAll(profile)
	}
}

// shot takes a screenshot, and saves it to docs/screenshots only when
// asked (make screenshots), so that a test run leaves the tree as it was.
func shot(name string, buf *[]byte) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := chromedp.FullScreenshot(buf, 100).Do(ctx); err != nil {
			return err
		}
		if os.Getenv("LIAISON_SCREENSHOTS") == "" {
			return nil
		}
		return os.WriteFile(filepath.Join("..", "docs", "screenshots", name+".png"), *buf, 0o644)
	})
}

func signIn(base, email string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`#email`, chromedp.ByID),
		// Typed key by key, the first keys can reach the page before its
		// script listens, and the sign-in then never comes.
		choose(`#email`, email), choose(`#password`, seed.DemoPassword),
		chromedp.Poll(`document.querySelector('#email').value !== '' && document.querySelector('#password').value !== ''`, nil),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[text()="Dashboard"]`, chromedp.BySearch),
		chromedp.WaitNotPresent(`main .loading`, chromedp.ByQuery),
	}
}

// choose sets a form control's value the way a person would, firing the
// input and change events the page listens to.
func choose(sel, value string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const el = document.querySelector(`+strconvQuote(sel)+`); el.value = `+strconvQuote(value)+`;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
}

// uuidRE finds a record id shown where a name belongs.
var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestBrowser drives the web UI in a real headless Chromium against the
// real server, on the demonstration data, and saves screenshots of the
// main screens to docs/screenshots (PNG).
func TestBrowser(t *testing.T) {
	chromium(t)
	st := storetest.Open(t, store.SQLite)
	if _, err := seed.DemoAt(ctx, st, seed.DemoToday); err != nil {
		t.Fatal(err)
	}
	st.SetClock(func() time.Time { return seed.DemoToday }) // the same screens whatever the day
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	base := srv.URL
	var buf []byte

	t.Run("coordinator logs a meeting with an undisclosed attendee and an action item", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var errText, page, linked string
		if err := chromedp.Run(bctx, signIn(base, "coordinator@liaison.demo"),
			chromedp.Navigate(base+"/meetings/new"), chromedp.WaitVisible(`#f-title`, chromedp.ByID),
			// Sent empty first: the API's problem details appear by the fields.
			chromedp.Click(`form.meeting-form button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.field-error`, chromedp.ByQuery), chromedp.Text(`form.meeting-form`, &errText, chromedp.ByQuery),
			chromedp.Poll(`document.activeElement && document.activeElement.id === 'f-title'`, nil),
			chromedp.Evaluate(`[...document.querySelectorAll('form.meeting-form [aria-invalid=true]')].map((el) => el.id + '>' + el.getAttribute('aria-describedby')).join(' ')`, &linked),
			shot("log-meeting-errors", &buf),
			// A row added by mistake can be removed.
			chromedp.Click(`//button[text()="Add an action item"]`, chromedp.BySearch),
			chromedp.Click(`button[aria-label="Remove action item 1"]`, chromedp.ByQuery),
			chromedp.WaitNotPresent(`[data-item-row="0"]`, chromedp.ByQuery),
			choose(`#f-title`, "Carrier roundtable on router hardening"), // not SendKeys: chromedp races with the attributes the page changes
			choose(`#f-starts_at`, "2026-12-01T10:00"), choose(`#f-ends_at`, "2026-12-01T11:30"), choose(`#f-timezone`, "America/New_York"),
			choose(`#f-tlp`, "GREEN"), choose(`#f-status`, "scheduled"), pick(`#f-host_organization_id`, "Cybersecurity and Infrastructure Security Agency"),
			choose(`#f-topics`, "Salt Typhoon, Router hardening"),
			chromedp.Click(`//button[text()="Add an attendee"]`, chromedp.BySearch),
			pick(`input[aria-label="Attendee 1 organisation"]`, "Meridian Wireless"),
			choose(`select[aria-label="Attendee 1 disclosure"]`, "undisclosed"),
			chromedp.WaitVisible(`select[aria-label="Attendee 1 withholding reason"]`, chromedp.ByQuery),
			choose(`select[aria-label="Attendee 1 withholding reason"]`, "commercial"),
			chromedp.Click(`//button[text()="Add an action item"]`, chromedp.BySearch),
			choose(`input[aria-label="Action item 1 title"]`, "Retire end-of-life edge routers"),
			pick(`input[aria-label="Action item 1 owner"]`, "Northwind Communications"),
			choose(`input[aria-label="Action item 1 due date"]`, "2027-01-15"),
			shot("log-meeting", &buf),
			chromedp.Click(`form.meeting-form button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//h1[text()="Carrier roundtable on router hardening"]`, chromedp.BySearch),
			chromedp.WaitVisible(`ul.items li`, chromedp.ByQuery), chromedp.Text(`main`, &page, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(errText, "is required") || !strings.Contains(linked, "f-title>err-title") || !strings.Contains(linked, "f-host_organization_id>err-host-organization-id") {
			t.Fatalf("field errors shown %q, linked %q", errText, linked)
		}
		if !strings.Contains(page, "Carrier roundtable on router hardening") || !strings.Contains(page, "Meridian Wireless") ||
			!strings.Contains(page, "Retire end-of-life edge routers") || !strings.Contains(page, "TLP:GREEN") {
			t.Fatalf("new meeting page: %s", page)
		}
	})

	t.Run("a participant of another organisation sees that attendee withheld", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var page string
		if err := chromedp.Run(bctx, signIn(base, "participant@liaison.demo"),
			chromedp.Navigate(base+"/meetings?q=router%20hardening"), chromedp.WaitVisible(`ul.cards a`, chromedp.ByQuery),
			chromedp.Click(`ul.cards a`, chromedp.ByQuery), chromedp.WaitVisible(`ul.attendees`, chromedp.ByQuery),
			chromedp.Text(`main`, &page, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, "withheld — communications") || strings.Contains(page, "Meridian") {
			t.Fatalf("participant's view: %s", page)
		}
	})

	t.Run("directory, tokens with the secret shown once, users, audit trail", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var secret, users, audit string
		if err := chromedp.Run(bctx, signIn(base, "admin@liaison.demo"),
			chromedp.Navigate(base+"/directory"), chromedp.WaitVisible(`//li[contains(., "Northwind Communications")]`, chromedp.BySearch), shot("directory", &buf),
			chromedp.Navigate(base+"/tokens"), chromedp.WaitVisible(`input[name=name]`, chromedp.ByQuery),
			chromedp.SendKeys(`input[name=name]`, "dashboard", chromedp.ByQuery),
			chromedp.Click(`//button[text()="Create a token"]`, chromedp.BySearch),
			chromedp.WaitVisible(`[data-testid=secret]`, chromedp.ByQuery), chromedp.Text(`[data-testid=secret]`, &secret, chromedp.ByQuery), shot("tokens", &buf),
			chromedp.Navigate(base+"/users"), chromedp.WaitVisible(`table.grid`, chromedp.ByQuery), chromedp.Text(`table.grid`, &users, chromedp.ByQuery), shot("users", &buf),
			chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(`table.grid`, chromedp.ByQuery), chromedp.Evaluate(`[...document.querySelectorAll('table.audit tbody tr')].map((tr) => tr.cells[1].textContent + ' ' + tr.cells[2].textContent).join('\n')`, &audit), shot("audit", &buf)); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "lsn_") || !strings.Contains(users, "viewer@liaison.demo") || !strings.Contains(audit, "create") ||
			!strings.Contains(audit, "coordinator@liaison.demo") || !strings.Contains(audit, "admin@liaison.demo create") || uuidRE.MatchString(audit) {
			t.Fatalf("secret %q, users %q, audit %.200q", secret, users, audit)
		}
		// The secret works, once shown.
		if _, err := st.AuthenticateToken(ctx, secret); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("phone-width screen", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var width int
		if err := chromedp.Run(bctx, chromedp.EmulateViewport(390, 844), signIn(base, "participant@liaison.demo"), shot("phone-dashboard", &buf),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width)); err != nil {
			t.Fatal(err)
		}
		if width > 390 {
			t.Fatalf("the dashboard is %d px wide on a 390 px screen", width)
		}
	})

	t.Run("public readouts without signing in", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var text string
		if err := chromedp.Run(bctx, chromedp.Navigate(base+"/public"), chromedp.WaitVisible(`article.readout`, chromedp.ByQuery),
			chromedp.Text(`main`, &text, chromedp.ByQuery), shot("public-readouts", &buf)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "Attendees withheld: 4 (communications)") || strings.Contains(text, "Northwind") || strings.Contains(text, "Tomás") {
			t.Fatalf("public page: %s", text)
		}
	})

	t.Run("coordinator sees everything", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var text string
		if err := chromedp.Run(bctx, signIn(base, "coordinator@liaison.demo"), shot("dashboard", &buf),
			chromedp.Navigate(base+"/meetings?q=telecommunications"), chromedp.WaitVisible(`ul.cards`, chromedp.ByQuery), shot("meeting-log", &buf),
			chromedp.Click(`ul.cards a`, chromedp.ByQuery), chromedp.WaitVisible(`.banner`, chromedp.ByQuery),
			chromedp.Text(`main`, &text, chromedp.ByQuery), shot("meeting", &buf)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "TLP:CLEAR") || !strings.Contains(text, "Elena Marsh, Northwind Communications") {
			t.Fatalf("coordinator's meeting page: %s", text)
		}
	})

	t.Run("viewer sees withheld attendees as withheld", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var text string
		if err := chromedp.Run(bctx, signIn(base, "viewer@liaison.demo"),
			chromedp.Navigate(base+"/meetings?q=telecommunications"), chromedp.WaitVisible(`ul.cards a`, chromedp.ByQuery),
			chromedp.Click(`ul.cards a`, chromedp.ByQuery), chromedp.WaitVisible(`ul.attendees`, chromedp.ByQuery),
			chromedp.Text(`main`, &text, chromedp.ByQuery), shot("meeting-as-viewer", &buf)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "withheld — communications") || strings.Contains(text, "Northwind") || strings.Contains(text, "Elena Marsh") {
			t.Fatalf("viewer's meeting page: %s", text)
		}
	})

	t.Run("the owner completes the logged action item and the dashboard changes", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var before, after, note, history string
		// The action item the coordinator logged above, owned by this
		// participant's organisation.
		sel := `select[aria-label="Status of Retire end-of-life edge routers"]`
		if err := chromedp.Run(bctx, signIn(base, "participant@liaison.demo"),
			chromedp.Text(`[data-testid=completion]`, &before, chromedp.ByQuery),
			chromedp.Navigate(base+"/action-items?owner=me"), chromedp.WaitVisible(`table.items-table`, chromedp.ByQuery), shot("my-action-items", &buf),
			chromedp.Click(`//button[text()="Retire end-of-life edge routers"]`, chromedp.BySearch), chromedp.WaitVisible(sel, chromedp.ByQuery),
			choose(sel, "done"), // nothing is saved until the button is pressed
			chromedp.Click(`form[aria-label="Status of Retire end-of-life edge routers"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.note`, chromedp.ByQuery), chromedp.Text(`.note`, &note, chromedp.ByQuery),
			chromedp.WaitVisible(`ol.history`, chromedp.ByQuery), chromedp.Text(`ol.history`, &history, chromedp.ByQuery),
			chromedp.Navigate(base+"/"), chromedp.WaitVisible(`[data-testid=completion]`, chromedp.ByQuery),
			chromedp.Text(`[data-testid=completion]`, &after, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if note != "Status saved." || before == after || !strings.Contains(history, "open → done") {
			t.Fatalf("completion %s → %s, note %q, history %q", before, after, note, history)
		}
	})

	t.Run("a 412 conflict is shown and can be reloaded", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		sel := `select[aria-label="Status of Rotate credentials for intercept mediation devices"]`
		var alert string
		if err := chromedp.Run(bctx, signIn(base, "participant@liaison.demo"),
			chromedp.Navigate(base+"/action-items?owner=me"),
			chromedp.Click(`//button[text()="Rotate credentials for intercept mediation devices"]`, chromedp.BySearch), chromedp.WaitVisible(sel, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		// Someone else changes the item after the page loaded it.
		coord, _ := st.CallerByEmail(ctx, "coordinator@liaison.demo")
		items, _, _ := st.ListActionItems(ctx, coord, store.ActionItemFilter{Q: "Rotate credentials"}, store.Page{Limit: 1})
		blocked := "blocked"
		if _, err := st.UpdateActionItem(ctx, coord, items[0].ID, store.ActionItemPatch{Status: models.Some(blocked)}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Run(bctx,
			choose(sel, "in_progress"),
			chromedp.Click(`form[aria-label="Status of Rotate credentials for intercept mediation devices"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`[role=alert]`, chromedp.ByQuery), chromedp.Text(`[role=alert]`, &alert, chromedp.ByQuery), shot("conflict", &buf)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(alert, "Someone else changed this action item") {
			t.Fatalf("alert: %q", alert)
		}
	})
}
