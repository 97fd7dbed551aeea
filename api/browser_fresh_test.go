package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"liaison/api"
	"liaison/frontend"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// TestBrowserFreshInstallLogsItsFirstMeeting: from the first sign-in of a
// new installation to a logged meeting with an attendee, in the web UI
// alone, with the browser in two time zones that are not UTC and the
// meeting in a third: the meeting starts at the instant the coordinator
// meant, and every time shown names its zone.
func TestBrowserFreshInstallLogsItsFirstMeeting(t *testing.T) {
	chromium(t)
	for _, browserTZ := range []string{"America/Los_Angeles", "Asia/Tokyo"} {
		t.Run(browserTZ, func(t *testing.T) {
			st := storetest.Open(t, store.SQLite)
			if _, err := st.CreateUser(ctx, store.System, store.UserInput{Email: "admin@localhost", Password: seed.DemoPassword, Role: "admin"}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
			defer srv.Close()
			bctx, cancel := browser(t)
			defer cancel()
			var page, label string
			err := chromedp.Run(bctx, emulation.SetTimezoneOverride(browserTZ), signIn(srv.URL, "admin@localhost"),
				chromedp.Navigate(srv.URL+"/directory"), chromedp.WaitVisible(`#org-name`, chromedp.ByID),
				chromedp.SendKeys(`#org-name`, "Fresh Host Agency", chromedp.ByID), choose(`#org-kind`, "government"), choose(`#org-country`, "US"),
				chromedp.Click(`form[aria-label="Add an organisation"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`//li[contains(., "Fresh Host Agency")]`, chromedp.BySearch),
				chromedp.SendKeys(`#org-name`, "Fresh Carrier", chromedp.ByID), choose(`#org-kind`, "industry"), choose(`#org-sector`, "communications"),
				chromedp.Click(`form[aria-label="Add an organisation"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`//li[contains(., "Fresh Carrier")]`, chromedp.BySearch),
				chromedp.SendKeys(`#person-name`, "Casey Carrier", chromedp.ByID), pick(`#person-org`, "Fresh Carrier"),
				chromedp.Click(`form[aria-label="Add a person"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`//li[contains(., "Casey Carrier")]`, chromedp.BySearch),
				chromedp.Navigate(srv.URL+"/meetings/new"), chromedp.WaitVisible(`#f-title`, chromedp.ByID),
				choose(`#f-title`, "First briefing"),
				choose(`#f-timezone`, "Europe/Berlin"), chromedp.Text(`label[for="f-starts_at"]`, &label, chromedp.ByQuery),
				choose(`#f-starts_at`, "2026-12-01T10:00"), choose(`#f-ends_at`, "2026-12-01T11:30"),
				choose(`#f-tlp`, "GREEN"), pick(`#f-host_organization_id`, "Fresh Host Agency"),
				chromedp.Click(`//button[text()="Add an attendee"]`, chromedp.BySearch),
				pick(`input[aria-label="Attendee 1 person"]`, "Casey Carrier"),
				chromedp.Click(`form.meeting-form button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`.banner`, chromedp.ByQuery), chromedp.Text(`main`, &page, chromedp.ByQuery))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(label, "Europe/Berlin") {
				t.Errorf("the start's label does not name the meeting's zone: %q", label)
			}
			ms, _, err := st.ListMeetings(ctx, store.System, store.MeetingFilter{}, store.Page{Limit: 5})
			if err != nil || len(ms) != 1 {
				t.Fatalf("meetings: %d %v", len(ms), err)
			}
			// 10:00 in Berlin in December is 09:00 UTC, whatever the browser's zone.
			if want := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC); !ms[0].StartsAt.Equal(want) || ms[0].Timezone != "Europe/Berlin" || len(ms[0].Attendees) != 1 {
				t.Fatalf("stored %v %s with %d attendees, want %v Europe/Berlin with 1", ms[0].StartsAt, ms[0].Timezone, len(ms[0].Attendees), want)
			}
			if !strings.Contains(page, "(Europe/Berlin)") || !strings.Contains(page, "("+browserTZ+")") || !strings.Contains(page, "Casey Carrier") {
				t.Errorf("the meeting page: %s", page)
			}
		})
	}
}
