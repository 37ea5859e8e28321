// The in-memory fake behind "memory:": every method of the Store contract
// over plain containers, with the same errors, orderings and audit entries as
// the SQL backends (tests/store/store_conformance_test.cpp holds all three to
// that). Each mutating method first checks everything that can fail and
// builds what it will add on the side; only then does it change the store, so
// a failing call leaves it exactly as it was — the fake's "transaction".
// Nothing persists: each make_memory_store() starts empty.
// Thread safety: one thread at a time, like every Store.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/model/responses.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::store {

namespace {

using nlohmann::json;


class MemoryStore final : public Store {
 public:
  const char* backend() const override { return "memory"; }
  std::string url() const override { return "memory:"; }

  // The fake has no schema: version and latest are both 0.
  Result<SchemaInfo> schema_info() override { return SchemaInfo{}; }

  // --- organisations ---

  Status put_orgs(const std::vector<OrgRecord>& orgs, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(check_orgs(orgs));
    const Timestamp now = m_call_time.value_or(now_utc());
    std::vector<model::Organization> all;
    for (const auto& [id, o] : m_orgs) all.push_back({o.id, o.name, o.industry, o.size, o.pseudonym});
    std::size_t added = 0, updated = 0;
    for (const auto& o : orgs) {
      if (m_orgs.count(o.id) == 0) all.push_back({o.id, o.name, o.industry, o.size, {}}), ++added;
    }
    model::assign_pseudonyms(all);
    // Nothing below can fail.
    for (const auto& o : orgs) {
      auto it = m_orgs.find(o.id);
      if (it != m_orgs.end()) {
        auto& stored = it->second;
        if (stored.name != o.name || stored.industry != o.industry || stored.size != o.size) ++updated;
        stored.name = o.name, stored.industry = o.industry, stored.size = o.size;
      }
    }
    for (const auto& o : all) {
      if (m_orgs.count(o.id) > 0) continue;
      m_orgs[o.id] = OrgRecord{o.id, o.name, o.industry, o.size, o.pseudonym, now};
    }
    audit(now, actor, "org.put", "org", "", json{{"added", added}, {"updated", updated}});
    return Status::ok();
  }

  Result<std::vector<OrgRecord>> list_orgs() override {
    std::vector<OrgRecord> out;
    for (const auto& [id, o] : m_orgs) out.push_back(o);
    return out;
  }

  Result<OrgRecord> get_org(const std::string& id) override {
    auto it = m_orgs.find(id);
    if (it == m_orgs.end()) return org_not_found(id);
    return it->second;
  }

  // --- checklists ---

  Status put_checklist(const ChecklistRecord& checklist, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    auto it = m_checklists.find({checklist.id, checklist.version});
    if (it != m_checklists.end()) {
      if (it->second.sha256 == checklist.sha256) return Status::ok();
      return Status::conflict(fmt::format("checklist '{}' version '{}' is already registered with other content",
                                          checklist.id, checklist.version));
    }
    KUNREN_RETURN_IF_ERROR(checklist_record_ok(checklist));
    const Timestamp now = now_utc();
    ChecklistRecord r = checklist;
    r.registered_at = now;
    m_checklists[{r.id, r.version}] = r;
    audit(now, actor, "checklist.put", "checklist", r.id, json{{"version", r.version}, {"sha256", r.sha256}});
    return Status::ok();
  }

  Result<ChecklistRecord> get_checklist(const std::string& id, const std::string& version) override {
    auto it = m_checklists.find({id, version});
    if (it == m_checklists.end()) return checklist_not_found(id, version);
    return it->second;
  }

  Result<std::vector<ChecklistRecord>> list_checklists() override {
    std::vector<ChecklistRecord> out;
    for (const auto& [key, r] : m_checklists) out.push_back(r);
    return out;
  }

  // --- campaigns ---

  Status create_campaign(const CampaignRecord& campaign, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(campaign_values_ok(campaign));
    if (m_campaigns.count(campaign.id) > 0) {
      return Status::conflict(fmt::format("campaign '{}' already exists", campaign.id));
    }
    if (m_checklists.count({campaign.checklist_id, campaign.checklist_version}) == 0) {
      return checklist_not_found(campaign.checklist_id, campaign.checklist_version);
    }
    KUNREN_RETURN_IF_ERROR(check_coordinators(campaign.coordinators));
    const Timestamp now = now_utc();
    CampaignRecord c = campaign;
    c.created_at = c.updated_at = now;
    c.coordinators = normalized_ids(c.coordinators);
    m_campaigns[c.id] = c;
    json detail{{"checklist", c.checklist_id}, {"version", c.checklist_version}, {"state", to_string(c.state)}};
    if (!c.coordinators.empty()) detail["coordinators"] = c.coordinators;
    audit(now, actor, "campaign.create", "campaign", c.id, detail);
    return Status::ok();
  }

