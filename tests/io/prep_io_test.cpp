#include <kunren/io/prep_io.hpp>

#include <iconv.h>

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.hpp"

namespace kunren::io {
namespace {

using model::PrepKind;
using nlohmann::json;
using ::testing::HasSubstr;

std::string fixture_path(const std::string& name) { return testing::test_dir() + "/data/prepare/" + name; }
std::string fixture(const std::string& name) { return testing::read_all(fixture_path(name)); }

std::string to_cp932(const std::string& utf8) {
  iconv_t cd = iconv_open("CP932", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(utf8.data());
  std::size_t src_left = utf8.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  const std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
  EXPECT_NE(r, static_cast<std::size_t>(-1)) << "not convertible to CP932";
  iconv_close(cd);
  out.resize(out.size() - dst_left);
  return out;
}

// --- YAML and JSON ---------------------------------------------------------------------

TEST(PrepIo, ReadsYamlKeepingPhoneNumbersAndDatesAsTexts) {
  auto doc = parse_prep_document(PrepKind::kContactTree, fixture("contact-tree.yaml"), "contact-tree.yaml");
  ASSERT_TRUE(doc) << doc.status().to_string();
  auto tree = model::parse_contact_tree(*doc);
  ASSERT_TRUE(tree);
  ASSERT_EQ(tree->entries.size(), 3u);
  EXPECT_EQ(tree->entries[0].channels[0].value, "0312345678");
  EXPECT_EQ(tree->entries[0].escalation, 1);
  EXPECT_EQ(tree->entries[0].last_confirmed, "2026-10-01");
  EXPECT_TRUE(tree->entries[2].external);
  EXPECT_EQ(tree->entries[2].notes, "早めに相談する。\n報告は窓口情報シートから。\n");
}

TEST(PrepIo, WrittenYamlAndJsonReadBackToTheSameCanonicalDocument) {
  for (auto kind : model::all_prep_kinds()) {
    for (const char* lang : {"ja", "en"}) {
      const json t = model::prep_template(kind, lang);
      for (auto format : {PrepFormat::kYaml, PrepFormat::kJson}) {
        const std::string text = write_prep_document(kind, t, format);
        auto back = parse_prep_document(kind, text, "written");
        ASSERT_TRUE(back) << model::to_string(kind) << ": " << back.status().to_string() << "\n" << text;
        EXPECT_EQ(*back, t) << model::to_string(kind) << "\n" << text;
      }
    }
  }
  auto tree = parse_prep_document(PrepKind::kContactTree, fixture("contact-tree.yaml"), "f");
  ASSERT_TRUE(tree);
  const std::string yaml = write_prep_document(PrepKind::kContactTree, *tree, PrepFormat::kYaml);
  EXPECT_THAT(yaml, HasSubstr("# kunren contact-tree"));
  EXPECT_THAT(yaml, HasSubstr("\"0312345678\""));  // quoted: a plain 0312345678 might read as a number elsewhere
  auto back = parse_prep_document(PrepKind::kContactTree, yaml, "written");
  ASSERT_TRUE(back) << back.status().to_string() << "\n" << yaml;
  EXPECT_EQ(*back, *tree);
}

TEST(PrepIo, WrittenYamlPutsIdsFirst) {
  const std::string yaml =
      write_prep_document(PrepKind::kRestartChecklist, model::prep_template(PrepKind::kRestartChecklist, "en"),
                          PrepFormat::kYaml);
  EXPECT_THAT(yaml, HasSubstr("steps:\n  - id: R01\n    stage: network-controls\n"));
  const std::string criteria = write_prep_document(
      PrepKind::kCriteria, model::prep_template(PrepKind::kCriteria, "ja"), PrepFormat::kYaml);
  EXPECT_THAT(criteria, HasSubstr("  - decision_point: DP3\n    who: 工場長\n    deputy: 副工場長\n"));
  const std::string json_text = write_prep_document(
      PrepKind::kCriteria, model::prep_template(PrepKind::kCriteria, "ja"), PrepFormat::kJson);
  EXPECT_LT(json_text.find("\"decision_point\""), json_text.find("\"deputy\""));
}

struct BadFile {
  PrepKind kind;
  std::string name;  // a fixture, or inline text when it holds a newline
  std::uint64_t line;
  std::uint64_t column;
  std::string field;
  std::string message;
};

class PrepIoErrors : public ::testing::TestWithParam<BadFile> {};

TEST_P(PrepIoErrors, NameFileLineColumnAndField) {
  const BadFile& c = GetParam();
  const bool inline_text = c.name.find('\n') != std::string::npos;
  const std::string filename = inline_text ? "inline.yaml" : c.name;
  auto r = parse_prep_document(c.kind, inline_text ? c.name : fixture(c.name), filename);
  ASSERT_FALSE(r) << c.name;
  const Status& s = r.status();
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_EQ(s.where().file, filename);
  EXPECT_EQ(s.where().line, c.line) << s.to_string();
  EXPECT_EQ(s.where().column, c.column) << s.to_string();
  EXPECT_EQ(s.where().field, c.field) << s.to_string();
  EXPECT_THAT(s.message(), HasSubstr(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    PrepIo, PrepIoErrors,
    ::testing::Values(
        BadFile{PrepKind::kContactTree, "bad-typo.yaml", 6, 5, "entries[0].escalaton", "did you mean 'escalation'"},
        BadFile{PrepKind::kContactTree, "bad-date.yaml", 12, 21, "entries[1].last_confirmed", "2026-02-30"},
        BadFile{PrepKind::kContactTree, "bad-backup.json", 3, 83, "entries[0].backup", "'nobody'"},
        // A missing key: the mapping that should hold it.
        BadFile{PrepKind::kContactTree, "entries:\n  - id: a\n    channels: [{kind: phone}]\n", 2, 5,
                "entries[0].name", "required"},
        // Japanese text before the problem: columns count characters.
        BadFile{PrepKind::kCriteria, "points:\n  - {decision_point: DP3, who: 工場長, conditions: [安全, 拡大, \"\"]}\n",
                2, 58, "points[0].conditions[2]", "must not be empty"},
        BadFile{PrepKind::kCriteria, "points:\n  - decision_point: DP3\n    who: x\n    who: y\n    conditions: [a]\n",
                4, 5, "points[0].who", "duplicate key 'who' (first at line 3)"},
        BadFile{PrepKind::kRestartChecklist, "steps:\n  - id: R1\n    stage: hmi\n    text: x\n    required: maybe\n",
                5, 15, "steps[0].required", "true or false"},
        // A quoted number where a number is wanted stays a text.
        BadFile{PrepKind::kContactTree,
                "entries:\n  - id: a\n    name: A\n    channels: [{kind: phone}]\n    escalation: \"2\"\n", 5, 17,
                "entries[0].escalation", "whole number"},
        BadFile{PrepKind::kContactTree, "entries: [\n  - id: a\n", 2, 3, "", ""},
        BadFile{PrepKind::kImprovementPlan, "items:\n  - id: IP-001\n    issue: x\n    completed: 2026-01-01\n", 4, 16,
                "items[0].completed", "status 'done'"},
        BadFile{PrepKind::kPocSheet, "{\"systems\": [{\"type\": \"RTU\"}],\n \"plant\": 5}\n", 2, 11, "plant",
                "must be a text"}));

TEST(PrepIo, EmptyFileIsAnError) {
  auto r = parse_prep_document(PrepKind::kCriteria, "# nothing here\n", "empty.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.status().message(), HasSubstr("empty"));
  EXPECT_EQ(r.status().where().file, "empty.yaml");
}

TEST(PrepIo, AliasBombIsRefusedNotExpanded) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c, ++prev)
    text += fmt::format("{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n", c, prev);
  auto r = parse_prep_document(PrepKind::kCriteria, text, "bomb.yaml");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.status().message(), HasSubstr("aliases"));
}

TEST(PrepIo, EveryTruncationOfAGoodFileFailsCleanlyOrReads) {
  const std::string text = fixture("contact-tree.yaml");
  for (std::size_t n = 0; n < text.size(); ++n) {
    auto r = parse_prep_document(PrepKind::kContactTree, text.substr(0, n), "cut.yaml");
    if (!r) EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput) << n;
  }
}

TEST(PrepIo, LoadsByExtensionAndRefusesCsvForOtherKinds) {
  auto criteria = load_prep_file(PrepKind::kCriteria, fixture_path("criteria.json"));
  ASSERT_TRUE(criteria) << criteria.status().to_string();
  EXPECT_EQ((*criteria)["points"].size(), 2u);
  auto csv = load_prep_file(PrepKind::kCriteria, fixture_path("contact-tree-ja.csv"));
  ASSERT_FALSE(csv);
  EXPECT_THAT(csv.status().message(), HasSubstr("only the contact tree"));
}

// --- contact tree CSV ----------------------------------------------------------------------

void expect_japanese_fixture(const Result<json>& doc) {
  ASSERT_TRUE(doc) << doc.status().to_string();
  auto tree = model::parse_contact_tree(*doc);
  ASSERT_TRUE(tree);
  ASSERT_EQ(tree->entries.size(), 3u);
  const auto& sirt = tree->entries[0];
  EXPECT_EQ(sirt.name, "ICS-SIRT 当番");
  ASSERT_EQ(sirt.channels.size(), 4u);
  EXPECT_EQ(sirt.channels[0], (model::ContactChannel{"phone", "03-1234-5678", ""}));
  EXPECT_EQ(sirt.channels[1], (model::ContactChannel{"mobile", "090-0000-0001", ""}));
  EXPECT_EQ(sirt.channels[3], (model::ContactChannel{"email", "soc@example.jp", ""}));
  EXPECT_EQ(sirt.backup, "it");
  EXPECT_EQ(sirt.escalation, 1);
  EXPECT_FALSE(sirt.external);
  EXPECT_EQ(tree->entries[1].escalation, 2);
  const auto& jpcert = tree->entries[2];
  EXPECT_TRUE(jpcert.external);
  EXPECT_EQ(jpcert.notes, "早めに相談\n報告は窓口から");
  // No channel given: one placeholder, allowed because never confirmed.
  ASSERT_EQ(jpcert.channels.size(), 1u);
  EXPECT_EQ(jpcert.channels[0].value, "");
}

TEST(PrepIo, ImportsJapaneseCsvInUtf8AndCp932) {
  const std::string utf8 = fixture("contact-tree-ja.csv");
  Warnings warnings;
  expect_japanese_fixture(import_contact_tree_csv(utf8, "tree.csv", {}, &warnings));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].message, HasSubstr("内線メモ"));
  EXPECT_EQ(warnings[0].where.column, 13u);
  expect_japanese_fixture(import_contact_tree_csv(to_cp932(utf8), "tree-sjis.csv"));
  PrepLoadOptions forced;
  forced.encoding = Encoding::kCp932;
  expect_japanese_fixture(import_contact_tree_csv(to_cp932(utf8), "tree-sjis.csv", forced));
}

