// Store: where Kunren keeps what must last — organisations, checklists,
// campaigns, evaluations and their revisions, users, imports and the audit
// log. One narrow interface with three implementations chosen by URL
// (open_store, below): `sqlite:PATH` (the embedded default), `postgresql://…`
// (servers) and `memory:` (an in-process fake for unit tests).
//
// Contract shared by every backend (tests/store/store_conformance_test.cpp
// runs the same tests on all three):
//   - Every mutating method is one transaction, and writes its audit entry in
//     that same transaction: it happens whole, with its audit entry, or not at
//     all. append_revisions() of 1,000 organisations is all or nothing.
//   - Revisions are append-only. Nothing ever updates or deletes a revision,
//     an answer, an import record or an audit entry (the SQL backends also
//     refuse it with triggers). A "save" is a new revision; the latest one
//     wins; submitted revisions stay forever.
//   - Times are UTC text "YYYY-MM-DDTHH:MM:SS.ffffffZ" (fixed width, so text
//     order is time order in SQL too), taken from the store's clock when a
//     record is written. Callers never supply them except through
//     restore_campaign(), which keeps a bundle's original times. Appends to
//     one campaign take turns, read the clock once it is their turn, and
//     never stamp a revision earlier than the campaign's latest one: within
//     a campaign, revision times follow revision numbers, whatever the
//     clocks of several hosts say (--as-of depends on it).
//   - Lists come back in a stable order, documented per method.
//   - Errors: NotFound for an unknown id; Conflict for a state that forbids
//     the write (a duplicate id, a closed campaign, a stale state); BadInput
//     for a malformed value; Io for the database itself (locked too long,
//     connection lost, disk full). Messages name the object.
//   - Text: every text a caller hands in (ids, names, titles, the actor,
//     file names, audit fields, everything in a bundle) must be valid UTF-8
//     without control characters; tab, newline and CR only in comments, audit
//     details and checklist content. BadInput naming the field otherwise, on
//     every backend alike (PostgreSQL would cut a value at a NUL byte).
//
// Thread safety: a Store object is used by one thread at a time (the server
// keeps one per worker thread). Several Store objects — in one process or in
// several — may use the same database at once; the database serialises them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/model/exercise.hpp>
#include <kunren/util/status.hpp>

