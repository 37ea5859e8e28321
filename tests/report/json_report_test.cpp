#include <kunren/report/json_report.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kunren/report/csv_report.hpp>

#include "../test_support.hpp"

namespace kunren::report {
namespace {

analysis::Analysis small_analysis(const std::string& comment) {
  auto c = kunren::testing::make_checklist({"p0/Q1=good,partial,poor,na", "o1/Q2=good,poor"});
  model::ResponseSet rs;
  rs.item_count = 2;
  rs.orgs.resize(8);
  for (std::size_t i = 0; i < 8; ++i) rs.orgs[i].id = "org" + std::to_string(i);
  // Q1: 1,2,2,2,2,3,3,- → 14,57,29,0 of 7 (n=8); Q2: all good.
  const std::uint8_t q1[] = {1, 2, 2, 2, 2, 3, 3, 0};
  for (std::size_t i = 0; i < 8; ++i) rs.answers.insert(rs.answers.end(), {q1[i], 1});
  rs.comments = {{0, 0, comment}};
  model::assign_pseudonyms(rs.orgs);
  return analysis::analyze(c, rs);
}

TEST(JsonReport, UsesTheFieldNamesOfTheSchemaContract) {
  auto j = nlohmann::json::parse(render_json(small_analysis("x")));
  EXPECT_EQ(j["schema"], "kunren.analysis/1");
  EXPECT_EQ(j["checklist"]["id"], "test");
  EXPECT_EQ(j["organizations"], 8);
  EXPECT_EQ(j["rules"]["percent"], "largest-remainder, ties to higher choice");
  EXPECT_EQ(j["rules"]["strength_at"], 0.6);
  EXPECT_EQ(j["rules"]["challenge_at"], 0.5);
  const auto& item = j["items"][0];
  for (const char* key : {"id", "section", "category", "text", "n", "answered", "unanswered", "choices", "score",
                          "highlight"}) {
    EXPECT_TRUE(item.contains(key)) << key;
  }
  EXPECT_EQ(item["n"], 8);
  EXPECT_EQ(item["answered"], 7);
  EXPECT_EQ(item["unanswered"], 1);
  std::vector<int> percents;
  for (const auto& c : item["choices"]) {
    for (const char* key : {"no", "label", "level", "count", "percent", "share"}) EXPECT_TRUE(c.contains(key)) << key;
    percents.push_back(c["percent"]);
  }
  EXPECT_EQ(percents, (std::vector<int>{14, 57, 29, 0}));
  EXPECT_DOUBLE_EQ(item["choices"][0]["share"].get<double>(), 0.142857);
  EXPECT_DOUBLE_EQ(item["score"].get<double>(), 0.4286);
  EXPECT_EQ(item["highlight"], "challenge");
  const auto& section = j["sections"][0];
  for (const char* key : {"id", "title", "category", "items", "score", "na_share"}) {
    EXPECT_TRUE(section.contains(key)) << key;
  }
  EXPECT_EQ(j["challenges"][0], "Q1");
  EXPECT_EQ(j["strengths"][0], "Q2");
}

TEST(JsonReport, EscapesEveryCharacterJsonRequires) {
  const std::string nasty = "quote \" backslash \\ newline \n tab \t cr \r bell \x07 日本語 </script>";
  auto text = render_json(small_analysis(nasty));
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["items"][0]["comments"][0]["text"], nasty);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
}

TEST(JsonReport, QuotesCommentsUnderPseudonymsOnly) {
  auto j = nlohmann::json::parse(render_json(small_analysis("コメント")));
  const auto& q = j["items"][0]["comments"][0];
  EXPECT_EQ(q.size(), 2u);
  EXPECT_TRUE(q["org"].get<std::string>().find("org") == std::string::npos);
}

TEST(JsonReport, UndefinedScoreAndNoHighlightAreNull) {
  auto c = kunren::testing::make_checklist({"Q1=good,na"});
  model::ResponseSet rs;
  rs.item_count = 1;
  rs.orgs.resize(1);
  rs.answers = {0};
  auto j = nlohmann::json::parse(render_json(analysis::analyze(c, rs)));
  EXPECT_TRUE(j["items"][0]["score"].is_null());
  EXPECT_TRUE(j["items"][0]["highlight"].is_null());
  EXPECT_EQ(j["items"][0]["comments"], nlohmann::json::array());
}

TEST(CsvReport, StartsWithBomAndHasOneRowPerChoice) {
  std::string csv = render_csv(small_analysis("x"));
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.substr(3, csv.find('\n') - 3), "item,choice,label,count,percent,share,n,answered,unanswered,tlp\r");
  EXPECT_NE(csv.find("Q1,2,Q1-2,4,57,0.571429,8,7,1,\r\n"), std::string::npos) << "no marking: an empty tlp";
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4 + 2);
}

}  // namespace
}  // namespace kunren::report
