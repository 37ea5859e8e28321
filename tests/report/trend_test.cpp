// One organisation's drills side by side: metrics line up by id and ratings
// by objective id across scenarios, a row a drill lacks is blank, verdicts
// against each drill's own target.
#include <kunren/report/trend.hpp>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "drill_fixture.hpp"

namespace kunren::report {
namespace {

using model::LocalizedText;

TrendDrill from_drill(const testing::Drill& d, std::string id, std::string date) {
  TrendDrill t;
  t.exercise_id = std::move(id);
  t.title = "訓練 " + t.exercise_id;
  t.scenario_id = d.scenario->id;
  t.date = std::move(date);
  t.metrics = exercise::compute_metrics(*d.scenario, d.state());
  for (const auto& o : d.scenario->objectives) t.objectives.emplace_back(o.id, o.title);
  for (const auto& ob : d.state().observations) {
    bool found = false;
    for (auto& [k, v] : t.ratings)
      if (k == ob.objective) {
        v = ob.rating;
        found = true;
      }
    if (!found) t.ratings.emplace_back(ob.objective, ob.rating);
  }
  return t;
}

class TrendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    played.play();
    // An earlier drill of another scenario: one metric, one other objective.
    TrendDrill early;
    early.exercise_id = "EX-2025-02";
    early.title = "前年度の訓練 <旧>";
    early.scenario_id = "old";
    early.date = "2025-11-20";
    exercise::Metric m;
    m.id = "first_report";
    m.label = LocalizedText{{"ja", "最初の報告まで"}, {"en", "To the first report"}};
    m.value_ms = 15 * 60'000;
    m.target_ms = 10 * 60'000;
    early.metrics = {m};
    early.objectives = {{"OBJ-OLD", LocalizedText{{"ja", "旧目標"}, {"en", "Old objective"}}}};
    early.ratings = {{"OBJ-OLD", "U"}};
    early.open_plan_items = 2;
    drills = {early, from_drill(played, "EX-2026-01", "2026-11-26")};
    drills[1].open_plan_items = 1;
  }
  testing::Drill played;
  std::vector<TrendDrill> drills;
};

TEST_F(TrendTest, JsonLinesDrillsUpByMetricAndObjective) {
  const auto j = trend_json("ORG-1", drills, "ja");
  EXPECT_EQ(j["schema"], "kunren.trend/1");
  EXPECT_EQ(j["org"], "ORG-1");
  ASSERT_EQ(j["drills"].size(), 2u);
  EXPECT_EQ(j["metrics"].size(), 7u) << "the union of the drills' metrics";
  EXPECT_EQ(j["metrics"][0]["id"], "first_report");
  EXPECT_EQ(j["objectives"].size(), 3u);  // OBJ-OLD, OBJ-1, OBJ-2
  EXPECT_EQ(j["drills"][0]["metrics"]["first_report"]["verdict"], "missed");
  EXPECT_EQ(j["drills"][1]["metrics"]["first_report"]["verdict"], "met");
  EXPECT_EQ(j["drills"][1]["metrics"]["first_report"]["value_ms"], 4 * 60'000);
  EXPECT_EQ(j["drills"][1]["metrics"]["cert_contact"]["verdict"], "missed") << "never done";
  EXPECT_EQ(j["drills"][1]["ratings"]["OBJ-2"], "M");
  EXPECT_FALSE(j["drills"][0]["metrics"].contains("cert_contact"));
  EXPECT_EQ(j["drills"][0]["open_plan_items"], 2);
}

TEST_F(TrendTest, HtmlTableShowsBlanksForRowsADrillLacks) {
  const std::string table = trend_html_table(drills, "ja");
  EXPECT_NE(table.find("<table class=\"trend\">"), std::string::npos);
  EXPECT_NE(table.find("&lt;旧&gt;"), std::string::npos) << "escaped";
  // OBJ-OLD: U for the first drill, a blank for the second.
  const auto old_row = table.find("旧目標");
  ASSERT_NE(old_row, std::string::npos);
  const auto row_end = table.find("</tr>", old_row);
  const std::string row = table.substr(old_row, row_end - old_row);
  EXPECT_NE(row.find("r-U"), std::string::npos);
  EXPECT_NE(row.find("class=\"blank\""), std::string::npos);
  // The second drill's first report: 00:04, met.
  EXPECT_NE(table.find("<span class=\"t-met\">00:04</span>"), std::string::npos);
  EXPECT_NE(table.find("<span class=\"t-missed\">00:15</span>"), std::string::npos);
  const std::string page = trend_html("サンプル化学", drills, "en", "2026-11-26 12:00 UTC");
  EXPECT_NE(page.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(page.find("Ratings per objective"), std::string::npos);
  EXPECT_NE(page.find("2026-11-26 12:00 UTC"), std::string::npos);
  EXPECT_NE(trend_html_table({}, "en").find("No drills yet."), std::string::npos);
}

}  // namespace
}  // namespace kunren::report
