#include <kunren/store/sql_store.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/model/responses.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/store/migrations.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::store {

using nlohmann::json;
using sql::Value;

namespace {


// --- rows ------------------------------------------------------------------------

constexpr const char* k_org_columns = "id, name, industry, size, pseudonym, created_at";
constexpr const char* k_checklist_columns = "id, version, sha256, content, builtin, registered_at";
constexpr const char* k_campaign_columns =
    "id, title, checklist_id, checklist_version, opens_on, closes_on, min_group, state, created_at, updated_at";
// The same, of campaign `c` in a join.
constexpr const char* k_campaign_columns_c =
    "c.id, c.title, c.checklist_id, c.checklist_version, c.opens_on, c.closes_on, c.min_group, c.state, c.created_at, "
    "c.updated_at";
constexpr int k_campaign_column_count = 10;
constexpr const char* k_import_columns = "id, campaign_id, filename, sha256, actor, at, revisions, unchanged";
constexpr const char* k_user_columns = "login, display_name, password_hash, disabled, created_at";
constexpr const char* k_audit_columns = "id, at, actor, action, object_type, object_id, detail";

OrgRecord org_from(const sql::Row& r) { return OrgRecord{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)}; }

ChecklistRecord checklist_from(const sql::Row& r) {
  return ChecklistRecord{r.str(0), r.str(1), r.str(2), r.str(3), r.int64(4) != 0, r.str(5)};
}

CampaignRecord campaign_from(const sql::Row& r) {
  CampaignRecord c;
  c.id = r.str(0);
  c.title = r.str(1);
  c.checklist_id = r.str(2);
  c.checklist_version = r.str(3);
  c.opens_on = r.str(4);
  c.closes_on = r.str(5);
  c.min_group = static_cast<int>(r.int64(6));
  c.state = parse_campaign_state(r.text(7)).value_or(CampaignState::kDraft);
  c.created_at = r.str(8);
  c.updated_at = r.str(9);
  return c;
}

ImportRecord import_from(const sql::Row& r) {
  return ImportRecord{r.int64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.int64(6), r.int64(7)};
}

User user_from(const sql::Row& r) {
  User u;
  u.login = r.str(0);
  u.display_name = r.str(1);
  u.password_hash = r.str(2);
  u.disabled = r.int64(3) != 0;
  u.created_at = r.str(4);
  return u;
}

// (revision_id, item_id, choice, comment, review, evidence): the revision id is the caller's.
Answer answer_from(const sql::Row& r) {
  return Answer{r.str(1), static_cast<std::uint8_t>(r.int64(2)), r.str(3), r.int64(4) != 0, r.str(5)};
}

AuditEntry audit_from(const sql::Row& r) {
  return AuditEntry{r.int64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6)};
}

// "(?, ?, …)" with n marks. REQUIRES: n > 0.
std::string marks(std::size_t n) {
  std::string out = "(?";
  for (std::size_t i = 1; i < n; ++i) out += ", ?";
  return out + ")";
}

// Statements with this many organisations or fewer name them in an IN list;
// larger ones work over the whole campaign.
constexpr std::size_t k_in_list_max = 200;

// Lists of rows appended with a callback into a vector.
template <typename T, typename F>
sql::RowCallback push_into(std::vector<T>& out, F from) {
  return [&out, from](const sql::Row& row) {
    out.push_back(from(row));
    return Status::ok();
  };
}

}  // namespace

struct SqlStore::RevisionToWrite {
  std::int64_t evaluation_id = 0;
  int no = 0;
  RevisionState state = RevisionState::kSubmitted;
  std::string author;
  Timestamp created_at;
  std::int64_t import_id = 0;
  std::vector<Answer> answers;  // normalized
};

SqlStore::SqlStore(std::unique_ptr<sql::Connection> db, const char* backend, const std::string& url,
                   BackupFunction backup)
    : m_db(std::move(db)), m_backend(backend), m_url(redact_url(url)), m_backup(std::move(backup)) {}

Result<std::unique_ptr<Store>> make_sql_store(std::unique_ptr<sql::Connection> db, const OpenOptions& options,
                                              const char* backend, const std::string& url,
                                              SqlStore::BackupFunction backup) {
  auto schema = prepare_schema(*db, options);
  if (!schema) return schema.status();
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(db), backend, url, std::move(backup)));
}

Result<SchemaInfo> SqlStore::schema_info() { return read_schema_info(*m_db); }

// --- helpers ---------------------------------------------------------------------

const char* SqlStore::lock_clause(Lock lock) const {
  if (m_db->dialect() != sql::Dialect::kPostgres) return "";
  switch (lock) {
    case Lock::kNone:
      return "";
    case Lock::kShare:
      return " FOR SHARE";
    case Lock::kUpdate:
      return " FOR UPDATE";
  }
  return "";
}

Result<std::optional<CampaignRecord>> SqlStore::find_campaign(const std::string& id, Lock lock) {
  std::optional<CampaignRecord> out;
  auto status =
      m_db->query(fmt::format("SELECT {} FROM campaign WHERE id = ?{}", k_campaign_columns, lock_clause(lock)), {id},
                  [&](const sql::Row& row) {
                    out = campaign_from(row);
                    return Status::ok();
                  });
  if (!status) return status;
  return out;
}

Result<std::optional<ChecklistRecord>> SqlStore::find_checklist(const std::string& id, const std::string& version) {
  std::optional<ChecklistRecord> out;
  auto status = m_db->query(fmt::format("SELECT {} FROM checklist WHERE id = ? AND version = ?", k_checklist_columns),
                            {id, version}, [&](const sql::Row& row) {
                              out = checklist_from(row);
                              return Status::ok();
                            });
  if (!status) return status;
  return out;
}

Result<bool> SqlStore::exists(const char* sql, const std::string& key, Lock lock) {
  bool found = false;
  auto status = m_db->query(std::string(sql) + lock_clause(lock), {key}, [&](const sql::Row&) {
    found = true;
    return Status::ok();
  });
  if (!status) return status;
  return found;
}

Status SqlStore::audit(const Timestamp& at, const Actor& actor, const char* action, const char* object_type,
                       const std::string& object_id, const json& detail) {
  return m_db->execute(
      "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
      {at, actor.name, std::string(action), std::string(object_type), object_id,
       detail.is_null() ? std::string() : detail.dump()});
}

Status SqlStore::insert_checklist(const ChecklistRecord& r, const Timestamp& now) {
  return m_db->execute(
      "INSERT INTO checklist (id, version, sha256, content, builtin, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
      {r.id, r.version, r.sha256, r.content, std::int64_t{r.builtin ? 1 : 0}, now});
}

Status SqlStore::ensure_evaluations(const std::string& campaign, const std::vector<std::string>& orgs,
                                    const Timestamp& now) {
  // Sorted, so that concurrent writers take the unique-index locks in one
  // order; in batches, so that 10,000 organisations are ~30 statements.
  std::vector<std::string> sorted = orgs;
  std::sort(sorted.begin(), sorted.end());
  constexpr std::size_t k_batch = 300;
  for (std::size_t start = 0; start < sorted.size(); start += k_batch) {
    const std::size_t n = std::min(k_batch, sorted.size() - start);
    std::string sql = "INSERT INTO evaluation (campaign_id, org_id, created_at) VALUES ";
    std::vector<Value> params;
    params.reserve(n * 3);
    for (std::size_t i = 0; i < n; ++i) {
      sql += i ? ", (?, ?, ?)" : "(?, ?, ?)";
      params.emplace_back(campaign);
      params.emplace_back(sorted[start + i]);
      params.emplace_back(now);
    }
    sql += " ON CONFLICT (campaign_id, org_id) DO NOTHING";
    KUNREN_RETURN_IF_ERROR(m_db->execute(sql, params));
  }
  return Status::ok();
}

Result<std::vector<std::int64_t>> SqlStore::write_revisions(
    const std::vector<RevisionToWrite>& rows, const std::function<void(std::size_t, std::size_t)>& progress) {
  auto ids = m_db->reserve_ids("revision", rows.size());
  if (!ids) return ids.status();
  if (rows.empty()) return ids;
  {
    auto bulk =
        m_db->bulk_insert("revision", {"id", "evaluation_id", "no", "state", "author", "created_at", "import_id"});
    if (!bulk) return bulk.status();
    std::vector<Value> row(7);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      row[0] = (*ids)[i];
      row[1] = r.evaluation_id;
      row[2] = std::int64_t{r.no};
      row[3] = std::string(to_string(r.state));
      row[4] = r.author;
      row[5] = r.created_at;
      row[6] = r.import_id != 0 ? Value(r.import_id) : Value(nullptr);
      KUNREN_RETURN_IF_ERROR((*bulk)->add(row));
    }
    KUNREN_RETURN_IF_ERROR((*bulk)->finish());
  }
  auto bulk = m_db->bulk_insert("answer", {"revision_id", "item_id", "choice", "comment", "review", "evidence"});
  if (!bulk) return bulk.status();
  std::vector<Value> row(6);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const auto& a : rows[i].answers) {
      row[0] = (*ids)[i];
      row[1] = a.item;
      row[2] = std::int64_t{a.choice};
      row[3] = a.comment;
      row[4] = std::int64_t{a.review ? 1 : 0};
      row[5] = a.evidence;
      KUNREN_RETURN_IF_ERROR((*bulk)->add(row));
    }
    if (progress) progress(i + 1, rows.size());
  }
  KUNREN_RETURN_IF_ERROR((*bulk)->finish());
  return ids;
}

