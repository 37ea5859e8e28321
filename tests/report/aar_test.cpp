// The after-action report and improvement plan: strengths and areas per
// objective by the rule of aar.cpp, suggested plan items for what the plan
// does not cover yet, the JSON (kunren.aar/1), the HTML (self-contained,
// print rules, escaping, overdue marks) and the plan CSV for Excel. Golden
// files: tests/golden/aar/ (KUNREN_UPDATE_GOLDEN=1
// build/tests/kunren_tests --gtest_filter='Aar*' rewrites them).
#include <kunren/report/aar.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "drill_fixture.hpp"
#include "report_testing.hpp"

namespace kunren::report {
namespace {

using model::LocalizedText;
using testing::Drill;

std::vector<std::string> texts(const std::vector<LocalizedText>& list, const char* lang = "ja") {
  std::vector<std::string> out;
  for (const auto& t : list) out.push_back(t.text(lang));
  return out;
}

bool any_contains(const std::vector<std::string>& list, const std::string& needle) {
  for (const auto& s : list)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

class AarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    drill.play();
    // Proposals as exercise::propose would make them: DP1 decided in time
    // (good), no criteria met at DP3 for IMP-P4-01 (poor), a partial one.
    exercise::Proposal good;
    good.item = "IMP-P2-01";
    good.rule = "decision";
    good.level = model::Level::kGood;
    good.choice = 1;
    good.reason = LocalizedText{{"ja", "DP1 を目標時間内に理由つきで判断した"}, {"en", "DP1 was decided in time with a rationale"}};
    good.sources = {"objective:OBJ-1"};
    exercise::Proposal poor;
    poor.item = "IMP-P4-01";
    poor.rule = "criteria";
    poor.level = model::Level::kPoor;
    poor.choice = 3;
    poor.reason = LocalizedText{{"ja", "停止の判断基準が定められていなかった"}, {"en", "No stop criteria had been set"}};
    poor.sources = {"decision_point:DP3"};
    for (const auto& d : drill.state().decisions)
      if (d.decision_point == "DP3") poor.citations.push_back({d.seq, d.scenario_ms, LocalizedText("DP3")});
    exercise::Proposal partial;
    partial.item = "IMP-P4-02";
    partial.rule = "decision";
    partial.level = model::Level::kPartial;
    partial.sources = {"decision_point:DP3"};
    proposals.exercise = "EX-2026-01";
    proposals.proposals = {good, poor, partial};

    exercise::Contradiction c;
    c.item = "IMP-P0-05";
    c.claimed_choice = 1;
    c.claimed = model::Level::kGood;
    c.shown = poor;
    c.severity = "major";
    c.message = LocalizedText{{"ja", "自己評価は「窓口を定めている」だが、<CERT> への連絡はなかった"},
                              {"en", "Self-evaluation says a PoC exists, but <CERT> was never contacted"}};
    contradictions = {c};

    model::PlanItem old_open;
    old_open.id = "IP-001";
    old_open.issue = "連絡網の更新が遅れている";
    old_open.action = "四半期ごとに連絡網を確認する";
    old_open.element = "planning";
    old_open.owner_org = "総務部";
    old_open.owner = "高橋";
    old_open.due = "2026-10-01";
    old_open.status = "open";
    old_open.source_exercise = "EX-2025-02";
    model::PlanItem old_done = old_open;
    old_done.id = "IP-002";
    old_done.issue = "証拠保全の手順書がない";
    old_done.action = "手順書を作る, 配布する";
    old_done.element = "equipment";
    old_done.status = "done";
    old_done.completed = "2026-09-15";
    old_done.notes = "第2版\n配布済み";
    model::PlanItem raised;
    raised.id = "IP-003";
    raised.issue = "停止判断の基準が共有されていない";
    raised.action = "判断基準を文書化する";
    raised.element = "planning";
    raised.objective = "OBJ-2";
    raised.due = "2027-01-31";
    raised.status = "in-progress";
    raised.source_exercise = "EX-2026-01";
    plan.items = {old_open, old_done, raised};
    poc = testing::full_poc_sheet();
  }

