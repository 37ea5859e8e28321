#include <kunren/store/migrations.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace kunren::store {

namespace {

// Table DDL is written once: `{ID}` is the identity primary key,
// `{REVISION_FK}` the reference of an answer to its revision (a foreign key
// on SQLite, a statement-level check on PostgreSQL; see step 1), and `{TEXT}`
// a text column: on PostgreSQL with the "C" collation (byte order, like
// SQLite's BINARY, so that "by id" means the same on both). Write every text
// column as {TEXT}; the migration test checks that none escaped.
struct Step {
  int version;
  const char* name;
  const char* tables;                    // both dialects
  std::vector<const char*> append_only;  // get the refusing triggers
  const char* postgres_extra = "";       // appended on PostgreSQL only
};

constexpr const char* k_sqlite_refuse = R"(
CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: its rows are never changed or deleted'); END;
CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: its rows are never changed or deleted'); END;
)";

constexpr const char* k_postgres_refuse = R"(
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION kunren_refuse_change();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
  FOR EACH STATEMENT EXECUTE FUNCTION kunren_refuse_change();
)";

const std::vector<Step>& steps() {
  static const std::vector<Step> k_steps = {
      {1,
       "campaigns, evaluations and revisions",
       R"(
CREATE TABLE organization (
  id {TEXT} PRIMARY KEY,
  name {TEXT} NOT NULL,
  industry {TEXT} NOT NULL,
  size {TEXT} NOT NULL,
  pseudonym {TEXT} NOT NULL UNIQUE,
  created_at {TEXT} NOT NULL
);
CREATE TABLE checklist (
  id {TEXT} NOT NULL,
  version {TEXT} NOT NULL,
  sha256 {TEXT} NOT NULL,
  content {TEXT} NOT NULL,
  builtin INTEGER NOT NULL CHECK (builtin IN (0, 1)),
  registered_at {TEXT} NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE TABLE campaign (
  id {TEXT} PRIMARY KEY,
  title {TEXT} NOT NULL,
  checklist_id {TEXT} NOT NULL,
  checklist_version {TEXT} NOT NULL,
  opens_on {TEXT} NOT NULL,
  closes_on {TEXT} NOT NULL,
  min_group INTEGER NOT NULL CHECK (min_group >= 1),
  state {TEXT} NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'published')),
  created_at {TEXT} NOT NULL,
  updated_at {TEXT} NOT NULL,
  FOREIGN KEY (checklist_id, checklist_version) REFERENCES checklist (id, version)
);
CREATE TABLE evaluation (
  id {ID},
  campaign_id {TEXT} NOT NULL REFERENCES campaign (id),
  org_id {TEXT} NOT NULL REFERENCES organization (id),
  created_at {TEXT} NOT NULL,
  UNIQUE (campaign_id, org_id)
);
CREATE INDEX evaluation_org ON evaluation (org_id);
CREATE TABLE import (
  id {ID},
  campaign_id {TEXT} NOT NULL REFERENCES campaign (id),
  filename {TEXT} NOT NULL,
  sha256 {TEXT} NOT NULL,
  actor {TEXT} NOT NULL,
  at {TEXT} NOT NULL,
  revisions BIGINT NOT NULL,
  unchanged BIGINT NOT NULL
);
CREATE INDEX import_campaign_sha256 ON import (campaign_id, sha256);
CREATE TABLE revision (
  id {ID},
  evaluation_id BIGINT NOT NULL REFERENCES evaluation (id),
  no INTEGER NOT NULL CHECK (no >= 1),
  state {TEXT} NOT NULL CHECK (state IN ('draft', 'submitted')),
  author {TEXT} NOT NULL,
  created_at {TEXT} NOT NULL,
  import_id BIGINT REFERENCES import (id),
  UNIQUE (evaluation_id, no)
);
CREATE TABLE answer (
  revision_id BIGINT NOT NULL {REVISION_FK},
  item_id {TEXT} NOT NULL,
  choice INTEGER NOT NULL CHECK (choice >= 0),
  comment {TEXT} NOT NULL,
  PRIMARY KEY (revision_id, item_id)
);
)",
       {"revision", "answer", "import"},
       // answer.revision_id on PostgreSQL: a per-row foreign key costs ~6 µs
       // an answer (4.5 s of a 750,000-answer import); one anti-join per
       // statement over the inserted rows checks the same thing, because a
       // revision, once there, can never be updated or deleted.
       R"(
CREATE FUNCTION kunren_answer_revision_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_answers n WHERE NOT EXISTS (SELECT 1 FROM revision r WHERE r.id = n.revision_id)) THEN
    RAISE EXCEPTION 'insert on table "answer" violates its reference to table "revision"'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER answer_revision_exists AFTER INSERT ON answer REFERENCING NEW TABLE AS new_answers
  FOR EACH STATEMENT EXECUTE FUNCTION kunren_answer_revision_exists();
)"},
      {2,
       "users, roles, memberships and the audit log",
       R"(
CREATE TABLE app_user (
  login {TEXT} PRIMARY KEY,
  display_name {TEXT} NOT NULL,
  password_hash {TEXT} NOT NULL,
  disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  created_at {TEXT} NOT NULL
);
CREATE TABLE user_role (
  login {TEXT} NOT NULL REFERENCES app_user (login),
  role {TEXT} NOT NULL CHECK (role IN ('admin', 'coordinator', 'evaluator', 'facilitator', 'participant', 'observer')),
  PRIMARY KEY (login, role)
);
CREATE TABLE user_org (
  login {TEXT} NOT NULL REFERENCES app_user (login),
  org_id {TEXT} NOT NULL REFERENCES organization (id),
  PRIMARY KEY (login, org_id)
);
CREATE INDEX user_org_org ON user_org (org_id);
CREATE TABLE audit_log (
  id {ID},
  at {TEXT} NOT NULL,
  actor {TEXT} NOT NULL,
  action {TEXT} NOT NULL,
  object_type {TEXT} NOT NULL,
  object_id {TEXT} NOT NULL,
  detail {TEXT} NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);
)",
       {"audit_log"}},
      // ADD COLUMN with a constant default changes no row (no UPDATE, so the
      // append-only triggers of answer neither fire nor need changing; on
      // PostgreSQL no rewrite either). Old answers read as not marked.
      // campaign_coordinator is a plain set, replaced whole like user_role.
      {3,
       "answers marked for review, campaign coordinators",
       R"(
ALTER TABLE answer ADD COLUMN review INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1));
CREATE TABLE campaign_coordinator (
  campaign_id {TEXT} NOT NULL REFERENCES campaign (id),
  login {TEXT} NOT NULL REFERENCES app_user (login),
  PRIMARY KEY (campaign_id, login)
);
CREATE INDEX campaign_coordinator_login ON campaign_coordinator (login);
)",
       {}},
      // Drills. An exercise keeps its scenario (canonical JSON and SHA-256)
      // and the end of its log (last_seq, last_hash), updated in the same
      // transaction as each append; the log itself is append-only and
      // hash-chained (model/exercise.hpp). exercise_event.kind has no CHECK:
      // the chain, not the schema, is what tells a changed row (a changed
      // kind must show up as a broken link, not be refused).
      {4,
       "exercises",
       R"(
CREATE TABLE exercise (
  id {TEXT} PRIMARY KEY,
  title {TEXT} NOT NULL,
  org_id {TEXT} NOT NULL REFERENCES organization (id),
  campaign_id {TEXT} REFERENCES campaign (id),
  scenario_id {TEXT} NOT NULL,
  scenario_version {TEXT} NOT NULL,
  scenario_sha256 {TEXT} NOT NULL,
  scenario_content {TEXT} NOT NULL,
  criteria {TEXT} NOT NULL,
  state {TEXT} NOT NULL CHECK (state IN ('planned', 'running', 'paused', 'ended')),
  created_by {TEXT} NOT NULL,
  created_at {TEXT} NOT NULL,
  updated_at {TEXT} NOT NULL,
  last_seq BIGINT NOT NULL CHECK (last_seq >= 0),
  last_hash {TEXT} NOT NULL
);
CREATE INDEX exercise_org ON exercise (org_id);
CREATE INDEX exercise_campaign ON exercise (campaign_id);
CREATE TABLE exercise_participant (
  exercise_id {TEXT} NOT NULL REFERENCES exercise (id),
  login {TEXT} NOT NULL REFERENCES app_user (login),
  role {TEXT} NOT NULL,
  PRIMARY KEY (exercise_id, login)
);
CREATE INDEX exercise_participant_login ON exercise_participant (login);
CREATE TABLE exercise_event (
  exercise_id {TEXT} NOT NULL REFERENCES exercise (id),
  seq BIGINT NOT NULL CHECK (seq >= 1),
  at {TEXT} NOT NULL,
  scenario_ms BIGINT NOT NULL,
  actor {TEXT} NOT NULL,
  role {TEXT} NOT NULL,
  kind {TEXT} NOT NULL,
  payload {TEXT} NOT NULL,
  prev_hash {TEXT} NOT NULL,
  hash {TEXT} NOT NULL,
  PRIMARY KEY (exercise_id, seq)
);
)",
       {"exercise_event"}},
      // Preparedness records (model/preparedness.hpp) and the drill evidence
      // of an answer. org_document is append-only like revision: a save is
      // a new row numbered per (org, kind). kind has no CHECK: the kinds are
      // model::PrepKind's, checked by the store, and a later kind must not
      // need a migration. answer.evidence is added like answer.review
      // (migration 3): a constant default, no row changed, old answers read
      // as carrying no evidence.
      {5,
       "preparedness records, answer evidence",
       R"(
ALTER TABLE answer ADD COLUMN evidence {TEXT} NOT NULL DEFAULT '';
CREATE TABLE org_document (
  org_id {TEXT} NOT NULL REFERENCES organization (id),
  kind {TEXT} NOT NULL,
  no INTEGER NOT NULL CHECK (no >= 1),
  content {TEXT} NOT NULL,
  author {TEXT} NOT NULL,
  created_at {TEXT} NOT NULL,
  PRIMARY KEY (org_id, kind, no)
);
)",
       {"org_document"}},
      // Publishing and offline submissions (issue 7). campaign_document
      // holds the coordinator's publication settings as append-only
      // revisions, like org_document. org_key: an organisation's public
      // signing keys; revoked_at is its one field written later (once).
      // package: every submission package imported, append-only; the same
      // bytes twice in one campaign is refused by the UNIQUE key, and
      // revision_id is NULL when the package's answers changed nothing.
      {6,
       "publication settings, signing keys, submission packages",
       R"(
CREATE TABLE campaign_document (
  campaign_id {TEXT} NOT NULL REFERENCES campaign (id),
  kind {TEXT} NOT NULL,
  no INTEGER NOT NULL CHECK (no >= 1),
  content {TEXT} NOT NULL,
  author {TEXT} NOT NULL,
  created_at {TEXT} NOT NULL,
  PRIMARY KEY (campaign_id, kind, no)
);
CREATE TABLE org_key (
  key_id {TEXT} NOT NULL PRIMARY KEY,
  org_id {TEXT} NOT NULL REFERENCES organization (id),
  public_key {TEXT} NOT NULL,
  added_by {TEXT} NOT NULL,
  added_at {TEXT} NOT NULL,
  revoked_at {TEXT} NOT NULL DEFAULT ''
);
CREATE INDEX org_key_org ON org_key (org_id);
CREATE TABLE package (
  id {ID},
  campaign_id {TEXT} NOT NULL REFERENCES campaign (id),
  org_id {TEXT} NOT NULL REFERENCES organization (id),
  sha256 {TEXT} NOT NULL,
  key_id {TEXT} NOT NULL REFERENCES org_key (key_id),
  created_at {TEXT} NOT NULL,
  filename {TEXT} NOT NULL,
  revision_id BIGINT {REVISION_FK},
  imported_by {TEXT} NOT NULL,
  imported_at {TEXT} NOT NULL,
  UNIQUE (campaign_id, sha256)
);
CREATE INDEX package_org ON package (campaign_id, org_id);
)",
       {"campaign_document", "package"}},
  };
  return k_steps;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

