#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kunren::model {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A tree with every field used.
ContactTree full_tree() {
  ContactTree t;
  t.stale_after_days = 90;
  t.entries.push_back({"sirt", "ICS-SIRT 当番", "sirt", false, "ICS-SIRT",
                       {{"phone", "03-1234-5678", ""}, {"mobile", "090-0000-0000", "夜間・休日"}}, "it", 1,
                       "2026-10-01", "一次受付\n二行目"});
  t.entries.push_back({"it", "情報システム部門", "it", false, "情報システム部門", {{"email", "it@example.jp", ""}}, "",
                       2, "2026-01-01", ""});
  t.entries.push_back({"jpcert", "JPCERT/CC", "national-cert", true, "JPCERT/CC", {{"email", "", ""}}, "", 0, "", ""});
  return t;
}

ImprovementPlan full_plan() {
  ImprovementPlan p;
  PlanItem a;
  a.id = "IP-001";
  a.issue = "報告が五月雨式で整理されなかった";
  a.action = "状況整理ボードの運用手順を定める";
  a.element = "planning";
  a.objective = "OBJ-2";
  a.item = "P3-01";
  a.owner_org = "ICS-SIRT";
  a.owner = "佐藤";
  a.start = "2026-11-01";
  a.due = "2026-12-15";
  a.status = "in-progress";
  a.source_exercise = "EX-2026-01";
  a.source_events = {12, 40};
  a.notes = "次回訓練で確認";
  PlanItem b;
  b.id = "IP-007";
  b.issue = "CERT への相談がなかった";
  b.status = "done";
  b.completed = "2026-11-20";
  b.checked_in = "EX-2026-02";
  p.items = {a, b};
  return p;
}

// --- kinds and dates -------------------------------------------------------------------

TEST(Preparedness, KindNamesRoundTripInTheHeaderOrder) {
  std::vector<std::string> names;
  for (auto k : all_prep_kinds()) {
    names.push_back(to_string(k));
    EXPECT_EQ(parse_prep_kind(to_string(k)), k);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"contact-tree", "criteria", "evidence-plan", "restart-checklist",
                                             "poc-sheet", "improvement-plan"}));
  EXPECT_FALSE(parse_prep_kind("contact_tree"));
}

TEST(Preparedness, ValidDateAcceptsOnlyRealDays) {
  EXPECT_TRUE(valid_date("2024-02-29"));
  EXPECT_FALSE(valid_date("2023-02-29"));
  EXPECT_FALSE(valid_date("2100-02-29"));
  EXPECT_TRUE(valid_date("2000-02-29"));
  EXPECT_FALSE(valid_date("2026-13-01"));
  EXPECT_FALSE(valid_date("2026-04-31"));
  EXPECT_FALSE(valid_date("2026-4-01"));
  EXPECT_FALSE(valid_date("2026/04/01"));
  EXPECT_FALSE(valid_date(""));
}

// --- round trips -------------------------------------------------------------------------

TEST(Preparedness, EveryTemplatePassesItsOwnReaderInBothLanguages) {
  for (auto kind : all_prep_kinds()) {
    for (const char* lang : {"ja", "en"}) {
      const json t = prep_template(kind, lang);
      auto c = canonical_prep_document(kind, t);
      ASSERT_TRUE(c) << to_string(kind) << " " << lang << ": " << c.status().to_string();
      EXPECT_EQ(*c, t) << to_string(kind) << " " << lang << ": the template is not in canonical form";
    }
  }
}

TEST(Preparedness, TemplatesDifferByLanguageAndHoldNoContactDetails) {
  const json ja = prep_template(PrepKind::kContactTree, "ja");
  const json en = prep_template(PrepKind::kContactTree, "en");
  EXPECT_NE(ja, en);
  auto tree = parse_contact_tree(ja);
  ASSERT_TRUE(tree);
  std::vector<std::string> functions;
  for (const auto& e : tree->entries) {
    functions.push_back(e.function);
    EXPECT_FALSE(e.channels.empty()) << e.id;
    for (const auto& c : e.channels) EXPECT_EQ(c.value, "") << e.id << ": the organisation fills in the numbers";
  }
  for (const char* f : {"plant-manager", "production", "maintenance", "it", "sirt", "poc", "management",
                        "national-cert", "vendor", "security-firm", "police", "authority"})
    EXPECT_NE(std::find(functions.begin(), functions.end(), f), functions.end()) << f;
  // Never confirmed: every entry is a reminder until the organisation checks it.
  EXPECT_EQ(stale_entries(*tree, "2026-11-26").size(), tree->entries.size());
}