TEST(PrepIo, CsvExportIsUtf8WithBomAndCrlfAndReadsBack) {
  auto doc = import_contact_tree_csv(fixture("contact-tree-ja.csv"), "tree.csv");
  ASSERT_TRUE(doc);
  auto tree = model::parse_contact_tree(*doc);
  ASSERT_TRUE(tree);
  for (const char* lang : {"ja", "en"}) {
    const std::string csv = write_contact_tree_csv(*tree, lang);
    EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
    EXPECT_THAT(csv, HasSubstr(std::string(lang) == "ja" ? "識別子,氏名" : "id,name"));
    EXPECT_THAT(csv, HasSubstr("\r\n"));
    EXPECT_EQ(csv.find("\n"), csv.find("\r\n") + 1);
    auto back = import_contact_tree_csv(csv, "back.csv");
    ASSERT_TRUE(back) << back.status().to_string();
    EXPECT_EQ(*back, *doc) << lang;
  }
}

TEST(PrepIo, CsvErrorsNameTheRowAndColumn) {
  auto r = import_contact_tree_csv(fixture("bad-contact-tree.csv"), "bad.csv");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().where().file, "bad.csv");
  EXPECT_EQ(r.status().where().line, 3u);
  EXPECT_EQ(r.status().where().column, 5u);
  EXPECT_EQ(r.status().where().field, "last_confirmed");
  EXPECT_THAT(r.status().message(), HasSubstr("2026-13-01"));

  // A confirmed row without any channel value: the placeholder is refused at the phone column.
  auto c = import_contact_tree_csv("id,name,phone,last_confirmed\r\na,A,,2026-01-01\r\n", "c.csv");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.status().where().line, 2u);
  EXPECT_EQ(c.status().where().column, 3u);

  auto missing = import_contact_tree_csv("id,phone\na,1\n", "m.csv");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.status().message(), HasSubstr("'name'"));

  auto twice = import_contact_tree_csv("id,name,電話,phone\na,A,1,2\n", "t.csv");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.status().where().column, 4u);

  auto external = import_contact_tree_csv("id,name,external\na,A,maybe\n", "e.csv");
  ASSERT_FALSE(external);
  EXPECT_EQ(external.status().where().line, 2u);
  EXPECT_EQ(external.status().where().column, 3u);

  auto dup = import_contact_tree_csv("id,name\na,A\nb,B\na,C\n", "d.csv");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.status().where().line, 4u);
  EXPECT_EQ(dup.status().where().column, 1u);
}

}  // namespace
}  // namespace kunren::io
