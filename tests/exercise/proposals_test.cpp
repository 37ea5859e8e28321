// Evidence-linked proposals (exercise/proposals.hpp): each rule type judged
// good / partial / poor / not at all from small drill logs that a real engine
// writes with a fake clock (so seqs and scenario times are those of a real
// log), the citations each proposal names, the national-CERT example of
// issue 6, contradictions with a submitted self-evaluation, the rules file
// reader's errors with line:column, the built-in rules against the built-in
// checklist and scenario, and one whole run of the built-in scenario.
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kunren/exercise/engine.hpp>
#include <kunren/exercise/proposals.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>

#include "exercise_testing.hpp"

namespace kunren::exercise {
namespace {

using model::Level;
using model::LocalizedText;
using nlohmann::json;
using std::chrono::seconds;
using testing::TestLog;

// --- a tiny checklist and scenario -------------------------------------------------

model::Item item(std::string id, bool two_choices = false, bool na = false) {
  model::Item i;
  i.id = std::move(id);
  i.section = "s1";
  i.text = LocalizedText(i.id + " text");
  i.choices.push_back({1, LocalizedText{{"ja", "できている"}, {"en", "Done"}}, Level::kGood});
  if (!two_choices) i.choices.push_back({2, LocalizedText{{"ja", "一部"}, {"en", "Partly"}}, Level::kPartial});
  i.choices.push_back({static_cast<int>(i.choices.size()) + 1, LocalizedText{{"ja", "できていない"}, {"en", "Not done"}},
                       Level::kPoor});
  if (na) i.choices.push_back({static_cast<int>(i.choices.size()) + 1, LocalizedText("n/a"), Level::kNa});
  return i;
}

// Items A-01 … (good/partial/poor), G-01 (good/poor only), N-01 (with n/a),
// L-01 (linked only from INJ-3), X-01 (linked from nothing).
model::Checklist tiny_checklist() {
  model::Checklist c;
  c.id = "tiny";
  c.version = "1";
  c.title = LocalizedText("Tiny");
  c.sections = {{"s1", model::Category::kImplementation, LocalizedText("S1")}};
  c.items = {item("A-01"), item("A-02"), item("A-03"), item("A-04"), item("G-01", true),
             item("N-01", false, true), item("F-01"), item("L-01"), item("X-01")};
  c.reindex();
  return c;
}

// Roles lead (may sort the board), ops, poc. DP1 classify (OBJ-1; links
// A-02), DP7 external (links G-01, N-01). OBJ-1 links F-01. INJ-1 +00:00
// raises DP1, expects a report, links A-01, A-03, A-04; INJ-2 +00:10 raises
// DP7, links A-02; INJ-3 +00:50 links L-01. Targets: first report 5 min,
// classified 10 min.
model::Scenario tiny_scenario() {
  model::Scenario s;
  s.id = "tiny";
  s.version = "1";
  s.title = LocalizedText("Tiny");
  s.checklist = "tiny";
  s.roles = {{"lead", LocalizedText("Lead"), {}, true}, {"ops", LocalizedText("Ops"), {}, false},
             {"poc", LocalizedText("PoC"), {}, false}};
  s.phases = {{"p", LocalizedText("P"), ""}};
  s.objectives = {{"OBJ-1", LocalizedText("Classify"), {"F-01"}}};
  model::DecisionPoint dp1;
  dp1.id = "DP1";
  dp1.kind = model::DecisionKind::kClassify;
  dp1.prompt = LocalizedText("Cyber?");
  dp1.options = {{"equipment", LocalizedText{{"ja", "設備故障"}, {"en", "Equipment"}}},
                 {"cyber", LocalizedText{{"ja", "サイバー"}, {"en", "Cyber"}}}};
  dp1.objective = "OBJ-1";
  dp1.links = {"A-02"};
  model::DecisionPoint dp7;
  dp7.id = "DP7";
  dp7.kind = model::DecisionKind::kExternal;
  dp7.prompt = LocalizedText("Outside?");
  dp7.options = {{"cert", LocalizedText("CERT")}, {"later", LocalizedText("Later")}};
  dp7.links = {"G-01", "N-01"};
  s.decision_points = {dp1, dp7};
  auto inject = [](std::string id, std::int64_t at, std::vector<std::string> dps, std::vector<std::string> links) {
    model::Inject i;
    i.id = std::move(id);
    i.at = at;
    i.phase = "p";
    i.title = LocalizedText{{"ja", i.id + " 件名"}, {"en", i.id + " title"}};
    i.body = LocalizedText("Body");
    i.decision_points = std::move(dps);
    i.links = std::move(links);
    return i;
  };
  auto i1 = inject("INJ-1", 0, {"DP1"}, {"A-01", "A-03", "A-04"});
  model::Expectation report;
  report.kind = model::ActionKind::kReport;
  i1.expects = {report};
  s.injects = {i1, inject("INJ-2", 600, {"DP7"}, {"A-02"}), inject("INJ-3", 3000, {}, {"L-01"})};
  s.targets.first_report = 300;
  s.targets.classified = 600;
  s.reindex();
  return s;
}

ProposalRules rules_of(const std::string& lines, const model::Checklist* checklist = nullptr) {
  auto r = parse_proposal_rules("checklist: tiny\nrules:\n" + lines, "rules.yaml", checklist);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : ProposalRules{};
}

std::vector<std::int64_t> seqs(const Proposal& p) {
  std::vector<std::int64_t> out;
  for (const auto& c : p.citations) out.push_back(c.seq);
  return out;
}

// A drill on the tiny scenario, driven minute by minute at speed 1.
class Drill : public ::testing::Test {
 protected:
  FakeClock clock;
  WallTime t0 = clock.now();
  std::shared_ptr<const model::Scenario> scenario = std::make_shared<const model::Scenario>(tiny_scenario());
  model::Checklist checklist = tiny_checklist();
  Engine engine{scenario, clock};
  TestLog log;
  json criteria;
  PreparedContext prepared;