namespace kunren::store {

// --- values ------------------------------------------------------------------

// "2026-11-26T09:20:03.123456Z"
using Timestamp = std::string;

// The current time in the store's format.
Timestamp now_utc();
// Accepts "2026-11-26", "2026-11-26T09:20", "2026-11-26 09:20:03",
// fractions, and a "Z" or "+09:00" style offset (no offset means UTC), and
// returns the canonical form. A date alone means the end of that day
// (23:59:59.999999), which is what `--as-of 2026-11-26` means to a person.
Result<Timestamp> parse_timestamp(std::string_view text);

enum class CampaignState { kDraft, kOpen, kClosed, kPublished };
enum class RevisionState { kDraft, kSubmitted };
enum class Role { kAdmin, kCoordinator, kEvaluator, kFacilitator, kParticipant, kObserver };

const char* to_string(CampaignState s);  // "draft" | "open" | "closed" | "published"
const char* to_string(RevisionState s);  // "draft" | "submitted"
const char* to_string(Role r);           // "admin" | "coordinator" | …
std::optional<CampaignState> parse_campaign_state(std::string_view s);
std::optional<RevisionState> parse_revision_state(std::string_view s);
std::optional<Role> parse_role(std::string_view s);
const std::vector<Role>& all_roles();

// draft → open → closed → published, and closed → open (reopen, e.g. for a
// late organisation). Anything else is refused.
bool campaign_transition_allowed(CampaignState from, CampaignState to);

// Who did something: "user:alice", "cli:root", "import:answers.csv". Stored
// as the revision author and the audit actor.
struct Actor {
  std::string name;
};

struct OrgRecord {
  std::string id;         // [A-Za-z0-9._-]+ as in the files' org column, or any non-empty text
  std::string name;       // display name; never published
  std::string industry;   // free text
  std::string size;       // size band, free text
  std::string pseudonym;  // assigned by the store on first insert, never changed
  Timestamp created_at;
};

// A checklist as stored: its canonical JSON text (io::write_checklist, JSON)
// and the SHA-256 of that text. (id, version) names one content forever.
struct ChecklistRecord {
  std::string id;
  std::string version;
  std::string sha256;   // lowercase hex of `content`
  std::string content;  // canonical JSON
  bool builtin = false;
  Timestamp registered_at;
};

struct CampaignRecord {
  std::string id;
  std::string title;
  std::string checklist_id;
  std::string checklist_version;
  std::string opens_on;   // "YYYY-MM-DD" or empty
  std::string closes_on;  // "YYYY-MM-DD" or empty
  int min_group = 3;      // k: fewer submitted organisations than this publish nothing
  CampaignState state = CampaignState::kDraft;
  Timestamp created_at;
  Timestamp updated_at;
  // Logins of the users who coordinate this campaign, sorted. Empty: every
  // coordinator does (server/authorize.hpp). Each one exists and held the
  // coordinator role when it was listed; the list is not changed when a user
  // later loses the role (authorisation still asks for the role).
  std::vector<std::string> coordinators;
};

// One item of a revision with an answer, a comment or the evaluator's "mark
// for review" flag (any of the three). Items with none of them are not
// stored. The analysis reads choices and comments only; `review` is a note
// of the evaluation form's draft and never changes a result.
struct Answer {
  std::string item;          // checklist item id
  std::uint8_t choice = 0;   // 1..k; 0 = no answer (then comment is not empty or review is set)
  std::string comment;
  bool review = false;  // marked "for review" by the evaluator
  // What a drill showed for this item (exercise/proposals.hpp): canonical
  // JSON text of an array of links [{"exercise": "…", "rule": "…",
  // "proposed": 2, "events": [12, 40]}], or empty. Kept from revision to
  // revision by the evaluation routes unless the evaluator removes it.
  std::string evidence;
  bool operator==(const Answer&) const = default;
};

struct Revision {
  std::int64_t id = 0;   // unique in the store
  std::string campaign;
  std::string org;
  int no = 0;            // 1, 2, … per (campaign, org)
  RevisionState state = RevisionState::kDraft;
  std::string author;    // Actor::name
  Timestamp created_at;
  std::int64_t import_id = 0;  // the import that made it, 0 if none
  std::vector<Answer> answers;  // ordered by item id
};

// What a caller hands to append_revisions().
struct NewRevision {
  std::string org;
  RevisionState state = RevisionState::kSubmitted;
  std::vector<Answer> answers;  // any order; item ids unique
};

// A file imported into a campaign. The sha256 lets a re-import of the same
// bytes be recognised.
struct ImportRecord {
  std::int64_t id = 0;
  std::string campaign;
  std::string filename;  // as given by the user, for people
  std::string sha256;    // of the responses file bytes (and the orgs file's, if any)
  std::string actor;
  Timestamp at;
  std::int64_t revisions = 0;  // revisions it created
  std::int64_t unchanged = 0;  // organisations whose latest answers it already matched
};

struct User {
  std::string login;          // [A-Za-z0-9._@-]+, unique
  std::string display_name;
  std::string password_hash;  // argon2id, crypto_pwhash_str format; empty = cannot sign in
  std::vector<Role> roles;    // sorted, unique
  std::vector<std::string> orgs;  // organisation memberships, sorted
  bool disabled = false;
  Timestamp created_at;
};

struct AuditEntry {
  std::int64_t id = 0;   // increasing
  Timestamp at;          // set by the store
  std::string actor;
  std::string action;       // "campaign.create", "revision.import", "auth.refused", …
  std::string object_type;  // "campaign", "org", "user", "checklist", "evaluation", …
  std::string object_id;
  std::string detail;       // JSON object text, may be empty; never secrets
};

struct AuditQuery {
  std::string object_type;  // empty = any
  std::string object_id;    // empty = any
  std::size_t limit = 0;    // 0 = no limit; newest entries kept, still returned oldest first
};

struct Migration {
  int version = 0;
  std::string name;
  Timestamp applied_at;
};

struct SchemaInfo {
  int version = 0;                  // applied in the database
  int latest = 0;                   // known to this program
  std::vector<Migration> applied;   // ascending
};

// Everything needed to rebuild one campaign in another store.
struct CampaignBundle {
  CampaignRecord campaign;
  ChecklistRecord checklist;
  std::vector<OrgRecord> orgs;         // every organisation with a revision
  std::vector<ImportRecord> imports;
  std::vector<Revision> revisions;     // every revision, all states, with answers
};

// A drill participant: a user playing one scenario role in one exercise.
struct ExerciseParticipant {
  std::string login;  // an existing user
  std::string role;   // a role id of the exercise's scenario (the store does not check it)
  bool operator==(const ExerciseParticipant&) const = default;
};

// One run of a scenario by one organisation (model/exercise.hpp). The
// scenario is stored with the exercise (its canonical JSON and SHA-256), so a
// later change to a scenario file never changes a drill already run.
struct ExerciseRecord {
  std::string id;                // [A-Za-z0-9._-]+, unique
  std::string title;
  std::string org;               // an existing organisation
  std::string campaign;          // an existing campaign, or empty
  std::string scenario_id;
  std::string scenario_version;
  std::string scenario_sha256;   // lower-case hex of scenario_content
  std::string scenario_content;  // canonical JSON (io::write_scenario, JSON)
  // The organisation's decision criteria shown at each decision point: a
  // JSON object text {"DP3": {"who": "…", "conditions": ["…", …]}, …}, or empty.
  std::string criteria;
  model::ExerciseState state = model::ExerciseState::kPlanned;
  std::vector<ExerciseParticipant> participants;  // sorted by login; a login at most once
  std::string created_by;        // Actor::name
  Timestamp created_at;
  Timestamp updated_at;          // the last change of the record or the last event
  std::int64_t last_seq = 0;     // the log's last seq (0: no events yet)
  std::string last_hash;         // the log's last hash (the genesis hash when empty)
};

// One revision of one preparedness record of an organisation
// (model/preparedness.hpp): kind is a model::PrepKind name, content the
// document's canonical JSON. Revisions are append-only, like evaluation
// revisions: a save is a new revision, the latest one is the record.
struct OrgDocument {
  std::string org;
  std::string kind;      // "contact-tree" | "criteria" | … | "improvement-plan"
  int no = 0;            // 1, 2, … per (org, kind)
  std::string content;   // canonical JSON object text
  std::string author;    // Actor::name
  Timestamp created_at;
};

// A public signing key an organisation registered with the coordinator, for
// its signed offline submission packages (io/package.hpp). The key id is the
// first 16 hex digits of the SHA-256 of the raw 32-byte Ed25519 key.
struct OrgKey {
  std::string org;
  std::string key_id;
  std::string public_key;  // standard base64 of the raw 32-byte key
  std::string added_by;    // Actor::name
  Timestamp added_at;
  Timestamp revoked_at;    // empty = in force
};

// A submission package imported into a campaign. created_at is the
// package's own (signed) time, canonical; revision_id is the revision it
// created, 0 when its answers equalled the organisation's latest revision.
struct PackageRecord {
  std::int64_t id = 0;
  std::string campaign;
  std::string org;
  std::string sha256;      // of the package file's bytes
  std::string key_id;      // the key it was signed with
  Timestamp created_at;
  std::string filename;    // as given, for people
  std::int64_t revision_id = 0;
  std::string imported_by;  // Actor::name
  Timestamp imported_at;
};

// What import_package() is handed, after the caller has verified the
// signature and manifest.
struct NewPackage {
  std::string campaign;
  std::string org;
  std::string sha256;
  std::string key_id;
  Timestamp created_at;
  std::string filename;
  std::vector<Answer> answers;  // stored as a submitted revision of `org`
};

struct PackageImportResult {
  PackageRecord record;    // the new record, or the earlier one for a duplicate
  bool duplicate = false;  // these bytes were imported before: nothing written
  bool created = false;    // a new revision was written
};

// One revision of one campaign-level document (like OrgDocument): kind
// "publication" holds the coordinator's publication settings (TLP, word
// list, excluded quotes; server/publication). Append-only.
struct CampaignDocument {
  std::string campaign;
  std::string kind;
  int no = 0;
  std::string content;  // JSON object text
  std::string author;
  Timestamp created_at;
};

// --- options -------------------------------------------------------------------

struct AppendOptions {
  // Skip a NewRevision whose state and answers equal the organisation's
  // latest revision (default true): every item's choice, comment, review
  // flag and evidence alike, so a change of the review flag alone is a new
  // revision.
  // Skipped ones count as `unchanged`.
  bool skip_unchanged = true;
  // The campaign must be open (default). Facilitators' tools may not bypass
  // this; only tests and restore paths do.
  bool require_open = true;
  // Called after each revision written, with (done, total), inside the
  // transaction (default: none). Used for progress output and by the crash
  // tests, which kill the process from here.
  std::function<void(std::size_t, std::size_t)> progress;
  // Organisations to register or update first, exactly as put_orgs would
  // (and audited as "org.put"), in the same transaction as the revisions:
  // if the append fails, they are not registered either (default: none).
  std::vector<OrgRecord> register_orgs;
};

struct AppendResult {
  std::int64_t import_id = 0;    // 0 when no ImportRecord was given
  std::size_t created = 0;
  std::size_t unchanged = 0;
  std::vector<std::int64_t> revision_ids;  // in the order of the input, created ones only
};

struct LatestQuery {
  std::optional<RevisionState> state = RevisionState::kSubmitted;  // nullopt = any state
  Timestamp as_of;   // empty = now; else only revisions created at or before it
  std::string org;   // empty = every organisation
  // false = the same revisions without their answers (Revision::answers
  // empty), for counting and listing: the answers are not read at all.
  bool with_answers = true;
};

// A cheap mark of a campaign's submissions: the number of its submitted
// revisions, the largest of their ids and the sum of their ids. Revisions
// are append-only and their state never changes, so the set of latest
// submitted revisions can only change when a submitted revision is added —
// which changes the mark. Caches (server/analysis_cache) compare marks
// instead of reading every latest revision.
struct SubmissionMark {
  std::int64_t count = 0;
  std::int64_t max_id = 0;
  std::int64_t id_sum = 0;
  bool operator==(const SubmissionMark&) const = default;
};

// --- the interface ---------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;

