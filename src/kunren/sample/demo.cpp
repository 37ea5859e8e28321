#include <kunren/sample/demo.hpp>

#include <sstream>

#include <kunren/io/builtin.hpp>
#include <kunren/io/responses_io.hpp>
#include <kunren/sample/generator.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/password.hpp>

namespace kunren::sample {

namespace {

const store::Actor k_actor{"demo:seed"};
constexpr std::size_t k_orgs = 40;

// Answers of one sample round as revisions (one per organisation, in order).
Result<std::vector<store::NewRevision>> sample_round(const model::Checklist& checklist,
                                                      const std::vector<model::Organization>& orgs,
                                                      std::uint64_t seed) {
  SampleOptions options;
  options.orgs = k_orgs;
  options.seed = seed;
  std::ostringstream csv;
  KUNREN_RETURN_IF_ERROR(write_sample_responses(checklist, options, csv));
  const std::string bytes = csv.str();
  auto read = io::read_responses(bytes, "sample", checklist, &orgs);
  if (!read) return read.status();
  return store::revisions_from_responses(checklist, read->responses);
}

Status create_campaign(store::Store& db, const store::ChecklistRecord& checklist, const std::string& id,
                       const std::string& title, const std::string& opens, const std::string& closes) {
  store::CampaignRecord c;
  c.id = id;
  c.title = title;
  c.checklist_id = checklist.id;
  c.checklist_version = checklist.version;
  c.opens_on = opens;
  c.closes_on = closes;
  c.min_group = 3;
  KUNREN_RETURN_IF_ERROR(db.create_campaign(c, k_actor));
  return db.set_campaign_state(id, store::CampaignState::kOpen, k_actor);
}

Status seed_campaigns(store::Store& db) {
  auto checklist = io::load_builtin_checklist("factory-ir");
  if (!checklist) return checklist.status();
  auto record = store::register_checklist(db, *checklist, true, k_actor);
  if (!record) return record.status();

  SampleOptions options;
  options.orgs = k_orgs;
  options.seed = 2026;
  std::vector<model::Organization> orgs = sample_organizations(options);
  std::vector<store::OrgRecord> records;
  for (const auto& o : orgs) records.push_back({o.id, o.name, o.industry, o.size, {}, {}});
  KUNREN_RETURN_IF_ERROR(db.put_orgs(records, k_actor));

  // Last year's round: every organisation submitted, then published.
  KUNREN_RETURN_IF_ERROR(create_campaign(db, *record, "demo-2025", "工場インシデント対応演習 2025（デモ・公表済み）",
                                         "2025-10-01", "2025-11-30"));
  auto last_year = sample_round(*checklist, orgs, 2025);
  if (!last_year) return last_year.status();
  auto appended = db.append_revisions("demo-2025", *last_year, nullptr, k_actor);
  if (!appended) return appended.status();
  KUNREN_RETURN_IF_ERROR(db.set_campaign_state("demo-2025", store::CampaignState::kClosed, k_actor));
  KUNREN_RETURN_IF_ERROR(db.set_campaign_state("demo-2025", store::CampaignState::kPublished, k_actor));

  // This year's round, in progress.
  KUNREN_RETURN_IF_ERROR(create_campaign(db, *record, "demo-2026", "工場インシデント対応演習 2026（デモ）",
                                         "2026-10-01", "2026-12-25"));
  auto this_year = sample_round(*checklist, orgs, 2026);
  if (!this_year) return this_year.status();
  std::vector<store::NewRevision> revisions;
  for (std::size_t i = 0; i < this_year->size(); ++i) {
    store::NewRevision rev = (*this_year)[i];
    if (i == 0 || i == 13 || i == 26 || i == 37) continue;  // not started (ORG-0001 among them)
    if (i == 1 || i == 19 || i == 31) {                      // a draft about half done (ORG-0002 among them)
      rev.state = store::RevisionState::kDraft;
      rev.answers.resize(rev.answers.size() / 2);
    }
    revisions.push_back(std::move(rev));
  }
  auto now = db.append_revisions("demo-2026", revisions, nullptr, k_actor);
  if (!now) return now.status();
  return Status::ok();
}

}  // namespace

const std::vector<DemoUser>& demo_users() {
  static const std::vector<DemoUser> k_users = {
      {"admin", store::Role::kAdmin, -1, "管理者（デモ）"},
      {"coordinator", store::Role::kCoordinator, -1, "取りまとめ担当（デモ）"},
      {"evaluator", store::Role::kEvaluator, 0, "評価担当 1（デモ）"},
      {"evaluator2", store::Role::kEvaluator, 1, "評価担当 2（デモ）"},
      {"facilitator", store::Role::kFacilitator, -1, "演習進行役（デモ）"},
      {"participant", store::Role::kParticipant, 0, "演習参加者（デモ）"},
  };
  return k_users;
}

Result<DemoSeed> seed_demo(store::Store& db) {
  DemoSeed seed;
  auto campaigns = db.list_campaigns();
  if (!campaigns) return campaigns.status();
  if (campaigns->empty()) {
    KUNREN_RETURN_IF_ERROR(seed_campaigns(db));
    seed.created_campaigns = true;
  }
  auto orgs = db.list_orgs();
  if (!orgs) return orgs.status();
  std::string hash;
  for (const DemoUser& u : demo_users()) {
    if (u.org_index >= 0 && static_cast<std::size_t>(u.org_index) < orgs->size()) {
      const auto& org = (*orgs)[static_cast<std::size_t>(u.org_index)];
      seed.user_org[u.login] = org.id + " " + org.name;
    }
    auto existing = db.get_user(u.login);
    if (existing) {
      seed.existing_users.push_back(u.login);
      continue;
    }
    if (existing.status().kind() != ErrorKind::kNotFound) return existing.status();
    if (hash.empty()) {
      auto made = util::hash_password(k_demo_password);
      if (!made) return made.status();
      hash = *made;
    }
    store::User user;
    user.login = u.login;
    user.display_name = u.display_name;
    user.password_hash = hash;
    user.roles = {u.role};
    if (u.org_index >= 0 && static_cast<std::size_t>(u.org_index) < orgs->size()) {
      user.orgs = {(*orgs)[static_cast<std::size_t>(u.org_index)].id};
    }
    KUNREN_RETURN_IF_ERROR(db.create_user(user, k_actor));
    seed.created_users.push_back(u.login);
  }
  return seed;
}

}  // namespace kunren::sample
