#include <kunren/analysis/publish.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace kunren::analysis {
namespace {

// An analysis of `orgs` organisations with two items carrying comments, as
// analyze() leaves it (quotes by pseudonym, no ids).
Analysis sample_analysis(std::uint32_t orgs) {
  Analysis a;
  a.checklist_id = "test";
  a.organizations = orgs;
  ItemResult q1;
  q1.id = "Q1";
  q1.comments = {{"A", "山田 太郎さんが 03-1234-5678 に連絡した", ""},
                 {"B", "手順どおり停止した", ""},
                 {"C", "PLC 192.168.0.10 のログを東和化学に送付", ""}};
  ItemResult q2;
  q2.id = "Q2";
  q2.comments = {{"A", "scada.corp の管理者は Yamada Taro", ""}, {"C", "特になし", ""}};
  ItemResult q3;
  q3.id = "Q3";
  a.items = {q1, q2, q3};
  return a;
}

Redactor sample_redactor() {
  return Redactor(
      std::vector<RedactTerm>{{"山田太郎", "person"}, {"Yamada Taro", "person"}, {"東和化学株式会社", "organization"}});
}

PublishOptions options(const Redactor* r = nullptr) {
  PublishOptions o;
  o.tlp = "AMBER";
  o.key = "campaign-secret";
  o.redactor = r;
  o.campaign = "C2026";
  return o;
}

TEST(Publish, ACampaignWithFewerThanKOrganisationsPublishesNothing) {
  Analysis a = sample_analysis(2);
  auto r = publish(a, options());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(r.status().message(),
            "campaign C2026 has 2 submitted organisations, fewer than the minimum group size 3: nothing is published");
  EXPECT_FALSE(a.disclosure.has_value());
  EXPECT_EQ(a.items[0].comments[0].org, "A");
  EXPECT_EQ(a.items[0].comments[0].text, "山田 太郎さんが 03-1234-5678 に連絡した");
}

TEST(Publish, ResponsesFromFilesBelowKSayHowManyOrganisationsTheyHave) {
  Analysis a = sample_analysis(1);
  auto o = options();
  o.campaign.clear();
  o.min_group = 5;
  auto r = publish(a, o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(r.status().message(),
            "the responses have 1 organisations, fewer than the minimum group size 5: nothing is published");
}

TEST(Publish, ACampaignOfExactlyKOrganisationsIsPublished) {
  Analysis a = sample_analysis(3);
  auto r = publish(a, options());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_TRUE(a.disclosure.has_value());
  EXPECT_EQ(a.disclosure->tlp, "AMBER");
  EXPECT_EQ(a.disclosure->min_group, 3u);
  EXPECT_EQ(a.disclosure->quotes_published, 5u);
}

TEST(Publish, QuotesAreRedactedLoseTheirPseudonymAndGetIds) {
  Analysis a = sample_analysis(3);
  Redactor red = sample_redactor();
  auto r = publish(a, options(&red));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<std::string> texts;
  for (const auto& item : a.items)
    for (const auto& q : item.comments) {
      EXPECT_TRUE(q.org.empty());
      EXPECT_TRUE(q.id.starts_with("Q-")) << q.id;
      texts.push_back(q.text);
    }
  std::vector<std::string> expected{"PLC ［IPアドレス］ のログを［組織名］に送付", "特になし", "手順どおり停止した",
                                    "［ホスト名］ の管理者は ［人名］", "［人名］さんが ［電話番号］ に連絡した"};
  std::sort(texts.begin(), texts.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(texts, expected);
  EXPECT_EQ(a.disclosure->quotes_redacted, 3u);
  EXPECT_EQ(a.disclosure->redactions, (std::map<std::string, std::uint32_t>{
                                          {"host", 1}, {"ip", 1}, {"organization", 1}, {"person", 2}, {"phone", 1}}));
}

TEST(Publish, WithoutARedactorThePatternsAreStillApplied) {
  Analysis a = sample_analysis(3);
  auto o = options();
  o.lang = "en";
  ASSERT_TRUE(publish(a, o).is_ok());
  bool saw_phone = false;
  for (const auto& q : a.items[0].comments) {
    EXPECT_EQ(q.text.find("03-1234-5678"), std::string::npos);
    EXPECT_EQ(q.text.find("192.168.0.10"), std::string::npos);
    if (q.text.find("[phone]") != std::string::npos) saw_phone = true;
  }
  EXPECT_TRUE(saw_phone);
  EXPECT_EQ(a.disclosure->redactions, (std::map<std::string, std::uint32_t>{{"host", 1}, {"ip", 1}, {"phone", 1}}));
}

TEST(Publish, EachItemsQuotesAreOrderedById) {
  Analysis a = sample_analysis(3);
  ASSERT_TRUE(publish(a, options()).is_ok());
  for (const auto& item : a.items)
    EXPECT_TRUE(std::is_sorted(item.comments.begin(), item.comments.end(),
                               [](const Quote& x, const Quote& y) { return x.id < y.id; }));
}

TEST(Publish, IdsAreStableAcrossRunsAndDependOnTheKey) {
  Analysis a1 = sample_analysis(3), a2 = sample_analysis(3), a3 = sample_analysis(3);
  auto r1 = publish(a1, options());
  auto r2 = publish(a2, options());
  auto o = options();
  o.key = "another-secret";
  auto r3 = publish(a3, o);
  ASSERT_TRUE(r1.is_ok() && r2.is_ok() && r3.is_ok());
  ASSERT_EQ(r1->quotes.size(), 5u);
  for (std::size_t k = 0; k < r1->quotes.size(); ++k) {
    EXPECT_EQ(r1->quotes[k].id, r2->quotes[k].id);
    EXPECT_NE(r1->quotes[k].id, r3->quotes[k].id);
  }
  // The id is the HMAC over item, original pseudonym and original text.
  auto id_of = [](const PublishResult& r, std::string_view text) {
    for (const auto& q : r.quotes)
      if (q.original == text) return q.id;
    return std::string();
  };
  EXPECT_EQ(id_of(*r1, "特になし"), quote_id("campaign-secret", "Q2", "C", "特になし"));
  EXPECT_NE(id_of(*r1, "特になし"), id_of(*r3, "特になし"));
}

TEST(Publish, ExcludedQuotesAreDroppedAndRecordedAsSuppressed) {
  Analysis probe = sample_analysis(3);
  auto first = publish(probe, options());
  ASSERT_TRUE(first.is_ok());
  std::string excluded_id;
  for (const auto& q : first->quotes)
    if (q.original == "手順どおり停止した") excluded_id = q.id;
  ASSERT_FALSE(excluded_id.empty());

  Analysis a = sample_analysis(3);
  auto o = options();
  o.excluded = {excluded_id, "Q-ZZZZZZZZ"};
  auto r = publish(a, o);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(a.items[0].comments.size(), 2u);
  for (const auto& item : a.items)
    for (const auto& q : item.comments) EXPECT_NE(q.id, excluded_id);
  EXPECT_EQ(a.disclosure->quotes_excluded, 1u);
  EXPECT_EQ(a.disclosure->quotes_published, 4u);
  ASSERT_EQ(a.disclosure->suppressed.size(), 1u);
  EXPECT_EQ(a.disclosure->suppressed[0].scope, "quotes");
  EXPECT_EQ(a.disclosure->suppressed[0].group, excluded_id);
  EXPECT_EQ(a.disclosure->suppressed[0].reason, "excluded");
  EXPECT_EQ(a.disclosure->suppressed[0].action, "suppressed");
  EXPECT_EQ(r->unknown_excluded, (std::vector<std::string>{"Q-ZZZZZZZZ"}));
  // The review list still shows it, flagged.
  ASSERT_EQ(r->quotes.size(), 5u);
  auto it = std::find_if(r->quotes.begin(), r->quotes.end(), [&](const ReviewQuote& q) { return q.id == excluded_id; });
  ASSERT_NE(it, r->quotes.end());
  EXPECT_TRUE(it->excluded);
  EXPECT_EQ(std::count_if(r->quotes.begin(), r->quotes.end(), [](const ReviewQuote& q) { return q.excluded; }), 1);
}

TEST(Publish, TheReviewListIsInItemOrderThenByIdWithOriginalAndRedactedText) {
  Analysis a = sample_analysis(3);
  Redactor red = sample_redactor();
  auto r = publish(a, options(&red));
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->quotes.size(), 5u);
  EXPECT_EQ(r->quotes[0].item, "Q1");
  EXPECT_EQ(r->quotes[2].item, "Q1");
  EXPECT_EQ(r->quotes[3].item, "Q2");
  EXPECT_LT(r->quotes[0].id, r->quotes[1].id);
  EXPECT_LT(r->quotes[1].id, r->quotes[2].id);
  EXPECT_LT(r->quotes[3].id, r->quotes[4].id);
  for (const auto& q : r->quotes) {
    if (q.original == "山田 太郎さんが 03-1234-5678 に連絡した") {
      EXPECT_EQ(q.redacted, "［人名］さんが ［電話番号］ に連絡した");
      EXPECT_EQ(q.redactions, (std::map<std::string, std::uint32_t>{{"person", 1}, {"phone", 1}}));
    }
  }
}

TEST(Publish, AnUnknownTlpIsBadInputNamingTlp) {
  Analysis a = sample_analysis(3);
  auto o = options();
  o.tlp = "amber";
  auto r = publish(a, o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(r.status().where().field, "tlp");
  for (const char* tlp : {"", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}) {
    Analysis b = sample_analysis(3);
    o.tlp = tlp;
    EXPECT_TRUE(publish(b, o).is_ok()) << tlp;
  }
}

TEST(Publish, AZeroMinimumGroupIsBadInput) {
  Analysis a = sample_analysis(3);
  auto o = options();
  o.min_group = 0;
  auto r = publish(a, o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().field, "min_group");
}

TEST(Publish, PublishingTwiceIsRefused) {
  Analysis a = sample_analysis(3);
  ASSERT_TRUE(publish(a, options()).is_ok());
  auto again = publish(a, options());
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().kind(), ErrorKind::kConflict);
}

TEST(Publish, SuppressionsAlreadyRecordedForBreakdownsAreKept) {
  Analysis a = sample_analysis(3);
  a.disclosure = Disclosure{};
  a.disclosure->suppressed.push_back({"segment:industry", "化学", "below_k", "merged_into_other"});
  ASSERT_TRUE(publish(a, options()).is_ok());
  ASSERT_EQ(a.disclosure->suppressed.size(), 1u);
  EXPECT_EQ(a.disclosure->suppressed[0].scope, "segment:industry");
  EXPECT_EQ(a.disclosure->tlp, "AMBER");
}

}  // namespace
}  // namespace kunren::analysis
