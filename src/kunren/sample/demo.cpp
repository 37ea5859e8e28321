#include <kunren/sample/demo.hpp>

#include <algorithm>
#include <ctime>
#include <sstream>

#include <nlohmann/json.hpp>

#include <kunren/io/builtin.hpp>
#include <kunren/io/responses_io.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>
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

// "YYYY-MM-DD" `days` days before today (UTC), so the demo's contact tree
// stays fresh — but for the one entry meant to be stale — whenever it is seeded.
std::string days_ago(int days) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The first organisation's preparedness records (fictional people; numbers
// in the 0X0-XXXX-XXXX style that cannot be dialled): a contact tree with
// one entry not confirmed for over a year, criteria for DP3, DP4 and DP9,
// an evidence plan, a restart checklist and a PoC sheet with the deputy and
// the reporter's department left empty (the CERT draft marks them unknown).
std::vector<std::pair<model::PrepKind, nlohmann::json>> demo_records() {
  using nlohmann::json;
  auto channel = [](const char* kind, const char* value, const char* note = "") {
    json c = {{"kind", kind}, {"value", value}};
    if (*note) c["note"] = note;
    return c;
  };
  json tree = {
      {"stale_after_days", 180},
      {"entries",
       {{{"id", "sirt"}, {"name", "ICS-SIRT 当番（架空 一郎）"}, {"function", "sirt"}, {"organisation", "ICS-SIRT"},
         {"channels", {channel("mobile", "0X0-XXXX-1001", "24時間"), channel("email", "sirt@plant.example.invalid")}},
         {"backup", "it"}, {"escalation", 1}, {"last_confirmed", days_ago(20)}},
        {{"id", "plant-manager"}, {"name", "工場長（架空 二郎）"}, {"function", "plant-manager"}, {"organisation", "工場"},
         {"channels", {channel("phone", "0X0-XXXX-1002", "平日 8:30〜17:30"), channel("mobile", "0X0-XXXX-1003", "夜間・休日")}},
         {"backup", "deputy"}, {"escalation", 2}, {"last_confirmed", days_ago(35)}},
        {{"id", "deputy"}, {"name", "副工場長（架空 三郎）"}, {"function", "plant-manager"}, {"organisation", "工場"},
         {"channels", {channel("mobile", "0X0-XXXX-1004")}}, {"last_confirmed", days_ago(35)}},
        {{"id", "poc"}, {"name", "窓口 PoC（架空 四子）"}, {"function", "poc"}, {"organisation", "ICS-SIRT"},
         {"channels", {channel("phone", "0X0-XXXX-1005"), channel("email", "poc@plant.example.invalid")}},
         {"backup", "sirt"}, {"escalation", 3}, {"last_confirmed", days_ago(60)}},
        {{"id", "production"}, {"name", "製造課長（架空 五郎）"}, {"function", "production"}, {"organisation", "製造課"},
         {"channels", {channel("phone", "0X0-XXXX-1006"), channel("radio", "構内無線 ch.3")}},
         {"escalation", 4}, {"last_confirmed", days_ago(60)}},
        {{"id", "maintenance"}, {"name", "保全課長（架空 六郎）"}, {"function", "maintenance"}, {"organisation", "保全課"},
         {"channels", {channel("mobile", "0X0-XXXX-1007")}}, {"escalation", 5}, {"last_confirmed", days_ago(400)},
         {"notes", "異動の予定あり。連絡先を確認すること。"}},
        {{"id", "it"}, {"name", "情報システム課（架空 七海）"}, {"function", "it"}, {"organisation", "情報システム課"},
         {"channels", {channel("phone", "0X0-XXXX-1008"), channel("chat", "#it-oncall")}},
         {"escalation", 6}, {"last_confirmed", days_ago(90)}},
        {{"id", "national-cert"}, {"name", "ナショナルCERT 制御システム担当（架空窓口）"}, {"function", "national-cert"},
         {"external", true}, {"organisation", "ナショナルCERT"},
         {"channels", {channel("email", "ics@cert.example.invalid"), channel("phone", "0X-XXXX-9001")}},
         {"last_confirmed", days_ago(120)}},
        {{"id", "vendor"}, {"name", "制御システムベンダー 保守窓口（架空）"}, {"function", "vendor"}, {"external", true},
         {"organisation", "架空制御システム株式会社"},
         {"channels", {channel("phone", "0X0-XXXX-9002", "24時間保守契約 契約番号 DEMO-0000")}},
         {"last_confirmed", days_ago(45)}}}}};
  json criteria = {
      {"points",
       {{{"decision_point", "DP3"}, {"who", "工場長"}, {"deputy", "副工場長"},
         {"conditions",
          {"安全計装（SIS）の健全性を確認できない", "制御系（DCS・PLC・HMI）に不正な操作や感染の兆候がある",
           "運転員が現場計器と非常停止だけで安全に監視・停止できない"}}},
        {{"decision_point", "DP4"}, {"who", "工場長（製造課長が補佐）"}, {"deputy", "副工場長"},
         {"conditions",
          {"反応器を安全に監視できる手段（操作端末または現場計器）が確保されている",
           "被害が広がるおそれのあるネットワークから切り離されている", "製品の品質に異常が出ていない"}}},
        {{"decision_point", "DP9"}, {"who", "工場長（本社の承認を得る）"}, {"deputy", "副工場長"},
         {"conditions",
          {"侵入前のバックアップから依存関係の順に復旧し、既知の正常状態と照合した", "第三者による健全性確認が終わった",
           "再開する最小の範囲と承認者が決まっている"}}}}}};
  json evidence = {
      {"rows",
       {{{"type", "safety-state"}, {"assets", "SIS（反応器 R-1）"}, {"what", "トリップ履歴、バイパス状態"},
         {"method", "SIS エンジニアリング端末から履歴を出力し、画面を撮影"}, {"who", "保全課 計装担当"},
         {"without_stopping", "読み出しのみ。設定は変更しない"}, {"stored_at", "証拠保管庫（施錠）"}},
        {{"type", "process-state"}, {"assets", "DCS, HMI-1A/1B"}, {"what", "警報履歴、トレンド、操作履歴"},
         {"method", "ヒストリアンからエクスポートし SHA-256 を記録"}, {"who", "製造課 当番"},
         {"without_stopping", "ヒストリアン側で取得し、制御ネットワークには触れない"}, {"stored_at", "証拠用 USB（書込防止）"}}}}};
  json restart = {
      {"minimum_production", "ライン1 試運転（定格の50%）から"},
      {"approver", "工場長（本社 生産本部の承認）"},
      {"steps",
       {{{"id", "S01"}, {"stage", "network-controls"}, {"text", "IT/OT 境界の FW ルールを侵入前の設定に戻し、リモート保守経路を閉じた"}, {"owner", "情報システム課"}},
        {{"id", "S02"}, {"stage", "access-control"}, {"text", "共有アカウントを含む全アカウントのパスワードを変更した"}, {"owner", "情報システム課"}},
        {{"id", "S03"}, {"stage", "plc-logic"}, {"text", "PLC のロジックを保管版と照合し、差分がない"}, {"owner", "保全課"}},
        {{"id", "S04"}, {"stage", "hmi"}, {"text", "HMI をクリーンなイメージから再構築した"}, {"owner", "保全課"}},
        {{"id", "S05"}, {"stage", "historian"}, {"text", "ヒストリアンのデータ欠落範囲を記録した"}, {"owner", "製造課"}, {"required", false}},
        {{"id", "S06"}, {"stage", "second-opinion"}, {"text", "外部セキュリティ機関が健全性を確認した"}, {"owner", "ICS-SIRT"}},
        {{"id", "S07"}, {"stage", "approval"}, {"text", "工場長が再稼働を承認した"}, {"owner", "工場長"}}}}};
  json poc = {
      {"reporter", {{"name", "架空 四子"}, {"organisation", "架空化成株式会社"}, {"email", "poc@plant.example.invalid"},
                    {"phone", "0X0-XXXX-1005"}}},
      {"industry", "化学（樹脂製造）"},
      {"plant", "架空化成 第一工場"},
      {"systems",
       {{{"type", "DCS"}, {"vendor", "架空制御システム"}, {"product", "DEMO-DCS 7"}, {"version", "R7.2"},
         {"placement", "OT レベル2（DMZ のファイアウォールの内側）"}, {"line", "ライン1・2"}},
        {{"type", "HMI"}, {"vendor", "架空制御システム"}, {"product", "DEMO-HMI"}, {"version", "5.1"},
         {"placement", "OT レベル2"}, {"line", "ライン1"}}}},
      {"components",
       {{{"kind", "os"}, {"name", "Windows 10 IoT Enterprise LTSC"}, {"version", "2019"}},
        {{"kind", "hardware"}, {"name", "産業用 PC（架空）"}, {"version", "IPC-200"}}}},
      {"timekeeping", "JST、NTP 同期（±1 秒）。DCS は独自時計のため毎朝照合"},
      {"collection", "当番の報告は ICS-SIRT のチャット #ir-report と電話で PoC に集約する"}};
  return {{model::PrepKind::kContactTree, tree},
          {model::PrepKind::kCriteria, criteria},
          {model::PrepKind::kEvidencePlan, evidence},
          {model::PrepKind::kRestartChecklist, restart},
          {model::PrepKind::kPocSheet, poc}};
}

