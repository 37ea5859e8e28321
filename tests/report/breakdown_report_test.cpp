// Renderers of segments, cross-tabs, peer comparison and trends: schemas,
// suppressed cells never printed, escaping, TLP on every page, the statement
// of what was suppressed and why.
#include <kunren/report/breakdown_report.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../test_support.hpp"

namespace kunren::report {
namespace {

using nlohmann::json;

model::ResponseSet population(const std::vector<std::tuple<std::string, std::uint8_t, std::uint8_t>>& rows) {
  model::ResponseSet r;
  r.item_count = 2;
  for (const auto& [industry, a, b] : rows) {
    const auto i = r.orgs.size();
    r.orgs.push_back(model::Organization{"o" + std::to_string(i), "社名" + std::to_string(i), industry, "",
                                         model::pseudonym_code(i)});
    r.answers.push_back(a);
    r.answers.push_back(b);
  }
  return r;
}

TEST(BreakdownReport, SegmentsJsonAndHtmlStateWhatWasMerged) {
  auto c = testing::make_checklist({"p/A=good,partial,poor", "p/B=good,poor"});
  auto r = population({{"化学", 1, 1}, {"化学", 2, 1}, {"化学", 1, 2}, {"<鉄鋼&>", 3, 2}, {"食品", 1, 1},
                       {"食品", 2, 2}, {"食品", 3, 1}, {"食品", 1, 1}});
  auto s = analysis::analyze_segments(c, r, {"industry"}, 3);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  BreakdownOptions o;
  o.tlp = "AMBER";
  const json j = json::parse(render_segments_json(*s, o));
  EXPECT_EQ(j["schema"], "kunren.segments/1");
  EXPECT_EQ(j["disclosure"]["tlp"], "AMBER");
  EXPECT_EQ(j["disclosure"]["min_group"], 3);
  ASSERT_EQ(j["breakdowns"][0]["segments"].size(), 2u);
  EXPECT_EQ(j["breakdowns"][0]["segments"][1]["key"], "other");
  EXPECT_EQ(j["breakdowns"][0]["segments"][1]["analysis"]["organizations"], 4);
  EXPECT_EQ(j["disclosure"]["suppressed"][0]["group"], "<鉄鋼&>");
  EXPECT_EQ(j["disclosure"]["suppressed"][0]["reason"], "below_k");

  const std::string html = render_segments_html(*s, o);
  EXPECT_NE(html.find("<html lang=\"ja\">"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"tlp-running tlp-amber\" aria-hidden=\"true\">TLP:AMBER</div>"), std::string::npos);
  EXPECT_NE(html.find("「&lt;鉄鋼&amp;&gt;」は 3 組織未満のため「その他」に統合しました。"), std::string::npos);
  EXPECT_EQ(html.find("<鉄鋼"), std::string::npos);
  EXPECT_EQ(html.find("社名"), std::string::npos);
  EXPECT_NE(html.find("@page{size:A4 portrait"), std::string::npos);
  o.lang = "en";
  const std::string en = render_segments_html(*s, o);
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.find("merged into “other”: fewer than 3 organisations."), std::string::npos);
}

TEST(BreakdownReport, SuppressedCrosstabCellsAreNeverPrinted) {
  auto c = testing::make_checklist({"p/A=good,poor", "p/B=good,partial,poor"});
  // A=1: B=1 ×5, B=2 ×1, B=3 ×4; A=2: B=1 ×4, B=2 ×3, B=3 ×6.
  std::vector<std::tuple<std::string, std::uint8_t, std::uint8_t>> rows;
  auto add = [&](std::uint8_t a, std::uint8_t b, int n) {
    for (int i = 0; i < n; ++i) rows.emplace_back("", a, b);
  };
  add(1, 1, 5);
  add(1, 2, 1);
  add(1, 3, 4);
  add(2, 1, 4);
  add(2, 2, 3);
  add(2, 3, 6);
  auto t = analysis::crosstab(c, population(rows), "A", "B", 3);
  ASSERT_TRUE(t.is_ok());
  const json j = json::parse(render_crosstab_json(*t));
  EXPECT_EQ(j["schema"], "kunren.crosstab/1");
  EXPECT_TRUE(j["rows"][0]["cells"][1]["count"].is_null());
  EXPECT_TRUE(j["rows"][0]["cells"][1]["percent"].is_null());
  EXPECT_EQ(j["rows"][0]["cells"][1]["suppressed"], "below_k");
  // Its complement in the row is the smallest non-zero cell (4), and column B=2
  // needs a second suppressed cell too (row A=2's 3).
  EXPECT_EQ(j["rows"][0]["cells"][2]["suppressed"], "complementary");
  EXPECT_EQ(j["rows"][1]["cells"][1]["suppressed"], "complementary");
  EXPECT_EQ(j["rows"][0]["cells"][0]["count"], 5);
  EXPECT_EQ(j["rows"][0]["cells"][0]["percent"], 50);
  const std::string html = render_crosstab_html(*t);
  EXPECT_NE(html.find("<td class=\"sup\">—</td>"), std::string::npos);
  const std::string csv = render_crosstab_csv(*t);
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(csv.find("A,1,A-1,5,—,—,10,50,—,—\r\n"), std::string::npos) << csv;
}

TEST(BreakdownReport, PeerAndTrendJsonShapes) {
  auto c = testing::make_checklist({"p/A=good,partial,poor", "p/B=good,poor"});
  auto r = population({{"", 1, 1}, {"", 2, 1}, {"", 3, 2}, {"", 1, 0}});
  auto p = analysis::peer_report(c, r, "o2", 3);
  ASSERT_TRUE(p.is_ok());
  const json pj = json::parse(render_peer_json(*p));
  EXPECT_EQ(pj["schema"], "kunren.peer/1");
  EXPECT_EQ(pj["items"][0]["answer"]["no"], 3);
  EXPECT_EQ(pj["items"][0]["pooled"]["choices"][0]["count"], 2);
  EXPECT_TRUE(pj["sections"][0]["pooled"].contains("median"));
  EXPECT_NE(render_peer_html(*p).find("QUARTILE.INC"), std::string::npos);

  auto r2 = population({{"", 1, 1}, {"", 1, 1}, {"", 1, 2}});
  std::vector<analysis::CampaignInput> in = {{"c1", "第1回 <春>", &c, &r, 3}, {"c2", "", &c, &r2, 3}};
  auto t = analysis::campaign_trend(in, c, nullptr);
  ASSERT_TRUE(t.is_ok());
  const json tj = json::parse(render_campaign_trend_json(*t));
  EXPECT_EQ(tj["schema"], "kunren.campaign-trend/1");
  EXPECT_EQ(tj["items"][0]["campaigns"][0]["good_percent"], 50);
  EXPECT_EQ(tj["items"][0]["campaigns"][1]["good_percent"], 100);
  EXPECT_EQ(tj["items"][0]["campaigns"][1]["change_points"], 50);
  const std::string html = render_campaign_trend_html(*t);
  EXPECT_NE(html.find("第1回 &lt;春&gt;"), std::string::npos);
  EXPECT_NE(html.find("+50"), std::string::npos);
}

}  // namespace
}  // namespace kunren::report
