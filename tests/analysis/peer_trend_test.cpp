// Peer comparison (quartiles, k) and trends across campaigns (good shares,
// change, campaigns below k left out, a v1 campaign mapped to v2).
#include <kunren/analysis/campaign_trend.hpp>
#include <kunren/analysis/peer.hpp>
#include <kunren/io/checklist_io.hpp>
#include <kunren/io/mapping_io.hpp>

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace kunren::analysis {
namespace {

model::ResponseSet rows(const std::vector<std::vector<std::uint8_t>>& answers) {
  model::ResponseSet r;
  r.item_count = answers.empty() ? 0 : answers[0].size();
  for (std::size_t o = 0; o < answers.size(); ++o) {
    r.orgs.push_back(model::Organization{"org" + std::to_string(o), "会社" + std::to_string(o), "", "",
                                         model::pseudonym_code(o)});
    r.answers.insert(r.answers.end(), answers[o].begin(), answers[o].end());
  }
  return r;
}

TEST(Quantile, MatchesExcelQuartileInc) {
  // Excel: QUARTILE.INC({1,2,3,4},1) = 1.75, (…,2) = 2.5, (…,3) = 3.25.
  EXPECT_DOUBLE_EQ(*quantile_inc({1, 2, 3, 4}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(*quantile_inc({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*quantile_inc({1, 2, 3, 4}, 0.75), 3.25);
  EXPECT_DOUBLE_EQ(*quantile_inc({5}, 0.75), 5);
  EXPECT_FALSE(quantile_inc({}, 0.5).has_value());
}

TEST(Peer, OwnChoiceBesidePooledDistributionAndSectionQuartiles) {
  auto c = testing::make_checklist({"p/A=good,partial,poor,na", "p/B=good,poor", "o1/C=good,poor"});
  // Section p scores: org0 (1+1)/2=1, org1 (.5+0)/2=.25, org2 na+good → 1, org3 poor+poor → 0.
  auto r = rows({{1, 1, 1}, {2, 2, 2}, {4, 1, 0}, {3, 2, 1}});
  r.comments.push_back(model::Comment{1, 0, "他社のコメント"});
  auto p = peer_report(c, r, "org1", 3, AnalysisOptions{.lang = "en"});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->organizations, 4u);
  EXPECT_EQ(p->items[0].choice, 2);
  EXPECT_EQ(p->items[0].label, "A choice 2");
  EXPECT_EQ(p->items[0].level, model::Level::kPartial);
  EXPECT_EQ(p->items[0].pooled.choices[0].count, 1u);
  EXPECT_EQ(p->items[0].pooled.answered, 4u);
  EXPECT_TRUE(p->items[0].pooled.comments.empty());
  ASSERT_EQ(p->sections.size(), 2u);
  EXPECT_DOUBLE_EQ(*p->sections[0].score, 0.25);
  // Sorted 0, .25, 1, 1: Q1 = .1875, median = .625, Q3 = 1.
  EXPECT_DOUBLE_EQ(*p->sections[0].q1, 0.1875);
  EXPECT_DOUBLE_EQ(*p->sections[0].median, 0.625);
  EXPECT_DOUBLE_EQ(*p->sections[0].q3, 1.0);
  EXPECT_EQ(p->sections[1].scored_orgs, 3u);  // org2 did not answer C
  // Below k: conflict; an organisation not in the set: not found.
  EXPECT_EQ(peer_report(c, r, "org1", 5).status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(peer_report(c, r, "nobody", 3).status().kind(), ErrorKind::kNotFound);
}

TEST(CampaignTrend, GoodSharesChangeAndCampaignsBelowKLeftOut) {
  auto c = testing::make_checklist({"p/A=good,partial,poor", "p/B=good,poor"});
  auto first = rows({{1, 2}, {2, 2}, {3, 1}, {0, 1}});      // A: 1 good of 3; B: 2 of 4
  auto tiny = rows({{1, 1}, {1, 1}});                        // below k
  auto second = rows({{1, 1}, {1, 2}, {3, 1}, {1, 1}});      // A: 3 of 4; B: 3 of 4
  std::vector<CampaignInput> in = {{"c1", "第1回", &c, &first, 3}, {"c2", "小", &c, &tiny, 3},
                                   {"c3", "第3回", &c, &second, 3}};
  auto t = campaign_trend(in, c, nullptr, "ja");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  ASSERT_EQ(t->campaigns.size(), 2u);
  EXPECT_EQ(t->campaigns[1].id, "c3");
  ASSERT_EQ(t->suppressed.size(), 1u);
  EXPECT_EQ(t->suppressed[0].group, "c2");
  EXPECT_EQ(t->suppressed[0].reason, "below_k");
  const auto& a = t->items[0].cells;
  EXPECT_EQ(a[0].answered, 3u);
  EXPECT_EQ(a[0].good, 1u);
  EXPECT_EQ(a[0].percent, 33);
  EXPECT_FALSE(a[0].change_points.has_value());
  EXPECT_EQ(a[1].percent, 75);
  EXPECT_EQ(*a[1].change_points, 42);
  EXPECT_NEAR(*a[1].change_share, 0.75 - 1.0 / 3, 1e-12);
  // Every campaign below k: conflict. One campaign: bad input.
  std::vector<CampaignInput> none = {{"c2", "", &c, &tiny, 3}, {"c2b", "", &c, &tiny, 3}};
  EXPECT_EQ(campaign_trend(none, c, nullptr).status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(campaign_trend({in[0]}, c, nullptr).status().kind(), ErrorKind::kBadInput);
}

TEST(CampaignTrend, AVersionOneCampaignIsComparedThroughTheMapping) {
  auto v1 = io::load_checklist_file(testing::test_dir() + "/data/checklists/small.yaml");
  auto v2 = io::load_checklist_file(testing::test_dir() + "/data/checklists/small-v2.yaml");
  auto m = io::load_mapping_file(testing::test_dir() + "/data/mappings/small-1-to-2.yaml");
  ASSERT_TRUE(v1.is_ok() && v2.is_ok() && m.is_ok());
  ASSERT_TRUE(io::check_mapping(*m, *v1, *v2).is_ok());
  auto old_answers = rows({{1, 1, 1}, {1, 2, 1}, {2, 2, 2}});    // IMP-P0-02: 1 yes of 3
  auto new_answers = rows({{1, 1, 1}, {1, 1, 2}, {1, 2, 0}});    // IMP-P0-03: 2 good of 3
  std::vector<CampaignInput> in = {{"2025", "", &*v1, &old_answers, 3}, {"2026", "", &*v2, &new_answers, 3}};
  // Without the mapping: a clear error naming the campaign.
  auto without = campaign_trend(in, *v2, nullptr);
  ASSERT_FALSE(without.is_ok());
  EXPECT_NE(without.status().message().find("2025"), std::string::npos);
  auto t = campaign_trend(in, *v2, &*m);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_TRUE(t->campaigns[0].mapped);
  EXPECT_EQ(t->campaigns[0].checklist_version, "1");
  EXPECT_EQ(t->items[1].id, "IMP-P0-03");
  EXPECT_EQ(t->items[1].cells[0].good, 1u);
  EXPECT_EQ(t->items[1].cells[1].good, 2u);
  EXPECT_EQ(t->items[2].cells[0].answered, 0u);  // OVR-O1-02 did not exist in version 1
  EXPECT_FALSE(t->items[2].cells[1].change_points.has_value());
}

TEST(OrgCampaigns, OneOrganisationsOwnAnswersAcrossCampaigns) {
  auto v1 = io::load_checklist_file(testing::test_dir() + "/data/checklists/small.yaml");
  auto v2 = io::load_checklist_file(testing::test_dir() + "/data/checklists/small-v2.yaml");
  ASSERT_TRUE(v1.is_ok() && v2.is_ok());
  auto a = rows({{3, 2, 1}, {1, 1, 1}});
  auto b = rows({{1, 2, 0}});
  auto t = org_campaigns({{"2025", "", &*v1, &a, 3}, {"2026", "", &*v2, &b, 3}}, "org0", "en");
  ASSERT_EQ(t.campaigns.size(), 2u);
  // Rows: v2's items, then those only v1 had.
  ASSERT_EQ(t.items.size(), 5u);
  EXPECT_EQ(t.items[0].id, "IMP-P0-01");
  EXPECT_EQ(t.items[0].answers[0].label, "None");
  EXPECT_EQ(t.items[0].answers[1].label, "A working team");
  EXPECT_EQ(t.items[3].id, "IMP-P0-02");
  EXPECT_FALSE(t.items[3].answers[1].in_checklist);
  EXPECT_EQ(t.items[3].answers[0].level, model::Level::kPoor);
  EXPECT_EQ(t.org_name, "会社0");
}

}  // namespace
}  // namespace kunren::analysis
