#include <kunren/sample/demo.hpp>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include <kunren/io/builtin.hpp>
#include <kunren/io/responses_io.hpp>
#include <kunren/io/scenario_io.hpp>
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

// The organisation's criteria shown at the decision points of demo-drill.
std::string demo_criteria() {
  const nlohmann::json criteria = {
      {"DP1",
       {{"who", "ICS-SIRT リーダー（工場長に報告）"},
        {"conditions",
         {"複数の設備で、同じ時間帯に説明のつかない異常が出ている", "普段と違う通信・アカウントの使用・ファイルの変化がある",
          "設備の故障だけでは説明できない"}}}},
      {"DP3",
       {{"who", "工場長"},
        {"conditions",
         {"安全計装（SIS）の健全性を確認できない", "制御系（DCS・PLC・HMI）に不正な操作や感染の兆候がある",
          "運転員が現場計器と非常停止だけで安全に監視・停止できない"}}}},
      {"DP4",
       {{"who", "工場長（製造課長が補佐）"},
        {"conditions",
         {"反応器を安全に監視できる手段（操作端末または現場計器）が確保されている",
          "被害が広がるおそれのあるネットワークから切り離されている", "製品の品質に異常が出ていない"}}}},
      {"DP9",
       {{"who", "工場長（本社の承認を得る）"},
        {"conditions",
         {"侵入前のバックアップから依存関係の順に復旧し、既知の正常状態と照合した", "第三者による健全性確認が終わった",
          "再開する最小の範囲と承認者が決まっている"}}}}};
  return criteria.dump();
}

// demo-drill for the first sample organisation, planned, with the demo
// participants that hold the participant role.
Status seed_drill(store::Store& db, const std::string& org) {
  auto scenario = io::load_builtin_scenario("factory-ransomware");
  if (!scenario) return scenario.status();
  store::ExerciseRecord drill;
  drill.id = k_demo_drill;
  drill.title = "工場ランサムウェア対応訓練（デモ）";
  drill.org = org;
  drill.scenario_id = scenario->id;
  drill.scenario_version = scenario->version;
  drill.scenario_content = io::scenario_content_json(*scenario);
  drill.scenario_sha256 = io::scenario_content_hash(*scenario);
  drill.criteria = demo_criteria();
  for (const DemoUser& u : demo_users()) {
    if (!u.drill_role) continue;
    auto user = db.get_user(u.login);
    if (!user) continue;
    if (std::find(user->roles.begin(), user->roles.end(), store::Role::kParticipant) == user->roles.end()) continue;
    drill.participants.push_back({u.login, u.drill_role});
  }
  std::sort(drill.participants.begin(), drill.participants.end(),
            [](const auto& a, const auto& b) { return a.login < b.login; });
  return db.create_exercise(drill, k_actor);
}

}  // namespace

const std::vector<DemoUser>& demo_users() {
  static const std::vector<DemoUser> k_users = {
      {"admin", store::Role::kAdmin, -1, "管理者（デモ）"},
      {"coordinator", store::Role::kCoordinator, -1, "取りまとめ担当（デモ）"},
      {"evaluator", store::Role::kEvaluator, 0, "評価担当 1（デモ）"},
      {"evaluator2", store::Role::kEvaluator, 1, "評価担当 2（デモ）"},
      {"facilitator", store::Role::kFacilitator, 0, "演習進行役（デモ）"},
      {"participant", store::Role::kParticipant, 0, "演習参加者（デモ）", "sirt"},
      {"production", store::Role::kParticipant, 0, "生産部門 担当（デモ）", "production"},
      {"maintenance", store::Role::kParticipant, 0, "設備保全 担当（デモ）", "maintenance"},
      {"manager", store::Role::kParticipant, 0, "工場長（デモ）", "plant-manager"},
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
  auto drills = db.list_exercises();
  if (!drills) return drills.status();
  if (drills->empty() && !orgs->empty()) {
    KUNREN_RETURN_IF_ERROR(seed_drill(db, orgs->front().id));
    seed.created_drill = true;
  }
  return seed;
}

}  // namespace kunren::sample