std::string ddl_for(const Step& step, sql::Dialect dialect) {
  std::string sql = step.tables;
  const bool pg = dialect == sql::Dialect::kPostgres;
  if (pg) {
    replace_all(sql, "{TEXT}", "TEXT COLLATE \"C\"");
    replace_all(sql, "{ID}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace_all(sql, "{REVISION_FK}", "");
    // One function serves every append-only table; CREATE OR REPLACE keeps
    // later migrations independent of which one created it.
    sql += R"(
CREATE OR REPLACE FUNCTION kunren_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: its rows are never changed or deleted', TG_TABLE_NAME;
END
$$;
)";
  } else {
    replace_all(sql, "{TEXT}", "TEXT");
    replace_all(sql, "{ID}", "INTEGER PRIMARY KEY AUTOINCREMENT");
    replace_all(sql, "{REVISION_FK}", "REFERENCES revision (id)");
  }
  if (pg) sql += step.postgres_extra;
  for (const char* table : step.append_only) {
    std::string trigger = pg ? k_postgres_refuse : k_sqlite_refuse;
    replace_all(trigger, "{TABLE}", table);
    sql += trigger;
  }
  return sql;
}

Result<bool> has_migrations_table(sql::Connection& db) {
  const char* sql = db.dialect() == sql::Dialect::kSqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                        : "SELECT COUNT(*) FROM information_schema.tables "
                          "WHERE table_schema = current_schema() AND table_name = 'schema_migrations'";
  auto n = db.query_int(sql, {});
  if (!n) return n.status();
  return *n > 0;
}

