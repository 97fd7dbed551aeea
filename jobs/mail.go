package jobs

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/riverqueue/river"
	gomail "github.com/wneessen/go-mail"

	"liaison/store"
)

// Mailer sends e-mail through one SMTP server: smtp:// with STARTTLS
// required (port 587 unless given) or smtps:// with TLS from the start
// (port 465), with the URL's credentials if any.
type Mailer struct {
	host string
	opts []gomail.Option
	from string
}

// NewMailer reads an SMTP URL and a From address. tlsConfig, when not
// nil, replaces the default TLS settings (tests trust their own server).
func NewMailer(rawURL, from string, tlsConfig *tls.Config) (*Mailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("the SMTP URL must be smtp://[user:password@]host[:port] (STARTTLS) or smtps://[user:password@]host[:port] (TLS)")
	}
	if _, err := mail.ParseAddress(from); err != nil || from == "" {
		return nil, errors.New("e-mail needs a From address, such as \"Liaison <liaison@example.gov>\"")
	}
	port := 587
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second), gomail.WithTLSPolicy(gomail.TLSMandatory)}
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, errors.New("the SMTP URL's port must be a number from 1 to 65535")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tlsConfig))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return &Mailer{host: u.Hostname(), opts: opts, from: from}, nil
}

// message is one e-mail: a text part and an HTML part, and headers.
type message struct {
	to, subject, text, html string
	headers                 map[gomail.Header]string
}

func (m *Mailer) send(ctx context.Context, msg message) error {
	out := gomail.NewMsg()
	if err := out.From(m.from); err != nil {
		return err
	}
	if err := out.To(msg.to); err != nil {
		return err
	}
	out.Subject(msg.subject)
	out.SetDate()
	out.SetMessageID()
	for h, v := range msg.headers {
		out.SetGenHeader(h, v)
	}
	out.SetBodyString(gomail.TypeTextPlain, msg.text)
	out.AddAlternativeString(gomail.TypeTextHTML, msg.html)
	c, err := gomail.NewClient(m.host, m.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, out)
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	st        *store.Store
	mail      *Mailer
	publicURL string
}

// Work sends a digest once: one already sent, empty or skipped is done.
// (Should the server die between the SMTP server's acceptance and the
// digest's marking, the digest goes again: the one way it is sent twice.)
func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	a := job.Args
	if state, err := w.st.DigestState(ctx, a.UserID, a.DigestKind, a.Period); err != nil || (state != "pending" && state != "") {
		return err
	}
	if w.mail == nil {
		return w.st.MarkDigest(ctx, a.UserID, a.DigestKind, a.Period, "skipped")
	}
	d, err := w.st.DigestFor(ctx, a.UserID, a.DigestKind, a.Period)
	if err != nil || d == nil {
		return err
	}
	msg, err := renderDigest(d, w.publicURL)
	if err != nil {
		return err
	}
	if err := w.mail.send(ctx, msg); err != nil {
		return fmt.Errorf("send the digest: %w", err)
	}
	return w.st.MarkDigest(ctx, a.UserID, a.DigestKind, a.Period, "sent")
}

// digestView is what the templates read.
type digestView struct {
	*store.Digest
	Lines          []digestLine
	Orgs           []digestOrg
	Base, UnsubURL string // UnsubURL: the web page that asks before it unsubscribes
	Days           int
}

type digestOrg struct {
	Name           string
	Overdue, Count int
}

type digestLine struct {
	Title, Due, Status, Priority, Owner, Meeting string
	Overdue                                      bool
}