Status SqlStore::read_revisions(const std::string& where, const std::vector<Value>& params, const char* order,
                                std::vector<Revision>& out, bool with_answers) {
  const std::string from = " FROM evaluation e JOIN revision r ON r.evaluation_id = e.id";
  std::unordered_map<std::int64_t, std::size_t> index;
  const std::size_t first = out.size();
  KUNREN_RETURN_IF_ERROR(m_db->query(
      fmt::format("SELECT r.id, e.campaign_id, e.org_id, r.no, r.state, r.author, r.created_at, r.import_id{} "
                  "WHERE {} ORDER BY {}",
                  from, where, order),
      params, [&](const sql::Row& row) {
        Revision r;
        r.id = row.int64(0);
        r.campaign = row.str(1);
        r.org = row.str(2);
        r.no = static_cast<int>(row.int64(3));
        r.state = parse_revision_state(row.text(4)).value_or(RevisionState::kDraft);
        r.author = row.str(5);
        r.created_at = row.str(6);
        r.import_id = row.int64(7);
        index.emplace(r.id, out.size());
        out.push_back(std::move(r));
        return Status::ok();
      }));
  if (out.size() == first || !with_answers) return Status::ok();
  // Answers come in any order and are sorted per revision here: cheaper than
  // making the database sort 750,000 rows.
  KUNREN_RETURN_IF_ERROR(
      m_db->query(fmt::format("SELECT a.revision_id, a.item_id, a.choice, a.comment, a.review, a.evidence{} JOIN answer a ON "
                              "a.revision_id = r.id WHERE {}",
                              from, where),
                  params, [&](const sql::Row& row) {
                    auto it = index.find(row.int64(0));
                    if (it == index.end()) return Status::ok();
                    out[it->second].answers.push_back(answer_from(row));
                    return Status::ok();
                  }));
  for (std::size_t i = first; i < out.size(); ++i) out[i].answers = normalized_answers(std::move(out[i].answers));
  return Status::ok();
}

// --- organisations -----------------------------------------------------------------

Status SqlStore::put_orgs(const std::vector<OrgRecord>& orgs, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(check_orgs(orgs));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  KUNREN_RETURN_IF_ERROR(write_orgs(orgs, actor, now_utc()));
  return tx.commit();
}

Status SqlStore::write_orgs(const std::vector<OrgRecord>& orgs, const Actor& actor, const Timestamp& now) {
  if (m_db->dialect() == sql::Dialect::kPostgres) {
    // Pseudonyms are assigned over every organisation: one assigner at a time
    // (readers are not blocked).
    KUNREN_RETURN_IF_ERROR(m_db->exec("LOCK TABLE organization IN SHARE ROW EXCLUSIVE MODE"));
  }
  std::unordered_map<std::string, OrgRecord> existing;
  std::vector<model::Organization> all;
  KUNREN_RETURN_IF_ERROR(
      m_db->query(fmt::format("SELECT {} FROM organization", k_org_columns), {}, [&](const sql::Row& row) {
        OrgRecord o = org_from(row);
        all.push_back({o.id, o.name, o.industry, o.size, o.pseudonym});
        existing.emplace(o.id, std::move(o));
        return Status::ok();
      }));
  const std::size_t old_count = all.size();
  std::size_t added = 0, updated = 0;
  for (const auto& o : orgs) {
    auto it = existing.find(o.id);
    if (it == existing.end()) {
      all.push_back({o.id, o.name, o.industry, o.size, {}});
      ++added;
    } else if (it->second.name != o.name || it->second.industry != o.industry || it->second.size != o.size) {
      KUNREN_RETURN_IF_ERROR(m_db->execute("UPDATE organization SET name = ?, industry = ?, size = ? WHERE id = ?",
                                           {o.name, o.industry, o.size, o.id}));
      ++updated;
    }
  }
  model::assign_pseudonyms(all);
  if (added > 0) {
    auto bulk = m_db->bulk_insert("organization", {"id", "name", "industry", "size", "pseudonym", "created_at"});
    if (!bulk) return bulk.status();
    for (std::size_t i = old_count; i < all.size(); ++i) {
      const auto& o = all[i];
      KUNREN_RETURN_IF_ERROR((*bulk)->add({o.id, o.name, o.industry, o.size, o.pseudonym, now}));
    }
    KUNREN_RETURN_IF_ERROR((*bulk)->finish());
  }
  return audit(now, actor, "org.put", "org", "", json{{"added", added}, {"updated", updated}});
}

Result<std::vector<OrgRecord>> SqlStore::list_orgs() {
  std::vector<OrgRecord> out;
  auto status =
      m_db->query(fmt::format("SELECT {} FROM organization ORDER BY id", k_org_columns), {}, push_into(out, org_from));
  if (!status) return status;
  return out;
}

Result<OrgRecord> SqlStore::get_org(const std::string& id) {
  std::vector<OrgRecord> out;
  auto status = m_db->query(fmt::format("SELECT {} FROM organization WHERE id = ?", k_org_columns), {id},
                            push_into(out, org_from));
  if (!status) return status;
  if (out.empty()) return org_not_found(id);
  return std::move(out.front());
}

// --- checklists ----------------------------------------------------------------------

Status SqlStore::put_checklist(const ChecklistRecord& checklist, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto existing = find_checklist(checklist.id, checklist.version);
  if (!existing) return existing.status();
  if (*existing) {
    if ((*existing)->sha256 == checklist.sha256) return Status::ok();
    return Status::conflict(fmt::format("checklist '{}' version '{}' is already registered with other content",
                                        checklist.id, checklist.version));
  }
  KUNREN_RETURN_IF_ERROR(checklist_record_ok(checklist));
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(insert_checklist(checklist, now));
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "checklist.put", "checklist", checklist.id,
                               json{{"version", checklist.version}, {"sha256", checklist.sha256}}));
  return tx.commit();
}

Result<ChecklistRecord> SqlStore::get_checklist(const std::string& id, const std::string& version) {
  auto found = find_checklist(id, version);
  if (!found) return found.status();
  if (!*found) return checklist_not_found(id, version);
  return std::move(**found);
}

Result<std::vector<ChecklistRecord>> SqlStore::list_checklists() {
  std::vector<ChecklistRecord> out;
  auto status = m_db->query(fmt::format("SELECT {} FROM checklist ORDER BY id, version", k_checklist_columns), {},
                            push_into(out, checklist_from));
  if (!status) return status;
  return out;
}

// --- campaigns -----------------------------------------------------------------------

Status SqlStore::create_campaign(const CampaignRecord& c, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(campaign_values_ok(c));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto existing = find_campaign(c.id, Lock::kNone);
  if (!existing) return existing.status();
  if (*existing) return Status::conflict(fmt::format("campaign '{}' already exists", c.id));
  auto checklist = find_checklist(c.checklist_id, c.checklist_version);
  if (!checklist) return checklist.status();
  if (!*checklist) return checklist_not_found(c.checklist_id, c.checklist_version);
  KUNREN_RETURN_IF_ERROR(check_coordinators(c.coordinators));
  const Timestamp now = now_utc();
  Status status =
      m_db->execute(fmt::format("INSERT INTO campaign ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k_campaign_columns),
                    {c.id, c.title, c.checklist_id, c.checklist_version, c.opens_on, c.closes_on,
                     std::int64_t{c.min_group}, std::string(to_string(c.state)), now, now});
  if (status.kind() == ErrorKind::kConflict) {
    return Status::conflict(fmt::format("campaign '{}' already exists", c.id));  // created meanwhile
  }
  KUNREN_RETURN_IF_ERROR(status);
  const auto coordinators = normalized_ids(c.coordinators);
  KUNREN_RETURN_IF_ERROR(write_coordinators(c.id, coordinators));
  json detail{{"checklist", c.checklist_id}, {"version", c.checklist_version}, {"state", to_string(c.state)}};
  if (!coordinators.empty()) detail["coordinators"] = coordinators;
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "campaign.create", "campaign", c.id, detail));
  return tx.commit();
}

Status SqlStore::read_campaigns(const std::string& where, const std::vector<Value>& params,
                                std::vector<CampaignRecord>& out) {
  // One statement, so one snapshot: a campaign's row comes once per
  // coordinator (once, with NULL, when it has none), in id then login order.
  return m_db->query(fmt::format("SELECT {}, cc.login FROM campaign c LEFT JOIN campaign_coordinator cc ON "
                                 "cc.campaign_id = c.id{} ORDER BY c.id, cc.login",
                                 k_campaign_columns_c, where),
                     params, [&](const sql::Row& row) {
                       if (out.empty() || out.back().id != row.text(0)) out.push_back(campaign_from(row));
                       if (!row.is_null(k_campaign_column_count)) {
                         out.back().coordinators.push_back(row.str(k_campaign_column_count));
                       }
                       return Status::ok();
                     });
}

Status SqlStore::check_coordinators(const std::vector<std::string>& logins) {
  for (const auto& login : logins) {
    // FOR SHARE: the user's roles cannot change until we commit.
    auto user = exists("SELECT 1 FROM app_user WHERE login = ?", login, Lock::kShare);
    if (!user) return user.status();
    if (!*user) return coordinator_not_found(login);
    auto role = m_db->query_int("SELECT COUNT(*) FROM user_role WHERE login = ? AND role = 'coordinator'", {login});
    if (!role) return role.status();
    if (*role == 0) return coordinator_role_missing(login);
  }
  return Status::ok();
}

