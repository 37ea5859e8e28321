#include <gtest/gtest.h>

#include <set>

#include <kunren/model/responses.hpp>
#include <kunren/model/text.hpp>

namespace kunren::model {
namespace {

TEST(LocalizedText, FallsBackToJapaneseThenEnglishThenFirst) {
  LocalizedText t{{"en", "Yes"}, {"ja", "はい"}};
  EXPECT_EQ(t.text("ja"), "はい");
  EXPECT_EQ(t.text("en"), "Yes");
  EXPECT_EQ(t.text("fr"), "はい");
  LocalizedText only_de{{"de", "Ja"}};
  EXPECT_EQ(only_de.text("en"), "Ja");
  EXPECT_EQ(LocalizedText().text("ja"), "");
}

TEST(LocalizedText, PlainStringServesEveryLanguage) {
  LocalizedText t("n=8");
  EXPECT_TRUE(t.is_plain());
  EXPECT_TRUE(t.has("ja"));
  EXPECT_EQ(t.text("en"), "n=8");
}

TEST(Pseudonyms, CodesRunLikeSpreadsheetColumns) {
  EXPECT_EQ(pseudonym_code(0), "A");
  EXPECT_EQ(pseudonym_code(25), "Z");
  EXPECT_EQ(pseudonym_code(26), "AA");
  EXPECT_EQ(pseudonym_code(27), "AB");
  EXPECT_EQ(pseudonym_code(26 + 26 * 26), "AAA");
}

TEST(Pseudonyms, AreUniqueStableAndIndependentOfFileOrder) {
  std::vector<Organization> a(60);
  for (std::size_t i = 0; i < a.size(); ++i) a[i].id = "ORG-" + std::to_string(i);
  std::vector<Organization> b(a.rbegin(), a.rend());
  assign_pseudonyms(a);
  assign_pseudonyms(b);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(seen.insert(a[i].pseudonym).second) << a[i].pseudonym;
    EXPECT_EQ(a[i].pseudonym, b[a.size() - 1 - i].pseudonym);
  }
  // Alphabetical ids do not get alphabetical codes.
  EXPECT_FALSE(a[0].pseudonym == "A" && a[1].pseudonym == "B" && a[2].pseudonym == "C");
}

TEST(Pseudonyms, GivenPseudonymsAreKeptAndNeverReused) {
  std::vector<Organization> orgs(3);
  orgs[0].id = "x";
  orgs[0].pseudonym = "A";
  orgs[1].id = "y";
  orgs[2].id = "z";
  assign_pseudonyms(orgs);
  EXPECT_EQ(orgs[0].pseudonym, "A");
  EXPECT_NE(orgs[1].pseudonym, "A");
  EXPECT_NE(orgs[2].pseudonym, "A");
  EXPECT_NE(orgs[1].pseudonym, orgs[2].pseudonym);
}

}  // namespace
}  // namespace kunren::model
