#include <kunren/analysis/analysis.hpp>

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "../test_support.hpp"

namespace kunren::analysis {
namespace {

TEST(WholePercents, PublishedExamplesHold) {
  EXPECT_EQ(whole_percents({4, 3, 1, 0}), (std::vector<int>{50, 37, 13, 0}));
  EXPECT_EQ(whole_percents({4, 1, 3}), (std::vector<int>{50, 12, 38}));
  EXPECT_EQ(whole_percents({3, 3, 2}), (std::vector<int>{37, 38, 25}));
  EXPECT_EQ(whole_percents({1, 4, 2, 0}), (std::vector<int>{14, 57, 29, 0}));
}

TEST(WholePercents, AllZeroWhenNothingAnswered) {
  EXPECT_EQ(whole_percents({0, 0, 0}), (std::vector<int>{0, 0, 0}));
}

TEST(WholePercents, AlwaysSumTo100AndStayWithinOneOfTheExactShare) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<std::uint32_t> counts(2 + rng() % 4);
    for (auto& c : counts) c = rng() % (trial % 3 == 0 ? 5 : 1000);
    const std::uint64_t total = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
    auto p = whole_percents(counts);
    if (total == 0) continue;
    EXPECT_EQ(std::accumulate(p.begin(), p.end(), 0), 100);
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const double exact = 100.0 * counts[i] / static_cast<double>(total);
      EXPECT_GE(p[i], static_cast<int>(std::floor(exact)));
      EXPECT_LE(p[i], static_cast<int>(std::ceil(exact)));
    }
  }
}

TEST(Analyze, CopiesTextsInTheRequestedLanguage) {
  auto c = kunren::testing::make_checklist({"Q1=good,poor"});
  model::ResponseSet rs;
  rs.item_count = 1;
  rs.orgs.resize(1);
  rs.orgs[0].id = "A";
  rs.answers = {1};
  AnalysisOptions o;
  o.lang = "en";
  auto a = analyze(c, rs, o);
  EXPECT_EQ(a.items[0].text, "Q1 text");
  EXPECT_EQ(a.items[0].choices[0].label, "Q1 choice 1");
  EXPECT_EQ(a.checklist_title, "Test");
}

TEST(Analyze, QuotesCommentsUnderPseudonymsOnly) {
  auto c = kunren::testing::make_checklist({"Q1=good,poor"});
  model::ResponseSet rs;
  rs.item_count = 1;
  rs.orgs.resize(2);
  rs.orgs[0].id = "Tokyo Works";
  rs.orgs[0].name = "東京製作所";
  rs.orgs[1].id = "Osaka Works";
  rs.answers = {1, 2};
  rs.comments = {{1, 0, "second"}, {0, 0, "first"}};
  model::assign_pseudonyms(rs.orgs);
  auto a = analyze(c, rs);
  ASSERT_EQ(a.items[0].comments.size(), 2u);
  for (const auto& q : a.items[0].comments) {
    EXPECT_TRUE(q.org == "A" || q.org == "B") << q.org;
  }
  EXPECT_EQ(a.items[0].comments[0].org, "A");
}

}  // namespace
}  // namespace kunren::analysis