Status SqlStore::write_coordinators(const std::string& campaign, const std::vector<std::string>& logins) {
  KUNREN_RETURN_IF_ERROR(m_db->execute("DELETE FROM campaign_coordinator WHERE campaign_id = ?", {campaign}));
  for (const auto& login : logins) {
    KUNREN_RETURN_IF_ERROR(
        m_db->execute("INSERT INTO campaign_coordinator (campaign_id, login) VALUES (?, ?)", {campaign, login}));
  }
  return Status::ok();
}

Result<CampaignRecord> SqlStore::get_campaign(const std::string& id) {
  std::vector<CampaignRecord> out;
  KUNREN_RETURN_IF_ERROR(read_campaigns(" WHERE c.id = ?", {id}, out));
  if (out.empty()) return campaign_not_found(id);
  return std::move(out.front());
}

Result<std::vector<CampaignRecord>> SqlStore::list_campaigns() {
  std::vector<CampaignRecord> out;
  KUNREN_RETURN_IF_ERROR(read_campaigns("", {}, out));
  return out;
}

Status SqlStore::set_campaign_coordinators(const std::string& campaign, const std::vector<std::string>& logins,
                                           const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(coordinator_logins_ok(logins));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  // FOR UPDATE: two replacements of one campaign's list take turns.
  auto found = find_campaign(campaign, Lock::kUpdate);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  KUNREN_RETURN_IF_ERROR(check_coordinators(logins));
  const Timestamp now = now_utc();
  const auto sorted = normalized_ids(logins);
  KUNREN_RETURN_IF_ERROR(write_coordinators(campaign, sorted));
  KUNREN_RETURN_IF_ERROR(
      audit(now, actor, "campaign.coordinators", "campaign", campaign, json{{"coordinators", sorted}}));
  return tx.commit();
}

Status SqlStore::set_campaign_state(const std::string& id, CampaignState to, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto found = find_campaign(id, Lock::kUpdate);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(id);
  const CampaignRecord& c = **found;
  const CampaignState from = c.state;
  if (!campaign_transition_allowed(from, to)) return Status::conflict(transition_refusal(id, from, to));
  if (to == CampaignState::kPublished) {
    auto submitted = m_db->query_int(
        "SELECT COUNT(DISTINCT e.org_id) FROM evaluation e JOIN revision r ON r.evaluation_id = e.id "
        "WHERE e.campaign_id = ? AND r.state = 'submitted'",
        {id});
    if (!submitted) return submitted.status();
    if (*submitted < c.min_group) {
      return Status::conflict(fmt::format(
          "campaign '{}' has {} organisations with a submitted evaluation; publishing needs at least {} (min_group)",
          id, *submitted, c.min_group));
    }
  }
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(m_db->execute("UPDATE campaign SET state = ?, updated_at = ? WHERE id = ?",
                                       {std::string(to_string(to)), now, id}));
  KUNREN_RETURN_IF_ERROR(
      audit(now, actor, "campaign.state", "campaign", id, json{{"from", to_string(from)}, {"to", to_string(to)}}));
  return tx.commit();
}

// --- revisions -----------------------------------------------------------------------

Result<AppendResult> SqlStore::append_revisions(const std::string& campaign, const std::vector<NewRevision>& revisions,
                                                const ImportRecord* source, const Actor& actor,
                                                const AppendOptions& options) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  if (source != nullptr) KUNREN_RETURN_IF_ERROR(check_text(source->filename, "the import's file name"));
  KUNREN_RETURN_IF_ERROR(check_orgs(options.register_orgs));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto result = append_in_transaction(campaign, revisions, source, actor, options);
  if (!result) return result.status();
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return result;
}

Result<AppendResult> SqlStore::append_in_transaction(const std::string& campaign,
                                                     const std::vector<NewRevision>& revisions,
                                                     const ImportRecord* source, const Actor& actor,
                                                     const AppendOptions& options) {
  // Appends to one campaign take turns (SQLite: BEGIN IMMEDIATE already
  // serialises every writer; PostgreSQL: a lock per campaign), and the time
  // is read only once it is our turn, never earlier than the campaign's last
  // revision. So a revision's time always follows its predecessor's, which
  // is what --as-of relies on, even for a writer that waited or a host whose
  // clock is behind.
  if (m_db->dialect() == sql::Dialect::kPostgres) {
    KUNREN_RETURN_IF_ERROR(m_db->execute("SELECT pg_advisory_xact_lock(hashtext(?))", {"kunren.append:" + campaign}));
  }
  Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(m_db->query(
      "SELECT MAX(r.created_at) FROM evaluation e JOIN revision r ON r.evaluation_id = e.id WHERE e.campaign_id = ?",
      {campaign}, [&](const sql::Row& row) {
        if (!row.is_null(0) && row.str(0) >= now) now = timestamp_after(row.str(0));
        return Status::ok();
      }));
  if (!options.register_orgs.empty()) KUNREN_RETURN_IF_ERROR(write_orgs(options.register_orgs, actor, now));
  // FOR SHARE: the campaign cannot be closed under us.
  auto found = find_campaign(campaign, Lock::kShare);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  const CampaignRecord& c = **found;
  if (options.require_open && c.state != CampaignState::kOpen) {
    return Status::conflict(
        fmt::format("campaign '{}' is {}; answers can only be added while it is open", campaign, to_string(c.state)));
  }
  auto record = find_checklist(c.checklist_id, c.checklist_version);
  if (!record) return record.status();
  if (!*record) return Status::internal(fmt::format("campaign '{}' lost its checklist", c.id));
  auto checklist = checklist_of(**record);
  if (!checklist) return checklist.status();

  // Which of the named organisations exist: one query for many, one each
  // for a few.
  const bool small = revisions.size() <= k_in_list_max;
  std::unordered_set<std::string> known;
  if (small) {
    for (const auto& r : revisions) {
      auto e = exists("SELECT 1 FROM organization WHERE id = ?", r.org);
      if (!e) return e.status();
      if (*e) known.insert(r.org);
    }
  } else {
    KUNREN_RETURN_IF_ERROR(m_db->query("SELECT id FROM organization", {}, [&](const sql::Row& row) {
      known.insert(row.str(0));
      return Status::ok();
    }));
  }
  std::unordered_set<std::string> seen;
  std::vector<std::string> orgs;
  for (const auto& r : revisions) {
    if (known.count(r.org) == 0) return org_not_found(r.org);
    if (!seen.insert(r.org).second) {
      return Status::bad_input(fmt::format("organisation '{}' appears more than once", r.org),
                               Location{{}, 0, 0, "org"});
    }
    KUNREN_RETURN_IF_ERROR(check_new_revision(**checklist, r));
    orgs.push_back(r.org);
  }

  KUNREN_RETURN_IF_ERROR(ensure_evaluations(campaign, orgs, now));

  // Lock this call's evaluations (all of the campaign's for a large call),
  // in id order, then read their latest revisions: no other writer can add a
  // revision to them until we commit, so the numbers below stay free.
  std::string scope = "e.campaign_id = ?";
  std::vector<Value> params{campaign};
  if (small && !orgs.empty()) {
    scope += " AND e.org_id IN " + marks(orgs.size());
    for (const auto& o : orgs) params.emplace_back(o);
  }
  std::unordered_map<std::string, std::int64_t> evaluation_of;
  KUNREN_RETURN_IF_ERROR(m_db->query(fmt::format("SELECT e.id, e.org_id FROM evaluation e WHERE {} ORDER BY e.id{}",
                                                 scope, lock_clause(Lock::kUpdate)),
                                     params, [&](const sql::Row& row) {
                                       evaluation_of.emplace(row.str(1), row.int64(0));
                                       return Status::ok();
                                     }));
  struct Latest {
    int no = 0;
    RevisionState state = RevisionState::kDraft;
    std::vector<Answer> answers;
  };
  std::unordered_map<std::int64_t, Latest> latest;  // by evaluation id
  std::unordered_map<std::int64_t, std::int64_t> evaluation_of_revision;
  const std::string latest_where =
      scope + " AND r.no = (SELECT MAX(r2.no) FROM revision r2 WHERE r2.evaluation_id = e.id)";
  KUNREN_RETURN_IF_ERROR(m_db->query(
      "SELECT e.id, r.id, r.no, r.state FROM evaluation e JOIN revision r ON r.evaluation_id = e.id WHERE " +
          latest_where,
      params, [&](const sql::Row& row) {
        Latest& l = latest[row.int64(0)];
        l.no = static_cast<int>(row.int64(2));
        l.state = parse_revision_state(row.text(3)).value_or(RevisionState::kDraft);
        evaluation_of_revision.emplace(row.int64(1), row.int64(0));
        return Status::ok();
      }));
  if (options.skip_unchanged && !latest.empty()) {
    KUNREN_RETURN_IF_ERROR(
        m_db->query("SELECT a.revision_id, a.item_id, a.choice, a.comment, a.review, a.evidence FROM evaluation e JOIN revision r "
                    "ON r.evaluation_id = e.id JOIN answer a ON a.revision_id = r.id WHERE " +
                        latest_where,
                    params, [&](const sql::Row& row) {
                      latest[evaluation_of_revision.at(row.int64(0))].answers.push_back(answer_from(row));
                      return Status::ok();
                    }));
    for (auto& [id, l] : latest) l.answers = normalized_answers(std::move(l.answers));
  }

  std::vector<RevisionToWrite> rows;
  rows.reserve(revisions.size());
  AppendResult result;
  for (const auto& r : revisions) {
    const std::int64_t evaluation = evaluation_of.at(r.org);
    auto answers = normalized_answers(r.answers);
    auto it = latest.find(evaluation);
    if (options.skip_unchanged && it != latest.end() && it->second.state == r.state && it->second.answers == answers) {
      ++result.unchanged;
      continue;
    }
    RevisionToWrite w;
    w.evaluation_id = evaluation;
    w.no = it == latest.end() ? 1 : it->second.no + 1;
    w.state = r.state;
    w.author = actor.name;
    w.created_at = now;
    w.answers = std::move(answers);
    rows.push_back(std::move(w));
  }
  result.created = rows.size();

  json detail{{"created", result.created}, {"unchanged", result.unchanged}};
  if (source != nullptr) {
    // The import row is complete before it is inserted: its counts are known.
    auto id = m_db->reserve_ids("import", 1);
    if (!id) return id.status();
    result.import_id = id->front();
    KUNREN_RETURN_IF_ERROR(
        m_db->execute(fmt::format("INSERT INTO import ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", k_import_columns),
                      {result.import_id, campaign, source->filename, source->sha256, actor.name, now,
                       static_cast<std::int64_t>(result.created), static_cast<std::int64_t>(result.unchanged)}));
    for (auto& w : rows) w.import_id = result.import_id;
    detail["import_id"] = result.import_id;
    detail["file"] = source->filename;
  }
  auto ids = write_revisions(rows, options.progress);
  if (!ids) return ids.status();
  result.revision_ids = std::move(*ids);
  KUNREN_RETURN_IF_ERROR(
      audit(now, actor, source != nullptr ? "revision.import" : "revision.append", "campaign", campaign, detail));
  return result;
}

