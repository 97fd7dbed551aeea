package api_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"liaison/api"
	"liaison/frontend"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"

	"net/http/httptest"
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

func shot(name string, buf *[]byte) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := chromedp.FullScreenshot(buf, 100).Do(ctx); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join("..", "docs", "screenshots", name+".png"), *buf, 0o644)
	})
}

func signIn(base, email string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`#email`, chromedp.ByID),
		chromedp.SendKeys(`#email`, email, chromedp.ByID),
		chromedp.SendKeys(`#password`, seed.DemoPassword, chromedp.ByID),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=overdue]`, chromedp.ByQuery),
	}
}

// TestBrowser drives the web UI in a real headless Chromium against the
// real server, on the demonstration data, and saves screenshots of the
// main screens to docs/screenshots (PNG).
func TestBrowser(t *testing.T) {
	chromium(t)
	st := storetest.Open(t, store.SQLite)
	if _, err := seed.Demo(ctx, st); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	defer srv.Close()
	base := srv.URL
	var buf []byte

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

	t.Run("owner completes an action item and the dashboard changes", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		var before, after, note string
		sel := `select[aria-label="Status of Report MFA coverage of intercept management paths"]`
		if err := chromedp.Run(bctx, signIn(base, "participant@liaison.demo"),
			chromedp.Text(`[data-testid=completion]`, &before, chromedp.ByQuery),
			chromedp.Navigate(base+"/action-items?owner=me"), chromedp.WaitVisible(sel, chromedp.ByQuery), shot("my-action-items", &buf),
			chromedp.SetValue(sel, "done", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('`+strings.ReplaceAll(sel, `"`, `\"`)+`').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
			chromedp.WaitVisible(`.note`, chromedp.ByQuery), chromedp.Text(`.note`, &note, chromedp.ByQuery),
			chromedp.Navigate(base+"/"), chromedp.WaitVisible(`[data-testid=completion]`, chromedp.ByQuery),
			chromedp.Text(`[data-testid=completion]`, &after, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if note != "Saved." || before == after {
			t.Fatalf("completion %s → %s, note %q", before, after, note)
		}
	})

	t.Run("a 412 conflict is shown and can be reloaded", func(t *testing.T) {
		bctx, cancel := browser(t)
		defer cancel()
		sel := `select[aria-label="Status of Rotate credentials for intercept mediation devices"]`
		var alert string
		if err := chromedp.Run(bctx, signIn(base, "participant@liaison.demo"),
			chromedp.Navigate(base+"/action-items?owner=me"), chromedp.WaitVisible(sel, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		// Someone else changes the item after the page loaded it.
		coord, _ := st.CallerByEmail(ctx, "coordinator@liaison.demo")
		items, _, _ := st.ListActionItems(ctx, coord, store.ActionItemFilter{Q: "Rotate credentials"}, store.Page{Limit: 1})
		blocked := "blocked"
		if _, err := st.UpdateActionItem(ctx, coord, items[0].ID, store.ActionItemPatch{Status: &blocked}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Run(bctx,
			chromedp.SetValue(sel, "in_progress", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('`+strings.ReplaceAll(sel, `"`, `\"`)+`').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
			chromedp.WaitVisible(`[role=alert]`, chromedp.ByQuery), chromedp.Text(`[role=alert]`, &alert, chromedp.ByQuery), shot("conflict", &buf)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(alert, "Someone else changed this action item") {
			t.Fatalf("alert: %q", alert)
		}
	})
}
