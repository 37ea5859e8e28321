// The drill timeline chart of the review page: lanes, markers placed by
// scenario time, tooltips in the page's language, escaping, and the frame
// drawn from control events.
#include <kunren/report/timeline_svg.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../exercise/exercise_testing.hpp"

namespace kunren::report {
namespace {

using nlohmann::json;

model::ExerciseEvent event(std::int64_t seq, std::int64_t minutes, std::string role, std::string kind,
                           const json& payload) {
  model::ExerciseEvent e;
  e.seq = seq;
  e.scenario_ms = minutes * 60 * 1000;
  e.actor = role.empty() ? "system" : "user:someone";
  e.role = std::move(role);
  e.kind = std::move(kind);
  e.payload = payload.dump();
  return e;
}

std::vector<model::ExerciseEvent> a_drill() {
  return {
      event(1, 0, "facilitator", "control", {{"action", "start"}, {"speed", 10}}),
      event(2, 0, "", "inject",
            {{"inject", "INJ-1"}, {"title", {{"ja", "最初の知らせ"}, {"en", "First news"}}}, {"to", json::array()},
             {"trigger", "schedule"}}),
      event(3, 4, "production", "report", {{"op", "file"}, {"what", "HMIが固まった <script>"}}),
      event(4, 6, "lead", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}, {"rationale", "理由"}}),
      event(5, 8, "lead", "contact", {{"to", "national-cert"}, {"summary", "相談"}}),
      event(6, 9, "maintenance", "evidence", {{"op", "record"}, {"type", "process-state"}, {"asset", "HMI-1A"}}),
      event(7, 10, "", "inject",
            {{"inject", "INJ-2"}, {"title", {{"ja", "二報"}, {"en", "Second"}}}, {"to", {"production"}},
             {"trigger", "facilitator"}}),
      event(8, 12, "production", "note", {{"text", "メモ"}}),
      event(9, 20, "", "control", {{"action", "contingency-skipped"}, {"inject", "CONT-1"}}),
      event(10, 25, "facilitator", "observation", {{"objective", "OBJ-1"}, {"rating", "S"}, {"text", "良い"}}),
      event(11, 50, "facilitator", "control", {{"action", "end"}}),
  };
}

