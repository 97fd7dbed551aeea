package seed

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/schollz/progressbar/v3"

	"liaison/models"
	"liaison/store"
)

// Volume generates synthetic data: organisations across every sector,
// people, topics, and the requested meetings (every TLP, attendees of every
// disclosure) and action items (every status, with updates), in large
// transactions, with a progress bar on w and the rate at the end.
func Volume(ctx context.Context, st *store.Store, meetings, items int, w io.Writer) error {
	return VolumeSeeded(ctx, st, meetings, items, w, uint64(time.Now().UnixNano()))
}

// VolumeSeeded is Volume with the random choices (markings, attendance,
// owners, statuses, dates) drawn from seed, so that two data sets made with
// the same seed have the same shape: benchmarks compare like with like.
func VolumeSeeded(ctx context.Context, st *store.Store, meetings, items int, w io.Writer, seed uint64) error {
	if meetings < 1 {
		return fmt.Errorf("--meetings must be at least 1")
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 42))
	now := time.Now().UTC().Truncate(time.Microsecond)
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

	// The directory: 12 organisations per sector plus government bodies.
	var orgs []models.Organization
	for _, sec := range models.Sectors {
		for i := range 12 {
			name := fmt.Sprintf("%s %s %03d", titleOf(sec), pick([]string{"Group", "Holdings", "Systems", "Services", "Networks"}), i)
			orgs = append(orgs, models.Organization{ID: store.NewID(), Name: name, Kind: "industry", Sector: sec, Country: "US", Version: 1, CreatedAt: now, UpdatedAt: now})
		}
	}
	for i := range 20 {
		orgs = append(orgs, models.Organization{ID: store.NewID(), Name: fmt.Sprintf("Synthetic Agency %02d", i), Kind: "government", Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	for i := range orgs {
		orgs[i].Name += " " + orgs[i].ID[len(orgs[i].ID)-6:] // unique across repeated runs
		orgs[i].NameKey = lower(orgs[i].Name)
	}
	var people []models.Person
	staff := map[string][]string{} // organisation → its people
	for _, o := range orgs {
		for j := range 5 {
			p := models.Person{ID: store.NewID(), FullName: fmt.Sprintf("Person %d of %s", j, o.Name), JobTitle: pick([]string{"CISO", "CEO", "Analyst", "Director", "Engineer"}),
				OrganizationID: o.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
			people = append(people, p)
			staff[o.ID] = append(staff[o.ID], p.ID)
		}
	}
	var topics []models.Topic
	for i := range 120 {
		name := fmt.Sprintf("Synthetic topic %03d %s", i, store.NewID()[24:])
		topics = append(topics, models.Topic{ID: store.NewID(), Name: name, NameKey: lower(name), Kind: "subject", Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	err := st.BulkLoad(ctx, func(insert func(...any) error) error {
		return volume(rng, now, directory{orgs, people, topics, staff}, meetings, items, insert, w)
	})
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(w, "\nseeded %d meetings and %d action items in %s (%.0f rows/s)\n", meetings, items, el.Round(time.Millisecond), float64(meetings+items)/el.Seconds())
	return nil
}

// directory is the synthetic organisations, people and topics.
type directory struct {
	orgs   []models.Organization
	people []models.Person
	topics []models.Topic
	staff  map[string][]string // organisation → its people
}

// volume inserts the directory, then the meetings and their action items
// in chunks.
func volume(rng *rand.Rand, now time.Time, dir directory, meetings, items int, insert func(...any) error, w io.Writer) error {
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	orgs, people, topics, staff := dir.orgs, dir.people, dir.topics, dir.staff
	if err := insert(&orgs, &people, &topics); err != nil {
		return err
	}
	var govs []models.Organization
	for _, o := range orgs {
		if o.Kind == "government" {
			govs = append(govs, o)
		}
	}

	bar := progressbar.NewOptions(meetings+items, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("seeding"),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond))
	const chunk = 2000
	itemsLeft := items
	for done := 0; done < meetings; done += chunk {
		n := min(chunk, meetings-done)
		var (
			ms    []models.Meeting
			came  [][]models.Attendee // each meeting's attendees, by index in ms
			atts  []models.Attendee
			links []models.MeetingTopic
			ais   []models.ActionItem
			ups   []models.ActionItemUpdate
		)
		// Spread the items over the remaining meetings.
		perChunk := itemsLeft * n / (meetings - done)
		itemsLeft -= perChunk
		for range n {
			startAt := now.AddDate(0, 0, -rng.IntN(3*365)+60).Truncate(time.Minute)
			host := govs[rng.IntN(len(govs))]
			m := models.Meeting{ID: store.NewID(), Title: fmt.Sprintf("%s on %s", titleOf(pick(models.MeetingKinds)), pick([]string{"ransomware", "edge devices", "supply chain", "telecom intrusions", "water systems"})),
				StartsAt: startAt, EndsAt: startAt.Add(time.Hour), Timezone: "America/New_York", Modality: pick(models.Modalities),
				Kind: pick(models.MeetingKinds), Status: pick(models.MeetingStatuses), TLP: models.TLP(pick(models.TLPs)),
				Summary: "Synthetic meeting.", HostOrganizationID: host.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
			ms = append(ms, m)
			first := len(atts)
			seen := map[string]bool{}
			for range 3 + rng.IntN(4) {
				p := people[rng.IntN(len(people))]
				if seen[p.ID] {
					continue
				}
				seen[p.ID] = true
				d := models.Disclosure(pick(models.Disclosures))
				reason := ""
				if d.Withholds() {
					reason = pick(models.WithholdingReasons)
				}
				pid := p.ID
				atts = append(atts, models.Attendee{ID: store.NewID(), MeetingID: m.ID, PersonID: &pid, OrganizationID: p.OrganizationID,
					Role: "attendee", Attendance: pick(models.Attendances), Disclosure: d, WithholdingReason: reason, Version: 1, CreatedAt: now, UpdatedAt: now})
			}
			came = append(came, atts[first:])
			tseen := map[string]bool{}
			for range 1 + rng.IntN(3) {
				t := topics[rng.IntN(len(topics))]
				if !tseen[t.ID] {
					tseen[t.ID] = true
					links = append(links, models.MeetingTopic{MeetingID: m.ID, TopicID: t.ID})
				}
			}
		}
		for range perChunk {
			mi := rng.IntN(len(ms))
			m := ms[mi]
			pid, oid := owner(rng, m, came[mi], staff, people)
			due := models.DateOf(now.AddDate(0, 0, rng.IntN(240)-150))
			status := pick(models.ActionStatuses)
			created := now.AddDate(0, 0, -rng.IntN(400)-1)
			it := models.ActionItem{ID: store.NewID(), MeetingID: m.ID, Title: "Follow up: " + pick([]string{"patch edge devices", "share indicators", "brief the board", "rotate credentials", "review logs"}),
				OwnerPersonID: pid, OwnerOrganizationID: oid, DueOn: &due, Status: status, Priority: pick(models.Priorities),
				Version: 1, CreatedAt: created, UpdatedAt: created}
			if status == "done" {
				c := created.Add(time.Duration(1+rng.IntN(60*24)) * time.Hour)
				days := c.Sub(created).Hours() / 24
				it.CompletedAt, it.DaysToClose = &c, &days
			}
			ais = append(ais, it)
			if rng.IntN(5) == 0 {
				ups = append(ups, models.ActionItemUpdate{ID: store.NewID(), ActionItemID: it.ID, AuthorID: "synthetic", Body: "Progress noted.", CreatedAt: created.Add(time.Hour)})
			}
		}
		if err := insert(&ms, &atts, &links, &ais, &ups); err != nil {
			return err
		}
		_ = bar.Add(n + perChunk)
	}
	return bar.Finish()
}

// owner picks who owns an action item of meeting m, as follow-ups fall in
// practice: mostly someone who was there (70 %), or the organisation of
// someone who was there, with no one named (15 %); otherwise a person of
// the host organisation (10 %) or a hand-off to anyone (5 %), who may not
// be able to see the meeting at all.
func owner(rng *rand.Rand, m models.Meeting, came []models.Attendee, staff map[string][]string, people []models.Person) (person, org *string) {
	switch r := rng.IntN(20); {
	case r < 14 && len(came) > 0:
		a := came[rng.IntN(len(came))]
		pid, oid := *a.PersonID, a.OrganizationID
		return &pid, &oid
	case r < 17 && len(came) > 0:
		oid := came[rng.IntN(len(came))].OrganizationID
		return nil, &oid
	case r < 19 && len(staff[m.HostOrganizationID]) > 0:
		ps := staff[m.HostOrganizationID]
		pid, oid := ps[rng.IntN(len(ps))], m.HostOrganizationID
		return &pid, &oid
	}
	p := people[rng.IntN(len(people))]
	pid, oid := p.ID, p.OrganizationID
	return &pid, &oid
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func titleOf(slug string) string {
	b := []byte(slug)
	for i := range b {
		if b[i] == '_' {
			b[i] = ' '
		}
	}
	if len(b) > 0 && b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 32
	}
	return string(b)
}