Result<std::vector<Revision>> SqlStore::latest_revisions(const std::string& campaign, const LatestQuery& query) {
  Timestamp as_of;
  if (!query.as_of.empty()) {
    auto parsed = parse_timestamp(query.as_of);
    if (!parsed) return parsed.status();
    as_of = *parsed;
  }
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  if (!query.org.empty()) {
    auto e = exists("SELECT 1 FROM organization WHERE id = ?", query.org);
    if (!e) return e.status();
    if (!*e) return org_not_found(query.org);
  }
  std::string where = "e.campaign_id = ?";
  std::vector<Value> params{campaign};
  if (!query.org.empty()) {
    where += " AND e.org_id = ?";
    params.emplace_back(query.org);
  }
  where += " AND r.no = (SELECT MAX(r2.no) FROM revision r2 WHERE r2.evaluation_id = e.id";
  if (query.state) {
    where += " AND r2.state = ?";
    params.emplace_back(std::string(to_string(*query.state)));
  }
  if (!as_of.empty()) {
    where += " AND r2.created_at <= ?";
    params.emplace_back(as_of);
  }
  where += ")";
  std::vector<Revision> out;
  KUNREN_RETURN_IF_ERROR(read_revisions(where, params, "e.org_id", out, query.with_answers));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

Result<std::vector<Revision>> SqlStore::revision_history(const std::string& campaign, const std::string& org) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  auto e = exists("SELECT 1 FROM organization WHERE id = ?", org);
  if (!e) return e.status();
  if (!*e) return org_not_found(org);
  std::vector<Revision> out;
  KUNREN_RETURN_IF_ERROR(read_revisions("e.campaign_id = ? AND e.org_id = ?", {campaign, org}, "r.no", out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

Result<SubmissionMark> SqlStore::submission_mark(const std::string& campaign) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  SubmissionMark mark;
  KUNREN_RETURN_IF_ERROR(m_db->query(
      "SELECT COUNT(*), COALESCE(MAX(r.id), 0), COALESCE(SUM(r.id), 0) FROM evaluation e "
      "JOIN revision r ON r.evaluation_id = e.id WHERE e.campaign_id = ? AND r.state = 'submitted'",
      {campaign}, [&](const sql::Row& row) {
        mark.count = row.int64(0);
        mark.max_id = row.int64(1);
        mark.id_sum = row.int64(2);
        return Status::ok();
      }));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return mark;
}

Result<std::vector<ImportRecord>> SqlStore::list_imports(const std::string& campaign) {
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  std::vector<ImportRecord> out;
  auto status = m_db->query(fmt::format("SELECT {} FROM import WHERE campaign_id = ? ORDER BY id", k_import_columns),
                            {campaign}, push_into(out, import_from));
  if (!status) return status;
  return out;
}

Result<std::optional<ImportRecord>> SqlStore::find_import(const std::string& campaign, const std::string& sha256) {
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  std::vector<ImportRecord> out;
  auto status = m_db->query(
      fmt::format("SELECT {} FROM import WHERE campaign_id = ? AND sha256 = ? ORDER BY id LIMIT 1", k_import_columns),
      {campaign, sha256}, push_into(out, import_from));
  if (!status) return status;
  if (out.empty()) return std::optional<ImportRecord>();
  return std::optional<ImportRecord>(std::move(out.front()));
}

// --- users ----------------------------------------------------------------------------

Status SqlStore::read_user_access(const std::string& login, std::vector<User>& users) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < users.size(); ++i) index.emplace(users[i].login, i);
  const std::string where = login.empty() ? "" : " WHERE login = ?";
  std::vector<Value> params;
  if (!login.empty()) params.emplace_back(login);
  KUNREN_RETURN_IF_ERROR(m_db->query("SELECT login, role FROM user_role" + where, params, [&](const sql::Row& row) {
    auto it = index.find(row.str(0));
    auto role = parse_role(row.text(1));
    if (it != index.end() && role) users[it->second].roles.push_back(*role);
    return Status::ok();
  }));
  KUNREN_RETURN_IF_ERROR(m_db->query("SELECT login, org_id FROM user_org" + where, params, [&](const sql::Row& row) {
    auto it = index.find(row.str(0));
    if (it != index.end()) users[it->second].orgs.push_back(row.str(1));
    return Status::ok();
  }));
  for (auto& u : users) {
    u.roles = normalized_roles(std::move(u.roles));
    u.orgs = normalized_ids(std::move(u.orgs));
  }
  return Status::ok();
}

Status SqlStore::create_user(const User& user, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(user_values_ok(user));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto e = exists("SELECT 1 FROM app_user WHERE login = ?", user.login);
  if (!e) return e.status();
  if (*e) return Status::conflict(fmt::format("user '{}' already exists", user.login));
  for (const auto& org : user.orgs) {
    auto o = exists("SELECT 1 FROM organization WHERE id = ?", org, Lock::kShare);
    if (!o) return o.status();
    if (!*o) return org_not_found(org);
  }
  const Timestamp now = now_utc();
  const auto roles = normalized_roles(user.roles);
  const auto orgs = normalized_ids(user.orgs);
  Status status =
      m_db->execute(fmt::format("INSERT INTO app_user ({}) VALUES (?, ?, ?, ?, ?)", k_user_columns),
                    {user.login, user.display_name, user.password_hash, std::int64_t{user.disabled ? 1 : 0}, now});
  if (status.kind() == ErrorKind::kConflict) {
    return Status::conflict(fmt::format("user '{}' already exists", user.login));
  }
  KUNREN_RETURN_IF_ERROR(status);
  for (Role r : roles) {
    KUNREN_RETURN_IF_ERROR(
        m_db->execute("INSERT INTO user_role (login, role) VALUES (?, ?)", {user.login, std::string(to_string(r))}));
  }
  for (const auto& org : orgs) {
    KUNREN_RETURN_IF_ERROR(m_db->execute("INSERT INTO user_org (login, org_id) VALUES (?, ?)", {user.login, org}));
  }
  KUNREN_RETURN_IF_ERROR(
      audit(now, actor, "user.create", "user", user.login, json{{"roles", role_names(roles)}, {"orgs", orgs}}));
  return tx.commit();
}

Result<User> SqlStore::get_user(const std::string& login) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  std::vector<User> users;
  KUNREN_RETURN_IF_ERROR(m_db->query(fmt::format("SELECT {} FROM app_user WHERE login = ?", k_user_columns), {login},
                                     push_into(users, user_from)));
  if (users.empty()) return user_not_found(login);
  KUNREN_RETURN_IF_ERROR(read_user_access(login, users));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return std::move(users.front());
}

Result<std::vector<User>> SqlStore::list_users() {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  std::vector<User> users;
  KUNREN_RETURN_IF_ERROR(m_db->query(fmt::format("SELECT {} FROM app_user ORDER BY login", k_user_columns), {},
                                     push_into(users, user_from)));
  KUNREN_RETURN_IF_ERROR(read_user_access("", users));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return users;
}

Status SqlStore::set_password_hash(const std::string& login, const std::string& hash, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto e = exists("SELECT 1 FROM app_user WHERE login = ?", login, Lock::kUpdate);
  if (!e) return e.status();
  if (!*e) return user_not_found(login);
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(m_db->execute("UPDATE app_user SET password_hash = ? WHERE login = ?", {hash, login}));
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "user.password", "user", login, json()));  // never the hash
  return tx.commit();
}

