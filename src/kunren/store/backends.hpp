// The constructors behind open_store(), one per backend, and the rules every
// backend applies the same way (so that the fake and the SQL stores cannot
// drift apart on what a valid revision is or when two answer sets are equal).
// Internal to store/: other folders go through store.hpp.
// Thread safety: the functions are pure, except the checklist cache, which is
// guarded by a mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/model/checklist.hpp>
#include <kunren/store/store.hpp>

namespace kunren::store {

// memory_store.cpp: the in-process fake (no file, no persistence).
std::unique_ptr<Store> make_memory_store();
// sqlite_store.cpp: `path` is a file name; `url` is what the user wrote.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const std::string& url,
                                                 const OpenOptions& options);
// postgres_store.cpp: `url` is a libpq connection URI.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const OpenOptions& options);

// The canonical time one microsecond after `t` (a canonical time). Appends
// use it to keep revision times increasing with revision numbers even when
// clocks disagree (several hosts on one PostgreSQL, a clock set back).
Timestamp timestamp_after(const Timestamp& t);

// The parsed checklist of a stored record, cached by sha256 for the life of
// the process (parsing the built-in one takes ~12 ms). BadInput, and nothing
// cached, when the sha256 is not that of the content: a record whose content
// was changed but kept its hash must not stand in for the real checklist.
Result<std::shared_ptr<const model::Checklist>> checklist_of(const ChecklistRecord& record);

// Answers sorted by item id, each one's evidence canonical_evidence: the
// form stored and compared.
std::vector<Answer> normalized_answers(std::vector<Answer> answers);
// Answer::evidence in the one form every backend stores: compact JSON with
// keys sorted (nlohmann::json::dump()), and "" for an empty array. Text
// that is not a JSON array comes back unchanged (check_new_revision refuses it).
std::string canonical_evidence(const std::string& evidence);

// Checks one revision against its campaign's checklist: every item known,
// no item twice, choice in 0..k (0 only with a comment or a review mark), comments valid
// UTF-8 without control characters other than tab and newline, evidence empty
// or a JSON array (field "ITEM.evidence"). BadInput naming the organisation
// and item otherwise.
Status check_new_revision(const model::Checklist& checklist, const NewRevision& revision);

// The reason a campaign in `from` may not move to `to`, for a Conflict.
std::string transition_refusal(const std::string& campaign, CampaignState from, CampaignState to);

// --- rules.cpp: checks and messages every backend shares ---------------------------

bool is_date(const std::string& s);   // "YYYY-MM-DD" (digits in place; the calendar is not checked)
bool is_login(const std::string& s);  // [A-Za-z0-9._@-]+
std::vector<Role> normalized_roles(std::vector<Role> roles);            // sorted, unique
std::vector<std::string> normalized_ids(std::vector<std::string> ids);  // sorted, unique
nlohmann::json role_names(const std::vector<Role>& roles);              // ["admin", …] for audit details
// BadInput for an empty id, min_group < 1, a period that is not YYYY-MM-DD,
// an id or title that check_text refuses, or coordinators that
// coordinator_logins_ok refuses.
Status campaign_values_ok(const CampaignRecord& c);
// BadInput unless sha256 is the hash of the content and the content is a
// checklist with the record's id and version.
Status checklist_record_ok(const ChecklistRecord& r);
Status org_not_found(const std::string& id);
Status campaign_not_found(const std::string& id);
Status user_not_found(const std::string& login);
Status checklist_not_found(const std::string& id, const std::string& version);

// BadInput naming `what` ("organisation 'a': the name") unless `value` is
// valid UTF-8 without control characters (U+0000..U+001F, U+007F); tab,
// newline and carriage return are allowed only when `multiline`. Every text a
// caller hands to the store goes through here: libpq passes parameters as C
// strings, so a NUL would silently cut a value short on PostgreSQL while
// SQLite and the fake keep it.
Status check_text(std::string_view value, std::string_view what, bool multiline = false);
// The actor's name, as check_text. Every mutating method checks it first.
Status actor_ok(const Actor& actor);
// The organisations of put_orgs and AppendOptions::register_orgs: ids not
// empty, none twice, id, name, industry and size as check_text. BadInput
// otherwise. (A given pseudonym is ignored, so not checked.)
Status check_orgs(const std::vector<OrgRecord>& orgs);
// A user to create: a valid login, a display name as check_text.
Status user_values_ok(const User& user);
// The logins of set_campaign_coordinators (and CampaignRecord::coordinators):
// each as check_text, none twice. BadInput naming the login otherwise, with
// the field "coordinators". Whether they exist is the backend's to check.
Status coordinator_logins_ok(const std::vector<std::string>& logins);
// A login of a coordinator list that is no user (NotFound), or a user without
// the coordinator role (BadInput); both name the login and the field
// "coordinators".
Status coordinator_not_found(const std::string& login);
Status coordinator_role_missing(const std::string& login);
// An entry for append_audit: an action, and every field as check_text (the
// detail may span lines).
Status audit_entry_ok(const AuditEntry& entry);