int count(const std::string& text, const std::regex& re) {
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

double cx_of(const std::string& svg, std::int64_t seq) {
  std::smatch m;
  const std::regex re("data-seq=\"" + std::to_string(seq) + "\" cx=\"([0-9.]+)\"");
  if (!std::regex_search(svg, m, re)) return -1;
  return std::stod(m[1]);
}

TEST(TimelineSvg, EveryLaneIsDrawnAndEveryActionIsAMarkerInItsLane) {
  const auto scenario = exercise::testing::small_scenario();
  const std::string svg = render_timeline_svg(a_drill(), scenario, "ja");
  EXPECT_EQ(svg.rfind("<svg class=\"timeline-chart\"", 0), 0u) << "inline: no namespace";
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(timeline_lanes(), (std::vector<std::string>{"inject", "report", "decision", "contact", "evidence", "note",
                                                        "observation"}));
  for (const char* lane : {"状況付与", "報告", "判断", "連絡", "証拠", "メモ", "観察"})
    EXPECT_NE(svg.find(std::string("</tspan> ") + lane + "</text>"), std::string::npos) << lane;
  EXPECT_EQ(count(svg, std::regex("class=\"tl-mark tl-inject\"")), 2);
  EXPECT_EQ(count(svg, std::regex("class=\"tl-mark tl-inject tl-skipped\"")), 1) << "the contingency not needed";
  for (const char* kind : {"report", "decision", "contact", "evidence", "note", "observation"})
    EXPECT_EQ(count(svg, std::regex(std::string("class=\"tl-mark tl-") + kind + "\"")), 1) << kind;
  EXPECT_NE(svg.find(">DP1</text>"), std::string::npos) << "a decision names its decision point";
}

TEST(TimelineSvg, MarkersArePlacedByScenarioTimeAcrossTheWholeSpan) {
  const auto scenario = exercise::testing::small_scenario();
  const std::string svg = render_timeline_svg(a_drill(), scenario, "ja");
  const double report = cx_of(svg, 3), decision = cx_of(svg, 4), note = cx_of(svg, 8), observation = cx_of(svg, 10);
  ASSERT_GT(report, 0);
  EXPECT_LT(report, decision);
  EXPECT_LT(decision, note);
  EXPECT_LT(note, observation);
  // The span runs to the end (+00:50, past the last inject at +00:40), in 5-minute ticks.
  EXPECT_NE(svg.find(">+00:50</text>"), std::string::npos);
  EXPECT_NE(svg.find(">+00:05</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">+00:55</text>"), std::string::npos);
  EXPECT_NE(svg.find("class=\"tl-end\""), std::string::npos) << "the end is a dashed line";
  // Twice the minutes, twice the distance from the axis.
  const double axis = 128;
  EXPECT_NEAR((decision - axis) / (report - axis), 6.0 / 4.0, 0.01);
}

TEST(TimelineSvg, TooltipsSayWhenWhoAndWhatInThePagesLanguageEscaped) {
  const auto scenario = exercise::testing::small_scenario();
  const std::string ja = render_timeline_svg(a_drill(), scenario, "ja");
  EXPECT_NE(ja.find("<title>+00:00 INJ-1 最初の知らせ → 全員</title>"), std::string::npos) << ja;
  EXPECT_NE(ja.find("<title>+00:10 INJ-2 二報 → Production (進行役が投入)</title>"), std::string::npos);
  EXPECT_NE(ja.find("<title>+00:04 Production: #3 HMIが固まった &lt;script&gt;</title>"), std::string::npos);
  EXPECT_NE(ja.find("<title>+00:06 Lead: DP1 Cyber — 理由</title>"), std::string::npos);
  EXPECT_NE(ja.find("<title>+00:08 Lead → ナショナルCERT: 相談</title>"), std::string::npos);
  EXPECT_NE(ja.find("<title>+00:25 OBJ-1 S: 良い</title>"), std::string::npos);
  EXPECT_NE(ja.find("<title>+00:20 CONT-1 不要と判定（付与せず）</title>"), std::string::npos);
  EXPECT_NE(ja.find("<title>+00:00 開始 ×10</title>"), std::string::npos);
  EXPECT_EQ(ja.find("<script>"), std::string::npos);

  const std::string en = render_timeline_svg(a_drill(), scenario, "en");
  EXPECT_NE(en.find("<title>+00:00 INJ-1 First news → everyone</title>"), std::string::npos);
  EXPECT_NE(en.find("</tspan> Decisions</text>"), std::string::npos);
  EXPECT_NE(en.find("<title>+00:08 Lead → national CERT: 相談</title>"), std::string::npos);
}

TEST(TimelineSvg, AnEmptyLogStillDrawsTheFrameOfThePlannedScenario) {
  auto scenario = exercise::testing::small_scenario();
  const std::string svg = render_timeline_svg({}, scenario, "en", SvgMode::kStandalone);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(svg.find("tl-mark"), std::string::npos);
  EXPECT_NE(svg.find(">+00:40</text>"), std::string::npos) << "up to the last inject when no duration is set";
  scenario.duration = 4 * 3600;
  const std::string four_hours = render_timeline_svg({}, scenario, "en");
  EXPECT_NE(four_hours.find(">+04:00</text>"), std::string::npos);
  EXPECT_NE(four_hours.find(">+00:30</text>"), std::string::npos) << "half-hour ticks over four hours";
  EXPECT_EQ(four_hours.find(">+00:15</text>"), std::string::npos);
}

TEST(TimelineSvg, AnEndedDrillIsDrawnToItsEndNotToThePlannedLength) {
  auto scenario = exercise::testing::small_scenario();
  scenario.duration = 4 * 3600;
  auto events = a_drill();  // ends at +00:50
  EXPECT_NE(render_timeline_svg(events, scenario, "ja").find(">+00:50</text>"), std::string::npos);
  EXPECT_EQ(render_timeline_svg(events, scenario, "ja").find(">+04:00</text>"), std::string::npos);
  events.pop_back();  // still running: the planned four hours
  EXPECT_NE(render_timeline_svg(events, scenario, "ja").find(">+04:00</text>"), std::string::npos);
}

TEST(TimelineSvg, CrowdedMarkersAreStaggeredAndTheOutputIsDeterministic) {
  const auto scenario = exercise::testing::small_scenario();
  std::vector<model::ExerciseEvent> events;
  for (int i = 1; i <= 3; ++i) events.push_back(event(i, 5, "production", "note", {{"text", "n"}}));
  const std::string svg = render_timeline_svg(events, scenario, "ja");
  std::set<std::string> ys;
  const std::regex cy("tl-note\" data-seq=\"[0-9]+\" cx=\"[0-9.]+\" cy=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), cy); it != std::sregex_iterator(); ++it) ys.insert((*it)[1]);
  EXPECT_EQ(ys.size(), 3u) << "three notes at the same time do not hide each other";
  EXPECT_EQ(svg, render_timeline_svg(events, scenario, "ja"));
}

}  // namespace
}  // namespace kunren::report
