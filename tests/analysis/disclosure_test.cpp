// Disclosure control of breakdowns and cross-tab cells, with adversarial
// fixtures: tiny industries, a lone small group, a differencing attack
// between the industry and size breakdowns, a cross-tab row with one small cell.
#include <kunren/analysis/crosstab.hpp>
#include <kunren/analysis/disclosure.hpp>
#include <kunren/analysis/segments.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "../test_support.hpp"

namespace kunren::analysis {
namespace {

model::ResponseSet population(const std::vector<std::pair<std::string, std::string>>& industry_size,
                              std::size_t items = 2) {
  model::ResponseSet r;
  r.item_count = items;
  for (std::size_t i = 0; i < industry_size.size(); ++i) {
    model::Organization o;
    o.id = "org" + std::to_string(i);
    o.name = "会社" + std::to_string(i);
    o.industry = industry_size[i].first;
    o.size = industry_size[i].second;
    o.pseudonym = model::pseudonym_code(i);
    r.orgs.push_back(o);
  }
  r.answers.assign(r.orgs.size() * items, 1);
  return r;
}

std::vector<std::string> keys(const BreakdownPlan& p) {
  std::vector<std::string> out;
  for (const auto& g : p.published) out.push_back(g.key);
  return out;
}

bool has(const std::vector<Suppression>& s, const std::string& group, const std::string& reason) {
  return std::any_of(s.begin(), s.end(), [&](const Suppression& x) { return x.group == group && x.reason == reason; });
}

// Every published set (total, groups, others) of a plan.
std::vector<std::vector<std::uint32_t>> published_sets(const DisclosurePlan& plan, std::uint32_t n) {
  std::vector<std::vector<std::uint32_t>> sets;
  std::vector<std::uint32_t> all(n);
  for (std::uint32_t i = 0; i < n; ++i) all[i] = i;
  sets.push_back(all);
  for (const auto& b : plan.breakdowns) {
    for (const auto& g : b.published) sets.push_back(g.orgs);
    if (!b.other.orgs.empty()) sets.push_back(b.other.orgs);
  }
  return sets;
}

// The property every plan must have: no published set below k, and no
// published set A inside another B with 1..k−1 organisations between them.
void expect_safe(const DisclosurePlan& plan, std::uint32_t n, std::uint32_t k) {
  const auto sets = published_sets(plan, n);
  for (const auto& a : sets) {
    EXPECT_GE(a.size(), k);
    for (const auto& b : sets) {
      if (a.size() >= b.size() || !std::includes(b.begin(), b.end(), a.begin(), a.end())) continue;
      EXPECT_GE(b.size() - a.size(), k) << "a set of " << a.size() << " inside one of " << b.size();
    }
  }
}

TEST(Disclosure, AnIndustryWithOneOrTwoOrganisationsIsMergedIntoOtherAndNeverShown) {
  // 化学 ×4, 鉄鋼 ×1, 医薬品 ×2, 食品 ×3 → 鉄鋼 and 医薬品 (3 together) form other.
  auto r = population({{"化学", ""}, {"化学", ""}, {"化学", ""}, {"化学", ""}, {"鉄鋼", ""}, {"医薬品", ""},
                       {"医薬品", ""}, {"食品", ""}, {"食品", ""}, {"食品", ""}});
  auto plan = plan_breakdowns({{"segment:industry", group_organizations(r.orgs, "industry", "ja")}}, 10, 3);
  ASSERT_EQ(plan.breakdowns.size(), 1u);
  EXPECT_EQ(keys(plan.breakdowns[0]), (std::vector<std::string>{"化学", "食品"}));
  EXPECT_EQ(plan.breakdowns[0].other.orgs, (std::vector<std::uint32_t>{4, 5, 6}));
  EXPECT_EQ(plan.breakdowns[0].other.label, "その他");
  EXPECT_TRUE(has(plan.suppressed, "鉄鋼", "below_k"));
  EXPECT_TRUE(has(plan.suppressed, "医薬品", "below_k"));
  for (const auto& s : plan.suppressed) {
    EXPECT_EQ(s.scope, "segment:industry");
    EXPECT_EQ(s.action, "merged_into_other");
  }
  expect_safe(plan, 10, 3);
}

TEST(Disclosure, ALoneSmallGroupTakesTheSmallestPublishedGroupWithIt) {
  // 化学 ×5, 食品 ×3, 鉄鋼 ×1: other = {鉄鋼} would be 1, so 食品 (the
  // smallest) joins it: total − 化学 − 食品 would otherwise show 鉄鋼.
  auto r = population({{"化学", ""}, {"化学", ""}, {"化学", ""}, {"化学", ""}, {"化学", ""}, {"食品", ""},
                       {"食品", ""}, {"食品", ""}, {"鉄鋼", ""}});
  auto plan = plan_breakdowns({{"segment:industry", group_organizations(r.orgs, "industry", "en")}}, 9, 3, "en");
  EXPECT_EQ(keys(plan.breakdowns[0]), (std::vector<std::string>{"化学"}));
  EXPECT_EQ(plan.breakdowns[0].other.orgs.size(), 4u);
  EXPECT_EQ(plan.breakdowns[0].other.label, "other");
  EXPECT_TRUE(has(plan.suppressed, "鉄鋼", "below_k"));
  EXPECT_TRUE(has(plan.suppressed, "食品", "complementary"));
  expect_safe(plan, 9, 3);
}

TEST(Disclosure, EmptyIndustryIsItsOwnNotGivenGroup) {
  auto r = population({{"", ""}, {"", ""}, {"", ""}, {"化学", ""}, {"化学", ""}, {"化学", ""}});
  auto groups = group_organizations(r.orgs, "industry", "ja");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].key, "");
  EXPECT_EQ(groups[1].label, "未記入");
  EXPECT_EQ(groups[1].orgs, (std::vector<std::uint32_t>{0, 1, 2}));
  auto plan = plan_breakdowns({{"segment:industry", groups}}, 6, 3);
  EXPECT_EQ(plan.breakdowns[0].published.size(), 2u);
  EXPECT_TRUE(plan.suppressed.empty());
}