  Result<CampaignRecord> get_campaign(const std::string& id) override {
    auto it = m_campaigns.find(id);
    if (it == m_campaigns.end()) return campaign_not_found(id);
    return it->second;
  }

  Result<std::vector<CampaignRecord>> list_campaigns() override {
    std::vector<CampaignRecord> out;
    for (const auto& [id, c] : m_campaigns) out.push_back(c);
    return out;
  }

  Status set_campaign_coordinators(const std::string& campaign, const std::vector<std::string>& logins,
                                   const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(coordinator_logins_ok(logins));
    auto it = m_campaigns.find(campaign);
    if (it == m_campaigns.end()) return campaign_not_found(campaign);
    KUNREN_RETURN_IF_ERROR(check_coordinators(logins));
    const Timestamp now = now_utc();
    it->second.coordinators = normalized_ids(logins);
    audit(now, actor, "campaign.coordinators", "campaign", campaign, json{{"coordinators", it->second.coordinators}});
    return Status::ok();
  }

  Status set_campaign_state(const std::string& id, CampaignState to, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    auto it = m_campaigns.find(id);
    if (it == m_campaigns.end()) return campaign_not_found(id);
    CampaignRecord& c = it->second;
    const CampaignState from = c.state;
    if (!campaign_transition_allowed(from, to)) return Status::conflict(transition_refusal(id, from, to));
    if (to == CampaignState::kPublished) {
      std::set<std::string> submitted;
      for (const auto& r : m_revisions) {
        if (r.campaign == id && r.state == RevisionState::kSubmitted) submitted.insert(r.org);
      }
      if (submitted.size() < static_cast<std::size_t>(c.min_group)) {
        return Status::conflict(fmt::format(
            "campaign '{}' has {} organisations with a submitted evaluation; publishing needs at least {} (min_group)",
            id, submitted.size(), c.min_group));
      }
    }
    const Timestamp now = now_utc();
    c.state = to;
    c.updated_at = now;
    audit(now, actor, "campaign.state", "campaign", id, json{{"from", to_string(from)}, {"to", to_string(to)}});
    return Status::ok();
  }

  // --- revisions ---

  Result<AppendResult> append_revisions(const std::string& campaign, const std::vector<NewRevision>& revisions,
                                        const ImportRecord* source, const Actor& actor,
                                        const AppendOptions& options) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    if (source != nullptr) KUNREN_RETURN_IF_ERROR(check_text(source->filename, "the import's file name"));
    if (!options.register_orgs.empty()) {
      // The fake's transaction: register, append, and undo the registration
      // if the append fails (audit ids are positions, so trimming is exact).
      // One time for the whole call, as in SQL: both halves use m_call_time.
      auto saved_orgs = m_orgs;
      const std::size_t saved_audit = m_audit.size();
      m_call_time = append_time(campaign);
      Status registered = put_orgs(options.register_orgs, actor);
      AppendOptions rest = options;
      rest.register_orgs.clear();
      Result<AppendResult> result = registered;
      if (registered) result = append_revisions(campaign, revisions, source, actor, rest);
      m_call_time.reset();
      if (!result) {
        m_orgs = std::move(saved_orgs);
        m_audit.resize(saved_audit);
      }
      return result;
    }
    auto cit = m_campaigns.find(campaign);
    if (cit == m_campaigns.end()) return campaign_not_found(campaign);
    const CampaignRecord& c = cit->second;
    if (options.require_open && c.state != CampaignState::kOpen) {
      return Status::conflict(
          fmt::format("campaign '{}' is {}; answers can only be added while it is open", campaign, to_string(c.state)));
    }
    auto checklist = campaign_checklist(c);
    if (!checklist) return checklist.status();

    // Check everything and decide what to write before writing anything.
    struct Planned {
      const NewRevision* input;
      std::vector<Answer> answers;
      int no;
    };
    std::vector<Planned> planned;
    std::unordered_set<std::string> seen;
    std::size_t unchanged = 0;
    for (const auto& r : revisions) {
      if (m_orgs.count(r.org) == 0) return org_not_found(r.org);
      if (!seen.insert(r.org).second) {
        return Status::bad_input(fmt::format("organisation '{}' appears more than once", r.org),
                                 Location{{}, 0, 0, "org"});
      }
      KUNREN_RETURN_IF_ERROR(check_new_revision(**checklist, r));
      auto answers = normalized_answers(r.answers);
      const Revision* latest = latest_of(campaign, r.org);
      if (options.skip_unchanged && latest != nullptr && latest->state == r.state && latest->answers == answers) {
        ++unchanged;
        continue;
      }
      planned.push_back({&r, std::move(answers), latest == nullptr ? 1 : latest->no + 1});
    }