  // "memory", "sqlite" or "postgresql".
  virtual const char* backend() const = 0;
  // The URL it was opened with, without any password.
  virtual std::string url() const = 0;

  virtual Result<SchemaInfo> schema_info() = 0;

  // Organisations. put_orgs inserts the new ones (assigning pseudonyms with
  // model::assign_pseudonyms over all stored organisations, existing codes
  // kept) and updates name, industry and size of existing ones; a given
  // pseudonym is ignored. Audit: one "org.put" entry per call with counts.
  virtual Status put_orgs(const std::vector<OrgRecord>& orgs, const Actor& actor) = 0;
  virtual Result<std::vector<OrgRecord>> list_orgs() = 0;  // by id
  virtual Result<OrgRecord> get_org(const std::string& id) = 0;

  // Checklists. Registering the same (id, version, sha256) again does
  // nothing; the same (id, version) with other content is a Conflict.
  virtual Status put_checklist(const ChecklistRecord& checklist, const Actor& actor) = 0;
  virtual Result<ChecklistRecord> get_checklist(const std::string& id, const std::string& version) = 0;
  virtual Result<std::vector<ChecklistRecord>> list_checklists() = 0;  // by id, version

  // Campaigns. The checklist must be registered (NotFound otherwise);
  // a campaign starts in the state given (normally draft).
  virtual Status create_campaign(const CampaignRecord& campaign, const Actor& actor) = 0;
  virtual Result<CampaignRecord> get_campaign(const std::string& id) = 0;
  virtual Result<std::vector<CampaignRecord>> list_campaigns() = 0;  // by id
  // create_campaign also lists the campaign's coordinators if
  // CampaignRecord::coordinators is not empty, with the checks of
  // set_campaign_coordinators (its audit detail then names them).
  // get_campaign and list_campaigns fill CampaignRecord::coordinators.
  //
  // Replaces the campaign's coordinators whole (an empty list: every
  // coordinator coordinates it again), in any state. Checks in this order:
  // every login as text, none twice (BadInput naming it); the campaign
  // (NotFound); then each login in the order given: it must exist (NotFound
  // naming it) and hold the coordinator role (BadInput naming it); those
  // errors carry the field "coordinators". The campaign's updated_at is left
  // as it is (the list's history is in the audit log). Audit:
  // "campaign.coordinators" with {"coordinators": [sorted logins]}.
  virtual Status set_campaign_coordinators(const std::string& campaign, const std::vector<std::string>& logins,
                                           const Actor& actor) = 0;
  // Moves a campaign to `to` if campaign_transition_allowed(current, to);
  // publishing also needs at least min_group organisations with a submitted
  // revision. Conflict otherwise, naming the current state.
  virtual Status set_campaign_state(const std::string& id, CampaignState to, const Actor& actor) = 0;