TEST(Preparedness, TemplatesCoverTheDecisionPointsEvidenceTypesAndRestartOrder) {
  auto criteria = parse_decision_criteria(prep_template(PrepKind::kCriteria, "ja"));
  ASSERT_TRUE(criteria);
  for (const char* dp : {"DP3", "DP4", "DP9"}) {
    const auto* c = find_criterion(*criteria, dp);
    ASSERT_NE(c, nullptr) << dp;
    EXPECT_GE(c->conditions.size(), 3u) << dp;
  }
  auto plan = parse_evidence_plan(prep_template(PrepKind::kEvidencePlan, "en"));
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->rows.size(), evidence_catalogue().size());
  for (std::size_t i = 0; i < plan->rows.size(); ++i) {
    EXPECT_EQ(plan->rows[i].type, evidence_catalogue()[i].id);
    EXPECT_FALSE(plan->rows[i].method.empty());
  }
  auto restart = parse_restart_checklist(prep_template(PrepKind::kRestartChecklist, "ja"));
  ASSERT_TRUE(restart);
  std::vector<std::string> stages;
  for (const auto& s : restart->steps) stages.push_back(s.stage);
  const std::vector<std::string> order{"network-controls", "access-control", "plc-logic", "hmi",
                                       "scada",            "historian",      "mes-erp"};
  auto pos = [&](const std::string& s) { return std::find(stages.begin(), stages.end(), s) - stages.begin(); };
  for (std::size_t i = 1; i < order.size(); ++i) EXPECT_LT(pos(order[i - 1]), pos(order[i])) << order[i];
  for (const char* s : {"baseline", "backup", "second-opinion", "monitoring", "approval"})
    EXPECT_LT(pos(s), static_cast<std::ptrdiff_t>(stages.size())) << s;
  EXPECT_FALSE(restart->approver.empty());
  EXPECT_FALSE(restart->minimum_production.empty());
}

TEST(Preparedness, FullDocumentsRoundTripThroughJson) {
  const ContactTree tree = full_tree();
  auto t = parse_contact_tree(to_json(tree));
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ(*t, tree);

  DecisionCriteria criteria;
  criteria.points = {{"DP3", "工場長", "副工場長", {"安全機能に影響", "感染拡大"}, "メモ"},
                     {"DP-custom.1", "生産部長", "", {"条件"}, ""}};
  auto c = parse_decision_criteria(to_json(criteria));
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(*c, criteria);

  EvidencePlan plan;
  plan.rows = {{"process-state", "ヒストリアン", "1 週間分", "エクスポート", "生産部門", "運転継続のまま", "保管庫", "n"},
               {"malware-sample", "", "", "", "", "", "", ""}};
  auto e = parse_evidence_plan(to_json(plan));
  ASSERT_TRUE(e) << e.status().to_string();
  EXPECT_EQ(*e, plan);

  RestartChecklist restart;
  restart.steps = {{"R1", "network-controls", "FW 復旧", "情シス", true}, {"R2", "other", "任意確認", "", false}};
  restart.minimum_production = "ライン1 試運転 50%";
  restart.approver = "工場長";
  auto r = parse_restart_checklist(to_json(restart));
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_EQ(*r, restart);

  PocSheet poc;
  poc.reporter = {"佐藤 花子", "例化学", "ICS-SIRT", "poc@example.jp", "03-0000-0000"};
  poc.deputy = {"鈴木", "", "", "", ""};
  poc.industry = "化学";
  poc.plant = "第一工場";
  poc.systems = {{"DCS", "Vendor", "Product", "R5.1", "OT L2", "ライン1"}, {"PLC", "", "", "", "", ""}};
  poc.components = {{"os", "Windows 10 LTSC", "1809"}, {"hardware", "EWS", ""}};
  poc.timekeeping = "JST, NTP";
  poc.collection = "電話\nメール";
  poc.withhold = {"reporter.phone", "attachments"};
  auto p = parse_poc_sheet(to_json(poc));
  ASSERT_TRUE(p) << p.status().to_string();
  EXPECT_EQ(*p, poc);

  const ImprovementPlan ip = full_plan();
  auto i = parse_improvement_plan(to_json(ip));
  ASSERT_TRUE(i) << i.status().to_string();
  EXPECT_EQ(*i, ip);
}

