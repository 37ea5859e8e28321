// The names publishing redacts, gathered from the store
// (store/redaction_terms.hpp), on the memory store.
#include <kunren/store/redaction_terms.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include <kunren/analysis/redact.hpp>
#include <kunren/model/preparedness.hpp>

namespace kunren::store {
namespace {

using analysis::RedactTerm;

const Actor k_actor{"test"};

bool has(const std::vector<RedactTerm>& terms, const std::string& text, const std::string& kind) {
  return std::find(terms.begin(), terms.end(), RedactTerm{text, kind}) != terms.end();
}
bool has_text(const std::vector<RedactTerm>& terms, const std::string& text) {
  return std::any_of(terms.begin(), terms.end(), [&](const RedactTerm& t) { return t.text == text; });
}

class RedactionTermsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::move(open_store("memory:")).value();
    ASSERT_TRUE(db->put_orgs({OrgRecord{"towa", "東和化学株式会社", "化学", "L", {}, {}},
                              OrgRecord{"kita-steel", "北製鉄", "鉄鋼", "M", {}, {}}},
                             k_actor)
                    .is_ok());
    ASSERT_TRUE(
        db->create_user(User{"t.yamada", "山田 太郎", "", {Role::kEvaluator}, {"towa"}, false, {}}, k_actor).is_ok());
  }
  void save(const std::string& org, const std::string& kind, const std::string& json) {
    auto saved = db->append_org_document(org, kind, 0, json, k_actor);
    ASSERT_TRUE(saved.is_ok()) << saved.status().to_string();
  }
  std::unique_ptr<Store> db;
};

TEST_F(RedactionTermsTest, OrganisationsAndUsersGiveTheirNamesAndIds) {
  auto terms = redaction_terms(*db);
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_TRUE(has(*terms, "東和化学株式会社", "organization"));
  EXPECT_TRUE(has(*terms, "towa", "organization"));
  EXPECT_TRUE(has(*terms, "北製鉄", "organization"));
  EXPECT_TRUE(has(*terms, "kita-steel", "organization"));
  EXPECT_TRUE(has(*terms, "山田 太郎", "person"));
  EXPECT_FALSE(has(*terms, "t.yamada", "person")) << "logins are often ordinary words; display names are kept";
  EXPECT_EQ(terms->size(), 5u);
}

TEST_F(RedactionTermsTest, TheLatestContactTreeGivesPeopleAndOutsideOrganisations) {
  save("towa", "contact-tree", R"({"entries": [
    {"id": "sirt", "name": "佐藤 花子", "function": "sirt", "organisation": "情報システム部",
     "channels": [{"kind": "phone", "value": "03-1234-5678"}]},
    {"id": "vendor", "name": "西日本制御サービス", "function": "vendor", "external": true,
     "organisation": "西日本制御サービス株式会社", "channels": [{"kind": "email", "value": "support@example.com"}]}
  ]})");
  // An older revision's names are no longer in the tree.
  auto second = db->append_org_document("towa", "contact-tree", 1, R"({"entries": [
    {"id": "sirt", "name": "鈴木 一郎", "function": "sirt", "organisation": "情報システム部",
     "channels": [{"kind": "phone", "value": "03-1234-5678"}]},
    {"id": "vendor", "name": "西日本制御サービス", "function": "vendor", "external": true,
     "organisation": "西日本制御サービス株式会社", "channels": [{"kind": "email", "value": "support@example.com"}]}
  ]})",
                                        k_actor);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  auto terms = redaction_terms(*db);
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_TRUE(has(*terms, "鈴木 一郎", "person"));
  EXPECT_FALSE(has_text(*terms, "佐藤 花子"));
  EXPECT_TRUE(has(*terms, "西日本制御サービス", "organization"));
  EXPECT_TRUE(has(*terms, "西日本制御サービス株式会社", "organization"));
  // A department of the organisation itself is an ordinary word.
  EXPECT_FALSE(has_text(*terms, "情報システム部"));
}

TEST_F(RedactionTermsTest, ThePocSheetGivesReporterDeputyPlantAndVendors) {
  save("kita-steel", "poc-sheet", R"({
    "reporter": {"name": "高橋 健", "organisation": "北製鉄株式会社", "email": "takahashi@example.jp"},
    "deputy": {"name": "Ken Ito"},
    "plant": "室蘭第一製鉄所",
    "systems": [{"type": "DCS", "vendor": "Kitaguni Controls"}]
  })");
  auto terms = redaction_terms(*db);
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_TRUE(has(*terms, "高橋 健", "person"));
  EXPECT_TRUE(has(*terms, "北製鉄株式会社", "organization"));
  EXPECT_TRUE(has(*terms, "Ken Ito", "person"));
  EXPECT_TRUE(has(*terms, "室蘭第一製鉄所", "site"));
  EXPECT_TRUE(has(*terms, "Kitaguni Controls", "organization"));
}

TEST_F(RedactionTermsTest, TheStartingTemplatesPostsAreNotTerms) {
  // Many organisations keep the template's posts (工場長, JPCERT/CC …) as
  // they are: those name nobody.
  auto tree = model::prep_template(model::PrepKind::kContactTree, "ja");
  for (auto& e : tree["entries"])
    for (auto& ch : e["channels"]) ch["value"] = "03-0000-0000";
  save("towa", "contact-tree", tree.dump());
  auto terms = redaction_terms(*db);
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_FALSE(has_text(*terms, "工場長"));
  EXPECT_FALSE(has_text(*terms, "JPCERT/CC"));
  EXPECT_EQ(terms->size(), 5u);
}

TEST_F(RedactionTermsTest, EachTermAppearsOnce) {
  save("towa", "poc-sheet",
       R"({"reporter": {"name": "山田 太郎", "organisation": "東和化学株式会社"}, "plant": "鹿島"})");
  auto terms = redaction_terms(*db);
  ASSERT_TRUE(terms.is_ok());
  EXPECT_EQ(std::count(terms->begin(), terms->end(), RedactTerm{"山田 太郎", "person"}), 1);
  EXPECT_EQ(std::count(terms->begin(), terms->end(), RedactTerm{"東和化学株式会社", "organization"}), 1);
}

TEST_F(RedactionTermsTest, TheGatheredTermsRedactAComment) {
  save("kita-steel", "poc-sheet", R"({"reporter": {"name": "高橋 健"}, "plant": "室蘭第一製鉄所"})");
  auto terms = redaction_terms(*db);
  ASSERT_TRUE(terms.is_ok());
  analysis::Redactor r(std::move(terms).value());
  EXPECT_EQ(r.redact("室蘭第一製鉄所では高橋健と山田太郎が東和化学と協議").text,
            "［拠点名］では［人名］と［人名］が［組織名］と協議");
}

}  // namespace
}  // namespace kunren::store