    const Timestamp now = m_call_time.value_or(append_time(campaign));
    AppendResult result;
    result.created = planned.size();
    result.unchanged = unchanged;
    if (source != nullptr) result.import_id = static_cast<std::int64_t>(m_imports.size()) + 1;
    std::vector<Revision> written;
    written.reserve(planned.size());
    for (auto& p : planned) {
      Revision r;
      r.id = static_cast<std::int64_t>(m_revisions.size() + written.size()) + 1;
      r.campaign = campaign;
      r.org = p.input->org;
      r.no = p.no;
      r.state = p.input->state;
      r.author = actor.name;
      r.created_at = now;
      r.import_id = result.import_id;
      r.answers = std::move(p.answers);
      result.revision_ids.push_back(r.id);
      written.push_back(std::move(r));
      if (options.progress) options.progress(written.size(), planned.size());
    }

    // Commit: nothing below can fail.
    for (auto& r : written) {
      m_history[{r.campaign, r.org}].push_back(m_revisions.size());
      m_revisions.push_back(std::move(r));
    }
    json detail{{"created", result.created}, {"unchanged", result.unchanged}};
    if (source != nullptr) {
      ImportRecord i;
      i.id = result.import_id;
      i.campaign = campaign;
      i.filename = source->filename;
      i.sha256 = source->sha256;
      i.actor = actor.name;
      i.at = now;
      i.revisions = static_cast<std::int64_t>(result.created);
      i.unchanged = static_cast<std::int64_t>(result.unchanged);
      m_imports.push_back(i);
      detail["import_id"] = i.id;
      detail["file"] = i.filename;
    }
    audit(now, actor, source != nullptr ? "revision.import" : "revision.append", "campaign", campaign, detail);
    return result;
  }

  Result<std::vector<Revision>> latest_revisions(const std::string& campaign, const LatestQuery& query) override {
    // as_of first, then campaign, then org: the order of the SQL store.
    Timestamp as_of;
    if (!query.as_of.empty()) {
      auto parsed = parse_timestamp(query.as_of);
      if (!parsed) return parsed.status();
      as_of = *parsed;
    }
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    if (!query.org.empty() && m_orgs.count(query.org) == 0) return org_not_found(query.org);
    std::vector<Revision> out;
    for (auto it = m_history.lower_bound({campaign, query.org}); it != m_history.end() && it->first.first == campaign;
         ++it) {
      if (!query.org.empty() && it->first.second != query.org) break;
      for (auto pos = it->second.rbegin(); pos != it->second.rend(); ++pos) {
        const Revision& r = m_revisions[*pos];
        if (!as_of.empty() && r.created_at > as_of) continue;
        if (query.state && r.state != *query.state) continue;
        if (query.with_answers) {
          out.push_back(r);
        } else {
          out.push_back(Revision{r.id, r.campaign, r.org, r.no, r.state, r.author, r.created_at, r.import_id, {}});
        }
        break;
      }
    }
    return out;
  }

  Result<SubmissionMark> submission_mark(const std::string& campaign) override {
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    SubmissionMark mark;
    for (auto it = m_history.lower_bound({campaign, std::string()}); it != m_history.end() && it->first.first == campaign;
         ++it) {
      for (std::size_t pos : it->second) {
        const Revision& r = m_revisions[pos];
        if (r.state != RevisionState::kSubmitted) continue;
        ++mark.count;
        mark.max_id = std::max(mark.max_id, r.id);
        mark.id_sum += r.id;
      }
    }
    return mark;
  }

  Result<std::vector<Revision>> revision_history(const std::string& campaign, const std::string& org) override {
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    if (m_orgs.count(org) == 0) return org_not_found(org);
    std::vector<Revision> out;
    if (auto it = m_history.find({campaign, org}); it != m_history.end()) {
      for (std::size_t pos : it->second) out.push_back(m_revisions[pos]);
    }
    return out;
  }

  Result<std::vector<ImportRecord>> list_imports(const std::string& campaign) override {
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    std::vector<ImportRecord> out;
    for (const auto& i : m_imports) {
      if (i.campaign == campaign) out.push_back(i);
    }
    return out;
  }

  // The earliest import of these bytes.
  Result<std::optional<ImportRecord>> find_import(const std::string& campaign, const std::string& sha256) override {
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    for (const auto& i : m_imports) {
      if (i.campaign == campaign && i.sha256 == sha256) return std::optional<ImportRecord>(i);
    }
    return std::optional<ImportRecord>();
  }