  AarInput input() {
    AarInput in;
    in.exercise_id = "EX-2026-01";
    in.title = "2026年度 第1回 工場訓練";
    in.org_id = "ORG-1";
    in.org_name = "サンプル化学";
    in.started_at = "2026-11-26T10:00:00.100001Z";
    in.ended_at = "2026-11-26T10:04:12.100030Z";
    in.scenario = drill.scenario.get();
    in.state = &drill.state();
    in.participants = {{"lead1", "鈴木 一郎", "lead"}, {"prod1", "田中 花子", "production"}, {"mnt1", "", "maintenance"}};
    in.proposals = &proposals;
    in.contradictions = contradictions;
    in.plan = &plan;
    in.poc = &poc;
    in.today = "2026-11-26";
    in.generated_at = "2026-11-26 12:00 UTC";
    return in;
  }

  Drill drill;
  exercise::ProposalSet proposals;
  std::vector<exercise::Contradiction> contradictions;
  model::ImprovementPlan plan;
  model::PocSheet poc;
};

TEST_F(AarTest, RatingsMetricsAndProposalsGiveStrengthsAndAreasByTheRule) {
  const auto analysis = analyse_objectives(input());
  ASSERT_EQ(analysis.size(), 2u);
  const auto& o1 = analysis[0];
  EXPECT_EQ(o1.objective->id, "OBJ-1");
  EXPECT_EQ(o1.rating, "P");
  ASSERT_EQ(o1.observations.size(), 1u);
  const auto s1 = texts(o1.strengths);
  EXPECT_TRUE(any_contains(s1, "評価 P")) << "a P rating is a strength";
  EXPECT_TRUE(any_contains(s1, "事象の判別（DP1）まで：00:06（目標 00:10 以内）で達成")) << "classified met";
  EXPECT_TRUE(any_contains(s1, "最初の報告まで")) << "first report met (escalate objective)";
  EXPECT_TRUE(any_contains(s1, "IMP-P2-01")) << "a good proposal is a strength";
  EXPECT_TRUE(o1.improvements.empty());

  const auto& o2 = analysis[1];
  EXPECT_EQ(o2.rating, "M");
  const auto i2 = texts(o2.improvements);
  EXPECT_TRUE(any_contains(i2, "評価 M")) << "an M rating is an area for improvement";
  EXPECT_TRUE(any_contains(i2, "生産停止／継続の判断まで：00:12（目標 00:10）で目標に遅れた")) << "late";
  EXPECT_TRUE(any_contains(i2, "ナショナルCERTへの連絡まで：目標 00:30 までに行われなかった")) << "never";
  EXPECT_TRUE(any_contains(i2, "IMP-P4-01")) << "a poor proposal is an area";
  EXPECT_FALSE(any_contains(i2, "IMP-P4-02")) << "partial proposals give neither";
  EXPECT_FALSE(any_contains(texts(o2.strengths), "IMP-P4-02"));
  EXPECT_TRUE(any_contains(texts(o2.improvements, "en"), "Rated M (performed with major challenges)"));
}

TEST_F(AarTest, SuggestedItemsCoverOnlyWhatThePlanDoesNot) {
  // IP-003 covers OBJ-2 without an item: the rating and metric areas of
  // OBJ-2; the poor proposal for IMP-P4-01 is not covered.
  const auto suggested = suggested_plan_items(input());
  ASSERT_EQ(suggested.size(), 1u);
  EXPECT_EQ(suggested[0].id, "IP-004");
  EXPECT_EQ(suggested[0].item, "IMP-P4-01");
  EXPECT_EQ(suggested[0].objective, "OBJ-2");
  EXPECT_EQ(suggested[0].element, "planning") << "criteria rule → planning";
  EXPECT_EQ(suggested[0].status, "open");
  EXPECT_EQ(suggested[0].source_exercise, "EX-2026-01");
  ASSERT_EQ(suggested[0].source_events.size(), 1u);

  // Without a plan every area becomes an item, numbered from IP-001.
  AarInput bare = input();
  bare.plan = nullptr;
  const auto all = suggested_plan_items(bare);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, "IP-001");
  EXPECT_EQ(all[3].id, "IP-004");
  EXPECT_EQ(all[0].element, "training") << "a rating → training";
  // Once the plan holds them, nothing is left to suggest.
  model::ImprovementPlan full;
  full.items = all;
  bare.plan = &full;
  EXPECT_TRUE(suggested_plan_items(bare).empty());
}