Status apply(sql::Connection& db, const Step& step) {
  sql::Transaction tx(db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  KUNREN_RETURN_IF_ERROR(db.lock_for_migration());
  KUNREN_RETURN_IF_ERROR(
      db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
              "applied_at TEXT NOT NULL)"));
  // Another program may have applied it while we waited for the lock.
  auto done = db.query_int("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", {std::int64_t{step.version}});
  if (!done) return done.status();
  if (*done > 0) return tx.commit();
  Status status = db.exec(ddl_for(step, db.dialect()));
  if (!status) {
    return Status::io_error(
        fmt::format("{}: migration {} ({}) failed: {}", db.name(), step.version, step.name, status.message()));
  }
  KUNREN_RETURN_IF_ERROR(db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                    {std::int64_t{step.version}, std::string(step.name), now_utc()}));
  return tx.commit();
}

}  // namespace

int latest_schema_version() { return steps().back().version; }

Result<SchemaInfo> read_schema_info(sql::Connection& db) {
  SchemaInfo info;
  info.latest = latest_schema_version();
  auto exists = has_migrations_table(db);
  if (!exists) return exists.status();
  if (!*exists) return info;
  auto status = db.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version", {},
                         [&](const sql::Row& row) {
                           info.applied.push_back(Migration{static_cast<int>(row.int64(0)), row.str(1), row.str(2)});
                           info.version = std::max(info.version, static_cast<int>(row.int64(0)));
                           return Status::ok();
                         });
  if (!status) return status;
  return info;
}

Result<SchemaInfo> prepare_schema(sql::Connection& db, const OpenOptions& options) {
  auto info = read_schema_info(db);
  if (!info) return info.status();
  const int latest = latest_schema_version();
  if (info->version > latest) {
    return Status::conflict(
        fmt::format("the database schema is version {} but this kunren knows only up to {}; "
                    "use a newer kunren ({})",
                    info->version, latest, db.name()));
  }
  const int target = options.migrate_to > 0 ? std::min(options.migrate_to, latest) : latest;
  if (info->version >= target) return info;
  const bool empty = info->version == 0;
  if (!options.migrate && !(empty && options.create)) {
    if (empty) {
      return Status::conflict(
          fmt::format("the database {} has no kunren schema; create it with 'kunren init' "
                      "(or run 'kunren db migrate')",
                      db.name()));
    }
    return Status::conflict(
        fmt::format("schema version {} is older than this program's {}; run 'kunren db migrate' "
                    "(make a backup first: kunren backup)",
                    info->version, latest));
  }
  for (const auto& step : steps()) {
    if (step.version <= info->version || step.version > target) continue;
    KUNREN_RETURN_IF_ERROR(apply(db, step));
  }
  return read_schema_info(db);
}

}  // namespace kunren::store