  std::int64_t ok(Result<Pending> pending) {
    EXPECT_TRUE(pending.is_ok()) << pending.status().to_string();
    if (!pending.is_ok()) return 0;
    auto stored = log.store(engine, *pending);
    return stored.empty() ? 0 : stored.front().seq;
  }
  // Starts at scenario time 0 and delivers INJ-1 then.
  void start() {
    ok(engine.control("user:fac", {{"action", "start"}, {"speed", 1}}));
    to(0);
  }
  // Moves the drill to scenario second `s` and delivers what is due.
  void to(std::int64_t s) {
    clock.set(t0 + seconds(s));
    log.store(engine, engine.tick());
  }
  std::int64_t end() { return ok(engine.control("user:fac", {{"action", "end"}})); }
  std::int64_t act(const std::string& role, const std::string& kind, const json& payload) {
    return ok(engine.act("user:" + role, role, kind, payload));
  }
  std::int64_t report(const std::string& what = "HMI frozen") { return act("ops", "report", {{"what", what}}); }
  std::int64_t decide(const std::string& dp, const std::string& option, const std::string& rationale,
                      json crit = json::array()) {
    json p = {{"decision_point", dp}, {"option", option}, {"criteria", std::move(crit)}};
    if (!rationale.empty()) p["rationale"] = rationale;
    return act("lead", "decision", p);
  }
  std::int64_t contact(const std::string& to) {
    return act("poc", "contact", {{"to", to}, {"summary", "相談した"}});
  }
  std::int64_t observe(const std::string& rating) {
    return ok(engine.act("user:fac", std::string(k_facilitator_role), "observation",
                         {{"objective", "OBJ-1"}, {"rating", rating}, {"text", "見たこと"}}));
  }
  std::int64_t seq_of(const std::string& inject) const {
    const auto* d = engine.state().find_delivered(inject);
    return d ? d->seq : -1;
  }
  ProposalSet run(const std::string& rule_lines) {
    return propose("d1", *scenario, engine.state(), checklist, rules_of(rule_lines, &checklist), criteria, prepared);
  }
  Proposal one(const std::string& rule_lines, const std::string& item) {
    auto set = run(rule_lines);
    const Proposal* p = set.find(item);
    EXPECT_NE(p, nullptr) << item << " was not proposed";
    return p ? *p : Proposal{};
  }
};

// --- which items -----------------------------------------------------------------------

TEST_F(Drill, ProposesOnlyForItemsTheDrillReachedInChecklistOrder) {
  start();
  to(700);  // INJ-1 and INJ-2 delivered, INJ-3 not yet
  end();
  auto set = run("  - {item: A-01, type: report}\n");
  std::vector<std::string> items;
  for (const auto& p : set.proposals) items.push_back(p.item);
  // A-02 via INJ-2; G-01 and N-01 via DP7; F-01 via OBJ-1 (DP1 serves it).
  EXPECT_EQ(items, (std::vector<std::string>{"A-01", "A-02", "A-03", "A-04", "G-01", "N-01", "F-01"}));
  EXPECT_EQ(set.find("A-02")->sources, (std::vector<std::string>{"inject:INJ-2", "decision_point:DP1"}));
  EXPECT_EQ(set.find("G-01")->sources, (std::vector<std::string>{"decision_point:DP7"}));
  EXPECT_EQ(set.find("F-01")->sources, (std::vector<std::string>{"objective:OBJ-1"}));
  EXPECT_EQ(set.find("L-01"), nullptr);
  EXPECT_EQ(set.find("X-01"), nullptr);
  // Unruled and unrated: no proposal, and the reason says so.
  EXPECT_FALSE(set.find("A-03")->level);
  EXPECT_EQ(set.find("A-03")->choice, 0);
  EXPECT_NE(set.find("A-03")->reason.text("en").find("evaluator decides"), std::string::npos);
}

// --- decision --------------------------------------------------------------------------

constexpr const char* k_decision = "  - {item: A-01, type: decision, decision_point: DP1}\n";

TEST_F(Drill, DecisionInTimeWithRationaleIsGood) {
  start();
  to(300);
  const auto d = decide("DP1", "cyber", "HMI and AV alert together");
  end();
  auto p = one(k_decision, "A-01");
  ASSERT_TRUE(p.level);
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(p.choice, 1);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-1"), d}));
  EXPECT_NE(p.reason.text("en").find("+00:05"), std::string::npos) << p.reason.text("en");
  EXPECT_NE(p.citations.back().text.text("ja").find("サイバー"), std::string::npos);
}

TEST_F(Drill, DecisionLateOrWithoutRationaleIsPartial) {
  start();
  to(900);  // the scenario's target for classification is 10 minutes
  decide("DP1", "cyber", "late but reasoned");
  end();
  EXPECT_EQ(*one(k_decision, "A-01").level, Level::kPartial);
}

TEST_F(Drill, DecisionWithoutRationaleIsPartial) {
  start();
  to(60);
  decide("DP1", "equipment", "");
  end();
  auto p = one(k_decision, "A-01");
  EXPECT_EQ(*p.level, Level::kPartial);
  EXPECT_EQ(p.choice, 2);
  EXPECT_NE(p.reason.text("en").find("no rationale"), std::string::npos) << p.reason.text("en");
}

TEST_F(Drill, DecisionWithinCountsFromTheRaisingInject) {
  start();
  to(600);
  to(1000);  // 400 s after DP7 was raised
  const auto d = decide("DP7", "cert", "ask them");
  end();
  EXPECT_EQ(*one("  - {item: A-01, type: decision, decision_point: DP7, within: 300}\n", "A-01").level,
            Level::kPartial);
  auto p = one("  - {item: A-01, type: decision, decision_point: DP7, within: 600}\n", "A-01");
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-2"), d}));
}

TEST_F(Drill, DecisionPointRaisedAndNeverDecidedIsPoorCitingIt) {
  start();
  to(1200);
  const auto e = end();
  auto p = one(k_decision, "A-01");
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_EQ(p.choice, 3);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-1"), e}));
  EXPECT_NE(p.reason.text("en").find(fmt::format("DP1 was raised at +00:00 (seq {})", seq_of("INJ-1"))),
            std::string::npos)
      << p.reason.text("en");
}

TEST_F(Drill, DecisionPointNeverRaisedGivesNoProposal) {
  start();
  to(60);
  end();
  auto p = one("  - {item: A-01, type: decision, decision_point: DP7}\n", "A-01");
  EXPECT_FALSE(p.level);
  EXPECT_EQ(p.choice, 0);
  EXPECT_TRUE(p.citations.empty());
}

TEST_F(Drill, DecisionByKindAndRequiredFields) {
  start();
  to(60);
  act("lead", "decision",
      {{"decision_point", "DP1"}, {"option", "cyber"}, {"rationale", "r"}, {"decided_by", "plant manager"}});
  end();
  EXPECT_EQ(*one("  - {item: A-01, type: decision, decision_kind: classify, require: [rationale, decided_by]}\n",
                 "A-01").level,
            Level::kGood);
  EXPECT_EQ(*one("  - {item: A-01, type: decision, decision_kind: classify, require: [information]}\n", "A-01").level,
            Level::kPartial);
}

// --- contact: the national-CERT example of the issue ----------------------------------------

constexpr const char* k_cert = "  - {item: A-02, type: contact, target: national-cert, decision_point: DP7, within: 600}\n";

TEST_F(Drill, NoContactWithTheNationalCertIsPoorCitingTheDecisionPointThatPassed) {
  start();
  to(600);
  to(1800);
  contact("vendor");  // someone else was called: does not count
  const auto e = end();
  auto p = one(k_cert, "A-02");
  ASSERT_TRUE(p.level);
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_EQ(p.choice, 3);
  EXPECT_EQ(p.rule, "contact");
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-2"), e}));
  EXPECT_EQ(p.reason.text("en"), fmt::format("DP7 was raised at +00:10 (seq {}) and the drill ended without a contact "
                                             "to the national CERT.",
                                             seq_of("INJ-2")));
  EXPECT_NE(p.reason.text("ja").find("ナショナルCERT"), std::string::npos);
  EXPECT_NE(p.citations.front().text.text("en").find("+00:10 inject INJ-2"), std::string::npos);
}

TEST_F(Drill, ContactInTimeIsGoodAndLateIsPartial) {
  start();
  to(600);
  to(900);
  const auto c = contact("national-cert");
  end();
  auto p = one(k_cert, "A-02");
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-2"), c}));
  EXPECT_EQ(*one("  - {item: A-02, type: contact, target: national-cert, decision_point: DP7, within: 120}\n", "A-02")
                 .level,
            Level::kPartial);
}

TEST_F(Drill, ContactBeforeTheDecisionPointCountsAsOnTime) {
  start();
  to(120);
  contact("cert");  // normalised to national-cert
  to(700);
  end();
  EXPECT_EQ(*one(k_cert, "A-02").level, Level::kGood);
}

TEST_F(Drill, ContactToThePocRoleCountsForThePoc) {
  start();
  to(60);
  act("ops", "contact", {{"to", "role"}, {"role", "poc"}, {"summary", "知らせた"}});
  end();
  EXPECT_EQ(*one("  - {item: A-01, type: contact, target: poc, within: 300}\n", "A-01").level, Level::kGood);
}

TEST_F(Drill, ContactWhoseDecisionPointWasNeverRaisedGivesNoProposal) {
  start();
  to(60);
  end();
  auto p = one("  - {item: A-01, type: contact, target: national-cert, decision_point: DP7}\n", "A-01");
  EXPECT_FALSE(p.level);
  EXPECT_NE(p.reason.text("en").find("DP7"), std::string::npos);
}

TEST_F(Drill, ProposedLevelWithoutAMatchingChoiceLeavesTheChoiceToTheEvaluator) {
  start();
  to(600);
  to(1500);
  contact("vendor");  // 15 minutes after DP7: late
  end();
  auto p = one("  - {item: G-01, type: contact, target: vendor, decision_point: DP7, within: 300}\n", "G-01");
  ASSERT_TRUE(p.level);
  EXPECT_EQ(*p.level, Level::kPartial);
  EXPECT_EQ(p.choice, 0);  // G-01 has only good and poor
  EXPECT_NE(p.reason.text("en").find("no partial choice"), std::string::npos) << p.reason.text("en");
}

// --- report ----------------------------------------------------------------------------------

constexpr const char* k_report = "  - {item: A-01, type: report, min_reports: 2}\n";

TEST_F(Drill, ReportsFiledAndSortedAreGood) {
  start();
  to(60);
  const auto r1 = report("HMI frozen");
  to(120);
  const auto r2 = report("HMI frozen again");
  const auto merge = act("lead", "report", {{"op", "merge"}, {"report", r2}, {"into", r1}});
  end();
  auto p = one(k_report, "A-01");
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{r1, merge}));
}

