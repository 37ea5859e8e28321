// The store's shared values: timestamps, state names, the campaign state
// machine and URL handling (store.hpp), independent of any backend.
#include <kunren/store/store.hpp>

#include <gtest/gtest.h>

namespace kunren::store {
namespace {

TEST(ParseTimestamp, ADateAloneMeansTheEndOfThatDay) {
  EXPECT_EQ(parse_timestamp("2026-11-26").value(), "2026-11-26T23:59:59.999999Z");
}

TEST(ParseTimestamp, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(parse_timestamp("2026-11-26T09:30+09:00").value(), "2026-11-26T00:30:00.000000Z");
  EXPECT_EQ(parse_timestamp("2026-11-26T00:30:00-01:30").value(), "2026-11-26T02:00:00.000000Z");
  EXPECT_EQ(parse_timestamp("2026-01-01T00:00+09:00").value(), "2025-12-31T15:00:00.000000Z");
}

TEST(ParseTimestamp, FractionsAndSpacesAreAccepted) {
  EXPECT_EQ(parse_timestamp("2026-11-26 09:20:03.5Z").value(), "2026-11-26T09:20:03.500000Z");
  EXPECT_EQ(parse_timestamp("2026-11-26T09:20:03.1234567Z").value(), "2026-11-26T09:20:03.123456Z");
}

TEST(ParseTimestamp, TheCanonicalFormIsItsOwnParse) {
  const Timestamp now = now_utc();
  EXPECT_EQ(parse_timestamp(now).value(), now);
  EXPECT_EQ(now.size(), 27u);
}

TEST(ParseTimestamp, NonsenseIsBadInputShowingAnExample) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-29", "2026-11-26T25:00", "2026-11-26T09:30+9",
                          "2026-11-26T09:30:00.Z", "2026/11/26", "2026-11-26T09:30Zjunk"}) {
    auto t = parse_timestamp(bad);
    ASSERT_FALSE(t.is_ok()) << bad;
    EXPECT_EQ(t.status().kind(), ErrorKind::kBadInput);
    EXPECT_NE(t.status().message().find("2026-11-26T09:30"), std::string::npos) << t.status().message();
  }
  EXPECT_TRUE(parse_timestamp("2028-02-29").is_ok());
}

TEST(CampaignStates, FollowDraftOpenClosedPublishedAndMayReopen) {
  using S = CampaignState;
  EXPECT_TRUE(campaign_transition_allowed(S::kDraft, S::kOpen));
  EXPECT_TRUE(campaign_transition_allowed(S::kOpen, S::kClosed));
  EXPECT_TRUE(campaign_transition_allowed(S::kClosed, S::kPublished));
  EXPECT_TRUE(campaign_transition_allowed(S::kClosed, S::kOpen));
  EXPECT_FALSE(campaign_transition_allowed(S::kDraft, S::kPublished));
  EXPECT_FALSE(campaign_transition_allowed(S::kOpen, S::kPublished));
  EXPECT_FALSE(campaign_transition_allowed(S::kPublished, S::kOpen));
  EXPECT_FALSE(campaign_transition_allowed(S::kOpen, S::kOpen));
}

TEST(Names, RoundTripForEveryStateAndRole) {
  for (auto s : {CampaignState::kDraft, CampaignState::kOpen, CampaignState::kClosed, CampaignState::kPublished}) {
    EXPECT_EQ(parse_campaign_state(to_string(s)), s);
  }
  for (auto r : all_roles()) EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_EQ(all_roles().size(), 6u);
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_revision_state("final").has_value());
}

TEST(RedactUrl, HidesPasswordsInTheUserPartAndInParameters) {
  EXPECT_EQ(redact_url("postgresql://kunren:s3cret@db.example:5432/kunren"), "postgresql://kunren:***@db.example:5432/kunren");
  EXPECT_EQ(redact_url("postgresql://kunren@127.0.0.1/k?password=s3cret&sslmode=require"),
            "postgresql://kunren@127.0.0.1/k?password=***&sslmode=require");
  EXPECT_EQ(redact_url("sqlite:kunren.db"), "sqlite:kunren.db");
}

TEST(UrlWithoutPassword, LeavesAUrlSomeoneCanCopyIntoPgDump) {
  EXPECT_EQ(url_without_password("postgresql://kunren:s3cret@db:5432/kunren"), "postgresql://kunren@db:5432/kunren");
  EXPECT_EQ(url_without_password("postgresql://k@h/db?password=s3cret&sslmode=require"),
            "postgresql://k@h/db?sslmode=require");
  EXPECT_EQ(url_without_password("postgresql://k@h/db?sslmode=require&password=s3cret"),
            "postgresql://k@h/db?sslmode=require");
  EXPECT_EQ(url_without_password("postgresql://k@h/db?password=s3cret"), "postgresql://k@h/db");
  EXPECT_EQ(url_without_password("postgresql://k@h/db"), "postgresql://k@h/db");
}

TEST(RedactSecrets, HidesThePasswordAsWrittenAndDecodedInAnyMessage) {
  const std::string url = "postgresql://kunren:p%40ss%zz@db/kunren";
  const std::string message = "invalid percent-encoded token: \"p%40ss%zz\" (p@ss%zz)";
  const std::string redacted = redact_secrets(message, url);
  EXPECT_EQ(redacted.find("p%40ss"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find("p@ss"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("***"), std::string::npos);
  EXPECT_EQ(redact_secrets("nothing secret here", "postgresql://k@h/db"), "nothing secret here");
}

TEST(OpenStore, AConnectionErrorNeverCarriesThePassword) {
  // A malformed percent-escape in the password: libpq refuses the URL itself.
  auto s = open_store("postgresql://kunren:hunter2%zzsecret@127.0.0.1:1/kunren");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().to_string().find("hunter2"), std::string::npos) << s.status().to_string();
}

TEST(OpenStore, UnknownSchemesAreBadInputOnTheDbOption) {
  auto s = open_store("mysql://x@y/z");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(s.status().where().field, "--db");
  EXPECT_FALSE(open_store("sqlite:").is_ok());
}

TEST(DefaultStoreUrl, ComesFromKunrenDbElseTheLocalFile) {
  ::unsetenv("KUNREN_DB");
  EXPECT_EQ(default_store_url(), "sqlite:kunren.db");
  ::setenv("KUNREN_DB", "postgresql://k@h/db", 1);
  EXPECT_EQ(default_store_url(), "postgresql://k@h/db");
  ::unsetenv("KUNREN_DB");
}

}  // namespace
}  // namespace kunren::store
