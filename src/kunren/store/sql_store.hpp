// SqlStore: the Store contract (store.hpp) over a sql::Connection, one class
// for SQLite and PostgreSQL alike. The schema is migrations.cpp's.
//
// Every mutating method is one write transaction that also inserts its
// audit row; anything that fails rolls the whole call back. On PostgreSQL the
// rows a call depends on are locked (the campaign FOR SHARE while revisions
// are appended, the evaluations FOR UPDATE, the organisation table while
// pseudonyms are assigned), so concurrent writers cannot collide on revision
// numbers or pseudonyms, and an exercise's row FOR UPDATE while events are
// appended to its log, so two writers expecting the same log end cannot both
// succeed; saves of one preparedness record (org, kind) take turns under an
// advisory lock for the same reason. SQLite's BEGIN IMMEDIATE serialises
// writers anyway.
// Revisions and their answers are written through the connection's bulk path
// with ids reserved up front, so nothing ever needs an UPDATE of an
// append-only table.
//
// Ownership: owns its connection. Thread safety: one thread at a time (as
// every Store).
// Internal to store/.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include <kunren/store/sql.hpp>
#include <kunren/store/store.hpp>

namespace kunren::store {

class SqlStore final : public Store {
 public:
  // Copies the whole database to a path (SQLite) or explains why not.
  using BackupFunction = std::function<Status(const std::string& path)>;

  // `url` is redacted before it is kept.
  SqlStore(std::unique_ptr<sql::Connection> db, const char* backend, const std::string& url, BackupFunction backup);

  const char* backend() const override { return m_backend; }
  std::string url() const override { return m_url; }
  Result<SchemaInfo> schema_info() override;

  Status put_orgs(const std::vector<OrgRecord>& orgs, const Actor& actor) override;
  Result<std::vector<OrgRecord>> list_orgs() override;
  Result<OrgRecord> get_org(const std::string& id) override;

  Status put_checklist(const ChecklistRecord& checklist, const Actor& actor) override;
  Result<ChecklistRecord> get_checklist(const std::string& id, const std::string& version) override;
  Result<std::vector<ChecklistRecord>> list_checklists() override;

  Status create_campaign(const CampaignRecord& campaign, const Actor& actor) override;
  Result<CampaignRecord> get_campaign(const std::string& id) override;
  Result<std::vector<CampaignRecord>> list_campaigns() override;
  Status set_campaign_coordinators(const std::string& campaign, const std::vector<std::string>& logins,
                                   const Actor& actor) override;
  Status set_campaign_state(const std::string& id, CampaignState to, const Actor& actor) override;

  Result<AppendResult> append_revisions(const std::string& campaign, const std::vector<NewRevision>& revisions,
                                        const ImportRecord* source, const Actor& actor,
                                        const AppendOptions& options) override;
  Result<std::vector<Revision>> latest_revisions(const std::string& campaign, const LatestQuery& query) override;
  Result<std::vector<Revision>> revision_history(const std::string& campaign, const std::string& org) override;
  Result<SubmissionMark> submission_mark(const std::string& campaign) override;
  Result<std::vector<ImportRecord>> list_imports(const std::string& campaign) override;
  Result<std::optional<ImportRecord>> find_import(const std::string& campaign, const std::string& sha256) override;

  Status create_user(const User& user, const Actor& actor) override;
  Result<User> get_user(const std::string& login) override;
  Result<std::vector<User>> list_users() override;
  Status set_password_hash(const std::string& login, const std::string& hash, const Actor& actor) override;
  Status set_user_access(const std::string& login, const std::vector<Role>& roles, const std::vector<std::string>& orgs,
                         const Actor& actor) override;
  Status set_user_disabled(const std::string& login, bool disabled, const Actor& actor) override;

  Status append_audit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> list_audit(const AuditQuery& query) override;

  Result<CampaignBundle> export_campaign(const std::string& id) override;
  Status restore_campaign(const CampaignBundle& bundle, const Actor& actor) override;

  Status create_exercise(const ExerciseRecord& exercise, const Actor& actor) override;
  Result<ExerciseRecord> get_exercise(const std::string& id) override;
  Result<std::vector<ExerciseRecord>> list_exercises() override;
  Status set_exercise_participants(const std::string& id, const std::vector<ExerciseParticipant>& participants,
                                   const Actor& actor) override;
  Status set_exercise_criteria(const std::string& id, const std::string& criteria_json, const Actor& actor) override;
  Result<std::vector<model::ExerciseEvent>> append_exercise_events(
      const std::string& id, std::int64_t expected_last_seq, const std::vector<model::NewExerciseEvent>& events,
      std::optional<model::ExerciseState> new_state) override;
  Result<std::vector<model::ExerciseEvent>> list_exercise_events(const std::string& id, std::int64_t after_seq,
                                                                 std::size_t limit) override;

  Result<OrgDocument> append_org_document(const std::string& org, const std::string& kind, int expected_no,
                                          const std::string& content, const Actor& actor) override;
  Result<std::optional<OrgDocument>> latest_org_document(const std::string& org, const std::string& kind) override;
  Result<OrgDocument> get_org_document(const std::string& org, const std::string& kind, int no) override;
  Result<std::vector<OrgDocument>> org_document_history(const std::string& org, const std::string& kind) override;