TEST(Disclosure, APopulationBelowKPublishesNothing) {
  auto r = population({{"化学", "大"}, {"化学", "大"}});
  auto plan = plan_breakdowns({{"segment:industry", group_organizations(r.orgs, "industry", "ja")},
                               {"segment:size", group_organizations(r.orgs, "size", "ja")}},
                              2, 3);
  EXPECT_TRUE(plan.nothing_published);
  for (const auto& b : plan.breakdowns) {
    EXPECT_TRUE(b.published.empty());
    EXPECT_TRUE(b.other.orgs.empty());
  }
  EXPECT_EQ(plan.suppressed.size(), 2u);
}

TEST(Disclosure, DifferencingBetweenIndustryAndSizeIsCaught) {
  // 鉄鋼 (3 orgs) lies wholly inside size band 大 (5 orgs): 大 − 鉄鋼 would
  // show the two other large organisations. Each group alone is ≥ k.
  std::vector<std::pair<std::string, std::string>> p = {
      {"鉄鋼", "大"}, {"鉄鋼", "大"}, {"鉄鋼", "大"}, {"化学", "大"}, {"食品", "大"},
      {"化学", "小"}, {"化学", "小"}, {"食品", "小"}, {"食品", "小"}, {"化学", "小"}, {"食品", "小"}};
  auto r = population(p);
  const auto n = static_cast<std::uint32_t>(p.size());
  auto industry = group_organizations(r.orgs, "industry", "ja");
  auto size = group_organizations(r.orgs, "size", "ja");
  // Alone, neither breakdown suppresses anything.
  EXPECT_TRUE(plan_breakdowns({{"segment:industry", industry}}, n, 3).suppressed.empty());
  EXPECT_TRUE(plan_breakdowns({{"segment:size", size}}, n, 3).suppressed.empty());
  // Together, the attack is caught.
  auto plan = plan_breakdowns({{"segment:industry", industry}, {"segment:size", size}}, n, 3);
  EXPECT_TRUE(has(plan.suppressed, "鉄鋼", "differencing"));
  expect_safe(plan, n, 3);
  // plan_groups with the size bands held fixed catches it as well.
  auto one = plan_groups(industry, 3, "segment:industry", {size[0].orgs, size[1].orgs}, n);
  EXPECT_FALSE(one.suppressed.empty());
  EXPECT_EQ(one.suppressed[0].reason, "differencing");
}