TEST_F(Drill, ReportsNeverSortedOrTooFewArePartial) {
  start();
  to(60);
  const auto r1 = report();
  report();
  end();
  EXPECT_EQ(*one(k_report, "A-01").level, Level::kPartial);
  EXPECT_NE(one(k_report, "A-01").reason.text("en").find("never sorted"), std::string::npos);
  EXPECT_EQ(*one("  - {item: A-01, type: report, min_reports: 3}\n", "A-01").level, Level::kPartial);
  (void)r1;
}

TEST_F(Drill, NoReportAfterAnInjectAskingForOneIsPoor) {
  start();
  to(600);
  const auto e = end();
  auto p = one(k_report, "A-01");
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-1"), e}));
}

TEST_F(Drill, RulesNeedingInjectsGiveNoProposalBeforeAnyInject) {
  ok(engine.control("user:fac", {{"action", "start"}, {"speed", 1}}));  // never ticked: no inject delivered
  observe("S");  // OBJ-1 rated: F-01 is exercised
  for (const char* rule : {"report", "evidence", "metric, metric: first_report", "contact, target: vendor"}) {
    auto p = one(fmt::format("  - {{item: F-01, type: {}}}\n", rule), "F-01");
    EXPECT_FALSE(p.level) << rule;
  }
}

