package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"liaison/store"
)

// Webhook deliveries follow the Standard Webhooks conventions: the
// headers webhook-id (the delivery's id, the same on every attempt),
// webhook-timestamp (Unix seconds) and webhook-signature ("v1," and the
// base64 HMAC-SHA256, keyed by the secret's bytes after "whsec_", of
// id.timestamp.body).

// DeliverArgs is the job that sends one webhook delivery.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
}

func (DeliverArgs) Kind() string { return "deliver" }

// maxResponse is how much of a receiver's answer is read (and kept).
const maxResponse = 64 << 10

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	st     *store.Store
	send   *sender
	render store.Render
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	if w.render == nil {
		return w.st.AbandonDelivery(ctx, job.Args.DeliveryID, "not sent: this server sends no webhooks")
	}
	out, why, err := w.st.PrepareDelivery(ctx, job.Args.DeliveryID, w.render)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err) // its endpoint was deleted
	}
	if err != nil {
		return err
	}
	if why != "" {
		return w.st.AbandonDelivery(ctx, job.Args.DeliveryID, why)
	}
	if out == nil {
		return nil // sent already
	}
	status, latency, sendErr := w.send.post(ctx, out.URL, out.Secret, out.ID, out.Payload)
	a := store.DeliveryAttempt{Payload: out.Payload, Latency: latency, Final: job.Attempt >= job.MaxAttempts}
	if status != 0 {
		a.Status = &status
	}
	if sendErr != nil {
		a.Err = sendErr.Error()
	}
	if err := w.st.RecordDeliveryAttempt(ctx, out.ID, a); err != nil {
		return err
	}
	return sendErr // River retries a failure with backoff
}

// sender posts deliveries: a bounded time, no redirect to another host,
// a bounded answer, and no private address unless the operator allows it.
type sender struct {
	st     *store.Store
	client *http.Client
}

func newSender(st *store.Store, timeout time.Duration) *sender {
	dialer := &net.Dialer{Timeout: timeout, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		if ip == nil || (store.ForbiddenAddress(ip) && !st.PrivateWebhooksAllowed()) {
			return fmt.Errorf("refused to connect to %s: a private, loopback or link-local address", host)
		}
		return nil
	}}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, Proxy: nil}
	client := &http.Client{Transport: transport, Timeout: timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return fmt.Errorf("refused a redirect to another host (%s)", req.URL.Host)
			}
			return nil
		}}
	return &sender{st: st, client: client}
}

// Sign is the webhook-signature of body under secret (Standard Webhooks).
func Sign(secret, id string, ts time.Time, body []byte) string {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		key = []byte(secret)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, ts.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// post sends one attempt; a status other than 2xx is an error.
func (s *sender) post(ctx context.Context, url, secret, id string, body []byte) (status int, latency time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	now := time.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Liaison-Webhooks")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", Sign(secret, id, now, body))
	res, err := s.client.Do(req)
	latency = time.Since(now)
	if err != nil {
		return 0, latency, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxResponse))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, latency, fmt.Errorf("the receiver answered %d", res.StatusCode)
	}
	return res.StatusCode, latency, nil
}