  // Appends revisions for many organisations in one transaction. Every
  // organisation must exist (NotFound otherwise, naming it) and appear at
  // most once; every answer's item must be in the campaign's checklist with
  // a choice in range (BadInput). With `source`, an ImportRecord is written
  // too (its counts filled in) and linked from the revisions. Audit: one
  // "revision.append" entry per call (or "revision.import" with `source`).
  virtual Result<AppendResult> append_revisions(const std::string& campaign, const std::vector<NewRevision>& revisions,
                                                const ImportRecord* source, const Actor& actor,
                                                const AppendOptions& options = {}) = 0;
  // The latest revision per organisation matching `query`, by org id.
  // Checks in this order: a malformed as_of (BadInput), the campaign, then
  // query.org (NotFound).
  virtual Result<std::vector<Revision>> latest_revisions(const std::string& campaign, const LatestQuery& query = {}) = 0;
  // Every revision of one organisation in a campaign, by no.
  virtual Result<std::vector<Revision>> revision_history(const std::string& campaign, const std::string& org) = 0;
  // The campaign's SubmissionMark, in one indexed aggregate. NotFound for an
  // unknown campaign.
  virtual Result<SubmissionMark> submission_mark(const std::string& campaign) = 0;
  virtual Result<std::vector<ImportRecord>> list_imports(const std::string& campaign) = 0;  // by id
  // The import of these exact bytes into this campaign, if there was one.
  virtual Result<std::optional<ImportRecord>> find_import(const std::string& campaign, const std::string& sha256) = 0;