func renderDigest(d *store.Digest, base string) (message, error) {
	base = strings.TrimSuffix(base, "/")
	v := digestView{Digest: d, Base: base, UnsubURL: base + "/unsubscribe?token=" + d.UnsubscribeToken, Days: store.DigestDays}
	for _, b := range d.Organizations {
		name := b.Label
		switch {
		case b.Key == "none":
			name = "no organisation named"
		case name == "":
			name = b.Key
		}
		v.Orgs = append(v.Orgs, digestOrg{name, b.Overdue, b.Count})
	}
	for _, it := range d.Items {
		l := digestLine{Title: it.Title, Status: strings.ReplaceAll(it.Status, "_", " "), Priority: it.Priority, Meeting: it.MeetingTitle}
		if it.DueOn != nil {
			l.Due = it.DueOn.String()
			l.Overdue = it.DueOn.Before(d.Today.Time)
		}
		if it.OwnerOrganization != nil && !it.OwnerRedacted {
			l.Owner = it.OwnerOrganization.Name
		}
		v.Lines = append(v.Lines, l)
	}
	subject := fmt.Sprintf("Liaison: %d action item%s due soon or overdue", len(d.Items), plural(len(d.Items)))
	if d.More {
		subject = "Liaison: action items due soon or overdue"
	}
	textT, htmlT := ownerText, ownerHTML
	if d.Kind == store.DigestCoordinator {
		subject = "Liaison: overdue action items by organisation"
		textT, htmlT = coordinatorText, coordinatorHTML
	}
	var text, html bytes.Buffer
	if err := textT.Execute(&text, v); err != nil {
		return message{}, err
	}
	if err := htmlT.Execute(&html, v); err != nil {
		return message{}, err
	}
	return message{to: d.Email, subject: subject, text: text.String(), html: html.String(), headers: map[gomail.Header]string{
		// One click in the mail client: a POST to the API (RFC 8058).
		gomail.HeaderListUnsubscribe:     "<" + base + "/api/v1/unsubscribe/" + d.UnsubscribeToken + ">",
		gomail.HeaderListUnsubscribePost: "List-Unsubscribe=One-Click",
	}}, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var (
	ownerText = texttemplate.Must(texttemplate.New("owner").Parse(`Hello,

These action items you or your organisation own are overdue or due in the next {{.Days}} days (as of {{.Today}}):
{{range .Lines}}
- {{if .Overdue}}OVERDUE since {{.Due}}{{else}}due {{.Due}}{{end}}: {{.Title}} ({{.Status}}, {{.Priority}} priority){{if .Meeting}}
  from "{{.Meeting}}"{{end}}
{{end}}{{if .More}}
and more: see them all at {{.Base}}/action-items?owner=me
{{end}}
Your action items: {{.Base}}/action-items?owner=me
Change these reminders: {{.Base}}/notifications
Stop them in one click: {{.UnsubURL}}
`))
	ownerHTML = htmltemplate.Must(htmltemplate.New("owner").Parse(`<!doctype html><html><body>
<p>Hello,</p>
<p>These action items you or your organisation own are overdue or due in the next {{.Days}} days (as of {{.Today}}):</p>
<ul>{{range .Lines}}<li>{{if .Overdue}}<strong>Overdue since {{.Due}}</strong>{{else}}Due {{.Due}}{{end}}: {{.Title}} ({{.Status}}, {{.Priority}} priority){{if .Meeting}}, from “{{.Meeting}}”{{end}}</li>{{end}}</ul>
{{if .More}}<p>And more.</p>{{end}}
<p><a href="{{.Base}}/action-items?owner=me">Your action items</a> · <a href="{{.Base}}/notifications">Change these reminders</a> · <a href="{{.UnsubURL}}">Unsubscribe</a></p>
</body></html>`))
	coordinatorText = texttemplate.Must(texttemplate.New("coordinator").Parse(`Hello,

Overdue action items by owner organisation (as of {{.Today}}):
{{range .Orgs}}
- {{.Name}}: {{.Overdue}} overdue of {{.Count}}{{end}}
{{if .Lines}}
The longest overdue:
{{range .Lines}}
- due {{.Due}}: {{.Title}}{{if .Owner}} ({{.Owner}}){{end}}{{end}}
{{end}}
All overdue items: {{.Base}}/action-items?overdue=true&sort=due_on
Change these reminders: {{.Base}}/notifications
Stop them in one click: {{.UnsubURL}}
`))
	coordinatorHTML = htmltemplate.Must(htmltemplate.New("coordinator").Parse(`<!doctype html><html><body>
<p>Hello,</p>
<p>Overdue action items by owner organisation (as of {{.Today}}):</p>
<table><thead><tr><th align="left">Organisation</th><th align="right">Overdue</th><th align="right">Items</th></tr></thead><tbody>
{{range .Orgs}}<tr><td>{{.Name}}</td><td align="right">{{.Overdue}}</td><td align="right">{{.Count}}</td></tr>{{end}}
</tbody></table>
{{if .Lines}}<p>The longest overdue:</p><ul>{{range .Lines}}<li>Due {{.Due}}: {{.Title}}{{if .Owner}} ({{.Owner}}){{end}}</li>{{end}}</ul>{{end}}
<p><a href="{{.Base}}/action-items?overdue=true&amp;sort=due_on">All overdue items</a> · <a href="{{.Base}}/notifications">Change these reminders</a> · <a href="{{.UnsubURL}}">Unsubscribe</a></p>
</body></html>`))
)