  Result<CampaignDocument> append_campaign_document(const std::string& campaign, const std::string& kind,
                                                    int expected_no, const std::string& content,
                                                    const Actor& actor) override;
  Result<std::optional<CampaignDocument>> latest_campaign_document(const std::string& campaign,
                                                                   const std::string& kind) override;
  Result<std::vector<CampaignDocument>> campaign_document_history(const std::string& campaign,
                                                                  const std::string& kind) override;
  Status add_org_key(const OrgKey& key, const Actor& actor) override;
  Result<std::vector<OrgKey>> list_org_keys(const std::string& org) override;
  Status revoke_org_key(const std::string& org, const std::string& key_id, const Actor& actor) override;
  Result<PackageImportResult> import_package(const NewPackage& package, const Actor& actor) override;
  Result<std::vector<PackageRecord>> list_packages(const std::string& campaign) override;

  Status backup(const std::string& path) override;

 private:
  enum class Lock { kNone, kShare, kUpdate };
  struct RevisionToWrite;

  // " FOR SHARE" / " FOR UPDATE" on PostgreSQL; nothing on SQLite, whose
  // write transaction already excludes every other writer.
  const char* lock_clause(Lock lock) const;
  // The campaign row alone (CampaignRecord::coordinators left empty), locked
  // as asked; read_campaigns for what callers get.
  Result<std::optional<CampaignRecord>> find_campaign(const std::string& id, Lock lock);
  // Campaigns with their coordinators in one statement, by id; `where` is ""
  // or " WHERE …" over campaign `c`.
  Status read_campaigns(const std::string& where, const std::vector<sql::Value>& params,
                        std::vector<CampaignRecord>& out);
  // Each login, in the order given, exists (NotFound) and holds the
  // coordinator role (BadInput); the users are locked FOR SHARE on
  // PostgreSQL. REQUIRES: a write transaction.
  Status check_coordinators(const std::vector<std::string>& logins);
  // Replaces the campaign's coordinator rows. REQUIRES: a write transaction.
  Status write_coordinators(const std::string& campaign, const std::vector<std::string>& logins);
  Result<std::optional<ChecklistRecord>> find_checklist(const std::string& id, const std::string& version);
  Result<bool> exists(const char* sql, const std::string& key, Lock lock = Lock::kNone);
  Status audit(const Timestamp& at, const Actor& actor, const char* action, const char* object_type,
               const std::string& object_id, const nlohmann::json& detail);
  Status insert_checklist(const ChecklistRecord& record, const Timestamp& now);
  // put_orgs in two halves, so that append_revisions can register
  // organisations inside its own transaction: the checks that need no
  // database (check_orgs, backends.hpp), then the writes (REQUIRES: a
  // transaction is open).
  Status write_orgs(const std::vector<OrgRecord>& orgs, const Actor& actor, const Timestamp& now);
  Status ensure_evaluations(const std::string& campaign, const std::vector<std::string>& orgs, const Timestamp& now);
  Result<std::vector<std::int64_t>> write_revisions(const std::vector<RevisionToWrite>& rows,
                                                    const std::function<void(std::size_t, std::size_t)>& progress);
  // Revisions (with answers unless !with_answers) joined from evaluation `e`
  // and revision `r` under `where`, in `order`.
  Status read_revisions(const std::string& where, const std::vector<sql::Value>& params, const char* order,
                        std::vector<Revision>& out, bool with_answers = true);
  Status read_user_access(const std::string& login, std::vector<User>& users);
  // append_revisions inside the caller's write transaction (import_package
  // shares it), writing the "revision.append"/"revision.import" audit entry.
  Result<AppendResult> append_in_transaction(const std::string& campaign, const std::vector<NewRevision>& revisions,
                                             const ImportRecord* source, const Actor& actor,
                                             const AppendOptions& options);
  // Campaign documents of (campaign, kind) under `extra`, by no.
  Status read_campaign_documents(const std::string& campaign, const std::string& kind, const std::string& extra,
                                 const std::vector<sql::Value>& params, std::vector<CampaignDocument>& out);
  Status read_packages(const std::string& where, const std::vector<sql::Value>& params,
                       std::vector<PackageRecord>& out);
  // Exercises (with participants unless it is a bare row read for a write)
  // under `where` ("" or " WHERE …" over exercise `x`), by id; the scenario
  // content only `with_content`.
  Status read_exercises(const std::string& where, const std::vector<sql::Value>& params, bool with_content,
                        std::vector<ExerciseRecord>& out);
  // The exercise row alone (participants left empty), locked as asked.
  Result<std::optional<ExerciseRecord>> find_exercise(const std::string& id, Lock lock);
  // Each participant's login, in the order given, is a user (NotFound); the
  // users are locked FOR SHARE on PostgreSQL. REQUIRES: a write transaction.
  Status check_participants(const std::vector<ExerciseParticipant>& participants);
  // Replaces the exercise's participant rows. REQUIRES: a write transaction.
  Status write_participants(const std::string& id, const std::vector<ExerciseParticipant>& participants);
  // The readers' checks, in the contract's order: the kind (BadInput), then
  // the organisation (NotFound).
  Status check_document_reader(const std::string& org, const std::string& kind);
  // Revisions of (org, kind) under `extra` ("" or " AND …" over org_document,
  // with `params` after org and kind), by no.
  Status read_documents(const std::string& org, const std::string& kind, const std::string& extra,
                        const std::vector<sql::Value>& params, std::vector<OrgDocument>& out);

  std::unique_ptr<sql::Connection> m_db;
  const char* m_backend;
  std::string m_url;
  BackupFunction m_backup;
};

// Brings the schema to what `options` ask for (migrations.hpp), then wraps
// the connection.
Result<std::unique_ptr<Store>> make_sql_store(std::unique_ptr<sql::Connection> db, const OpenOptions& options,
                                              const char* backend, const std::string& url,
                                              SqlStore::BackupFunction backup);

}  // namespace kunren::store