// Stores the demo records for `org`, each only when it has none yet.
Status seed_preparedness(store::Store& db, const std::string& org) {
  for (const auto& [kind, document] : demo_records()) {
    auto latest = db.latest_org_document(org, model::to_string(kind));
    if (!latest) return latest.status();
    if (*latest) continue;
    auto canonical = model::canonical_prep_document(kind, document);
    if (!canonical) return canonical.status();
    auto stored = db.append_org_document(org, model::to_string(kind), 0, model::canonical_json(*canonical), k_actor);
    if (!stored) return stored.status();
  }
  return Status::ok();
}

// The criteria demo-drill keeps: the organisation's record, as a drill planned without criteria takes it.
Result<std::string> demo_criteria(const model::Scenario& scenario) {
  auto criteria = model::parse_decision_criteria(demo_records()[1].second);
  if (!criteria) return criteria.status();
  const nlohmann::json all = model::exercise_criteria_json(*criteria);
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [dp, value] : all.items())
    if (scenario.find_decision_point(dp)) kept[dp] = value;
  return model::canonical_json(kept);
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
  auto criteria = demo_criteria(*scenario);
  if (!criteria) return criteria.status();
  drill.criteria = std::move(criteria).value();
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
  if (!orgs->empty()) KUNREN_RETURN_IF_ERROR(seed_preparedness(db, orgs->front().id));
  auto drills = db.list_exercises();
  if (!drills) return drills.status();
  if (drills->empty() && !orgs->empty()) {
    KUNREN_RETURN_IF_ERROR(seed_drill(db, orgs->front().id));
    seed.created_drill = true;
  }
  return seed;
}

}  // namespace kunren::sample