TEST(Preparedness, CanonicalFormLeavesOutDefaultsAndEmptyFields) {
  const json j = to_json(full_tree());
  const json& jpcert = j["entries"][2];
  EXPECT_FALSE(jpcert.contains("backup"));
  EXPECT_FALSE(jpcert.contains("escalation"));
  EXPECT_FALSE(jpcert.contains("last_confirmed"));
  EXPECT_FALSE(j["entries"][1].contains("external"));
  EXPECT_TRUE(jpcert["external"].get<bool>());
  EXPECT_FALSE(jpcert["channels"][0].contains("value"));
  EXPECT_EQ(j["stale_after_days"], 90);

  RestartChecklist r;
  r.steps = {{"R1", "hmi", "x", "", true}};
  EXPECT_EQ(to_json(r).dump(), R"({"steps":[{"id":"R1","stage":"hmi","text":"x"}]})");

  // A document written with defaults spelt out reads to the same canonical form.
  auto c = canonical_prep_document(
      PrepKind::kRestartChecklist,
      json::parse(R"({"steps":[{"id":"R1","stage":"hmi","text":"x","owner":"","required":true}],"approver":null})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->dump(), R"({"steps":[{"id":"R1","stage":"hmi","text":"x"}]})");
}

TEST(Preparedness, EvidencePlanRowsAreKeptInCatalogueOrder) {
  auto plan = parse_evidence_plan(json::parse(
      R"({"rows":[{"type":"malware-sample"},{"type":"safety-state"},{"type":"network-capture"}]})"));
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->rows.size(), 3u);
  EXPECT_EQ(plan->rows[0].type, "safety-state");
  EXPECT_EQ(plan->rows[1].type, "network-capture");
  EXPECT_EQ(plan->rows[2].type, "malware-sample");
  EvidencePlan unsorted;
  unsorted.rows = {{"ews", "", "", "", "", "", "", ""}, {"safety-state", "", "", "", "", "", "", ""}};
  EXPECT_EQ(to_json(unsorted)["rows"][0]["type"], "safety-state");
}

// --- validation: each error names the field ---------------------------------------------------

struct BadCase {
  PrepKind kind;
  const char* doc;
  const char* field;
  const char* message;
};

class PreparednessErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(PreparednessErrors, NameTheField) {
  const BadCase& c = GetParam();
  auto r = canonical_prep_document(c.kind, json::parse(c.doc));
  ASSERT_FALSE(r) << c.doc;
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(r.status().where().field, c.field) << r.status().message();
  EXPECT_THAT(r.status().message(), HasSubstr(c.message));
}

constexpr const char* k_ok_entry = R"({"id":"a","name":"A","channels":[{"kind":"phone"}]})";

std::string tree_with(const std::string& second) {
  return std::string(R"({"entries":[)") + k_ok_entry + "," + second + "]}";
}

const std::string k_typo = tree_with(R"({"id":"b","name":"B","channels":[{"kind":"phone"}],"escalaton":2})");
const std::string k_bad_date =
    tree_with(R"({"id":"b","name":"B","channels":[{"kind":"phone","value":"1"}],"last_confirmed":"2026-02-30"})");
const std::string k_dup_id = tree_with(R"({"id":"a","name":"B","channels":[{"kind":"phone"}]})");
const std::string k_bad_id = tree_with(R"({"id":"b c","name":"B","channels":[{"kind":"phone"}]})");
const std::string k_no_channel = tree_with(R"({"id":"b","name":"B","channels":[]})");
const std::string k_bad_channel = tree_with(R"({"id":"b","name":"B","channels":[{"kind":"pager"}]})");
const std::string k_backup_missing = tree_with(R"({"id":"b","name":"B","channels":[{"kind":"phone"}],"backup":"z"})");
const std::string k_backup_self = tree_with(R"({"id":"b","name":"B","channels":[{"kind":"phone"}],"backup":"b"})");
const std::string k_confirmed_empty =
    tree_with(R"({"id":"b","name":"B","channels":[{"kind":"phone","value":"1"},{"kind":"email"}],)"
              R"("last_confirmed":"2026-01-01"})");
const std::string k_escalation_text = tree_with(R"({"id":"b","name":"B","channels":[{"kind":"phone"}],"escalation":"1"})");
const std::string k_control_char = tree_with(R"({"id":"b","name":"B\u0007","channels":[{"kind":"phone"}]})");
const std::string k_newline_in_name = tree_with(R"({"id":"b","name":"B\nC","channels":[{"kind":"phone"}]})");

INSTANTIATE_TEST_SUITE_P(
    Preparedness, PreparednessErrors,
    ::testing::Values(
        BadCase{PrepKind::kContactTree, "[]", "", "must be a mapping"},
        BadCase{PrepKind::kContactTree, "{}", "entries", "required"},
        BadCase{PrepKind::kContactTree, R"({"entries":[],"stale":1})", "stale", "unknown key"},
        BadCase{PrepKind::kContactTree, k_typo.c_str(), "entries[1].escalaton", "did you mean 'escalation'"},
        BadCase{PrepKind::kContactTree, k_bad_date.c_str(), "entries[1].last_confirmed", "2026-02-30"},
        BadCase{PrepKind::kContactTree, k_dup_id.c_str(), "entries[1].id", "earlier entry"},
        BadCase{PrepKind::kContactTree, k_bad_id.c_str(), "entries[1].id", "not a valid id"},
        BadCase{PrepKind::kContactTree, k_no_channel.c_str(), "entries[1].channels", "at least one"},
        BadCase{PrepKind::kContactTree, k_bad_channel.c_str(), "entries[1].channels[0].kind", "pager"},
        BadCase{PrepKind::kContactTree, k_backup_missing.c_str(), "entries[1].backup", "'z'"},
        BadCase{PrepKind::kContactTree, k_backup_self.c_str(), "entries[1].backup", "own backup"},
        BadCase{PrepKind::kContactTree, k_confirmed_empty.c_str(), "entries[1].channels[1].value", "confirmed"},
        BadCase{PrepKind::kContactTree, k_escalation_text.c_str(), "entries[1].escalation", "whole number"},
        BadCase{PrepKind::kContactTree, k_control_char.c_str(), "entries[1].name", "control character"},
        BadCase{PrepKind::kContactTree, k_newline_in_name.c_str(), "entries[1].name", "one line"},
        BadCase{PrepKind::kContactTree, R"({"entries":[],"stale_after_days":0})", "stale_after_days", "1 to 3650"},
        BadCase{PrepKind::kCriteria, R"({"points":[{"decision_point":"DP3","who":"x","conditions":[]}]})",
                "points[0].conditions", "at least one"},
        BadCase{PrepKind::kCriteria, R"({"points":[{"decision_point":"DP3","who":"x"}]})", "points[0].conditions",
                "required"},
        BadCase{PrepKind::kCriteria,
                R"({"points":[{"decision_point":"DP3","who":"x","conditions":["a"]},)"
                R"({"decision_point":"DP3","who":"y","conditions":["b"]}]})",
                "points[1].decision_point", "already"},
        BadCase{PrepKind::kCriteria, R"({"points":[{"decision_point":"DP3","who":" ","conditions":["a"]}]})",
                "points[0].who", "must not be empty"},
        BadCase{PrepKind::kCriteria, R"({"points":[{"decision_point":"DP3","who":"x","conditions":["a",""]}]})",
                "points[0].conditions[1]", "must not be empty"},
        BadCase{PrepKind::kEvidencePlan, R"({"rows":[{"type":"ram"}]})", "rows[0].type", "expected one of"},
        BadCase{PrepKind::kEvidencePlan, R"({"rows":[{"type":"ews"},{"type":"ews"}]})", "rows[1].type", "already"},
        BadCase{PrepKind::kRestartChecklist, R"({"steps":[{"id":"R1","stage":"plc-logc","text":"x"}]})", "steps[0].stage",
                "did you mean 'plc-logic'"},
        BadCase{PrepKind::kRestartChecklist, R"({"steps":[{"id":"R1","stage":"hmi","text":"x","required":"yes"}]})",
                "steps[0].required", "true or false"},
        BadCase{PrepKind::kRestartChecklist,
                R"({"steps":[{"id":"R1","stage":"hmi","text":"x"},{"id":"R1","stage":"hmi","text":"y"}]})",
                "steps[1].id", "earlier step"},
        BadCase{PrepKind::kPocSheet, R"({"systems":[{"type":"RTU"}]})", "systems[0].type", "DCS"},
        BadCase{PrepKind::kPocSheet, R"({"components":[{"kind":"firmware","name":"x"}]})", "components[0].kind",
                "os, software, hardware"},
        BadCase{PrepKind::kPocSheet, R"({"reporter":{"email":"not-an-address"}})", "reporter.email", "e-mail"},
        BadCase{PrepKind::kPocSheet, R"({"reporter":{"mail":"a@b"}})", "reporter.mail", "unknown key"},
        BadCase{PrepKind::kPocSheet, R"({"withhold":["a","a"]})", "withhold[1]", "twice"},
        BadCase{PrepKind::kImprovementPlan, R"({"items":[{"id":"IP-001","issue":"x","status":"closed"}]})",
                "items[0].status", "open, in-progress, done, dropped"},
        BadCase{PrepKind::kImprovementPlan, R"({"items":[{"id":"IP-001","issue":"x","completed":"2026-01-01"}]})",
                "items[0].completed", "status 'done'"},
        BadCase{PrepKind::kImprovementPlan, R"({"items":[{"id":"IP-001","issue":"x","element":"people"}]})",
                "items[0].element", "planning"},
        BadCase{PrepKind::kImprovementPlan,
                R"({"items":[{"id":"IP-001","issue":"x","start":"2026-05-01","due":"2026-04-01"}]})", "items[0].due",
                "before the start"},
        BadCase{PrepKind::kImprovementPlan, R"({"items":[{"id":"IP-001","issue":"x","source_events":[3]}]})",
                "items[0].source_events", "source_exercise"},
        BadCase{PrepKind::kImprovementPlan,
                R"({"items":[{"id":"IP-001","issue":"x","source_exercise":"EX","source_events":[0]}]})",
                "items[0].source_events[0]", "event number"},
        BadCase{PrepKind::kImprovementPlan, R"({"items":[{"id":"IP-001"}]})", "items[0].issue", "required"}));

TEST(Preparedness, InvalidUtf8IsRejectedNotPassedOn) {
  json j = json::parse(R"({"points":[{"decision_point":"DP3","who":"x","conditions":["a"]}]})");
  j["points"][0]["who"] = std::string("\xff\xfe");
  auto r = parse_decision_criteria(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().where().field, "points[0].who");
  EXPECT_THAT(r.status().message(), HasSubstr("UTF-8"));
}

TEST(Preparedness, NotesMayHoldLineBreaks) {
  auto r = parse_contact_tree(json::parse(tree_with(
      R"({"id":"b","name":"B","channels":[{"kind":"phone"}],"notes":"line 1\r\nline 2\nline 3"})")));
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_EQ(r->entries[1].notes, "line 1\r\nline 2\nline 3");
}

// --- queries -----------------------------------------------------------------------------------

TEST(Preparedness, StaleEntriesAreThoseNeverConfirmedOrConfirmedTooLongAgo) {
  ContactTree t = full_tree();  // stale after 90 days; sirt 2026-10-01, it 2026-01-01, jpcert never
  auto ids = [](const std::vector<const ContactEntry*>& v) {
    std::vector<std::string> out;
    for (const auto* e : v) out.push_back(e->id);
    return out;
  };
  EXPECT_EQ(ids(stale_entries(t, "2026-11-26")), (std::vector<std::string>{"it", "jpcert"}));
  // Exactly 90 days is not yet stale; 91 is.
  EXPECT_EQ(ids(stale_entries(t, "2026-12-30")), (std::vector<std::string>{"it", "jpcert"}));
  EXPECT_EQ(ids(stale_entries(t, "2026-12-31")), (std::vector<std::string>{"sirt", "it", "jpcert"}));
  t.stale_after_days = 365;
  EXPECT_EQ(ids(stale_entries(t, "2026-11-26")), (std::vector<std::string>{"jpcert"}));
}

TEST(Preparedness, EscalationOrderSortsByLevelThenTreeOrderAndSkipsZero) {
  ContactTree t;
  auto entry = [](const char* id, int level) {
    ContactEntry e;
    e.id = id;
    e.name = id;
    e.channels = {{"phone", "", ""}};
    e.escalation = level;
    return e;
  };
  t.entries = {entry("c", 2), entry("a", 0), entry("b", 1), entry("d", 2), entry("e", 1)};
  std::vector<std::string> ids;
  for (const auto* e : escalation_order(t)) ids.push_back(e->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "e", "c", "d"}));
  EXPECT_EQ(find_entry(t, "d")->escalation, 2);
  EXPECT_EQ(find_entry(t, "x"), nullptr);
}