TEST(Disclosure, DifferencingThroughAUnionOfTwoGroupsIsCaught) {
  // 鉄鋼 (3) + 化学 (3) = 6 of size band 大's 7: the union of two published
  // industries inside one band shows the seventh organisation.
  std::vector<std::pair<std::string, std::string>> p = {
      {"鉄鋼", "大"}, {"鉄鋼", "大"}, {"鉄鋼", "大"}, {"化学", "大"}, {"化学", "大"}, {"化学", "大"},
      {"食品", "大"}, {"食品", "小"}, {"食品", "小"}, {"紙", "小"}, {"紙", "小"}, {"紙", "小"}};
  auto r = population(p);
  const auto n = static_cast<std::uint32_t>(p.size());
  auto plan = plan_breakdowns({{"segment:industry", group_organizations(r.orgs, "industry", "ja")},
                               {"segment:size", group_organizations(r.orgs, "size", "ja")}},
                              n, 3);
  expect_safe(plan, n, 3);
  EXPECT_FALSE(plan.suppressed.empty());
}

TEST(Disclosure, RandomPopulationsAlwaysGiveSafePlans) {
  std::mt19937 rng(11);
  const std::vector<std::string> industries = {"a", "b", "c", "d", "e", ""};
  const std::vector<std::string> sizes = {"S", "M", "L", ""};
  for (int trial = 0; trial < 300; ++trial) {
    const std::uint32_t n = 1 + rng() % 30;
    const std::uint32_t k = 2 + rng() % 4;
    std::vector<std::pair<std::string, std::string>> p;
    for (std::uint32_t i = 0; i < n; ++i) p.push_back({industries[rng() % industries.size()], sizes[rng() % sizes.size()]});
    auto r = population(p);
    auto plan = plan_breakdowns({{"segment:industry", group_organizations(r.orgs, "industry", "ja")},
                                 {"segment:size", group_organizations(r.orgs, "size", "ja")}},
                                n, k);
    if (n < k) {
      EXPECT_TRUE(plan.nothing_published);
      continue;
    }
    expect_safe(plan, n, k);
    // Every organisation is in exactly one published group or other per breakdown.
    for (const auto& b : plan.breakdowns) {
      std::size_t total = b.other.orgs.size();
      for (const auto& g : b.published) total += g.orgs.size();
      EXPECT_EQ(total, n);
    }
  }
}

// --- segments --------------------------------------------------------------------

TEST(Segments, OneAnalysisPerPublishedGroupWithoutComments) {
  auto c = testing::make_checklist({"p/A=good,poor", "p/B=good,partial,poor"});
  auto r = population({{"化学", ""}, {"化学", ""}, {"化学", ""}, {"鉄鋼", ""}, {"食品", ""}, {"食品", ""},
                       {"食品", ""}});
  r.answer(3, 0) = 2;  // the lone 鉄鋼 organisation answered poor
  r.comments.push_back(model::Comment{0, 0, "社名入りのコメント"});
  auto s = analyze_segments(c, r, {"industry"}, 3);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  ASSERT_EQ(s->breakdowns.size(), 1u);
  const auto& segs = s->breakdowns[0].segments;
  // 鉄鋼 alone → other; other = {鉄鋼} (1) then takes the smallest published
  // group (化学 and 食品 both 3: the later one, 食品).
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "化学");
  EXPECT_TRUE(segs[1].other);
  EXPECT_EQ(segs[1].analysis.organizations, 4u);
  EXPECT_EQ(segs[1].analysis.items[0].choices[1].count, 1u);
  for (const auto& seg : segs) {
    for (const auto& item : seg.analysis.items) EXPECT_TRUE(item.comments.empty());
    EXPECT_NE(seg.key, "鉄鋼");
  }
}