// --- exercises: checks and messages every backend shares -------------------------

// An exercise id: [A-Za-z0-9._-]+.
bool is_exercise_id(const std::string& s);
Status exercise_not_found(const std::string& id);
Status exercise_exists(const std::string& id);  // Conflict "exercise 'x' already exists"
// Conflict: the exercise has ended, so `what` ("its participants", "its
// decision criteria") can no longer change.
Status exercise_ended(const std::string& id, std::string_view what);
// The values of create_exercise that need no database, in this order: the id
// (not empty, is_exercise_id), the title (check_text), the scenario id,
// version, SHA-256 and content (not empty, check_text), that the SHA-256 is
// the content's, the criteria (exercise_criteria_ok), and the participants
// (exercise_participants_ok). BadInput naming the field otherwise.
Status exercise_values_ok(const ExerciseRecord& e);
// Decision criteria: empty, or the text of a JSON object. BadInput with the
// field "criteria" otherwise.
Status exercise_criteria_ok(const std::string& id, const std::string& criteria);
// Participants as given to set_exercise_participants: each login as
// check_text and not empty, none twice, each role not empty and as
// check_text. BadInput naming the login, with the field "participants".
// Whether the users exist is the backend's to check.
Status exercise_participants_ok(const std::vector<ExerciseParticipant>& participants);
// NotFound naming a participant's login that is no user (field "participants").
Status participant_not_found(const std::string& login);
// Sorted by login (the order stored and returned).
std::vector<ExerciseParticipant> sorted_participants(std::vector<ExerciseParticipant> participants);
// The audit detail's list: [{"login", "role"}, …] sorted by login.
nlohmann::json participants_json(const std::vector<ExerciseParticipant>& participants);
// Audit details: "exercise.create" {"title", "org", "scenario", "version",
// "sha256", and "campaign", "participants" when there are some};
// "exercise.criteria" {"criteria": the object, or null when cleared}.
nlohmann::json exercise_create_detail(const ExerciseRecord& e);
nlohmann::json exercise_criteria_detail(const std::string& criteria);
// The events of append_exercise_events that need no database, in input
// order: actor and role as check_text, the kind known (model::parse_event_kind),
// the payload canonical JSON of an object (model::canonical_json of its
// parse is the text itself). BadInput naming the index and field
// ("events[3].payload") otherwise.
Status exercise_events_ok(const std::vector<model::NewExerciseEvent>& events);
// What append_exercise_events decides from the stored exercise before it
// writes, in this order: an ended exercise takes only observation events and
// stays ended (Conflict); the log must end at `expected_last_seq` (Conflict
// "stale"). Shared so every backend refuses alike.
Status exercise_append_allowed(const std::string& id, model::ExerciseState state, std::int64_t last_seq,
                               std::int64_t expected_last_seq, const std::vector<model::NewExerciseEvent>& events,
                               std::optional<model::ExerciseState> new_state);
// The time of the events of one append: `now`, but never earlier than the
// log's last event (`last_at`, empty for an empty log); one microsecond after
// it when the clock is behind, as for revisions.
Timestamp event_time(Timestamp now, const Timestamp& last_at);
// The stored form of new events appended after (last_seq, last_hash) at
// time `at`: seq, at, prev_hash and hash filled in. REQUIRES: exercise_events_ok.
std::vector<model::ExerciseEvent> chain_events(const std::vector<model::NewExerciseEvent>& events,
                                               std::int64_t last_seq, const std::string& last_hash,
                                               const Timestamp& at);

// --- preparedness records: checks and messages every backend shares ---------------

// The arguments of append_org_document that need no database, in the
// contract's order: the org id and content as check_text (the content may
// span lines), kind a model::PrepKind name (BadInput, field "kind"), content
// a JSON object (BadInput, field "content"), expected_no >= 0 (BadInput,
// field "expected_no").
Status org_document_values_ok(const std::string& org, const std::string& kind, int expected_no,
                              const std::string& content);