  // --- users ---

  Status create_user(const User& user, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(user_values_ok(user));
    if (m_users.count(user.login) > 0) return Status::conflict(fmt::format("user '{}' already exists", user.login));
    for (const auto& org : user.orgs) {
      if (m_orgs.count(org) == 0) return org_not_found(org);
    }
    const Timestamp now = now_utc();
    User u = user;
    u.roles = normalized_roles(u.roles);
    u.orgs = normalized_ids(u.orgs);
    u.created_at = now;
    m_users[u.login] = u;
    audit(now, actor, "user.create", "user", u.login, json{{"roles", role_names(u.roles)}, {"orgs", u.orgs}});
    return Status::ok();
  }

  Result<User> get_user(const std::string& login) override {
    auto it = m_users.find(login);
    if (it == m_users.end()) return user_not_found(login);
    return it->second;
  }

  Result<std::vector<User>> list_users() override {
    std::vector<User> out;
    for (const auto& [login, u] : m_users) out.push_back(u);
    return out;
  }

  Status set_password_hash(const std::string& login, const std::string& hash, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    auto it = m_users.find(login);
    if (it == m_users.end()) return user_not_found(login);
    const Timestamp now = now_utc();
    it->second.password_hash = hash;
    audit(now, actor, "user.password", "user", login, json());
    return Status::ok();
  }

  Status set_user_access(const std::string& login, const std::vector<Role>& roles, const std::vector<std::string>& orgs,
                         const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    auto it = m_users.find(login);
    if (it == m_users.end()) return user_not_found(login);
    for (const auto& org : orgs) {
      if (m_orgs.count(org) == 0) return org_not_found(org);
    }
    const Timestamp now = now_utc();
    it->second.roles = normalized_roles(roles);
    it->second.orgs = normalized_ids(orgs);
    audit(now, actor, "user.access", "user", login,
          json{{"roles", role_names(it->second.roles)}, {"orgs", it->second.orgs}});
    return Status::ok();
  }

  Status set_user_disabled(const std::string& login, bool disabled, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    auto it = m_users.find(login);
    if (it == m_users.end()) return user_not_found(login);
    const Timestamp now = now_utc();
    it->second.disabled = disabled;
    audit(now, actor, "user.disabled", "user", login, json{{"disabled", disabled}});
    return Status::ok();
  }

  // --- audit ---

  Status append_audit(const AuditEntry& entry) override {
    KUNREN_RETURN_IF_ERROR(audit_entry_ok(entry));
    AuditEntry e = entry;
    e.id = static_cast<std::int64_t>(m_audit.size()) + 1;
    e.at = now_utc();
    m_audit.push_back(std::move(e));
    return Status::ok();
  }

  Result<std::vector<AuditEntry>> list_audit(const AuditQuery& query) override {
    std::vector<AuditEntry> out;
    for (const auto& e : m_audit) {
      if (!query.object_type.empty() && e.object_type != query.object_type) continue;
      if (!query.object_id.empty() && e.object_id != query.object_id) continue;
      out.push_back(e);
    }
    if (query.limit > 0 && out.size() > query.limit) out.erase(out.begin(), out.end() - query.limit);
    return out;
  }

  // --- bundles ---

  Result<CampaignBundle> export_campaign(const std::string& id) override {
    auto cit = m_campaigns.find(id);
    if (cit == m_campaigns.end()) return campaign_not_found(id);
    CampaignBundle b;
    b.campaign = cit->second;
    auto checklist = get_checklist(b.campaign.checklist_id, b.campaign.checklist_version);
    if (!checklist) return Status::internal(checklist.status().message());
    b.checklist = *checklist;
    std::set<std::string> orgs;
    for (const auto& r : m_revisions) {
      if (r.campaign != id) continue;
      orgs.insert(r.org);
      b.revisions.push_back(r);
    }
    for (const auto& org : orgs) b.orgs.push_back(m_orgs.at(org));
    for (const auto& i : m_imports) {
      if (i.campaign == id) b.imports.push_back(i);
    }
    return b;
  }