TEST(Segments, BelowKIsAConflictAndUnknownByIsBadInput) {
  auto c = testing::make_checklist({"p/A=good,poor", "p/B=good,poor"});
  auto r = population({{"化学", ""}, {"化学", ""}});
  auto s = analyze_segments(c, r, {"industry"}, 3);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kConflict);
  auto bad = analyze_segments(c, population({{"a", ""}, {"a", ""}, {"a", ""}}), {"region"}, 3);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kBadInput);
}

// --- cross-tab cells -----------------------------------------------------------------

TEST(CellSuppression, ASingleSmallCellInARowGetsTheSmallestNonZeroComplement) {
  // Row 0: 10, 1, 6, 4 → the 1 is below k; the smallest non-zero shown cell (4) is its complement.
  // Columns then need a second suppressed cell each: column 1 takes its
  // smallest (7, row 2), and column 3 then prefers row 2's 12 over row 1's 9,
  // since row 2 needs a second cell too: four cells in a rectangle.
  std::vector<std::vector<std::uint32_t>> counts = {{10, 1, 6, 4}, {5, 8, 7, 9}, {6, 7, 5, 12}};
  auto p = suppress_cells(counts, 3);
  EXPECT_EQ(p.cells[0][1], CellState::kBelowK);
  EXPECT_EQ(p.cells[0][3], CellState::kComplementary);
  EXPECT_EQ(p.cells[0][0], CellState::kShown);
  EXPECT_EQ(p.cells[0][2], CellState::kShown);
  EXPECT_EQ(p.cells[2][1], CellState::kComplementary);
  EXPECT_EQ(p.cells[2][3], CellState::kComplementary);
  int suppressed = 0;
  for (const auto& row : p.cells) {
    for (CellState s : row) suppressed += s != CellState::kShown;
  }
  EXPECT_EQ(suppressed, 4);
  // No shown row or column has exactly one suppressed cell.
  for (std::size_t r = 0; r < 3; ++r) {
    int s = 0;
    for (std::size_t c = 0; c < 4; ++c) s += p.cells[r][c] != CellState::kShown;
    EXPECT_NE(s, 1) << "row " << r;
  }
  for (std::size_t c = 0; c < 4; ++c) {
    int s = 0;
    for (std::size_t r = 0; r < 3; ++r) s += p.cells[r][c] != CellState::kShown;
    EXPECT_NE(s, 1) << "column " << c;
  }
}

TEST(CellSuppression, ARowBelowKIsHiddenWholeWithAComplementRow) {
  std::vector<std::vector<std::uint32_t>> counts = {{1, 1}, {5, 4}, {6, 8}};
  auto p = suppress_cells(counts, 3);
  EXPECT_TRUE(p.row_hidden[0]);
  EXPECT_EQ(p.row_reason[0], CellState::kBelowK);
  EXPECT_TRUE(p.row_hidden[1]);  // the smallest other row, so the grand total does not give row 0's
  EXPECT_EQ(p.row_reason[1], CellState::kComplementary);
  EXPECT_FALSE(p.row_hidden[2]);
}

TEST(CellSuppression, GrandTotalBelowKPublishesNothing) {
  EXPECT_TRUE(suppress_cells({{1, 0}, {0, 1}}, 3).nothing_published);
  EXPECT_FALSE(suppress_cells({{3, 0}, {0, 0}}, 3).nothing_published);
}

