// Package importer reads CSV files of public meeting records and turns each
// row into a neutral, normalised [Record], or into a [Rejection] that names
// the row and says why it cannot become a meeting. It does no database work:
// a later step maps the records to Liaison's organisations, people and
// meetings, matching names by [Key].
//
// # Formats
//
// [Read] takes one of three formats, named by [Formats]:
//
//   - [WhiteHouseCalendars]: the 2017 calendars and visitor logs of White
//     House complex offices (no header row; type, agency, date M/D/YY, host,
//     attendees, attendees_affiliation, subject, then empty columns).
//   - [UKMinisterial]: UK ministerial meetings and the Scottish lobbying
//     register (a header row: rep_new, policy_level, date DD/MM/YYYY,
//     organisation, purpose, department, others_at_the_meeting, source,
//     registrant_additional_information, portal_source, RecordId, tag).
//   - [GenericCSV]: the documented format below, for everyone else.
//
// Every text cell is trimmed and its runs of white space are collapsed to
// one space (multi-line summaries keep their line breaks). Unicode is kept.
//
// # Names of people
//
// A cell that names people is split like this:
//
//  1. on ";" and on the words " and " and " & " (the White House file
//     separates people with commas and, once, with " and "; it never uses
//     ";" or "/" between people, and "/" appears inside names such as
//     "EOP/OSTP", so "/" is not a separator);
//  2. on ",", and then two neighbouring pieces are joined back into one
//     "Last, First" name when the first looks like a family name (one or two
//     capitalised words, no initials, no organisation) and the second like
//     given names (one word, with or without initials: "Jason D.",
//     "Matt", "A."). In a cell with more than one comma, a two-word family
//     name needs the given names to hold an initial ("Evans Harris,
//     Natalie M."), so that "Jason Greenblatt, Ross, Peter K. Navarro" stays
//     three people. In a cell with exactly one comma and a one-word family
//     name, the given names may be two words ("Kim, Jang Hyun").
//
// "Last, First" becomes "First Last". A trailing "(X)" or unclosed "(X"
// names the person's organisation ("Nora Voklow (NIH)"), except the status
// notes "(Fed)", "(Contractor)" and "(CTR)", which are dropped; a trailing
// all-capitals token with a slash ("Lindy Y. Bunn EOP/OSTP") is an
// organisation too. Forms of address ("Mr", "Dr", "Rt Hon", "Sir", "Dame",
// "Ambassador") and post-nominal letters ("MP", "MSP", "QC", "KC", "MBE",
// "PhD") are removed while two words of name remain; peerages ("Lord
// Willetts") are kept.
//
// # Unknowns
//
// "(b)(6)" and its variants ("(b) (6)", "(b)(5)", "(b)(7)(C)") are FOIA
// redactions: a withheld name, never a name. "(illegible)" is an unreadable
// name. Neither becomes a [Person]; each is counted in [Record].Unknowns
// ("2 names withheld ((b)(6))", "1 illegible name"). A name only partly
// unreadable ("Jeff (illegible)") keeps its readable part as the name and is
// counted as "1 name partly illegible". Values such as "Not recorded by
// reporting department", "None", "N/A", "Unknown" and "Withheld" in the UK
// file are unknown, not names. An affiliation of "self", "none", "N/A",
// "private" or "retired" means no organisation.
//
// # The real files
//
// White House complex calendars: HostOrganization is the agency; Host is
// the host column's official; Attendees are the attendees column's people,
// each with the row's affiliation unless they name their own; the
// affiliation is in Organizations when no one is named (a withheld
// visitor). The affiliation cell is one organisation: "/", "&" and ","
// there join parts of one name ("DOC/ITA", "AT&T", "USDA, FSIS"). The
// subject is the title; a Google Calendar invitation's "@ Wed Feb 1, 2017
// 3pm - 3:30pm (EST)" gives the time and leaves the title. The time zone is
// America/New_York.
//
// UK ministerial meetings: HostOrganization is the department; Host is
// rep_new, with policy_level as JobTitle; others_at_the_meeting are
// Officials. The organisation cell is split on commas and semicolons, not
// on "&" or "and" ("Ernst & Young"), so a name holding a comma splits too;
// an item styled as a person ("Tom Blenkinsop MP", "Lord Neuberger & Lady
// Hale") is an attendee with no organisation. The Scottish register's
// lobbyists ("Lobbyist names: A; B") are Attendees of the organisation when
// the row names one organisation; a client they lobbied for ("Entity
// lobbying on behalf of organisation") is in Organizations. The purpose is
// the title; a purpose longer than 150 bytes gives its first sentence (or
// its start) and goes whole into the summary. Its "| Location: …" is the
// location (a private residence with its address withheld is an unknown)
// and its "| Type: Face to face" or "Video conference" the modality. The
// tag is a topic, RecordId the SourceID, source the SourceURL. Dates are
// read as DD/MM/YYYY, and the time zone is Europe/London.
//
// # The generic CSV format
//
// One meeting per row, UTF-8, comma-separated, with a header row naming the
// columns in any order (names are matched without regard to case or
// surrounding space). A column the format does not define, or a column
// named twice, is an error for the whole file, as is a missing required
// column.
//
//	title             required: the meeting's title (at most 300 bytes)
//	date              YYYY-MM-DD; required unless starts_at is given
//	starts_at         RFC 3339, e.g. 2024-03-05T14:00:00Z; instead of date
//	ends_at           RFC 3339
//	start_time        HH:MM (24-hour), with date, in timezone
//	end_time          HH:MM, with date and start_time, after start_time
//	timezone          IANA name such as Europe/Paris; default UTC
//	location          free text
//	modality          in_person | virtual | hybrid
//	kind              briefing | roundtable | working_session | bilateral | call | other
//	host_organization the organisation that hosted the meeting
//	host              the person who hosted it: "Name" or "Name (Organisation)"
//	attendees         people separated by ";", each "Name" or "Name (Organisation)"
//	organizations     organisations that attended without a named person, separated by ";"
//	topics            separated by ";"
//	summary           free text; line breaks are kept
//	public_readout    free text; line breaks are kept
//
// A row with a date and no start_time lasts the whole day in its time zone
// (TimeKnown is false). A row with a start and no end lasts one hour. A row
// is rejected, with its row number, when it has no title, no date or an
// impossible one, a bad time, an unknown time zone, an end before its start
// or more than 31 days after it, a modality or kind outside the lists, or
// cells beyond the header's columns. A host without an organisation of its
// own belongs to host_organization.
package importer