  Status restore_campaign(const CampaignBundle& bundle, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    const CampaignRecord& c = bundle.campaign;
    StoredState stored;
    stored.campaign_exists = m_campaigns.count(c.id) > 0;
    if (auto it = m_checklists.find({bundle.checklist.id, bundle.checklist.version}); it != m_checklists.end()) {
      stored.checklist = it->second;
    }
    stored.orgs.reserve(m_orgs.size());
    for (const auto& [id, o] : m_orgs) stored.orgs.push_back(o);
    for (const auto& [login, u] : m_users) {
      if (std::find(u.roles.begin(), u.roles.end(), Role::kCoordinator) != u.roles.end()) {
        stored.coordinators.push_back(login);
      }
    }
    auto plan = plan_restore(bundle, stored);
    if (!plan) return plan.status();

    // Commit: nothing below can fail.
    const Timestamp now = now_utc();
    if (plan->checklist_added) {
      ChecklistRecord r = bundle.checklist;
      r.registered_at = now;
      m_checklists[{r.id, r.version}] = r;
    }
    for (const auto& o : plan->new_orgs) m_orgs[o.id] = o;
    const auto first_import = static_cast<std::int64_t>(m_imports.size()) + 1;
    m_campaigns[c.id] = c;
    m_campaigns[c.id].coordinators = plan->coordinators;
    for (const auto& i : bundle.imports) {
      ImportRecord n = i;
      n.id = static_cast<std::int64_t>(m_imports.size()) + 1;
      n.campaign = c.id;
      m_imports.push_back(std::move(n));
    }
    for (std::size_t k = 0; k < bundle.revisions.size(); ++k) {
      const Revision& r = bundle.revisions[k];
      const std::size_t imp = plan->import_of[k];
      Revision n = r;
      n.id = static_cast<std::int64_t>(m_revisions.size()) + 1;
      n.campaign = c.id;
      n.import_id = imp == RestorePlan::k_no_import ? 0 : first_import + static_cast<std::int64_t>(imp);
      n.answers = normalized_answers(r.answers);
      auto& history = m_history[{n.campaign, n.org}];
      auto pos = std::upper_bound(history.begin(), history.end(), n.no,
                                  [&](int no, std::size_t p) { return no < m_revisions[p].no; });
      history.insert(pos, m_revisions.size());
      m_revisions.push_back(std::move(n));
    }
    audit(now, actor, "campaign.restore", "campaign", c.id, restore_audit_detail(bundle, *plan));
    return Status::ok();
  }

  // --- exercises ---

  Status create_exercise(const ExerciseRecord& exercise, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(exercise_values_ok(exercise));
    if (m_exercises.count(exercise.id) > 0) return exercise_exists(exercise.id);
    if (m_orgs.count(exercise.org) == 0) return org_not_found(exercise.org);
    if (!exercise.campaign.empty() && m_campaigns.count(exercise.campaign) == 0) {
      return campaign_not_found(exercise.campaign);
    }
    KUNREN_RETURN_IF_ERROR(check_participants(exercise.participants));
    const Timestamp now = now_utc();
    ExerciseRecord e = exercise;
    e.state = model::ExerciseState::kPlanned;
    e.participants = sorted_participants(e.participants);
    e.created_by = actor.name;
    e.created_at = e.updated_at = now;
    e.last_seq = 0;
    e.last_hash = std::string(model::k_genesis_hash);
    m_exercises[e.id] = e;
    audit(now, actor, "exercise.create", "exercise", e.id, exercise_create_detail(e));
    return Status::ok();
  }

  Result<ExerciseRecord> get_exercise(const std::string& id) override {
    auto it = m_exercises.find(id);
    if (it == m_exercises.end()) return exercise_not_found(id);
    return it->second;
  }

  Result<std::vector<ExerciseRecord>> list_exercises() override {
    std::vector<ExerciseRecord> out;
    for (const auto& [id, e] : m_exercises) {
      out.push_back(e);
      out.back().scenario_content.clear();
    }
    return out;
  }

  Status set_exercise_participants(const std::string& id, const std::vector<ExerciseParticipant>& participants,
                                   const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(exercise_participants_ok(participants));
    auto it = m_exercises.find(id);
    if (it == m_exercises.end()) return exercise_not_found(id);
    if (it->second.state == model::ExerciseState::kEnded) return exercise_ended(id, "its participants");
    KUNREN_RETURN_IF_ERROR(check_participants(participants));
    const Timestamp now = now_utc();
    it->second.participants = sorted_participants(participants);
    it->second.updated_at = now;
    audit(now, actor, "exercise.participants", "exercise", id, json{{"participants", participants_json(participants)}});
    return Status::ok();
  }

  Status set_exercise_criteria(const std::string& id, const std::string& criteria_json, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(exercise_criteria_ok(id, criteria_json));
    auto it = m_exercises.find(id);
    if (it == m_exercises.end()) return exercise_not_found(id);
    if (it->second.state == model::ExerciseState::kEnded) return exercise_ended(id, "its decision criteria");
    const Timestamp now = now_utc();
    it->second.criteria = criteria_json;
    it->second.updated_at = now;
    audit(now, actor, "exercise.criteria", "exercise", id, exercise_criteria_detail(criteria_json));
    return Status::ok();
  }