// --- evidence --------------------------------------------------------------------------------

constexpr const char* k_evidence = "  - {item: A-01, type: evidence, require: [asset, method, sha256, custody]}\n";
const std::string k_sha(64, 'a');

TEST_F(Drill, EvidenceRecordsWithEveryRequiredFieldAreGood) {
  start();
  to(300);
  const auto r = act("ops", "evidence",
                     {{"asset", "PLC-1"}, {"type", "controller-memory"}, {"method", "read"}, {"file", "plc1.bin"},
                      {"sha256", k_sha}});
  act("ops", "evidence", {{"op", "handover"}, {"record", r}, {"from", "ops"}, {"to", "sirt"}});
  end();
  auto p = one(k_evidence, "A-01");
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{r}));
}

TEST_F(Drill, EvidenceRecordsMissingFieldsArePartialAndSayWhich) {
  start();
  to(300);
  const auto r = act("ops", "evidence", {{"asset", "PLC-1"}, {"type", "controller-memory"}, {"method", "read"}});
  end();
  auto p = one(k_evidence, "A-01");
  EXPECT_EQ(*p.level, Level::kPartial);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{r}));
  EXPECT_NE(p.citations[0].text.text("en").find("missing: sha256, custody"), std::string::npos);
}

TEST_F(Drill, EvidenceTypesLimitTheRecordsThatCount) {
  start();
  to(300);
  act("ops", "evidence", {{"asset", "EWS"}, {"type", "ews"}, {"method", "image"}});
  const auto e = end();
  auto p = one("  - {item: A-01, type: evidence, types: [controller-memory], require: [asset]}\n", "A-01");
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-1"), e}));
  EXPECT_EQ(*one("  - {item: A-01, type: evidence, types: [ews], require: [asset]}\n", "A-01").level, Level::kGood);
}

// --- metric ----------------------------------------------------------------------------------

constexpr const char* k_metric = "  - {item: A-01, type: metric, metric: first_report}\n";

TEST_F(Drill, MetricMetIsGoodLateIsPartialMissingIsPoor) {
  start();
  to(180);
  const auto r = report();
  end();
  auto p = one(k_metric, "A-01");
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{r}));
}

TEST_F(Drill, MetricLateIsPartial) {
  start();
  to(480);  // target 5 minutes
  report();
  end();
  EXPECT_EQ(*one(k_metric, "A-01").level, Level::kPartial);
}

TEST_F(Drill, MetricThatNeverHappenedIsPoor) {
  start();
  to(900);
  const auto e = end();
  auto p = one(k_metric, "A-01");
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-1"), e}));
}

TEST_F(Drill, DecisionMetricWithoutItsDecisionPointGivesNoProposal) {
  start();
  to(900);
  end();
  // The tiny scenario has no stop or continue decision point.
  EXPECT_FALSE(one("  - {item: A-01, type: metric, metric: stop_decision}\n", "A-01").level);
}

// --- observation and the fallback -----------------------------------------------------------

TEST_F(Drill, ObservationRatingsMapToLevels) {
  const std::map<std::string, Level> want = {{"P", Level::kGood}, {"S", Level::kPartial}, {"M", Level::kPoor},
                                             {"U", Level::kPoor}};
  start();
  to(60);
  for (const auto& [rating, level] : want) {
    const auto o = observe(rating);
    auto p = one("  - {item: A-01, type: observation, objective: OBJ-1}\n", "A-01");
    ASSERT_TRUE(p.level) << rating;
    EXPECT_EQ(*p.level, level) << rating;  // the latest rating counts
    EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{o}));
  }
}

TEST_F(Drill, UnratedObjectiveGivesNoProposal) {
  start();
  to(60);
  end();
  EXPECT_FALSE(one("  - {item: A-01, type: observation, objective: OBJ-1}\n", "A-01").level);
}

TEST_F(Drill, ItemWithoutRuleFallsBackToItsObjectivesRating) {
  start();
  to(60);
  const auto o = observe("S");
  end();
  auto p = one("  - {item: A-01, type: report}\n", "F-01");
  EXPECT_EQ(p.rule, "observation");
  EXPECT_EQ(*p.level, Level::kPartial);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{o}));
}

// --- criteria --------------------------------------------------------------------------------

constexpr const char* k_criteria = "  - {item: A-01, type: criteria, decision_points: [DP1]}\n";

TEST_F(Drill, CriteriaTickedAtEveryDecisionAreGood) {
  criteria = {{"DP1", {{"who", "lead"}, {"conditions", {"HMI and AV alert together"}}}}};
  start();
  to(60);
  const auto d = decide("DP1", "cyber", "r", {{{"text", "HMI and AV alert together"}, {"met", true}}});
  end();
  auto p = one(k_criteria, "A-01");
  EXPECT_EQ(*p.level, Level::kGood);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{seq_of("INJ-1"), d}));
}

TEST_F(Drill, CriteriaTickedAtSomeDecisionsArePartialAtNoneArePoor) {
  criteria = {{"DP1", {{"who", "lead"}, {"conditions", {"c"}}}}};
  start();
  to(60);
  decide("DP1", "cyber", "r", {{{"text", "c"}, {"met", false}}});
  EXPECT_EQ(*one(k_criteria, "A-01").level, Level::kPoor);
  decide("DP1", "cyber", "r again", {{{"text", "c"}, {"met", true}}});
  EXPECT_EQ(*one(k_criteria, "A-01").level, Level::kPartial);
}

TEST_F(Drill, CriteriaNeverSetArePoorAndPreparedCriteriaCount) {
  start();
  to(60);
  decide("DP1", "cyber", "r", {{{"text", "c"}, {"met", true}}});
  end();
  auto p = one(k_criteria, "A-01");
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_NE(p.reason.text("en").find("No criteria"), std::string::npos);
  model::DecisionCriteria dc;
  dc.points = {{"DP1", "lead", "", {"c"}, ""}};
  prepared.records["criteria"] = model::to_json(dc);
  EXPECT_EQ(*one(k_criteria, "A-01").level, Level::kGood);
}

