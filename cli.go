package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"liaison/api"
	"liaison/frontend"
	"liaison/jobs"
	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/sqlite"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `usage: liaison [command] [flags]

commands:
  help, --help          show this and exit
  version, --version    print the version and exit
  serve                 run the server (default)
  migrate               apply database migrations and exit
  seed --demo           load the demonstration data
  seed --meetings N --action-items M
                        generate synthetic volume for benchmarks
  user create --email E --role R [--person-id ID]
                        add a login; the password is read from LIAISON_PASSWORD or standard input
  token create --email E --name N [--scope read|write|calendar] [--expires-in-days D]
                        issue an API token for a user and print it once
  import --format F [--dry-run] [--source NAME] [--report PATH] FILE
                        import meeting records (whitehouse-calendars, uk-ministerial, csv)
  backup PATH           write a consistent copy of the SQLite database
  healthcheck           exit 0 when the server at LIAISON_ADDR answers /healthz (for containers)

Every command but healthcheck takes --database-url (LIAISON_DATABASE_URL)
and --log-level (LIAISON_LOG_LEVEL); "liaison COMMAND -h" lists its flags.
`

// config is what every command shares; flags win over the environment.
type config struct {
	databaseURL string
	logLevel    string
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envInt is env for a whole number; a value that is not one is kept as -1,
// which the flag's check refuses.
func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

func commonFlags(fs *flag.FlagSet) *config {
	c := &config{}
	fs.StringVar(&c.databaseURL, "database-url", env("LIAISON_DATABASE_URL", "sqlite://data/liaison.db"), "database: sqlite:///abs.db, sqlite://rel.db or postgres://…")
	fs.StringVar(&c.logLevel, "log-level", env("LIAISON_LOG_LEVEL", "info"), "debug, info, warn or error")
	return c
}

// parse reads a command's flags and refuses arguments it does not take:
// operands is how many non-flag arguments the command needs. A request for
// help (-h) prints the flags and is flag.ErrHelp, which ends without error.
func parse(fs *flag.FlagSet, args []string, operands int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > operands {
		return fmt.Errorf("%s: unexpected argument %q (see liaison %s -h)", fs.Name(), fs.Arg(operands), fs.Name())
	}
	if fs.NArg() < operands {
		return fmt.Errorf("%s: missing argument (see liaison %s -h)", fs.Name(), fs.Name())
	}
	if c := fs.Lookup("database-url"); c != nil {
		if _, _, err := store.ParseURL(c.Value.String()); err != nil {
			return fmt.Errorf("--database-url: %w", err)
		}
	}
	return nil
}

// given reports whether the flag was set on the command line.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// logOutput is where the commands log; tests read it.
var logOutput io.Writer = os.Stderr

func (c *config) setupLogging() error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		return fmt.Errorf("--log-level must be debug, info, warn or error, not %q", c.logLevel)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(logOutput, &slog.HandlerOptions{Level: lvl})))
	return nil
}

func (c *config) open(ctx context.Context, migrate bool) (*store.Store, error) {
	return c.openWith(ctx, migrate, store.Options{})
}

func (c *config) openWith(ctx context.Context, migrate bool, opt store.Options) (*store.Store, error) {
	if err := c.setupLogging(); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, c.databaseURL, opt)
	if err != nil {
		return nil, err
	}
	if migrate {
		n, err := st.Migrate(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		if n > 0 {
			slog.Info("migrated database", "applied", n, "version", store.SchemaVersion)
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			fmt.Print(usage)
			return nil
		case "version", "-version", "--version":
			fmt.Println("liaison", version)
			return nil
		}
		if !strings.HasPrefix(args[0], "-") {
			cmd, args = args[0], args[1:]
		}
	}
	switch cmd {
	case "serve":
		return serve(ctx, args)
	case "migrate":
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		cfg := commonFlags(fs)
		if err := parse(fs, args, 0); err != nil {
			return err
		}
		st, err := cfg.open(ctx, true)
		if err != nil {
			return err
		}
		fmt.Printf("schema at version %d\n", store.SchemaVersion)
		return st.Close()
	case "seed":
		return seedCmd(ctx, args)
	case "user":
		return userCmd(ctx, args)
	case "token":
		return tokenCmd(ctx, args)
	case "import":
		return importCmd(ctx, args, os.Stdout, os.Stderr)
	case "backup":
		fs := flag.NewFlagSet("backup", flag.ContinueOnError)
		cfg := commonFlags(fs)
		if err := parse(fs, args, 1); err != nil {
			return err
		}
		st, err := cfg.openWith(ctx, false, store.Options{MustExist: true})
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.Backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Println("backup written to", fs.Arg(0))
		return nil
	case "healthcheck":
		return healthcheck(ctx, args)
	}
	return fmt.Errorf("unknown command %q (liaison help lists them)", cmd)
}

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg := commonFlags(fs)
	addr := fs.String("addr", env("LIAISON_ADDR", "127.0.0.1:8080"), "listen address")
	secure := fs.Bool("secure-cookies", env("LIAISON_SECURE_COOKIES", "") == "true", "mark session cookies Secure (TLS ends at a proxy)")
	proxies := fs.String("trusted-proxies", env("LIAISON_TRUSTED_PROXIES", ""), "comma-separated proxy addresses whose X-Forwarded-For is trusted")
	metricsAddr := fs.String("metrics-addr", env("LIAISON_METRICS_ADDR", ""), "serve Prometheus metrics at /metrics on this address, apart from the API (default: not served)")
	k := fs.Int("k-anonymity", envInt("LIAISON_K_ANONYMITY", store.DefaultK), "the smallest group a withheld identity may be narrowed to: sectors shared by fewer organisations, and organisations of fewer people, are withheld with it")
	smtpURL := fs.String("smtp-url", env("LIAISON_SMTP_URL", ""), "send e-mail reminders through this server: smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (default: no e-mail)")
	smtpFrom := fs.String("smtp-from", env("LIAISON_SMTP_FROM", ""), "the From address of e-mail reminders, such as \"Liaison <liaison@example.gov>\" (needed with --smtp-url)")
	allowPrivate := fs.Bool("webhooks-allow-private", env("LIAISON_WEBHOOKS_ALLOW_PRIVATE", "") == "true", "let webhook endpoints name private, loopback and link-local addresses (default: refused)")
	publicURL := fs.String("public-url", env("LIAISON_PUBLIC_URL", ""), "where people reach Liaison, such as https://liaison.example.gov; absolute links are built from it (default: http:// and --addr)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *k < 1 {
		return errors.New("--k-anonymity must be at least 1")
	}
	if *publicURL == "" {
		*publicURL = "http://" + *addr
	}
	if u, err := url.Parse(*publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("--public-url must be an http:// or https:// URL such as https://liaison.example.gov")
	}
	var mailer *jobs.Mailer
	if *smtpURL != "" {
		m, err := jobs.NewMailer(*smtpURL, *smtpFrom, nil)
		if err != nil {
			return fmt.Errorf("--smtp-url: %w", err)
		}
		mailer = m
	}
	sqlite.TuneProcess() // before SQLite's first allocations
	st, err := cfg.openWith(ctx, true, store.Options{K: *k})
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			slog.Error("close database", "error", err)
		}
	}()
	adminEmail := os.Getenv("LIAISON_ADMIN_EMAIL")
	created, generated, err := st.EnsureAdmin(ctx, adminEmail, os.Getenv("LIAISON_ADMIN_PASSWORD"))
	if err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	if adminEmail == "" {
		adminEmail = "admin@localhost"
	}
	switch {
	case created && generated != "":
		// Printed once, on the first start only; it is not stored in clear anywhere.
		fmt.Fprintf(os.Stderr, "\n  First administrator: %s\n  Password (shown once): %s\n\n", adminEmail, generated)
	case created:
		slog.Info("created the first administrator", "email", adminEmail)
	case os.Getenv("LIAISON_ADMIN_EMAIL") != "":
		slog.Warn("LIAISON_ADMIN_EMAIL is ignored: the database already has users, so no administrator was created; sign in as an existing one or add one with liaison user create", "email", adminEmail)
	default:
		slog.Info("no administrator created: the database already has users")
	}
	var trusted []string
	if *proxies != "" {
		trusted = strings.Split(*proxies, ",")
	}
	reg := prometheus.NewRegistry()
	// The job queue: notifications and reminders, after their changes
	// commit. Stopped after the HTTP server, so that the last requests'
	// jobs are enqueued; what is left waits for the next start.
	st.AllowPrivateWebhooks(*allowPrivate)
	runner, err := jobs.New(st, jobs.Options{Registry: reg, Render: api.Render(st), Mailer: mailer, PublicURL: *publicURL})
	if err != nil {
		return err
	}
	if err := runner.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start the job queue: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			slog.Error("stop the job queue", "error", err)
		}
	}()
	router := api.New(st, api.Options{SecureCookies: *secure, TrustedProxies: trusted, Frontend: frontend.FS(), Version: version,
		PublicURL: *publicURL, Registry: reg, EmailConfigured: mailer != nil})
	srv := &http.Server{
		Addr:              *addr,
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if pp := os.Getenv("LIAISON_PPROF_ADDR"); pp != "" {
		// Profiling for operators and benchmarks, on a separate listener
		// that should stay on loopback.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/heap", pprof.Index)
		go func() { slog.Warn("pprof listener stopped", "error", http.ListenAndServe(pp, mux)) }()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		// Metrics count requests by route and status: operators' business,
		// on a listener of their own that should stay on loopback or an
		// internal network.
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", api.MetricsHandler(reg))
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		slog.Info("metrics listening", "addr", "http://"+mln.Addr().String()+"/metrics")
	}
	slog.Info("liaison listening", "addr", "http://"+ln.Addr().String(), "database", st.Dialect(), "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func seedCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	cfg := commonFlags(fs)
	demo := fs.Bool("demo", false, "load the demonstration data (November 2024 telecom espionage briefings)")
	meetings := fs.Int("meetings", 0, "synthetic meetings to generate")
	items := fs.Int("action-items", 0, "synthetic action items to generate (with --meetings)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	switch {
	case given(fs, "meetings") && *meetings < 1:
		return errors.New("seed: --meetings must be at least 1")
	case given(fs, "action-items") && *items < 1:
		return errors.New("seed: --action-items must be at least 1")
	case given(fs, "action-items") && !given(fs, "meetings"):
		return errors.New("seed: --action-items needs --meetings, the meetings they follow from")
	case !*demo && !given(fs, "meetings"):
		return errors.New("seed: say --demo, or --meetings N [--action-items M]")
	}
	st, err := cfg.openWith(ctx, true, store.Options{CacheMiB: 512})
	if err != nil {
		return err
	}
	defer st.Close()
	if *demo {
		logins, err := seed.Demo(ctx, st)
		if err != nil {
			return err
		}
		fmt.Println("demonstration data loaded; sign in at http://127.0.0.1:8080/ (go run .) as:")
		for _, l := range logins {
			fmt.Printf("  %-12s %-34s %s\n", l.Role, l.Email, l.Password)
		}
		fmt.Println("The admin above administers this database: serve creates no other, and ignores LIAISON_ADMIN_EMAIL.")
	}
	if given(fs, "meetings") {
		return seed.Volume(ctx, st, *meetings, *items, os.Stderr)
	}
	return nil
}

func readPassword() (string, error) {
	if pw := os.Getenv("LIAISON_PASSWORD"); pw != "" {
		return pw, nil
	}
	fmt.Fprint(os.Stderr, "password: ")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input (or set LIAISON_PASSWORD)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: liaison user create --email E --role R [--person-id ID]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	cfg := commonFlags(fs)
	email := fs.String("email", "", "login email (required)")
	role := fs.String("role", "viewer", strings.Join(models.Roles, ", "))
	person := fs.String("person-id", "", "the person record this user is")
	if err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if strings.TrimSpace(*email) == "" {
		return errors.New("user create: --email is required")
	}
	if !models.OneOf(*role, models.Roles) {
		return fmt.Errorf("user create: --role must be one of %s", strings.Join(models.Roles, ", "))
	}
	pw, err := readPassword()
	if err != nil {
		return err
	}
	st, err := cfg.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	in := store.UserInput{Email: *email, Password: pw, Role: *role}
	if *person != "" {
		in.PersonID = person
	}
	u, err := st.CreateUser(ctx, store.System, in)
	if err != nil {
		return err
	}
	fmt.Printf("created user %s (%s) with id %s\n", u.Email, u.Role, u.ID)
	return nil
}

func tokenCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: liaison token create --email E --name N [--scope read|write|calendar] [--expires-in-days D]")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	cfg := commonFlags(fs)
	email := fs.String("email", "", "the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for (required)")
	scope := fs.String("scope", "read", "read, write or calendar (a calendar feed's secret)")
	days := fs.Int("expires-in-days", 0, "days until it expires, 1 to 3650 (left out: never)")
	if err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(*email) == "":
		return errors.New("token create: --email is required")
	case strings.TrimSpace(*name) == "":
		return errors.New("token create: --name is required")
	case !models.OneOf(*scope, models.TokenScopes):
		return errors.New("token create: --scope must be read, write or calendar")
	case given(fs, "expires-in-days") && (*days < 1 || *days > 3650):
		return errors.New("token create: --expires-in-days must be from 1 to 3650; leave it out for a token that never expires")
	}
	st, err := cfg.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CallerByEmail(ctx, *email)
	if err != nil {
		return err
	}
	in := store.TokenInput{Name: *name, Scope: *scope}
	if given(fs, "expires-in-days") {
		in.ExpiresInDays = days
	}
	_, secret, err := st.CreateToken(ctx, c, in)
	if err != nil {
		return err
	}
	fmt.Println(secret)
	return nil
}

// healthcheck asks the local server whether it is up, for container health
// checks that have no curl.
func healthcheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	addr := fs.String("addr", env("LIAISON_ADDR", "127.0.0.1:8080"), "the server's listen address")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %d", res.StatusCode)
	}
	return nil
}