Status SqlStore::set_user_access(const std::string& login, const std::vector<Role>& roles,
                                 const std::vector<std::string>& orgs, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto e = exists("SELECT 1 FROM app_user WHERE login = ?", login, Lock::kUpdate);
  if (!e) return e.status();
  if (!*e) return user_not_found(login);
  for (const auto& org : orgs) {
    auto o = exists("SELECT 1 FROM organization WHERE id = ?", org, Lock::kShare);
    if (!o) return o.status();
    if (!*o) return org_not_found(org);
  }
  const Timestamp now = now_utc();
  const auto sorted_roles = normalized_roles(roles);
  const auto sorted_orgs = normalized_ids(orgs);
  KUNREN_RETURN_IF_ERROR(m_db->execute("DELETE FROM user_role WHERE login = ?", {login}));
  KUNREN_RETURN_IF_ERROR(m_db->execute("DELETE FROM user_org WHERE login = ?", {login}));
  for (Role r : sorted_roles) {
    KUNREN_RETURN_IF_ERROR(
        m_db->execute("INSERT INTO user_role (login, role) VALUES (?, ?)", {login, std::string(to_string(r))}));
  }
  for (const auto& org : sorted_orgs) {
    KUNREN_RETURN_IF_ERROR(m_db->execute("INSERT INTO user_org (login, org_id) VALUES (?, ?)", {login, org}));
  }
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "user.access", "user", login,
                               json{{"roles", role_names(sorted_roles)}, {"orgs", sorted_orgs}}));
  return tx.commit();
}

Status SqlStore::set_user_disabled(const std::string& login, bool disabled, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto e = exists("SELECT 1 FROM app_user WHERE login = ?", login, Lock::kUpdate);
  if (!e) return e.status();
  if (!*e) return user_not_found(login);
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(
      m_db->execute("UPDATE app_user SET disabled = ? WHERE login = ?", {std::int64_t{disabled ? 1 : 0}, login}));
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "user.disabled", "user", login, json{{"disabled", disabled}}));
  return tx.commit();
}

// --- audit -----------------------------------------------------------------------------

Status SqlStore::append_audit(const AuditEntry& entry) {
  KUNREN_RETURN_IF_ERROR(audit_entry_ok(entry));
  return m_db->execute(
      "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
      {now_utc(), entry.actor, entry.action, entry.object_type, entry.object_id, entry.detail});
}

Result<std::vector<AuditEntry>> SqlStore::list_audit(const AuditQuery& query) {
  std::string sql = fmt::format("SELECT {} FROM audit_log WHERE 1 = 1", k_audit_columns);
  std::vector<Value> params;
  if (!query.object_type.empty()) {
    sql += " AND object_type = ?";
    params.emplace_back(query.object_type);
  }
  if (!query.object_id.empty()) {
    sql += " AND object_id = ?";
    params.emplace_back(query.object_id);
  }
  if (query.limit > 0) {
    sql += " ORDER BY id DESC LIMIT ?";
    params.emplace_back(static_cast<std::int64_t>(query.limit));
  } else {
    sql += " ORDER BY id";
  }
  std::vector<AuditEntry> out;
  auto status = m_db->query(sql, params, push_into(out, audit_from));
  if (!status) return status;
  if (query.limit > 0) std::reverse(out.begin(), out.end());
  return out;
}

// --- exercises -------------------------------------------------------------------------

namespace {

// The columns of exercise `x`; scenario_content is read only when asked (the
// lists leave it out: it is the bulk of the row).
std::string exercise_columns(bool with_content) {
  return fmt::format(
      "x.id, x.title, x.org_id, x.campaign_id, x.scenario_id, x.scenario_version, x.scenario_sha256, {}, x.criteria, "
      "x.state, x.created_by, x.created_at, x.updated_at, x.last_seq, x.last_hash",
      with_content ? "x.scenario_content" : "''");
}
constexpr int k_exercise_column_count = 15;

ExerciseRecord exercise_from(const sql::Row& r) {
  ExerciseRecord e;
  e.id = r.str(0);
  e.title = r.str(1);
  e.org = r.str(2);
  e.campaign = r.str(3);  // NULL reads as empty
  e.scenario_id = r.str(4);
  e.scenario_version = r.str(5);
  e.scenario_sha256 = r.str(6);
  e.scenario_content = r.str(7);
  e.criteria = r.str(8);
  e.state = model::parse_exercise_state(r.text(9)).value_or(model::ExerciseState::kPlanned);
  e.created_by = r.str(10);
  e.created_at = r.str(11);
  e.updated_at = r.str(12);
  e.last_seq = r.int64(13);
  e.last_hash = r.str(14);
  return e;
}

constexpr const char* k_event_columns = "seq, at, scenario_ms, actor, role, kind, payload, prev_hash, hash";

model::ExerciseEvent event_from(const sql::Row& r) {
  model::ExerciseEvent e;
  e.seq = r.int64(0);
  e.at = r.str(1);
  e.scenario_ms = r.int64(2);
  e.actor = r.str(3);
  e.role = r.str(4);
  e.kind = r.str(5);
  e.payload = r.str(6);
  e.prev_hash = r.str(7);
  e.hash = r.str(8);
  return e;
}

}  // namespace

Status SqlStore::read_exercises(const std::string& where, const std::vector<Value>& params, bool with_content,
                                std::vector<ExerciseRecord>& out) {
  // One statement, so one snapshot: an exercise's row comes once per
  // participant (once, with NULLs, when it has none), by id then login.
  return m_db->query(fmt::format("SELECT {}, p.login, p.role FROM exercise x LEFT JOIN exercise_participant p ON "
                                 "p.exercise_id = x.id{} ORDER BY x.id, p.login",
                                 exercise_columns(with_content), where),
                     params, [&](const sql::Row& row) {
                       if (out.empty() || out.back().id != row.text(0)) out.push_back(exercise_from(row));
                       if (!row.is_null(k_exercise_column_count)) {
                         out.back().participants.push_back(
                             {row.str(k_exercise_column_count), row.str(k_exercise_column_count + 1)});
                       }
                       return Status::ok();
                     });
}

Result<std::optional<ExerciseRecord>> SqlStore::find_exercise(const std::string& id, Lock lock) {
  std::optional<ExerciseRecord> out;
  auto status = m_db->query(
      fmt::format("SELECT {} FROM exercise x WHERE x.id = ?{}", exercise_columns(false), lock_clause(lock)), {id},
      [&](const sql::Row& row) {
        out = exercise_from(row);
        return Status::ok();
      });
  if (!status) return status;
  return out;
}

Status SqlStore::check_participants(const std::vector<ExerciseParticipant>& participants) {
  for (const auto& p : participants) {
    // FOR SHARE: the user cannot go away until we commit.
    auto user = exists("SELECT 1 FROM app_user WHERE login = ?", p.login, Lock::kShare);
    if (!user) return user.status();
    if (!*user) return participant_not_found(p.login);
  }
  return Status::ok();
}

Status SqlStore::write_participants(const std::string& id, const std::vector<ExerciseParticipant>& participants) {
  KUNREN_RETURN_IF_ERROR(m_db->execute("DELETE FROM exercise_participant WHERE exercise_id = ?", {id}));
  for (const auto& p : sorted_participants(participants)) {
    KUNREN_RETURN_IF_ERROR(m_db->execute("INSERT INTO exercise_participant (exercise_id, login, role) VALUES (?, ?, ?)",
                                         {id, p.login, p.role}));
  }
  return Status::ok();
}

Status SqlStore::create_exercise(const ExerciseRecord& x, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(exercise_values_ok(x));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto existing = exists("SELECT 1 FROM exercise WHERE id = ?", x.id);
  if (!existing) return existing.status();
  if (*existing) return exercise_exists(x.id);
  auto org = exists("SELECT 1 FROM organization WHERE id = ?", x.org, Lock::kShare);
  if (!org) return org.status();
  if (!*org) return org_not_found(x.org);
  if (!x.campaign.empty()) {
    auto campaign = exists("SELECT 1 FROM campaign WHERE id = ?", x.campaign, Lock::kShare);
    if (!campaign) return campaign.status();
    if (!*campaign) return campaign_not_found(x.campaign);
  }
  KUNREN_RETURN_IF_ERROR(check_participants(x.participants));
  const Timestamp now = now_utc();
  Status status = m_db->execute(
      "INSERT INTO exercise (id, title, org_id, campaign_id, scenario_id, scenario_version, scenario_sha256, "
      "scenario_content, criteria, state, created_by, created_at, updated_at, last_seq, last_hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
      {x.id, x.title, x.org, x.campaign.empty() ? Value(nullptr) : Value(x.campaign), x.scenario_id,
       x.scenario_version, x.scenario_sha256, x.scenario_content, x.criteria,
       std::string(model::to_string(model::ExerciseState::kPlanned)), actor.name, now, now,
       std::string(model::k_genesis_hash)});
  if (status.kind() == ErrorKind::kConflict) return exercise_exists(x.id);  // created meanwhile
  KUNREN_RETURN_IF_ERROR(status);
  KUNREN_RETURN_IF_ERROR(write_participants(x.id, x.participants));
  ExerciseRecord audited = x;
  audited.participants = sorted_participants(x.participants);
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "exercise.create", "exercise", x.id, exercise_create_detail(audited)));
  return tx.commit();
}