  // Users. Logins are unique (Conflict); roles and orgs are replaced whole
  // by set_user_access (every org must exist: NotFound). Password hashes are
  // never written to the audit log.
  virtual Status create_user(const User& user, const Actor& actor) = 0;
  virtual Result<User> get_user(const std::string& login) = 0;
  virtual Result<std::vector<User>> list_users() = 0;  // by login
  virtual Status set_password_hash(const std::string& login, const std::string& hash, const Actor& actor) = 0;
  virtual Status set_user_access(const std::string& login, const std::vector<Role>& roles,
                                 const std::vector<std::string>& orgs, const Actor& actor) = 0;
  virtual Status set_user_disabled(const std::string& login, bool disabled, const Actor& actor) = 0;

  // The audit log. append_audit is for events that write nothing else (a
  // refused request, a failed sign-in, an export); its `id` and `at` are set
  // by the store.
  virtual Status append_audit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> list_audit(const AuditQuery& query = {}) = 0;  // oldest first

  // Exercises (drills). create_exercise: the id is new (Conflict), org and
  // campaign (if any) exist (NotFound), the scenario fields are non-empty and
  // scenario_sha256 is the SHA-256 of scenario_content (BadInput); state,
  // created_*, updated_at, last_seq and last_hash are set by the store (a new
  // exercise is planned, with an empty log). `criteria` and `participants`
  // are kept as given, with the checks of set_exercise_criteria and
  // set_exercise_participants. Checks in this order, as everywhere: what
  // needs no database (the id [A-Za-z0-9._-]+, every text, the scenario
  // fields and hash, criteria, participants: BadInput naming the field), then
  // the id (Conflict), the org, the campaign, each participant's login
  // (NotFound). Audit: "exercise.create".
  virtual Status create_exercise(const ExerciseRecord& exercise, const Actor& actor) = 0;
  virtual Result<ExerciseRecord> get_exercise(const std::string& id) = 0;
  // Every exercise (scenario_content left empty: get_exercise has it), by id.
  virtual Result<std::vector<ExerciseRecord>> list_exercises() = 0;
  // Replaces the participants whole, in any state but ended (Conflict).
  // Every login exists (NotFound naming it) and appears once, every role is
  // non-empty (BadInput). Checks in this order: the list itself (BadInput,
  // field "participants"), the exercise (NotFound), its state (Conflict),
  // each login in the order given (NotFound, field "participants"). Sets
  // updated_at. Audit: "exercise.participants" with the list.
  virtual Status set_exercise_participants(const std::string& id, const std::vector<ExerciseParticipant>& participants,
                                           const Actor& actor) = 0;
  // Replaces the decision criteria (JSON object text or empty; BadInput if
  // not an object, checked first), in any state but ended. Sets updated_at.
  // Audit: "exercise.criteria".
  virtual Status set_exercise_criteria(const std::string& id, const std::string& criteria_json, const Actor& actor) = 0;
  // Appends events to the exercise's log in one transaction, with the state
  // change `new_state` (if given) in the same transaction. The log must end
  // at `expected_last_seq` (Conflict "stale" otherwise: another writer came
  // first; nothing is written). The store gives each event the next seq, the
  // time `at` (never earlier than the previous event's), prev_hash and hash
  // (model::event_hash); every kind must be known and every payload
  // canonical JSON of an object (BadInput naming the index). An ended
  // exercise takes only observation events (Conflict otherwise: ratings are
  // often written after the drill). No audit entry: the log is its own
  // record. Returns the stored events.
  //
  // Checks in this order: each event (actor and role as text, kind, payload:
  // BadInput with the field "events[i].kind" etc.), the exercise (NotFound),
  // an ended exercise (Conflict for any event but an observation, and for a
  // new_state other than ended: an ended drill stays ended), then the log's
  // end (Conflict "stale"). Appends to one exercise take turns and read the
  // clock once it is their turn; the events of one call share one time,
  // which is one microsecond after the previous event's when the clock is
  // behind it (as revision times). updated_at becomes that time. An empty
  // `events` with a new_state only changes the state.
  virtual Result<std::vector<model::ExerciseEvent>> append_exercise_events(
      const std::string& id, std::int64_t expected_last_seq, const std::vector<model::NewExerciseEvent>& events,
      std::optional<model::ExerciseState> new_state) = 0;
  // The events with seq > after_seq, ascending; at most `limit` (0 = all).
  // NotFound for an unknown exercise.
  virtual Result<std::vector<model::ExerciseEvent>> list_exercise_events(const std::string& id,
                                                                         std::int64_t after_seq = 0,
                                                                         std::size_t limit = 0) = 0;