TEST_F(Drill, CriteriaOfADecisionPointNeverRaisedGiveNoProposal) {
  start();
  to(60);
  end();
  EXPECT_FALSE(one("  - {item: A-01, type: criteria, decision_points: [DP7]}\n", "A-01").level);
}

// --- prepared --------------------------------------------------------------------------------

model::ContactEntry entry(std::string id, std::string confirmed, bool external = false) {
  model::ContactEntry e;
  e.id = id;
  e.name = "Name " + id;
  e.function = external ? "national-cert" : "sirt";
  e.external = external;
  e.channels = {{"phone", "000", ""}};
  e.escalation = 1;
  e.last_confirmed = std::move(confirmed);
  return e;
}

constexpr const char* k_tree = "  - {item: A-01, type: prepared, record: contact-tree, min_entries: 2}\n";

TEST_F(Drill, PreparedRecordCompleteIsGoodStaleIsPartialMissingIsPoor) {
  start();
  to(60);
  end();
  prepared.today = "2026-11-26";
  auto p = one(k_tree, "A-01");
  EXPECT_EQ(*p.level, Level::kPoor);
  EXPECT_EQ(seqs(p), (std::vector<std::int64_t>{0}));  // nothing in the log to cite

  model::ContactTree tree;
  tree.entries = {entry("E1", "2026-10-01"), entry("E2", "2026-11-01", true)};
  prepared.records["contact-tree"] = model::to_json(tree);
  EXPECT_EQ(*one(k_tree, "A-01").level, Level::kGood);

  tree.entries[0].last_confirmed = "2025-01-01";  // more than 180 days ago
  prepared.records["contact-tree"] = model::to_json(tree);
  p = one(k_tree, "A-01");
  EXPECT_EQ(*p.level, Level::kPartial);
  EXPECT_NE(p.reason.text("en").find("1 entries not confirmed within 180 days"), std::string::npos)
      << p.reason.text("en");

  tree.entries.pop_back();  // fresh again but too short
  tree.entries[0].last_confirmed = "2026-11-01";
  prepared.records["contact-tree"] = model::to_json(tree);
  EXPECT_EQ(*one(k_tree, "A-01").level, Level::kPartial);
}

TEST_F(Drill, PreparedPocSheetChecksWhatTheRuleRequires) {
  start();
  to(60);
  end();
  model::PocSheet sheet;
  sheet.reporter.name = "Sato";
  sheet.systems = {{"PLC", "V", "P", "1", "L2", "Line 1"}};
  prepared.records["poc-sheet"] = model::to_json(sheet);
  const char* rule = "  - {item: A-01, type: prepared, record: poc-sheet, require: [reporter, deputy]}\n";
  auto p = one(rule, "A-01");
  EXPECT_EQ(*p.level, Level::kPartial);
  EXPECT_NE(p.reason.text("en").find("no deputy"), std::string::npos);
  sheet.deputy.name = "Suzuki";
  prepared.records["poc-sheet"] = model::to_json(sheet);
  EXPECT_EQ(*one(rule, "A-01").level, Level::kGood);
}

TEST_F(Drill, UnreadablePreparedRecordGivesNoProposal) {
  start();
  to(60);
  end();
  prepared.records["contact-tree"] = json{{"entries", "not a list"}};
  EXPECT_FALSE(one(k_tree, "A-01").level);
}

// --- the evidence link and JSON ----------------------------------------------------------------

TEST_F(Drill, EvidenceLinkAndJsonNameTheCitedEvents) {
  start();
  to(600);
  to(900);
  const auto c = contact("national-cert");
  end();
  auto set = run(k_cert);
  const Proposal* p = set.find("A-02");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(evidence_link(set, *p),
            (json{{"exercise", "d1"}, {"rule", "contact"}, {"proposed", 1}, {"events", {seq_of("INJ-2"), c}}}));
  const json j = to_json(set, "en");
  EXPECT_EQ(j["checklist"]["id"], "tiny");
  const auto& a02 = *std::find_if(j["proposals"].begin(), j["proposals"].end(),
                                  [](const json& x) { return x["item"] == "A-02"; });
  EXPECT_EQ(a02["level"], "good");
  EXPECT_EQ(a02["choice"], 1);
  EXPECT_EQ(a02["citations"][1]["seq"], c);
  EXPECT_EQ(a02["citations"][1]["time"], "+00:15");
  EXPECT_TRUE(j["proposals"][2]["choice"].is_null() || j["proposals"][2]["level"].is_string());
  EXPECT_NE(to_json(set, "ja")["proposals"][1]["reason"].get<std::string>().find("ナショナルCERT"), std::string::npos);
}

// --- contradictions ------------------------------------------------------------------------------

ProposalSet set_with(std::vector<std::pair<std::string, std::optional<Level>>> levels) {
  ProposalSet set;
  set.exercise = "d1";
  set.checklist_id = "tiny";
  for (auto& [item, level] : levels) {
    Proposal p;
    p.item = item;
    p.rule = "contact";
    p.level = level;
    p.choice = level == Level::kGood ? 1 : level == Level::kPartial ? 2 : level == Level::kPoor ? 3 : 0;
    p.reason = LocalizedText{{"ja", "理由"}, {"en", "because"}};
    set.proposals.push_back(p);
  }
  return set;
}

