// The XLSX renderer: what can be checked without unpacking the zip — its
// errors, that it is deterministic, that it leaves no temporary file behind,
// and which parts it writes (zip entry names are stored uncompressed). The
// contents (sheets, numbers, chart labels) are read back by an independent
// reader in tests/xlsx/readback.test.mjs, and rendered by LibreOffice in
// tests/xlsx/render.sh.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "report_testing.hpp"

#include <kunren/report/xlsx_report.hpp>

namespace kunren::report {
namespace {

using testing::small_analysis;

// Points $TMPDIR somewhere else for the life of the object.
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& dir) {
    if (const char* old = std::getenv("TMPDIR")) m_old = old;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (m_old) {
      ::setenv("TMPDIR", m_old->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
  ScopedTmpdir(const ScopedTmpdir&) = delete;
  ScopedTmpdir& operator=(const ScopedTmpdir&) = delete;

 private:
  std::optional<std::string> m_old;
};

bool has_entry(const std::string& zip, const std::string& name) { return zip.find(name) != std::string::npos; }

bool dir_is_empty(const std::string& dir) {
  return std::filesystem::directory_iterator(dir) == std::filesystem::directory_iterator();
}

TEST(XlsxReport, WritesAZipWithOneSheetPerSectionAndOneChartPerItem) {
  XlsxOptions o;
  o.tlp = "AMBER";
  auto book = render_xlsx(small_analysis(), o);
  ASSERT_TRUE(book.is_ok()) << book.status().to_string();
  ASSERT_GE(book->size(), 4u);
  EXPECT_EQ(book->substr(0, 4), std::string("PK\x03\x04", 4));
  // Summary, 2 sections, data, comments (item 0 has comments), rules.
  for (int i = 1; i <= 6; ++i) EXPECT_TRUE(has_entry(*book, "xl/worksheets/sheet" + std::to_string(i) + ".xml")) << i;
  EXPECT_FALSE(has_entry(*book, "xl/worksheets/sheet7.xml"));
  for (int i = 1; i <= 3; ++i) EXPECT_TRUE(has_entry(*book, "xl/charts/chart" + std::to_string(i) + ".xml")) << i;
  EXPECT_FALSE(has_entry(*book, "xl/charts/chart4.xml"));
}

TEST(XlsxReport, NoCommentsMeansNoCommentSheet) {
  auto a = small_analysis();
  for (auto& it : a.items) it.comments.clear();
  auto book = render_xlsx(a, {});
  ASSERT_TRUE(book.is_ok()) << book.status().to_string();
  EXPECT_TRUE(has_entry(*book, "xl/worksheets/sheet5.xml"));
  EXPECT_FALSE(has_entry(*book, "xl/worksheets/sheet6.xml"));
}

TEST(XlsxReport, SameInputsGiveTheSameBytes) {
  XlsxOptions o;
  o.tlp = "TLP:RED";
  o.generated_at = "2026-11-26 09:30 UTC";
  auto first = render_xlsx(small_analysis(), o);
  auto second = render_xlsx(small_analysis(), o);
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_TRUE(*first == *second);
  // The creation time follows generated_at (no clock is read).
  o.generated_at = "2026-11-27 09:30 UTC";
  auto later = render_xlsx(small_analysis(), o);
  ASSERT_TRUE(later.is_ok());
  EXPECT_FALSE(*first == *later);
}

TEST(XlsxReport, EnglishDiffersFromJapanese) {
  XlsxOptions ja;
  XlsxOptions en;
  en.lang = "en";
  auto a = render_xlsx(small_analysis(), ja);
  auto b = render_xlsx(small_analysis(), en);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_FALSE(*a == *b);
}

TEST(XlsxReport, UnknownTlpIsBadInput) {
  XlsxOptions o;
  o.tlp = "PURPLE";
  auto book = render_xlsx(small_analysis(), o);
  ASSERT_FALSE(book.is_ok());
  EXPECT_EQ(book.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(book.status().message().find("PURPLE"), std::string::npos);
  EXPECT_EQ(book.status().where().field, "--tlp");
}

TEST(XlsxReport, TlpComesFromTheDisclosureWhenNotGiven) {
  auto a = small_analysis();
  a.disclosure = analysis::Disclosure{};
  a.disclosure->tlp = "GREEN";
  a.disclosure->suppressed.push_back({"segment:industry", "化学", "below_k", "merged_into_other"});
  a.disclosure->redactions["person"] = 2;
  EXPECT_TRUE(render_xlsx(a, {}).is_ok());
  a.disclosure->tlp = "BLUE";
  auto bad = render_xlsx(a, {});
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kBadInput);
  // The option wins over the disclosure.
  XlsxOptions o;
  o.tlp = "CLEAR";
  EXPECT_TRUE(render_xlsx(a, o).is_ok());
}

TEST(XlsxReport, LeavesNoTemporaryFileBehind) {
  kunren::testing::TempDir dir;
  const std::string tmp = dir.path("tmp");
  std::filesystem::create_directories(tmp);
  ScopedTmpdir scoped(tmp);
  ASSERT_TRUE(render_xlsx(small_analysis(), {}).is_ok());
  EXPECT_TRUE(dir_is_empty(tmp));
  // A comment longer than an Excel cell holds (32,767 characters) is cut, not an error.
  auto a = small_analysis();
  a.items[0].comments[0].text = std::string(40000, 'x');
  EXPECT_TRUE(render_xlsx(a, {}).is_ok());
  EXPECT_TRUE(dir_is_empty(tmp));
}

TEST(XlsxReport, MissingTemporaryDirectoryIsAnIoError) {
  kunren::testing::TempDir dir;
  ScopedTmpdir scoped(dir.path("does-not-exist"));
  auto book = render_xlsx(small_analysis(), {});
  ASSERT_FALSE(book.is_ok());
  EXPECT_EQ(book.status().kind(), ErrorKind::kIo);
}

TEST(XlsxReport, LongAndClashingSectionTitlesStillMakeValidSheetNames) {
  auto a = small_analysis();
  // 40 characters with characters Excel forbids; both sections alike.
  a.sections[0].title = "対策/準備:[体制]*文書?の整備\\平時の備えとそれに続く長い長い長い長い説明の文";
  a.sections[1].title = a.sections[0].title;
  auto clash = render_xlsx(a, {});
  ASSERT_TRUE(clash.is_ok()) << clash.status().to_string();
  EXPECT_TRUE(has_entry(*clash, "xl/worksheets/sheet6.xml"));
  // A section named like a fixed sheet.
  a.sections[1].title = "概要";
  auto book = render_xlsx(a, {});
  ASSERT_TRUE(book.is_ok()) << book.status().to_string();
  EXPECT_TRUE(has_entry(*book, "xl/worksheets/sheet6.xml"));
}

}  // namespace
}  // namespace kunren::report