  Result<std::vector<model::ExerciseEvent>> append_exercise_events(
      const std::string& id, std::int64_t expected_last_seq, const std::vector<model::NewExerciseEvent>& events,
      std::optional<model::ExerciseState> new_state) override {
    KUNREN_RETURN_IF_ERROR(exercise_events_ok(events));
    auto it = m_exercises.find(id);
    if (it == m_exercises.end()) return exercise_not_found(id);
    ExerciseRecord& e = it->second;
    KUNREN_RETURN_IF_ERROR(exercise_append_allowed(id, e.state, e.last_seq, expected_last_seq, events, new_state));
    auto& log = m_events[id];
    const Timestamp now = event_time(now_utc(), log.empty() ? Timestamp() : log.back().at);
    auto written = chain_events(events, e.last_seq, e.last_hash, now);
    // Commit: nothing below can fail.
    log.insert(log.end(), written.begin(), written.end());
    if (new_state) e.state = *new_state;
    if (!written.empty()) {
      e.last_seq = written.back().seq;
      e.last_hash = written.back().hash;
    }
    e.updated_at = now;
    return written;
  }

  Result<std::vector<model::ExerciseEvent>> list_exercise_events(const std::string& id, std::int64_t after_seq,
                                                                 std::size_t limit) override {
    if (m_exercises.count(id) == 0) return exercise_not_found(id);
    std::vector<model::ExerciseEvent> out;
    auto it = m_events.find(id);
    if (it == m_events.end()) return out;
    for (const auto& e : it->second) {
      if (e.seq <= after_seq) continue;
      if (limit > 0 && out.size() >= limit) break;
      out.push_back(e);
    }
    return out;
  }

  // --- preparedness records ---

  Result<OrgDocument> append_org_document(const std::string& org, const std::string& kind, int expected_no,
                                          const std::string& content, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(org_document_values_ok(org, kind, expected_no, content));
    if (m_orgs.count(org) == 0) return org_not_found(org);
    auto& history = m_documents[{org, kind}];
    const int latest = history.empty() ? 0 : history.back().no;
    KUNREN_RETURN_IF_ERROR(org_document_stale(org, kind, latest, expected_no));
    // Never earlier than the revision before, as in SQL.
    const Timestamp now = event_time(now_utc(), history.empty() ? Timestamp() : history.back().created_at);
    OrgDocument d{org, kind, latest + 1, content, actor.name, now};
    // Commit: nothing below can fail.
    history.push_back(d);
    audit(now, actor, "document.save", "org-document", org_document_object_id(org, kind), json{{"no", d.no}});
    return d;
  }

  Result<std::optional<OrgDocument>> latest_org_document(const std::string& org, const std::string& kind) override {
    KUNREN_RETURN_IF_ERROR(org_document_kind_ok(kind));
    if (m_orgs.count(org) == 0) return org_not_found(org);
    auto it = m_documents.find({org, kind});
    if (it == m_documents.end() || it->second.empty()) return std::optional<OrgDocument>();
    return std::optional<OrgDocument>(it->second.back());
  }

  Result<OrgDocument> get_org_document(const std::string& org, const std::string& kind, int no) override {
    KUNREN_RETURN_IF_ERROR(org_document_kind_ok(kind));
    if (m_orgs.count(org) == 0) return org_not_found(org);
    auto it = m_documents.find({org, kind});
    if (it == m_documents.end() || no < 1 || static_cast<std::size_t>(no) > it->second.size()) {
      return org_document_not_found(org, kind, no);
    }
    return it->second[static_cast<std::size_t>(no) - 1];
  }

  Result<std::vector<OrgDocument>> org_document_history(const std::string& org, const std::string& kind) override {
    KUNREN_RETURN_IF_ERROR(org_document_kind_ok(kind));
    if (m_orgs.count(org) == 0) return org_not_found(org);
    auto it = m_documents.find({org, kind});
    if (it == m_documents.end()) return std::vector<OrgDocument>();
    return it->second;
  }

  // --- campaign documents ---

  Result<CampaignDocument> append_campaign_document(const std::string& campaign, const std::string& kind,
                                                    int expected_no, const std::string& content,
                                                    const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(campaign_document_values_ok(campaign, kind, expected_no, content));
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    auto& history = m_campaign_documents[{campaign, kind}];
    const int latest = history.empty() ? 0 : history.back().no;
    KUNREN_RETURN_IF_ERROR(campaign_document_stale(campaign, kind, latest, expected_no));
    const Timestamp now = event_time(now_utc(), history.empty() ? Timestamp() : history.back().created_at);
    CampaignDocument d{campaign, kind, latest + 1, content, actor.name, now};
    history.push_back(d);
    audit(now, actor, "campaign.document", "campaign", campaign, json{{"kind", kind}, {"no", d.no}});
    return d;
  }