  // Preparedness records (OrgDocument). append_org_document writes revision
  // expected_no + 1 of (org, kind): the latest stored revision must be
  // expected_no (0: none yet), else Conflict "stale" (someone saved in
  // between; nothing written). Checks in this order: kind is a known
  // model::PrepKind name and content is a JSON object (BadInput, fields
  // "kind" / "content"; the store does not check the document's fields:
  // model::canonical_prep_document does, before), the org (NotFound), then
  // the revision number. Audit: "document.save", object_type "org-document",
  // object_id "ORG/kind", detail {"no": n}. Returns the stored revision.
  virtual Result<OrgDocument> append_org_document(const std::string& org, const std::string& kind,
                                                  int expected_no, const std::string& content,
                                                  const Actor& actor) = 0;
  // The latest revision (nullopt: none yet); NotFound for an unknown org,
  // BadInput for an unknown kind.
  virtual Result<std::optional<OrgDocument>> latest_org_document(const std::string& org, const std::string& kind) = 0;
  // Revision `no` (NotFound if there is none).
  virtual Result<OrgDocument> get_org_document(const std::string& org, const std::string& kind, int no) = 0;
  // Every revision, by no, with content.
  virtual Result<std::vector<OrgDocument>> org_document_history(const std::string& org, const std::string& kind) = 0;

  // Campaign documents (CampaignDocument): as the preparedness records, a
  // save is revision expected_no + 1 (Conflict "stale" otherwise). kind is
  // one of campaign_document_kinds() (BadInput "kind"), content a JSON
  // object (BadInput "content"); then the campaign (NotFound). Audit:
  // "campaign.document", object "campaign" id, detail {"kind", "no"}.
  virtual Result<CampaignDocument> append_campaign_document(const std::string& campaign, const std::string& kind,
                                                            int expected_no, const std::string& content,
                                                            const Actor& actor) = 0;
  virtual Result<std::optional<CampaignDocument>> latest_campaign_document(const std::string& campaign,
                                                                           const std::string& kind) = 0;
  virtual Result<std::vector<CampaignDocument>> campaign_document_history(const std::string& campaign,
                                                                          const std::string& kind) = 0;