TEST(Contradictions, ClaimsAboveWhatTheDrillShowedAreListedWithSeverity) {
  const auto checklist = tiny_checklist();
  const auto set = set_with({{"A-01", Level::kPoor},
                             {"A-02", Level::kPartial},
                             {"A-03", Level::kPoor},
                             {"A-04", Level::kPartial},
                             {"G-01", Level::kGood},
                             {"N-01", Level::kPoor},
                             {"F-01", std::nullopt}});
  // A-01 good vs poor; A-02 good vs partial; A-03 partial vs poor; A-04
  // partial vs partial (agrees); G-01 poor vs good (claims less); N-01 n/a
  // vs poor; F-01 good but no proposal; L-01 answered, not proposed.
  const std::map<std::string, std::uint8_t> answers = {{"A-01", 1}, {"A-02", 1}, {"A-03", 2}, {"A-04", 2},
                                                       {"G-01", 2}, {"N-01", 4}, {"F-01", 1}, {"L-01", 1}};
  const auto found = find_contradictions(set, checklist, answers);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].item, "A-01");
  EXPECT_EQ(found[0].severity, "major");
  EXPECT_EQ(found[0].claimed, Level::kGood);
  EXPECT_EQ(found[0].claimed_choice, 1);
  EXPECT_EQ(found[1].item, "A-02");
  EXPECT_EQ(found[1].severity, "minor");
  EXPECT_EQ(found[2].item, "A-03");
  EXPECT_EQ(found[2].severity, "major");
  EXPECT_EQ(found[2].claimed, Level::kPartial);
  EXPECT_EQ(found[0].message.text("ja"), "自己評価は「できている」だが、訓練の記録では「できていない」にとどまる: 理由");
  EXPECT_NE(found[0].message.text("en").find("“Done”"), std::string::npos);
  const json j = to_json(found[1], "en");
  EXPECT_EQ(j["severity"], "minor");
  EXPECT_EQ(j["shown"]["level"], "partial");
  EXPECT_EQ(j["claimed"], "good");
}

TEST(Contradictions, NoAnswersNoContradictions) {
  EXPECT_TRUE(find_contradictions(set_with({{"A-01", Level::kPoor}}), tiny_checklist(), {}).empty());
  // A choice number the item does not have is ignored, not a crash.
  EXPECT_TRUE(find_contradictions(set_with({{"A-01", Level::kPoor}}), tiny_checklist(), {{"A-01", 9}}).empty());
}

// --- the rules file ------------------------------------------------------------------------------

struct BadRules {
  std::string text;
  std::uint64_t line, column;
  std::string field, message;
};

TEST(ProposalRulesFile, ErrorsNameLineColumnAndField) {
  const auto checklist = tiny_checklist();
  const std::vector<BadRules> cases = {
      {"checklist: tiny\nrules:\n  - {item: A-01, type: contact, targt: vendor}\n", 3, 33, "rules[A-01].targt",
       "unknown key 'targt'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: report, within: 60}\n", 3, 32, "rules[A-01].within",
       "unknown key 'within' in rule rules[A-01] (a report rule)"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: guess}\n", 3, 24, "rules[A-01].type", "unknown rule type 'guess'"},
      {"checklist: tiny\nrules:\n  - {type: report}\n", 3, 5, "rules[#1].item", "missing required key 'item'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: report}\n  - {item: A-01, type: evidence}\n", 4, 5,
       "rules[A-01].item", "a second rule for item A-01 (the first is at line 3)"},
      {"checklist: tiny\nrules:\n  - {item: Z-99, type: report}\n", 3, 12, "rules[Z-99].item",
       "checklist tiny has no item 'Z-99'"},
      {"checklist: other\nrules: []\n", 1, 12, "checklist", "not 'tiny'"},
      {"checklist: tiny\nrules:\n  - item: A-01\n    type: contact\n    target: pigeon\n", 5, 13, "rules[A-01].target",
       "unknown contact target 'pigeon'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: contact, target: vendor, within: soon}\n", 3, 57,
       "rules[A-01].within", "whole number"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: decision}\n", 3, 5, "rules[A-01]",
       "exactly one of decision_point and decision_kind"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: contact, target: vendor, decision_point: DP7, inject: I-1}\n",
       3, 70, "rules[A-01].inject", "not both"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: prepared, record: contact-tree, require: [approver]}\n", 3, 66,
       "rules[A-01].require", "cannot require 'approver'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: prepared, record: diary}\n", 3, 42, "rules[A-01].record",
       "unknown preparedness record 'diary'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: metric, metric: speed}\n", 3, 40, "rules[A-01].metric",
       "unknown metric 'speed'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: evidence, types: [diary]}\n", 3, 42, "rules[A-01].types",
       "unknown evidence type 'diary'"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: report, min_reports: 0}\n", 3, 45, "rules[A-01].min_reports",
       "at least 1"},
      {"checklist: tiny\nrule: []\n", 2, 1, "rule", "unknown key 'rule'"},
      {"checklist: tiny\n", 1, 1, "rules", "missing required key 'rules'"},
      {"- 1\n", 1, 1, "", "must be a mapping"},
      {"checklist: tiny\nrules:\n  - {item: A-01, type: report, type: evidence}\n", 3, 32, "rules[A-01].type",
       "duplicate key 'type'"},
  };
  for (const auto& c : cases) {
    auto r = parse_proposal_rules(c.text, "r.yaml", &checklist);
    ASSERT_FALSE(r.is_ok()) << c.text;
    const auto& st = r.status();
    EXPECT_EQ(st.kind(), ErrorKind::kBadInput) << c.text;
    EXPECT_EQ(st.where().file, "r.yaml");
    EXPECT_EQ(st.where().line, c.line) << c.text << st.to_string();
    EXPECT_EQ(st.where().column, c.column) << c.text << st.to_string();
    EXPECT_EQ(st.where().field, c.field) << c.text << st.to_string();
    EXPECT_NE(st.message().find(c.message), std::string::npos) << st.to_string();
  }
}

