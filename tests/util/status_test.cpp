#include <kunren/util/status.hpp>

#include <gtest/gtest.h>

#include <type_traits>
#include <utility>
#include <vector>

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
  EXPECT_EQ(exit_code_for(ErrorKind::kFull), 3);
  EXPECT_EQ(http_status_for(ErrorKind::kFull), 507);
  EXPECT_STREQ(error_code_name(ErrorKind::kFull), "storage_full");
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

namespace kunren {
namespace {

// Regression: value() on a temporary Result returned T&&, so
// `for (auto& e : store.list_audit().value())` walked a destroyed vector.
static_assert(std::is_same_v<decltype(std::declval<Result<std::vector<int>>>().value()), std::vector<int>>,
              "value() of a temporary Result must hand over the value, not a reference into the dead temporary");

TEST(Result, ARangeForOverTheValueOfATemporaryResultSeesTheElements) {
  auto make = [] { return Result<std::vector<int>>(std::vector<int>{1, 2, 3}); };
  int sum = 0;
  for (int x : make().value()) sum += x;
  EXPECT_EQ(sum, 6);
}

}  // namespace
}  // namespace kunren