  // Organisations' signing keys. add_org_key: org exists (NotFound), key_id
  // is 16 lower-case hex digits and public_key base64 text (BadInput), the
  // key id is new (Conflict); added_by/added_at are set by the store. Audit
  // "org.key.add". revoke_org_key sets revoked_at once (Conflict when
  // already revoked, NotFound for an unknown key). Audit "org.key.revoke".
  virtual Status add_org_key(const OrgKey& key, const Actor& actor) = 0;
  virtual Result<std::vector<OrgKey>> list_org_keys(const std::string& org) = 0;  // by added_at, key_id
  virtual Status revoke_org_key(const std::string& org, const std::string& key_id, const Actor& actor) = 0;

  // Imports a verified submission package in one transaction. Checks in
  // this order: the texts (BadInput), the same sha256 already imported into
  // the campaign (→ duplicate, the earlier record, nothing written); a
  // package of this campaign and org with created_at at or after this one's
  // (Conflict "replayed", naming it); then exactly as append_revisions with
  // one submitted revision (campaign open, org exists, answers valid;
  // unchanged answers write no revision). Audit "package.import" (and the
  // append's own entry).
  virtual Result<PackageImportResult> import_package(const NewPackage& package, const Actor& actor) = 0;
  virtual Result<std::vector<PackageRecord>> list_packages(const std::string& campaign) = 0;  // by id

  // Bundles: export_campaign gathers one campaign; restore_campaign writes it
  // into this store in one transaction, keeping ids of campaign and
  // organisations, revision numbers, authors and times (revision and import
  // ids are new). The campaign must not exist (Conflict); organisations that
  // exist already are kept as they are; the checklist follows put_checklist.
  // Bundles carry no users: of the campaign's coordinators, those that exist
  // here with the coordinator role are kept and the others skipped (named in
  // the audit detail as "coordinators_skipped"; the caller can compare
  // get_campaign with the bundle to warn). If all are skipped the campaign
  // has an empty list, i.e. every coordinator coordinates it.
  virtual Result<CampaignBundle> export_campaign(const std::string& id) = 0;
  virtual Status restore_campaign(const CampaignBundle& bundle, const Actor& actor) = 0;

  // A consistent copy of the whole database into `path` while others keep
  // working (SQLite online backup API). Other backends return Conflict with
  // instructions (pg_dump) in the message.
  virtual Status backup(const std::string& path) = 0;
};

// --- opening ---------------------------------------------------------------------

struct OpenOptions {
  // Create an empty database if none exists at the URL (default false: a
  // missing SQLite file is NotFound, suggesting `kunren init`).
  bool create = false;
  // Apply pending migrations (default false: an older schema is Conflict,
  // suggesting `kunren db migrate`). A schema newer than this program is
  // always refused.
  bool migrate = false;
  // How long to wait for another writer before reporting "busy" (default 5 s).
  int busy_timeout_ms = 5000;
  // Apply only the first N migrations (default 0 = all). For the migration
  // tests, which build a database as an older program would have.
  int migrate_to = 0;
};

// The database named by `url`: "sqlite:PATH", a plain path (treated as
// sqlite), "postgresql://…" / "postgres://…", or "memory:" (a fresh fake;
// each call gives a new, empty one).
Result<std::unique_ptr<Store>> open_store(const std::string& url, const OpenOptions& options = {});

// The URL to use when none is given: $KUNREN_DB, else "sqlite:kunren.db".
std::string default_store_url();

// The URL with its password shown as ***, for messages and logs.
std::string redact_url(const std::string& url);
// The URL with no password at all, for commands a user may copy (pg_dump).
std::string url_without_password(const std::string& url);
// `text` with every occurrence of the URL's password (as written and
// percent-decoded) replaced by ***.
std::string redact_secrets(std::string text, const std::string& url);

}  // namespace kunren::store