  Result<std::optional<CampaignDocument>> latest_campaign_document(const std::string& campaign,
                                                                   const std::string& kind) override {
    KUNREN_RETURN_IF_ERROR(campaign_document_kind_ok(kind));
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    auto it = m_campaign_documents.find({campaign, kind});
    if (it == m_campaign_documents.end() || it->second.empty()) return std::optional<CampaignDocument>();
    return std::optional<CampaignDocument>(it->second.back());
  }

  Result<std::vector<CampaignDocument>> campaign_document_history(const std::string& campaign,
                                                                  const std::string& kind) override {
    KUNREN_RETURN_IF_ERROR(campaign_document_kind_ok(kind));
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    auto it = m_campaign_documents.find({campaign, kind});
    if (it == m_campaign_documents.end()) return std::vector<CampaignDocument>();
    return it->second;
  }

  // --- signing keys and packages ---

  Status add_org_key(const OrgKey& key, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(org_key_values_ok(key));
    if (m_orgs.count(key.org) == 0) return org_not_found(key.org);
    for (const auto& k : m_keys) {
      if (k.key_id == key.key_id) return org_key_exists(key.key_id);
    }
    OrgKey k{key.org, key.key_id, key.public_key, actor.name, now_utc(), {}};
    m_keys.push_back(k);
    audit(k.added_at, actor, "org.key.add", "org", k.org, json{{"key_id", k.key_id}});
    return Status::ok();
  }

  Result<std::vector<OrgKey>> list_org_keys(const std::string& org) override {
    KUNREN_RETURN_IF_ERROR(check_text(org, "an organisation id"));
    if (m_orgs.count(org) == 0) return org_not_found(org);
    std::vector<OrgKey> out;
    for (const auto& k : m_keys) {
      if (k.org == org) out.push_back(k);
    }
    std::stable_sort(out.begin(), out.end(), [](const OrgKey& a, const OrgKey& b) {
      return std::tie(a.added_at, a.key_id) < std::tie(b.added_at, b.key_id);
    });
    return out;
  }

  Status revoke_org_key(const std::string& org, const std::string& key_id, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(check_text(org, "an organisation id"));
    KUNREN_RETURN_IF_ERROR(check_text(key_id, "a key id"));
    if (m_orgs.count(org) == 0) return org_not_found(org);
    for (auto& k : m_keys) {
      if (k.org != org || k.key_id != key_id) continue;
      if (!k.revoked_at.empty()) return org_key_revoked(org, key_id);
      k.revoked_at = now_utc();
      audit(k.revoked_at, actor, "org.key.revoke", "org", org, json{{"key_id", key_id}});
      return Status::ok();
    }
    return org_key_not_found(org, key_id);
  }

  Result<PackageImportResult> import_package(const NewPackage& p, const Actor& actor) override {
    KUNREN_RETURN_IF_ERROR(actor_ok(actor));
    KUNREN_RETURN_IF_ERROR(new_package_ok(p));
    PackageImportResult result;
    const PackageRecord* newest = nullptr;
    for (const auto& r : m_packages) {
      if (r.campaign != p.campaign) continue;
      if (r.sha256 == p.sha256) {
        result.duplicate = true;
        result.record = r;
        return result;
      }
      if (r.org == p.org && (newest == nullptr || r.created_at > newest->created_at)) newest = &r;
    }
    if (newest != nullptr && newest->created_at >= p.created_at) return package_replayed(p, *newest);
    if (std::none_of(m_keys.begin(), m_keys.end(), [&](const OrgKey& k) { return k.key_id == p.key_id; })) {
      return org_key_not_found(p.org, p.key_id);
    }
    // append_revisions checks everything before it writes; if it fails,
    // nothing is written, and nothing below can fail.
    NewRevision rev{p.org, RevisionState::kSubmitted, p.answers};
    auto appended = append_revisions(p.campaign, {rev}, nullptr, actor, AppendOptions{});
    if (!appended) return appended.status();
    PackageRecord r;
    r.id = static_cast<std::int64_t>(m_packages.size()) + 1;
    r.campaign = p.campaign;
    r.org = p.org;
    r.sha256 = p.sha256;
    r.key_id = p.key_id;
    r.created_at = p.created_at;
    r.filename = p.filename;
    r.revision_id = appended->revision_ids.empty() ? 0 : appended->revision_ids.front();
    r.imported_by = actor.name;
    r.imported_at = now_utc();
    m_packages.push_back(r);
    audit(r.imported_at, actor, "package.import", "campaign", p.campaign,
          json{{"org", p.org}, {"sha256", p.sha256}, {"key_id", p.key_id}, {"revision_id", r.revision_id}});
    result.record = r;
    result.created = r.revision_id != 0;
    return result;
  }