Result<ExerciseRecord> SqlStore::get_exercise(const std::string& id) {
  std::vector<ExerciseRecord> out;
  KUNREN_RETURN_IF_ERROR(read_exercises(" WHERE x.id = ?", {id}, true, out));
  if (out.empty()) return exercise_not_found(id);
  return std::move(out.front());
}

Result<std::vector<ExerciseRecord>> SqlStore::list_exercises() {
  std::vector<ExerciseRecord> out;
  KUNREN_RETURN_IF_ERROR(read_exercises("", {}, false, out));
  return out;
}

Status SqlStore::set_exercise_participants(const std::string& id, const std::vector<ExerciseParticipant>& participants,
                                           const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(exercise_participants_ok(participants));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  // FOR UPDATE: two replacements of one exercise's list take turns, and the
  // exercise cannot end meanwhile.
  auto found = find_exercise(id, Lock::kUpdate);
  if (!found) return found.status();
  if (!*found) return exercise_not_found(id);
  if ((*found)->state == model::ExerciseState::kEnded) return exercise_ended(id, "its participants");
  KUNREN_RETURN_IF_ERROR(check_participants(participants));
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(write_participants(id, participants));
  KUNREN_RETURN_IF_ERROR(m_db->execute("UPDATE exercise SET updated_at = ? WHERE id = ?", {now, id}));
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "exercise.participants", "exercise", id,
                               json{{"participants", participants_json(participants)}}));
  return tx.commit();
}

Status SqlStore::set_exercise_criteria(const std::string& id, const std::string& criteria_json, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(exercise_criteria_ok(id, criteria_json));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto found = find_exercise(id, Lock::kUpdate);
  if (!found) return found.status();
  if (!*found) return exercise_not_found(id);
  if ((*found)->state == model::ExerciseState::kEnded) return exercise_ended(id, "its decision criteria");
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(
      m_db->execute("UPDATE exercise SET criteria = ?, updated_at = ? WHERE id = ?", {criteria_json, now, id}));
  KUNREN_RETURN_IF_ERROR(
      audit(now, actor, "exercise.criteria", "exercise", id, exercise_criteria_detail(criteria_json)));
  return tx.commit();
}

Result<std::vector<model::ExerciseEvent>> SqlStore::append_exercise_events(
    const std::string& id, std::int64_t expected_last_seq, const std::vector<model::NewExerciseEvent>& events,
    std::optional<model::ExerciseState> new_state) {
  KUNREN_RETURN_IF_ERROR(exercise_events_ok(events));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  // Appends to one log take turns (SQLite: BEGIN IMMEDIATE serialises every
  // writer; PostgreSQL: the exercise row FOR UPDATE, re-read once it is our
  // turn), so the log end read here is the one we append to, and the clock
  // is read only then.
  auto found = find_exercise(id, Lock::kUpdate);
  if (!found) return found.status();
  if (!*found) return exercise_not_found(id);
  const ExerciseRecord& x = **found;
  KUNREN_RETURN_IF_ERROR(exercise_append_allowed(id, x.state, x.last_seq, expected_last_seq, events, new_state));
  Timestamp last_at;
  if (x.last_seq > 0) {
    KUNREN_RETURN_IF_ERROR(m_db->query("SELECT at FROM exercise_event WHERE exercise_id = ? AND seq = ?",
                                       {id, x.last_seq}, [&](const sql::Row& row) {
                                         last_at = row.str(0);
                                         return Status::ok();
                                       }));
  }
  const Timestamp now = event_time(now_utc(), last_at);
  auto written = chain_events(events, x.last_seq, x.last_hash, now);
  for (const auto& e : written) {
    Status status = m_db->execute(
        fmt::format("INSERT INTO exercise_event (exercise_id, {}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    k_event_columns),
        {id, e.seq, e.at, e.scenario_ms, e.actor, e.role, e.kind, e.payload, e.prev_hash, e.hash});
    if (status.kind() == ErrorKind::kConflict) {
      // Cannot happen while the exercise row is locked; said plainly if it does.
      return Status::conflict(
          fmt::format("exercise '{}': stale log position: event {} was written by another writer", id, e.seq));
    }
    KUNREN_RETURN_IF_ERROR(status);
  }
  const std::int64_t last_seq = written.empty() ? x.last_seq : written.back().seq;
  const std::string last_hash = written.empty() ? x.last_hash : written.back().hash;
  const std::string state = model::to_string(new_state.value_or(x.state));
  KUNREN_RETURN_IF_ERROR(
      m_db->execute("UPDATE exercise SET state = ?, last_seq = ?, last_hash = ?, updated_at = ? WHERE id = ?",
                    {state, last_seq, last_hash, now, id}));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return written;
}

Result<std::vector<model::ExerciseEvent>> SqlStore::list_exercise_events(const std::string& id, std::int64_t after_seq,
                                                                         std::size_t limit) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto e = exists("SELECT 1 FROM exercise WHERE id = ?", id);
  if (!e) return e.status();
  if (!*e) return exercise_not_found(id);
  std::string sql =
      fmt::format("SELECT {} FROM exercise_event WHERE exercise_id = ? AND seq > ? ORDER BY seq", k_event_columns);
  std::vector<Value> params{id, after_seq};
  if (limit > 0) {
    sql += " LIMIT ?";
    params.emplace_back(static_cast<std::int64_t>(limit));
  }
  std::vector<model::ExerciseEvent> out;
  KUNREN_RETURN_IF_ERROR(m_db->query(sql, params, push_into(out, event_from)));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

// --- bundles ---------------------------------------------------------------------------

Result<CampaignBundle> SqlStore::export_campaign(const std::string& id) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  std::vector<CampaignRecord> found;
  KUNREN_RETURN_IF_ERROR(read_campaigns(" WHERE c.id = ?", {id}, found));
  if (found.empty()) return campaign_not_found(id);
  CampaignBundle b;
  b.campaign = std::move(found.front());
  auto checklist = find_checklist(b.campaign.checklist_id, b.campaign.checklist_version);
  if (!checklist) return checklist.status();
  if (!*checklist) return Status::internal(fmt::format("campaign '{}' lost its checklist", id));
  b.checklist = std::move(**checklist);
  KUNREN_RETURN_IF_ERROR(m_db->query(
      fmt::format("SELECT {} FROM organization WHERE id IN (SELECT org_id FROM evaluation WHERE campaign_id = ?) "
                  "ORDER BY id",
                  k_org_columns),
      {id}, push_into(b.orgs, org_from)));
  KUNREN_RETURN_IF_ERROR(
      m_db->query(fmt::format("SELECT {} FROM import WHERE campaign_id = ? ORDER BY id", k_import_columns), {id},
                  push_into(b.imports, import_from)));
  KUNREN_RETURN_IF_ERROR(read_revisions("e.campaign_id = ?", {id}, "r.id", b.revisions));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return b;
}

Status SqlStore::restore_campaign(const CampaignBundle& bundle, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  const CampaignRecord& c = bundle.campaign;
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  if (m_db->dialect() == sql::Dialect::kPostgres) {
    KUNREN_RETURN_IF_ERROR(m_db->exec("LOCK TABLE organization IN SHARE ROW EXCLUSIVE MODE"));
  }
  StoredState stored;
  auto existing_campaign = find_campaign(c.id, Lock::kNone);
  if (!existing_campaign) return existing_campaign.status();
  stored.campaign_exists = existing_campaign->has_value();
  auto stored_checklist = find_checklist(bundle.checklist.id, bundle.checklist.version);
  if (!stored_checklist) return stored_checklist.status();
  stored.checklist = std::move(*stored_checklist);
  KUNREN_RETURN_IF_ERROR(m_db->query(fmt::format("SELECT {} FROM organization", k_org_columns), {},
                                     push_into(stored.orgs, org_from)));
  if (!c.coordinators.empty()) {
    // FOR SHARE (of the users): their roles cannot change until we commit.
    KUNREN_RETURN_IF_ERROR(
        m_db->query(fmt::format("SELECT u.login FROM app_user u JOIN user_role r ON r.login = u.login WHERE r.role = "
                                "'coordinator'{}",
                                m_db->dialect() == sql::Dialect::kPostgres ? " FOR SHARE OF u" : ""),
                    {}, [&](const sql::Row& row) {
                      stored.coordinators.push_back(row.str(0));
                      return Status::ok();
                    }));
  }
  auto plan = plan_restore(bundle, stored);
  if (!plan) return plan.status();

  auto import_ids = m_db->reserve_ids("import", bundle.imports.size());
  if (!import_ids) return import_ids.status();
  const Timestamp now = now_utc();
  if (plan->checklist_added) KUNREN_RETURN_IF_ERROR(insert_checklist(bundle.checklist, now));
  const std::size_t orgs_added = plan->new_orgs.size();
  if (orgs_added > 0) {
    auto bulk = m_db->bulk_insert("organization", {"id", "name", "industry", "size", "pseudonym", "created_at"});
    if (!bulk) return bulk.status();
    for (const auto& o : plan->new_orgs) {
      KUNREN_RETURN_IF_ERROR((*bulk)->add({o.id, o.name, o.industry, o.size, o.pseudonym, o.created_at}));
    }
    KUNREN_RETURN_IF_ERROR((*bulk)->finish());
  }
  KUNREN_RETURN_IF_ERROR(
      m_db->execute(fmt::format("INSERT INTO campaign ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k_campaign_columns),
                    {c.id, c.title, c.checklist_id, c.checklist_version, c.opens_on, c.closes_on,
                     std::int64_t{c.min_group}, std::string(to_string(c.state)), c.created_at, c.updated_at}));
  KUNREN_RETURN_IF_ERROR(write_coordinators(c.id, plan->coordinators));
  for (std::size_t i = 0; i < bundle.imports.size(); ++i) {
    const auto& imp = bundle.imports[i];
    KUNREN_RETURN_IF_ERROR(m_db->execute(
        fmt::format("INSERT INTO import ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", k_import_columns),
        {(*import_ids)[i], c.id, imp.filename, imp.sha256, imp.actor, imp.at, imp.revisions, imp.unchanged}));
  }
  KUNREN_RETURN_IF_ERROR(ensure_evaluations(c.id, plan->revision_orgs, now));
  std::unordered_map<std::string, std::int64_t> evaluation_of;
  KUNREN_RETURN_IF_ERROR(
      m_db->query("SELECT id, org_id FROM evaluation WHERE campaign_id = ?", {c.id}, [&](const sql::Row& row) {
        evaluation_of.emplace(row.str(1), row.int64(0));
        return Status::ok();
      }));
  std::vector<RevisionToWrite> rows;
  rows.reserve(bundle.revisions.size());
  for (std::size_t k = 0; k < bundle.revisions.size(); ++k) {
    const Revision& r = bundle.revisions[k];
    const std::size_t imp = plan->import_of[k];
    RevisionToWrite w;
    w.evaluation_id = evaluation_of.at(r.org);
    w.no = r.no;
    w.state = r.state;
    w.author = r.author;
    w.created_at = r.created_at;
    w.import_id = imp == RestorePlan::k_no_import ? 0 : (*import_ids)[imp];
    w.answers = normalized_answers(r.answers);
    rows.push_back(std::move(w));
  }
  auto ids = write_revisions(rows, {});
  if (!ids) return ids.status();
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "campaign.restore", "campaign", c.id, restore_audit_detail(bundle, *plan)));
  return tx.commit();
}