TEST(ProposalRulesFile, ReadsYamlAndJsonWithDefaults) {
  auto yaml = parse_proposal_rules(
      "checklist: tiny\nrules:\n  - {item: A-01, type: contact, target: [cert, police], within: '+01:00'}\n"
      "  - {item: A-02, type: evidence}\n  - {item: A-03, type: prepared, record: contact-tree}\n",
      "r.yaml");
  ASSERT_TRUE(yaml.is_ok()) << yaml.status().to_string();
  EXPECT_EQ(yaml->rules.size(), 3u);
  EXPECT_EQ(yaml->find("A-01")->params["target"], (json{"national-cert", "police"}));
  EXPECT_EQ(yaml->find("A-01")->params["within"], 3600);
  EXPECT_EQ(yaml->find("A-02")->params["require"].size(), 6u);
  EXPECT_EQ(yaml->find("A-03")->params["require"], (json{"fresh"}));
  EXPECT_EQ(yaml->find("A-04"), nullptr);
  auto js = parse_proposal_rules(R"({"checklist": "tiny", "rules": [{"item": "A-01", "type": "metric", "metric": "cert_contact"}]})",
                                 "r.json");
  ASSERT_TRUE(js.is_ok()) << js.status().to_string();
  EXPECT_EQ(js->checklist, "tiny");
  EXPECT_EQ(js->rules[0].params["metric"], "cert_contact");
  auto broken = parse_proposal_rules("{\"checklist\": ", "r.json");
  EXPECT_FALSE(broken.is_ok());
  EXPECT_EQ(broken.status().where().line, 1u);
}

// --- the built-in rules ------------------------------------------------------------------------

TEST(BuiltinProposalRules, EveryRuleNamesWhatTheBuiltinChecklistAndScenarioHave) {
  auto rules = builtin_proposal_rules("factory-ir");
  ASSERT_TRUE(rules.is_ok()) << rules.status().to_string();
  auto checklist = io::load_builtin_checklist("factory-ir");
  auto scenario = io::load_builtin_scenario("factory-ransomware");
  ASSERT_TRUE(checklist.is_ok() && scenario.is_ok());
  EXPECT_GE(rules->rules.size(), 50u);
  std::set<std::string> linked;
  for (const auto& i : scenario->injects) linked.insert(i.links.begin(), i.links.end());
  for (const auto& d : scenario->decision_points) linked.insert(d.links.begin(), d.links.end());
  for (const auto& o : scenario->objectives) linked.insert(o.links.begin(), o.links.end());
  for (const auto& r : rules->rules) {
    SCOPED_TRACE(r.item);
    EXPECT_TRUE(checklist->find_item(r.item));
    EXPECT_TRUE(linked.count(r.item)) << "the scenario never exercises it";
    const json& p = r.params;
    if (p.contains("decision_point")) {
      EXPECT_NE(scenario->find_decision_point(p["decision_point"].get<std::string>()), nullptr);
    }
    for (const auto& dp : p.value("decision_points", json::array()))
      EXPECT_NE(scenario->find_decision_point(dp.get<std::string>()), nullptr);
    if (p.contains("objective")) {
      EXPECT_NE(scenario->find_objective(p["objective"].get<std::string>()), nullptr);
    }
    if (p.contains("inject")) {
      EXPECT_NE(scenario->find_inject(p["inject"].get<std::string>()), nullptr);
    }
    for (const auto& t : p.value("target", json::array())) {
      const auto& all = model::contact_targets();
      EXPECT_NE(std::find(all.begin(), all.end(), t.get<std::string>()), all.end());
    }
    if (r.type == "prepared") {
      EXPECT_TRUE(model::parse_prep_kind(p["record"].get<std::string>()));
    }
  }
  // The items the brief names have rules of the expected type.
  EXPECT_EQ(rules->find("IMP-P6-01")->type, "contact");
  EXPECT_EQ(rules->find("IMP-P2-02")->type, "decision");
  EXPECT_EQ(rules->find("IMP-P4-03")->type, "criteria");
  EXPECT_EQ(rules->find("IMP-P0-02")->type, "prepared");
  EXPECT_EQ(builtin_proposal_rules("no-such").status().kind(), ErrorKind::kNotFound);
}

