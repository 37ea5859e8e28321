#include <kunren/io/csv.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kunren::io {
namespace {

std::vector<std::vector<std::string>> read_all_records(std::string_view text, Status* status = nullptr) {
  CsvReader r(text, "t.csv");
  std::vector<std::string_view> f;
  std::vector<std::vector<std::string>> out;
  while (r.next(f)) out.emplace_back(f.begin(), f.end());
  if (status) *status = r.status();
  return out;
}

TEST(CsvReader, SplitsPlainFieldsAndLines) {
  auto recs = read_all_records("a,b,c\n1,2,3\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1], (std::vector<std::string>{"1", "2", "3"}));
}

TEST(CsvReader, AcceptsCrlfLfAndLoneCrMixed) {
  CsvReader r("a,b\r\n1,2\n3,4\r5,6", "t.csv");
  std::vector<std::string_view> f;
  std::vector<std::uint64_t> lines;
  std::vector<std::string> seconds;
  while (r.next(f)) {
    lines.push_back(r.record_line());
    seconds.emplace_back(f[1]);
  }
  EXPECT_TRUE(r.status().is_ok());
  EXPECT_EQ(seconds, (std::vector<std::string>{"b", "2", "4", "6"}));
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TEST(CsvReader, UnescapesDoubledQuotesAndKeepsNewlinesInQuotedFields) {
  auto recs = read_all_records("org,comment\nA,\"He said \"\"stop\"\"\r\nthen, later\"\nB,x\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1][1], "He said \"stop\"\nthen, later");
  EXPECT_EQ(recs[2][0], "B");
}

TEST(CsvReader, CountsPhysicalLinesAcrossQuotedNewlines) {
  CsvReader r("h\n\"a\nb\nc\"\nnext\n", "t.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.next(f));
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(r.record_line(), 2u);
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f[0], "next");
  EXPECT_EQ(r.record_line(), 5u);
}

TEST(CsvReader, TrailingCommaMeansOneMoreEmptyField) {
  auto recs = read_all_records("a,b,\n1,2,");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].size(), 3u);
  EXPECT_EQ(recs[1].size(), 3u);
  EXPECT_EQ(recs[1][2], "");
}

TEST(CsvReader, SkipsBlankLines) {
  auto recs = read_all_records("\n\na,b\n\n\r\n1,2\n\n");
  ASSERT_EQ(recs.size(), 2u);
}

TEST(CsvReader, UnclosedQuoteIsAnErrorAtTheOpeningLine) {
  Status st;
  read_all_records("a,b\n1,\"open\nstill open\n", &st);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.where().line, 2u);
  EXPECT_EQ(st.where().column, 3u);
  EXPECT_NE(st.message().find("never closed"), std::string::npos);
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  Status st;
  read_all_records("a,b\n\"x\"y,2\n", &st);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.where().line, 2u);
  EXPECT_EQ(st.where().column, 4u);
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsKeptLiterally) {
  auto recs = read_all_records("a\n5\"x\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1][0], "5\"x");
}

TEST(CsvReader, TruncatingInputAtEveryByteNeverCrashes) {
  const std::string text = "org,item,choice,comment\nA,Q1,1,\"a \"\"b\"\"\r\nc\"\r\nB,Q2,2,x\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Status st;
    auto recs = read_all_records(std::string_view(text).substr(0, cut), &st);
    EXPECT_LE(recs.size(), 3u);
  }
}

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  std::string out;
  append_csv_field(out, "plain");
  out += ',';
  append_csv_field(out, "a,\"b\"\nc");
  EXPECT_EQ(out, "plain,\"a,\"\"b\"\"\nc\"");
}

}  // namespace
}  // namespace kunren::io