// --- preparedness records -----------------------------------------------------------

namespace {

constexpr const char* k_document_columns = "org_id, kind, no, content, author, created_at";

OrgDocument document_from(const sql::Row& r) {
  return OrgDocument{r.str(0), r.str(1), static_cast<int>(r.int64(2)), r.str(3), r.str(4), r.str(5)};
}

}  // namespace

Status SqlStore::check_document_reader(const std::string& org, const std::string& kind) {
  KUNREN_RETURN_IF_ERROR(org_document_kind_ok(kind));
  auto e = exists("SELECT 1 FROM organization WHERE id = ?", org);
  if (!e) return e.status();
  if (!*e) return org_not_found(org);
  return Status::ok();
}

Status SqlStore::read_documents(const std::string& org, const std::string& kind, const std::string& extra,
                                const std::vector<Value>& params, std::vector<OrgDocument>& out) {
  std::vector<Value> all{org, kind};
  all.insert(all.end(), params.begin(), params.end());
  return m_db->query(
      fmt::format("SELECT {} FROM org_document WHERE org_id = ? AND kind = ?{} ORDER BY no", k_document_columns, extra),
      all, push_into(out, document_from));
}

Result<OrgDocument> SqlStore::append_org_document(const std::string& org, const std::string& kind, int expected_no,
                                                  const std::string& content, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(org_document_values_ok(org, kind, expected_no, content));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  // Saves of one record take turns (SQLite: BEGIN IMMEDIATE serialises every
  // writer; PostgreSQL: a lock per (org, kind) held to the commit), so the
  // latest revision read below is the one this save follows, and two saves
  // based on the same revision cannot both pass the check.
  if (m_db->dialect() == sql::Dialect::kPostgres) {
    KUNREN_RETURN_IF_ERROR(
        m_db->execute("SELECT pg_advisory_xact_lock(hashtext(?))", {"kunren.document:" + org + "\n" + kind}));
  }
  // FOR SHARE: the organisation cannot go away until we commit.
  auto found = exists("SELECT 1 FROM organization WHERE id = ?", org, Lock::kShare);
  if (!found) return found.status();
  if (!*found) return org_not_found(org);
  int latest = 0;
  Timestamp latest_at;
  KUNREN_RETURN_IF_ERROR(m_db->query(
      "SELECT no, created_at FROM org_document WHERE org_id = ? AND kind = ? ORDER BY no DESC LIMIT 1", {org, kind},
      [&](const sql::Row& row) {
        latest = static_cast<int>(row.int64(0));
        latest_at = row.str(1);
        return Status::ok();
      }));
  KUNREN_RETURN_IF_ERROR(org_document_stale(org, kind, latest, expected_no));
  const Timestamp now = event_time(now_utc(), latest_at);
  OrgDocument d{org, kind, latest + 1, content, actor.name, now};
  Status status = m_db->execute(
      fmt::format("INSERT INTO org_document ({}) VALUES (?, ?, ?, ?, ?, ?)", k_document_columns),
      {d.org, d.kind, std::int64_t{d.no}, d.content, d.author, d.created_at});
  // Cannot happen while the turn is ours; said as what it would mean if it did.
  if (status.kind() == ErrorKind::kConflict) return org_document_stale(org, kind, d.no, expected_no);
  KUNREN_RETURN_IF_ERROR(status);
  KUNREN_RETURN_IF_ERROR(
      audit(now, actor, "document.save", "org-document", org_document_object_id(org, kind), json{{"no", d.no}}));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return d;
}