// A whole run of the built-in scenario at ×10: a team that reports, classifies
// and calls the vendor, but never the national CERT, and ends after DP7.
TEST(BuiltinScenarioRun, ProposesAcrossTheChecklistCitingTheLog) {
  auto checklist = io::load_builtin_checklist("factory-ir");
  auto loaded = io::load_builtin_scenario("factory-ransomware");
  auto rules = builtin_proposal_rules("factory-ir");
  ASSERT_TRUE(checklist.is_ok() && loaded.is_ok() && rules.is_ok());
  FakeClock clock;
  const WallTime t0 = clock.now();
  auto scenario = std::make_shared<const model::Scenario>(std::move(*loaded));
  Engine engine(scenario, clock);
  TestLog log;
  auto store = [&](Result<Pending> p) {
    EXPECT_TRUE(p.is_ok()) << p.status().to_string();
    auto stored = p.is_ok() ? log.store(engine, *p) : std::vector<model::ExerciseEvent>{};
    return stored.empty() ? std::int64_t{0} : stored.front().seq;
  };
  auto at = [&](std::int64_t s) {  // scenario seconds at ×10
    clock.set(t0 + std::chrono::milliseconds(s * 100));
    log.store(engine, engine.tick());
  };
  store(engine.control("user:fac", {{"action", "start"}, {"speed", 10}}));
  at(6 * 60);
  const auto r1 = store(engine.act("user:a", "production", "report", {{"what", "HMI の表示が固まった"}}));
  at(14 * 60);
  const auto r2 = store(engine.act("user:b", "maintenance", "report", {{"what", "PLC 通信断"}}));
  store(engine.act("user:c", "sirt", "report", {{"op", "merge"}, {"report", r2}, {"into", r1}}));
  store(engine.act("user:c", "sirt", "report", {{"what", "AV 検知"}}));
  at(25 * 60);
  const auto dp1 = store(engine.act("user:c", "sirt", "decision",
                                    {{"decision_point", "DP1"}, {"option", "cyber"}, {"rationale", "AV と HMI の同時異常"}}));
  at(70 * 60);
  store(engine.act("user:d", "poc", "contact", {{"to", "vendor"}, {"summary", "リモート保守経路の確認を依頼"}}));
  at(100 * 60);
  const auto end = store(engine.control("user:fac", {{"action", "end"}}));
  const auto& state = engine.state();

  auto set = propose("run1", *scenario, state, *checklist, *rules, json(), PreparedContext{});
  EXPECT_GE(set.proposals.size(), 40u);
  // Checklist order, and every citation names an event of this log.
  std::optional<std::size_t> last;
  for (const auto& p : set.proposals) {
    const auto index = checklist->find_item(p.item);
    ASSERT_TRUE(index);
    if (last) {
      EXPECT_GT(*index, *last);
    }
    last = index;
    EXPECT_FALSE(p.sources.empty()) << p.item;
    EXPECT_FALSE(p.reason.text("ja").empty());
    EXPECT_FALSE(p.reason.text("en").empty());
    for (const auto& c : p.citations) EXPECT_LE(c.seq, state.last_seq) << p.item;
    if (p.level && p.choice > 0) {
      EXPECT_EQ(checklist->items[*index].choices[p.choice - 1].level, *p.level) << p.item;
    }
  }
  // Items of injects after the end were not exercised (INJ-044 restart at +03:00).
  EXPECT_EQ(set.find("IMP-P8-02"), nullptr);
  // Classification in time with grounds.
  const Proposal* classify = set.find("IMP-P2-02");
  ASSERT_NE(classify, nullptr);
  EXPECT_EQ(*classify->level, Level::kGood);
  EXPECT_EQ(classify->citations.back().seq, dp1);
  // The national CERT: DP7 passed without a contact.
  const Proposal* cert = set.find("IMP-P6-01");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(*cert->level, Level::kPoor);
  const auto* raised = state.find_delivered("INJ-022");
  ASSERT_NE(raised, nullptr);
  EXPECT_EQ(seqs(*cert), (std::vector<std::int64_t>{raised->seq, end}));
  // The vendor was called 5 minutes after DP7: good.
  EXPECT_EQ(*set.find("IMP-P6-03")->level, Level::kGood);
  // No preparedness records: poor, citing nothing in the log.
  EXPECT_EQ(*set.find("IMP-P0-02")->level, Level::kPoor);
  // The board: three reports, one merge.
  EXPECT_EQ(*set.find("IMP-P3-01")->level, Level::kGood);
  EXPECT_EQ(*set.find("IMP-P3-02")->level, Level::kPartial);
  // A self-evaluation claiming CERT consultation contradicts the log.
  auto found = find_contradictions(set, *checklist, {{"IMP-P6-01", 1}, {"IMP-P2-02", 1}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].item, "IMP-P6-01");
  EXPECT_EQ(found[0].severity, "major");
}

// A log exported by `kunren exercise log --format jsonl` from a short run of
// the built-in scenario through the API (tests/data/drills/): DP1 and DP3
// decided with grounds, two reports, one complete evidence record
// without custody, the vendor called at DP7, never the national CERT, OBJ-5
// rated M. Read back, verified, replayed, proposed.
TEST(DrillLogFixture, ExportedLogReplaysIntoTheExpectedProposals) {
  std::ifstream in(std::string(KUNREN_TEST_DIR) + "/data/drills/cert-not-contacted.jsonl");
  ASSERT_TRUE(in.good());
  std::vector<model::ExerciseEvent> events;
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line);
    model::ExerciseEvent e;
    e.seq = j["seq"];
    e.at = j["at"];
    e.scenario_ms = j["scenario_ms"];
    e.actor = j["actor"];
    e.role = j["role"];
    e.kind = j["kind"];
    e.payload = model::canonical_json(j["payload"]);
    e.prev_hash = j["prev_hash"];
    e.hash = j["hash"];
    events.push_back(std::move(e));
  }
  ASSERT_EQ(events.size(), 14u);
  ASSERT_FALSE(model::verify_chain(events)) << "the fixture's chain is broken";
  auto loaded = io::load_builtin_scenario("factory-ransomware");
  auto checklist = io::load_builtin_checklist("factory-ir");
  auto rules = builtin_proposal_rules("factory-ir");
  ASSERT_TRUE(loaded.is_ok() && checklist.is_ok() && rules.is_ok());
  SystemClock clock;
  Engine engine(std::make_shared<const model::Scenario>(std::move(*loaded)), clock);
  ASSERT_TRUE(engine.commit(events).is_ok());
  const auto set = propose("d1", engine.scenario(), engine.state(), *checklist, *rules, json(), PreparedContext{});
  struct Want {
    const char* item;
    Level level;
    std::vector<std::int64_t> seqs;
  };
  // seq 4 INJ-003 (DP1), 6 DP1 decided, 7 INJ-016 (DP3), 8 DP3 decided, 10
  // evidence record, 11 INJ-022 (DP7), 12 vendor contact, 13 OBJ-5 rated M,
  // 14 end.
  const std::vector<Want> wants = {
      {"IMP-P2-02", Level::kGood, {4, 6}},       {"IMP-P4-01", Level::kGood, {7, 8}},
      {"IMP-P4-04", Level::kGood, {7, 8}},       {"IMP-P5-03", Level::kPartial, {10}},
      {"IMP-P5-06", Level::kPartial, {10}},      {"IMP-P6-01", Level::kPoor, {11, 14}},
      {"IMP-P6-03", Level::kGood, {11, 12}},     {"IMP-P6-02", Level::kPoor, {13}},
      {"IMP-P2-05", Level::kGood, {3}},          {"IMP-P0-09", Level::kPoor, {0}},
      {"IMP-P5-04", Level::kGood, {10}},
  };
  for (const auto& w : wants) {
    SCOPED_TRACE(w.item);
    const Proposal* p = set.find(w.item);
    ASSERT_NE(p, nullptr);
    ASSERT_TRUE(p->level) << p->reason.text("en");
    EXPECT_EQ(*p->level, w.level) << p->reason.text("en");
    EXPECT_EQ(seqs(*p), w.seqs) << p->reason.text("en");
  }
  EXPECT_EQ(set.find("IMP-P4-03")->level, Level::kPoor);  // no criteria were set
  EXPECT_EQ(set.find("IMP-P8-02"), nullptr);              // never reached
}

}  // namespace
}  // namespace kunren::exercise