TEST_F(AarTest, JsonFollowsTheSchema) {
  const auto j = aar_json(input(), "ja");
  EXPECT_EQ(j["schema"], "kunren.aar/1");
  EXPECT_EQ(j["exercise"]["state"], "ended");
  EXPECT_EQ(j["metrics"].size(), 7u);
  EXPECT_EQ(j["analysis"][1]["improvements"].size(), 4u);
  EXPECT_EQ(j["plan"]["raised"].size(), 1u);
  EXPECT_EQ(j["plan"]["carried"].size(), 2u);
  EXPECT_EQ(j["plan"]["carried"][0]["overdue"], true);
  EXPECT_EQ(j["plan"]["carried"][1]["overdue"], false) << "done items are never overdue";
  EXPECT_EQ(j["plan"]["suggested"].size(), 1u);
  EXPECT_EQ(j["evidence"].size(), 2u);
  EXPECT_EQ(j["evidence"][0]["custody"].size(), 1u);
  EXPECT_EQ(j["contradictions"][0]["severity"], "major");
  testing::expect_golden("aar/report_ja.json", j.dump(2) + "\n");
}

TEST_F(AarTest, HtmlIsSelfContainedPrintReadyAndMatchesTheGoldenFiles) {
  const std::string ja = aar_html(input(), "ja");
  const std::string en = aar_html(input(), "en");
  testing::expect_golden("aar/report_ja.html", ja);
  testing::expect_golden("aar/report_en.html", en);
  EXPECT_NE(ja.find("<html lang=\"ja\">"), std::string::npos);
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(ja.find("@page{size:A4 portrait"), std::string::npos);
  EXPECT_NE(ja.find(".new-page{break-before:page}"), std::string::npos);
  EXPECT_NE(ja.find("<section class=\"part new-page\" id=\"objectives\""), std::string::npos);
  EXPECT_NE(ja.find("<svg class=\"timeline-chart\""), std::string::npos) << "the timeline is inline";
  EXPECT_EQ(ja.find("<script"), std::string::npos);
  EXPECT_EQ(std::regex_search(ja, std::regex("(src|href)=\"(https?:)?//")), false) << "no external resource";
  // User data is escaped.
  EXPECT_EQ(ja.find("<CERT>"), std::string::npos);
  EXPECT_NE(ja.find("&lt;CERT&gt;"), std::string::npos);
  // The overdue item is marked; the criteria are ticked.
  EXPECT_NE(ja.find("<tr class=\"overdue\"><td class=\"nowrap\">IP-001</td>"), std::string::npos);
  EXPECT_EQ(ja.find("<tr class=\"overdue\"><td class=\"nowrap\">IP-002</td>"), std::string::npos);
  EXPECT_NE(ja.find("☑</span>不審な画面表示がある"), std::string::npos);
  EXPECT_NE(ja.find("☐</span>複数の端末で同時に起きている"), std::string::npos);
  EXPECT_NE(en.find("Areas for improvement"), std::string::npos);
}

TEST_F(AarTest, MissingInputsStillGiveAReport) {
  AarInput in;
  in.exercise_id = "EX-9";
  const std::string html = aar_html(in, "ja");
  EXPECT_NE(html.find("</html>"), std::string::npos);
  const auto j = aar_json(in, "en");
  EXPECT_TRUE(j["scenario"].is_null());
  EXPECT_TRUE(j["poc"].is_null());
  EXPECT_TRUE(j["metrics"].empty());
  EXPECT_TRUE(suggested_plan_items(in).empty());
}

TEST_F(AarTest, PlanCsvOpensInExcel) {
  const std::string csv = plan_csv(plan, "2026-11-26", "ja");
  testing::expect_golden("aar/plan_ja.csv", csv);
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 BOM";
  EXPECT_NE(csv.find("番号,課題,改善策,能力要素"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << "header, three rows, and a line break inside a quoted note";
  EXPECT_NE(csv.find("\"手順書を作る, 配布する\""), std::string::npos) << "RFC 4180 quoting";
  EXPECT_NE(csv.find(",2026-10-01,open,,yes,EX-2025-02,"), std::string::npos) << "overdue";
  const std::string en = plan_csv(plan, "2026-11-26", "en");
  EXPECT_NE(en.find("id,issue,action,element,objective,item,owner_org,owner,start,due,status,completed,overdue,"
                    "source_exercise,checked_in,notes\r\n"),
            std::string::npos);
  // Every record ends with CRLF; the only bare LF is inside the quoted note.
  std::size_t crlf = 0;
  for (auto pos = csv.find("\r\n"); pos != std::string::npos; pos = csv.find("\r\n", pos + 2)) ++crlf;
  EXPECT_EQ(crlf, 4u);
  EXPECT_NE(csv.find("\"第2版\n配布済み\"\r\n"), std::string::npos);
}

}  // namespace
}  // namespace kunren::report