Result<std::optional<OrgDocument>> SqlStore::latest_org_document(const std::string& org, const std::string& kind) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  KUNREN_RETURN_IF_ERROR(check_document_reader(org, kind));
  std::vector<OrgDocument> out;
  KUNREN_RETURN_IF_ERROR(read_documents(
      org, kind, " AND no = (SELECT MAX(no) FROM org_document WHERE org_id = ? AND kind = ?)", {org, kind}, out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  if (out.empty()) return std::optional<OrgDocument>();
  return std::optional<OrgDocument>(std::move(out.front()));
}

Result<OrgDocument> SqlStore::get_org_document(const std::string& org, const std::string& kind, int no) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  KUNREN_RETURN_IF_ERROR(check_document_reader(org, kind));
  std::vector<OrgDocument> out;
  KUNREN_RETURN_IF_ERROR(read_documents(org, kind, " AND no = ?", {std::int64_t{no}}, out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  if (out.empty()) return org_document_not_found(org, kind, no);
  return std::move(out.front());
}

Result<std::vector<OrgDocument>> SqlStore::org_document_history(const std::string& org, const std::string& kind) {
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  KUNREN_RETURN_IF_ERROR(check_document_reader(org, kind));
  std::vector<OrgDocument> out;
  KUNREN_RETURN_IF_ERROR(read_documents(org, kind, "", {}, out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

Status SqlStore::backup(const std::string& path) { return m_backup(path); }

// --- campaign documents -------------------------------------------------------------

namespace {

constexpr const char* k_campaign_document_columns = "campaign_id, kind, no, content, author, created_at";
constexpr const char* k_key_columns = "org_id, key_id, public_key, added_by, added_at, revoked_at";
constexpr const char* k_package_columns =
    "id, campaign_id, org_id, sha256, key_id, created_at, filename, revision_id, imported_by, imported_at";

CampaignDocument campaign_document_from(const sql::Row& r) {
  return CampaignDocument{r.str(0), r.str(1), static_cast<int>(r.int64(2)), r.str(3), r.str(4), r.str(5)};
}

OrgKey key_from(const sql::Row& r) { return OrgKey{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)}; }

PackageRecord package_from(const sql::Row& r) {
  PackageRecord p;
  p.id = r.int64(0);
  p.campaign = r.str(1);
  p.org = r.str(2);
  p.sha256 = r.str(3);
  p.key_id = r.str(4);
  p.created_at = r.str(5);
  p.filename = r.str(6);
  p.revision_id = r.is_null(7) ? 0 : r.int64(7);
  p.imported_by = r.str(8);
  p.imported_at = r.str(9);
  return p;
}

}  // namespace

Status SqlStore::read_campaign_documents(const std::string& campaign, const std::string& kind,
                                         const std::string& extra, const std::vector<Value>& params,
                                         std::vector<CampaignDocument>& out) {
  std::vector<Value> all{campaign, kind};
  all.insert(all.end(), params.begin(), params.end());
  return m_db->query(fmt::format("SELECT {} FROM campaign_document WHERE campaign_id = ? AND kind = ?{} ORDER BY no",
                                 k_campaign_document_columns, extra),
                     all, push_into(out, campaign_document_from));
}

Result<CampaignDocument> SqlStore::append_campaign_document(const std::string& campaign, const std::string& kind,
                                                            int expected_no, const std::string& content,
                                                            const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(campaign_document_values_ok(campaign, kind, expected_no, content));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  if (m_db->dialect() == sql::Dialect::kPostgres) {
    KUNREN_RETURN_IF_ERROR(m_db->execute("SELECT pg_advisory_xact_lock(hashtext(?))",
                                         {"kunren.campaign-document:" + campaign + "\n" + kind}));
  }
  auto found = find_campaign(campaign, Lock::kShare);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  int latest = 0;
  Timestamp latest_at;
  KUNREN_RETURN_IF_ERROR(m_db->query(
      "SELECT no, created_at FROM campaign_document WHERE campaign_id = ? AND kind = ? ORDER BY no DESC LIMIT 1",
      {campaign, kind}, [&](const sql::Row& row) {
        latest = static_cast<int>(row.int64(0));
        latest_at = row.str(1);
        return Status::ok();
      }));
  KUNREN_RETURN_IF_ERROR(campaign_document_stale(campaign, kind, latest, expected_no));
  const Timestamp now = event_time(now_utc(), latest_at);
  CampaignDocument d{campaign, kind, latest + 1, content, actor.name, now};
  Status status = m_db->execute(
      fmt::format("INSERT INTO campaign_document ({}) VALUES (?, ?, ?, ?, ?, ?)", k_campaign_document_columns),
      {d.campaign, d.kind, std::int64_t{d.no}, d.content, d.author, d.created_at});
  if (status.kind() == ErrorKind::kConflict) return campaign_document_stale(campaign, kind, d.no, expected_no);
  KUNREN_RETURN_IF_ERROR(status);
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "campaign.document", "campaign", campaign, json{{"kind", kind}, {"no", d.no}}));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return d;
}

Result<std::optional<CampaignDocument>> SqlStore::latest_campaign_document(const std::string& campaign,
                                                                           const std::string& kind) {
  KUNREN_RETURN_IF_ERROR(campaign_document_kind_ok(kind));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  std::vector<CampaignDocument> out;
  KUNREN_RETURN_IF_ERROR(read_campaign_documents(
      campaign, kind, " AND no = (SELECT MAX(no) FROM campaign_document WHERE campaign_id = ? AND kind = ?)",
      {campaign, kind}, out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  if (out.empty()) return std::optional<CampaignDocument>();
  return std::optional<CampaignDocument>(std::move(out.front()));
}

Result<std::vector<CampaignDocument>> SqlStore::campaign_document_history(const std::string& campaign,
                                                                          const std::string& kind) {
  KUNREN_RETURN_IF_ERROR(campaign_document_kind_ok(kind));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  std::vector<CampaignDocument> out;
  KUNREN_RETURN_IF_ERROR(read_campaign_documents(campaign, kind, "", {}, out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

// --- signing keys and packages ----------------------------------------------------------

Status SqlStore::add_org_key(const OrgKey& key, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(org_key_values_ok(key));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto org = exists("SELECT 1 FROM organization WHERE id = ?", key.org, Lock::kShare);
  if (!org) return org.status();
  if (!*org) return org_not_found(key.org);
  auto dup = exists("SELECT 1 FROM org_key WHERE key_id = ?", key.key_id);
  if (!dup) return dup.status();
  if (*dup) return org_key_exists(key.key_id);
  const Timestamp now = now_utc();
  Status status = m_db->execute(fmt::format("INSERT INTO org_key ({}) VALUES (?, ?, ?, ?, ?, '')", k_key_columns),
                                {key.org, key.key_id, key.public_key, actor.name, now});
  if (status.kind() == ErrorKind::kConflict) return org_key_exists(key.key_id);
  KUNREN_RETURN_IF_ERROR(status);
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "org.key.add", "org", key.org, json{{"key_id", key.key_id}}));
  return tx.commit();
}

Result<std::vector<OrgKey>> SqlStore::list_org_keys(const std::string& org) {
  KUNREN_RETURN_IF_ERROR(check_text(org, "an organisation id"));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = exists("SELECT 1 FROM organization WHERE id = ?", org);
  if (!found) return found.status();
  if (!*found) return org_not_found(org);
  std::vector<OrgKey> out;
  KUNREN_RETURN_IF_ERROR(m_db->query(
      fmt::format("SELECT {} FROM org_key WHERE org_id = ? ORDER BY added_at, key_id", k_key_columns), {org},
      push_into(out, key_from)));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

Status SqlStore::revoke_org_key(const std::string& org, const std::string& key_id, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(check_text(org, "an organisation id"));
  KUNREN_RETURN_IF_ERROR(check_text(key_id, "a key id"));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  auto found = exists("SELECT 1 FROM organization WHERE id = ?", org);
  if (!found) return found.status();
  if (!*found) return org_not_found(org);
  std::optional<std::string> revoked;
  KUNREN_RETURN_IF_ERROR(m_db->query(
      fmt::format("SELECT revoked_at FROM org_key WHERE org_id = ? AND key_id = ?{}", lock_clause(Lock::kUpdate)),
      {org, key_id}, [&](const sql::Row& row) {
        revoked = row.str(0);
        return Status::ok();
      }));
  if (!revoked) return org_key_not_found(org, key_id);
  if (!revoked->empty()) return org_key_revoked(org, key_id);
  const Timestamp now = now_utc();
  KUNREN_RETURN_IF_ERROR(
      m_db->execute("UPDATE org_key SET revoked_at = ? WHERE key_id = ? AND revoked_at = ''", {now, key_id}));
  KUNREN_RETURN_IF_ERROR(audit(now, actor, "org.key.revoke", "org", org, json{{"key_id", key_id}}));
  return tx.commit();
}

Status SqlStore::read_packages(const std::string& where, const std::vector<Value>& params,
                               std::vector<PackageRecord>& out) {
  return m_db->query(fmt::format("SELECT {} FROM package WHERE {} ORDER BY id", k_package_columns, where), params,
                     push_into(out, package_from));
}

Result<PackageImportResult> SqlStore::import_package(const NewPackage& p, const Actor& actor) {
  KUNREN_RETURN_IF_ERROR(actor_ok(actor));
  KUNREN_RETURN_IF_ERROR(new_package_ok(p));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin());
  // The campaign's append turn (reentrant: append_in_transaction takes it
  // again), so the duplicate and replay checks below cannot race another
  // import into the same campaign.
  if (m_db->dialect() == sql::Dialect::kPostgres) {
    KUNREN_RETURN_IF_ERROR(m_db->execute("SELECT pg_advisory_xact_lock(hashtext(?))", {"kunren.append:" + p.campaign}));
  }
  PackageImportResult result;
  std::vector<PackageRecord> earlier;
  KUNREN_RETURN_IF_ERROR(read_packages("campaign_id = ? AND sha256 = ?", {p.campaign, p.sha256}, earlier));
  if (!earlier.empty()) {
    result.duplicate = true;
    result.record = earlier.front();
    KUNREN_RETURN_IF_ERROR(tx.commit());
    return result;
  }
  KUNREN_RETURN_IF_ERROR(read_packages(
      "campaign_id = ? AND org_id = ? AND created_at = (SELECT MAX(created_at) FROM package WHERE campaign_id = ? "
      "AND org_id = ?)",
      {p.campaign, p.org, p.campaign, p.org}, earlier));
  if (!earlier.empty() && earlier.front().created_at >= p.created_at) return package_replayed(p, earlier.front());
  auto key = exists("SELECT 1 FROM org_key WHERE key_id = ?", p.key_id);
  if (!key) return key.status();
  if (!*key) return org_key_not_found(p.org, p.key_id);
  NewRevision rev{p.org, RevisionState::kSubmitted, p.answers};
  auto appended = append_in_transaction(p.campaign, {rev}, nullptr, actor, {});
  if (!appended) return appended.status();
  PackageRecord r;
  auto id = m_db->reserve_ids("package", 1);
  if (!id) return id.status();
  r.id = id->front();
  r.campaign = p.campaign;
  r.org = p.org;
  r.sha256 = p.sha256;
  r.key_id = p.key_id;
  r.created_at = p.created_at;
  r.filename = p.filename;
  r.revision_id = appended->revision_ids.empty() ? 0 : appended->revision_ids.front();
  r.imported_by = actor.name;
  r.imported_at = now_utc();
  Value revision = r.revision_id == 0 ? Value() : Value(r.revision_id);
  KUNREN_RETURN_IF_ERROR(
      m_db->execute(fmt::format("INSERT INTO package ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k_package_columns),
                    {r.id, r.campaign, r.org, r.sha256, r.key_id, r.created_at, r.filename, revision, r.imported_by,
                     r.imported_at}));
  KUNREN_RETURN_IF_ERROR(audit(r.imported_at, actor, "package.import", "campaign", p.campaign,
                               json{{"org", p.org}, {"sha256", p.sha256}, {"key_id", p.key_id},
                                    {"revision_id", r.revision_id}}));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  result.record = std::move(r);
  result.created = result.record.revision_id != 0;
  return result;
}

Result<std::vector<PackageRecord>> SqlStore::list_packages(const std::string& campaign) {
  KUNREN_RETURN_IF_ERROR(check_text(campaign, "a campaign id"));
  sql::Transaction tx(*m_db);
  KUNREN_RETURN_IF_ERROR(tx.begin_read());
  auto found = find_campaign(campaign, Lock::kNone);
  if (!found) return found.status();
  if (!*found) return campaign_not_found(campaign);
  std::vector<PackageRecord> out;
  KUNREN_RETURN_IF_ERROR(read_packages("campaign_id = ?", {campaign}, out));
  KUNREN_RETURN_IF_ERROR(tx.commit());
  return out;
}

}  // namespace kunren::store