TEST(Preparedness, OverdueIsOpenOrInProgressPastItsDueDate) {
  PlanItem i;
  i.id = "IP-001";
  i.issue = "x";
  i.due = "2026-11-25";
  EXPECT_TRUE(overdue(i, "2026-11-26"));
  EXPECT_FALSE(overdue(i, "2026-11-25"));
  i.status = "in-progress";
  EXPECT_TRUE(overdue(i, "2027-01-01"));
  i.status = "done";
  EXPECT_FALSE(overdue(i, "2027-01-01"));
  i.status = "dropped";
  EXPECT_FALSE(overdue(i, "2027-01-01"));
  i.status = "open";
  i.due.clear();
  EXPECT_FALSE(overdue(i, "2027-01-01"));
}

TEST(Preparedness, NextPlanItemIdFollowsTheHighestNumber) {
  ImprovementPlan p;
  EXPECT_EQ(next_plan_item_id(p), "IP-001");
  p = full_plan();  // IP-001, IP-007
  EXPECT_EQ(next_plan_item_id(p), "IP-008");
  PlanItem other;
  other.id = "custom-9";
  other.issue = "x";
  p.items.push_back(other);
  EXPECT_EQ(next_plan_item_id(p), "IP-008");
  p.items[0].id = "IP-1200";
  EXPECT_EQ(next_plan_item_id(p), "IP-1201");
}

TEST(Preparedness, ExerciseCriteriaJsonIsKeyedByDecisionPoint) {
  DecisionCriteria c;
  c.points = {{"DP3", "工場長", "副工場長", {"安全", "拡大"}, "notes are not carried"}, {"DP9", "工場長", "", {"完了"}, ""}};
  const json j = exercise_criteria_json(c);
  EXPECT_EQ(j["DP3"]["who"], "工場長");
  EXPECT_EQ(j["DP3"]["conditions"], json({"安全", "拡大"}));
  EXPECT_EQ(j["DP3"]["deputy"], "副工場長");
  EXPECT_FALSE(j["DP9"].contains("deputy"));
  EXPECT_FALSE(j["DP3"].contains("notes"));
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(exercise_criteria_json(DecisionCriteria{}), json::object());
}

}  // namespace
}  // namespace kunren::model
