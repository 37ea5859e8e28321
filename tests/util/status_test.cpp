#include <kunren/util/status.hpp>

#include <gtest/gtest.h>

namespace kunren {
namespace {

TEST(Status, ToStringNamesFileLineColumnAndField) {
  EXPECT_EQ(Status::bad_input("unknown item 'X'", Location{"r.csv", 3, 0, "item"}).to_string(),
            "r.csv:3 (item): unknown item 'X'");
  EXPECT_EQ(Status::bad_input("bad level", Location{"c.yaml", 4, 7}).to_string(), "c.yaml:4:7: bad level");
  EXPECT_EQ(Status::bad_input("needs a value", Location{{}, 0, 0, "--orgs"}).to_string(), "(--orgs): needs a value");
  EXPECT_EQ(Status::io_error("disk full").to_string(), "disk full");
}

TEST(Status, OneTableMapsKindsToExitCodesAndHttpStatuses) {
  EXPECT_EQ(exit_code_for(ErrorKind::kOk), 0);
  EXPECT_EQ(exit_code_for(ErrorKind::kBadInput), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::kNotFound), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::kIo), 3);
  EXPECT_EQ(exit_code_for(ErrorKind::kInternal), 1);
  EXPECT_EQ(http_status_for(ErrorKind::kBadInput), 422);
  EXPECT_EQ(http_status_for(ErrorKind::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorKind::kConflict), 409);
  EXPECT_STREQ(error_code_name(ErrorKind::kNotFound), "not_found");
}

TEST(Result, HoldsAValueOrTheStatus) {
  Result<int> ok = 5;
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(*ok, 5);
  Result<int> bad = Status::not_found("no such checklist");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace kunren