TEST(CellSuppression, RandomTablesLeaveNoLineWithOneSuppressedCell) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    const std::size_t rows = 2 + rng() % 4, cols = 2 + rng() % 4;
    std::vector<std::vector<std::uint32_t>> counts(rows, std::vector<std::uint32_t>(cols));
    for (auto& row : counts) {
      for (auto& c : row) c = rng() % 3 == 0 ? rng() % 3 : rng() % 12;
    }
    auto p = suppress_cells(counts, 3);
    if (p.nothing_published) continue;
    for (std::size_t r = 0; r < rows; ++r) {
      int s = 0;
      for (std::size_t c = 0; c < cols; ++c) {
        if (counts[r][c] > 0 && counts[r][c] < 3) {
          EXPECT_NE(p.cells[r][c], CellState::kShown);
        }
        s += p.cells[r][c] != CellState::kShown;
      }
      if (!p.row_hidden[r]) {
        EXPECT_NE(s, 1);
      }
    }
    for (std::size_t c = 0; c < cols; ++c) {
      int s = 0;
      for (std::size_t r = 0; r < rows; ++r) s += p.cells[r][c] != CellState::kShown;
      if (!p.column_total_hidden[c]) {
        EXPECT_NE(s, 1);
      }
    }
  }
}

TEST(Crosstab, CountsRowPercentsAndSuppressedCellsNamed) {
  auto c = testing::make_checklist({"p/A=good,partial,poor", "p/B=good,poor"});
  model::ResponseSet r;
  r.item_count = 2;
  // A=1: B=1 ×6, B=2 ×1 (small); A=2: B=1 ×3, B=2 ×4; A=3: B=1 ×4, B=2 ×5;
  // plus one answering only A and one answering neither.
  auto add = [&](std::uint8_t a, std::uint8_t b, int times) {
    for (int i = 0; i < times; ++i) {
      r.orgs.push_back(model::Organization{"o" + std::to_string(r.orgs.size()), "", "", "", ""});
      r.answers.push_back(a);
      r.answers.push_back(b);
    }
  };
  add(1, 1, 6);
  add(1, 2, 1);
  add(2, 1, 3);
  add(2, 2, 4);
  add(3, 1, 4);
  add(3, 2, 5);
  add(1, 0, 1);
  add(0, 0, 1);
  auto t = crosstab(c, r, "A", "B", 3, "en");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->both, 23u);
  EXPECT_EQ(t->only_a, 1u);
  EXPECT_EQ(t->only_b, 0u);
  EXPECT_EQ(t->neither, 1u);
  EXPECT_EQ(t->scope, "crosstab:A×B");
  ASSERT_EQ(t->rows.size(), 3u);
  // Row A=1 has two columns: the 1 is below k and its only partner (6) the complement.
  EXPECT_TRUE(t->rows[0].cells[1].suppressed);
  EXPECT_EQ(t->rows[0].cells[1].reason, "below_k");
  EXPECT_FALSE(t->rows[0].cells[1].percent.has_value());
  EXPECT_TRUE(t->rows[0].cells[0].suppressed);
  EXPECT_EQ(t->rows[0].cells[0].reason, "complementary");
  // Row percents of a shown row: 4 of 9 and 5 of 9 → 44 and 56.
  EXPECT_EQ(t->rows[2].cells[0].percent, 44);
  EXPECT_EQ(t->rows[2].cells[1].percent, 56);
  EXPECT_TRUE(has(t->suppressed, "A=1,B=2", "below_k"));
  // Unknown item → bad input naming it.
  auto bad = crosstab(c, r, "A", "ZZZ", 3);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("ZZZ"), std::string::npos);
  // Grand total below k → conflict.
  auto small = crosstab(c, r, "A", "B", 30);
  ASSERT_FALSE(small.is_ok());
  EXPECT_EQ(small.status().kind(), ErrorKind::kConflict);
}

}  // namespace
}  // namespace kunren::analysis