// BadInput, field "kind", unless `kind` is a model::PrepKind name (the
// readers check it before the organisation).
Status org_document_kind_ok(const std::string& kind);
// Conflict "stale" when the latest stored revision is not the expected one.
Status org_document_stale(const std::string& org, const std::string& kind, int latest_no, int expected_no);
// NotFound naming the organisation, the kind and the number.
Status org_document_not_found(const std::string& org, const std::string& kind, int no);
// The audit object id "ORG/kind".
std::string org_document_object_id(const std::string& org, const std::string& kind);

// --- campaign documents, signing keys, packages: checks every backend shares -------

// The kinds of campaign documents: {"publication"}.
const std::vector<std::string>& campaign_document_kinds();
// As org_document_values_ok, for append_campaign_document.
Status campaign_document_values_ok(const std::string& campaign, const std::string& kind, int expected_no,
                                   const std::string& content);
Status campaign_document_kind_ok(const std::string& kind);
Status campaign_document_stale(const std::string& campaign, const std::string& kind, int latest_no, int expected_no);
// add_org_key's values: org and key texts, key_id 16 lower-case hex digits,
// public_key standard base64 of 32 bytes (44 characters ending in '=').
Status org_key_values_ok(const OrgKey& key);
Status org_key_exists(const std::string& key_id);                           // Conflict
Status org_key_not_found(const std::string& org, const std::string& key_id);  // NotFound
Status org_key_revoked(const std::string& org, const std::string& key_id);    // Conflict
// import_package's values that need no database: texts, sha256 (64 hex),
// key_id, created_at canonical (store::parse_timestamp of it is itself),
// and the answers' item ids unique.
Status new_package_ok(const NewPackage& p);
// Conflict "replayed": `earlier` (same campaign and org) is not older.
Status package_replayed(const NewPackage& p, const PackageRecord& earlier);

// --- restore_campaign, planned once for every backend -------------------------------

// What restore_campaign needs to know of the store it writes into, read by
// the backend (inside its transaction).
struct StoredState {
  bool campaign_exists = false;              // a campaign with the bundle's id
  std::optional<ChecklistRecord> checklist;  // the stored record of the bundle's (checklist id, version)
  std::vector<OrgRecord> orgs;               // every stored organisation (ids and pseudonyms are used)
  std::vector<std::string> coordinators;     // logins of the stored users holding the coordinator role
};

// What restore_campaign writes once every check has passed; the rest is the
// bundle as it is.
struct RestorePlan {
  static constexpr std::size_t k_no_import = static_cast<std::size_t>(-1);
  bool checklist_added = false;      // bundle.checklist is new to the store: insert it
  std::vector<OrgRecord> new_orgs;   // organisations new to the store, in bundle order: pseudonyms final
                                     // (the bundle's unless taken here), created_at the bundle's
  std::vector<std::size_t> import_of;      // per bundle revision: its import's position in bundle.imports, or k_no_import
  std::vector<std::string> revision_orgs;  // organisations with a revision, sorted, unique
  // The bundle campaign's coordinators split by whether this store has them
  // as coordinators: `coordinators` are written, `skipped_coordinators` are
  // not (bundles carry no users). Both sorted.
  std::vector<std::string> coordinators;
  std::vector<std::string> skipped_coordinators;
};

// Every check of restore_campaign, in this order: the campaign's values, that
// it does not exist (Conflict), the checklist (matches the campaign; if
// stored, the same sha256 — Conflict otherwise — and answers are checked
// against the STORED record; if not, checklist_record_ok), the organisations
// (check_orgs), imports (no id twice), revisions (organisation known here or
// in the bundle, numbers >= 1 and unique per organisation, import in the
// bundle, check_new_revision), and every text of the bundle (check_text).
// Then the pseudonyms of the new organisations, and which coordinators are
// kept. Messages name the object.
Result<RestorePlan> plan_restore(const CampaignBundle& bundle, const StoredState& stored);

// The detail of the "campaign.restore" audit entry: checklist_added,
// orgs_added, imports, revisions, and — when the bundle lists coordinators —
// the coordinators kept and those skipped ("coordinators_skipped").
nlohmann::json restore_audit_detail(const CampaignBundle& bundle, const RestorePlan& plan);

}  // namespace kunren::store