  Result<std::vector<PackageRecord>> list_packages(const std::string& campaign) override {
    KUNREN_RETURN_IF_ERROR(check_text(campaign, "a campaign id"));
    if (m_campaigns.count(campaign) == 0) return campaign_not_found(campaign);
    std::vector<PackageRecord> out;
    for (const auto& r : m_packages) {
      if (r.campaign == campaign) out.push_back(r);
    }
    return out;
  }

  Status backup(const std::string& path) override {
    (void)path;
    return Status::conflict("the memory store cannot be backed up; it lives only as long as the process");
  }

 private:
  Result<std::shared_ptr<const model::Checklist>> campaign_checklist(const CampaignRecord& c) {
    auto it = m_checklists.find({c.checklist_id, c.checklist_version});
    if (it == m_checklists.end()) return Status::internal(fmt::format("campaign '{}' lost its checklist", c.id));
    return checklist_of(it->second);
  }

  // Each login, in the order given, is a user (NotFound) with the coordinator
  // role (BadInput), as the SQL store checks.
  Status check_coordinators(const std::vector<std::string>& logins) const {
    for (const auto& login : logins) {
      auto it = m_users.find(login);
      if (it == m_users.end()) return coordinator_not_found(login);
      const auto& roles = it->second.roles;
      if (std::find(roles.begin(), roles.end(), Role::kCoordinator) == roles.end()) {
        return coordinator_role_missing(login);
      }
    }
    return Status::ok();
  }

  // Each participant's login, in the order given, is a user (NotFound), as
  // the SQL store checks.
  Status check_participants(const std::vector<ExerciseParticipant>& participants) const {
    for (const auto& p : participants) {
      if (m_users.count(p.login) == 0) return participant_not_found(p.login);
    }
    return Status::ok();
  }

  // Now, but never earlier than the campaign's last revision (as the SQL store).
  Timestamp append_time(const std::string& campaign) const {
    Timestamp now = now_utc();
    for (const auto& rev : m_revisions) {
      if (rev.campaign == campaign && rev.created_at >= now) now = timestamp_after(rev.created_at);
    }
    return now;
  }

  const Revision* latest_of(const std::string& campaign, const std::string& org) const {
    auto it = m_history.find({campaign, org});
    if (it == m_history.end() || it->second.empty()) return nullptr;
    return &m_revisions[it->second.back()];
  }

  void audit(const Timestamp& at, const Actor& actor, std::string action, std::string object_type,
             std::string object_id, const json& detail) {
    AuditEntry e;
    e.id = static_cast<std::int64_t>(m_audit.size()) + 1;
    e.at = at;
    e.actor = actor.name;
    e.action = std::move(action);
    e.object_type = std::move(object_type);
    e.object_id = std::move(object_id);
    e.detail = detail.is_null() ? std::string() : detail.dump();
    m_audit.push_back(std::move(e));
  }

  std::map<std::string, OrgRecord> m_orgs;
  std::map<std::pair<std::string, std::string>, ChecklistRecord> m_checklists;
  std::map<std::string, CampaignRecord> m_campaigns;
  std::vector<Revision> m_revisions;  // id = position + 1
  // (campaign, org) → positions in m_revisions, by revision number.
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> m_history;
  std::vector<ImportRecord> m_imports;  // id = position + 1
  std::map<std::string, User> m_users;
  std::vector<AuditEntry> m_audit;  // id = position + 1
  std::map<std::string, ExerciseRecord> m_exercises;
  std::map<std::string, std::vector<model::ExerciseEvent>> m_events;  // by exercise id, by seq
  // (org, kind) → revisions; revision no = position + 1.
  std::map<std::pair<std::string, std::string>, std::vector<OrgDocument>> m_documents;
  // (campaign, kind) → revisions; revision no = position + 1.
  std::map<std::pair<std::string, std::string>, std::vector<CampaignDocument>> m_campaign_documents;
  std::vector<OrgKey> m_keys;               // in the order added
  std::vector<PackageRecord> m_packages;    // id = position + 1
  std::optional<Timestamp> m_call_time;  // set while append_revisions registers organisations
};

}  // namespace

std::unique_ptr<Store> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace kunren::store
