#include <kunren/io/builtin.hpp>
#include <kunren/io/checklist_io.hpp>
#include <kunren/io/embedded.hpp>
#include <kunren/util/sha256.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "../test_support.hpp"

namespace kunren::io {
namespace {

using model::Checklist;
using model::Level;
using model::LocalizedText;
using ::testing::HasSubstr;

std::string fixture(const std::string& name) { return testing::test_dir() + "/data/checklists/" + name; }

// Parses text expected to be rejected and returns the (first) problem.
Status rejected(std::string_view text, const ChecklistLoadOptions& options = {},
                std::vector<Status>* problems = nullptr) {
  auto r = parse_checklist(text, "t.yaml", options, problems);
  EXPECT_FALSE(r.is_ok()) << "parsed although it should not:\n" << text;
  if (r.is_ok()) return Status::ok();
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput) << r.status().to_string();
  EXPECT_EQ(r.status().where().file, "t.yaml");
  return r.status();
}

Checklist accepted(std::string_view text, const ChecklistLoadOptions& options = {}) {
  auto r = parse_checklist(text, "t.yaml", options);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string() << "\n" << text;
  return r.is_ok() ? std::move(r).value() : Checklist{};
}

#define EXPECT_PROBLEM(status, line_, column_, text)           \
  do {                                                         \
    const ::kunren::Status& s_ = (status);                     \
    EXPECT_EQ(s_.where().line, (line_)) << s_.to_string();     \
    EXPECT_EQ(s_.where().column, (column_)) << s_.to_string(); \
    EXPECT_THAT(s_.message(), HasSubstr(text));                \
  } while (0)

void expect_same(const Checklist& a, const Checklist& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.title, b.title);
  ASSERT_EQ(a.sections.size(), b.sections.size());
  for (std::size_t i = 0; i < a.sections.size(); ++i) {
    EXPECT_EQ(a.sections[i].id, b.sections[i].id);
    EXPECT_EQ(a.sections[i].category, b.sections[i].category);
    EXPECT_EQ(a.sections[i].title, b.sections[i].title) << a.sections[i].id;
  }
  ASSERT_EQ(a.items.size(), b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const auto& x = a.items[i];
    const auto& y = b.items[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.section, y.section) << x.id;
    EXPECT_EQ(x.section_index, y.section_index) << x.id;
    EXPECT_EQ(x.text, y.text) << x.id;
    EXPECT_EQ(x.help, y.help) << x.id;
    ASSERT_EQ(x.choices.size(), y.choices.size()) << x.id;
    for (std::size_t k = 0; k < x.choices.size(); ++k) {
      EXPECT_EQ(x.choices[k].no, y.choices[k].no) << x.id;
      EXPECT_EQ(x.choices[k].label, y.choices[k].label) << x.id;
      EXPECT_EQ(x.choices[k].level, y.choices[k].level) << x.id;
    }
  }
}

void expect_round_trips(const Checklist& c) {
  for (auto format : {ChecklistFormat::kYaml, ChecklistFormat::kJson}) {
    std::string text = write_checklist(c, format);
    auto again = parse_checklist(text, "written");
    ASSERT_TRUE(again.is_ok()) << again.status().to_string() << "\n" << text;
    expect_same(c, *again);
    EXPECT_EQ(write_checklist(*again, format), text);
  }
}

// A valid checklist, line by line, that the tests below break in one place.
constexpr std::string_view k_valid_yaml = R"(id: t
version: "1"
title: T
sections:
  - id: s
    category: implementation
    title: S
items:
  - id: I1
    section: s
    text: Text
    choices:
      - {label: A, level: good}
      - {label: B, level: poor}
)";

constexpr std::string_view k_valid_json = R"({
  "id": "t",
  "version": "1",
  "title": "T",
  "sections": [
    {"id": "s", "category": "implementation", "title": "S"}
  ],
  "items": [
    {"id": "I1", "section": "s", "text": "Text",
     "choices": [{"label": "A", "level": "good"}, {"label": "B", "level": "poor"}]}
  ]
}
)";

// --- reading valid files ---------------------------------------------------

TEST(ChecklistIo, BaseYamlAndJsonAreValid) { expect_same(accepted(k_valid_yaml), accepted(k_valid_json)); }

TEST(ChecklistIo, SmallYamlFixtureLoadsEveryField) {
  std::vector<Status> problems{Status::internal("stale")};
  auto r = load_checklist_file(fixture("small.yaml"), {}, &problems);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(problems.empty());
  const Checklist& c = *r;
  EXPECT_EQ(c.id, "small-test");
  EXPECT_EQ(c.version, "1");  // written as the number 1
  EXPECT_EQ(c.title.text("en"), "Small checklist");
  ASSERT_EQ(c.sections.size(), 2u);
  EXPECT_EQ(c.sections[1].category, model::Category::kOverall);
  EXPECT_TRUE(c.sections[1].title.is_plain());
  ASSERT_EQ(c.items.size(), 3u);
  const auto& first = c.items[0];
  EXPECT_EQ(first.text.text("en"), "A response team exists: named, trained");
  EXPECT_EQ(first.help.text("ja"), "組織図と連絡先を確認する");
  ASSERT_EQ(first.choices.size(), 4u);
  EXPECT_EQ(first.choices[3].no, 4);
  EXPECT_EQ(first.choices[3].level, Level::kNa);
  EXPECT_EQ(first.choices[3].label, LocalizedText("シナリオ対象外"));
  // Plain scalars are strings, whatever YAML 1.1 would make of them.
  EXPECT_EQ(c.items[1].choices[1].label.text(), "No");
  EXPECT_EQ(c.items[1].text.text(), "Backups are tested # restore drill");
  EXPECT_TRUE(c.items[1].help.empty());
  // reindex() ran.
  EXPECT_EQ(c.find_item("OVR-O1-01"), 2u);
  EXPECT_EQ(c.items[2].section_index, 1u);
}

TEST(ChecklistIo, YamlAndJsonFixturesGiveEqualChecklists) {
  auto yaml = load_checklist_file(fixture("small.yaml"));
  auto json = load_checklist_file(fixture("small.json"));
  ASSERT_TRUE(yaml.is_ok()) << yaml.status().to_string();
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  expect_same(*yaml, *json);
}

TEST(ChecklistIo, ChoiceNumbersAreOptionalAndFollowPosition) {
  Checklist c = accepted(R"(id: t
version: "1"
title: T
sections: [{id: s, category: implementation, title: S}]
items:
  - id: I1
    section: s
    text: Text
    choices:
      - {label: A, level: good, no: 1}
      - {label: B, level: partial}
      - {label: C, level: poor, no: 3}
)");
  ASSERT_EQ(c.items[0].choices.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.items[0].choices[i].no, i + 1);
}

TEST(ChecklistIo, Utf8ByteOrderMarkIsSkipped) {
  expect_same(accepted("\xEF\xBB\xBF" + std::string(k_valid_yaml)), accepted(k_valid_yaml));
  expect_same(accepted("\xEF\xBB\xBF" + std::string(k_valid_json)), accepted(k_valid_json));
}

TEST(ChecklistIo, VersionMayBeWrittenAsANumber) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("\"1\""), 3, "2");
  EXPECT_EQ(accepted(yaml).version, "2");
  std::string json(k_valid_json);
  json.replace(json.find("\"1\""), 3, "2");
  EXPECT_EQ(accepted(json).version, "2");
}

TEST(ChecklistIo, JsonSurrogatePairEscapesAreDecoded) {
  std::string json(k_valid_json);
  json.replace(json.find("\"Text\""), 6, R"("Fire \ud83d\udd25 drill \u00e9")");
  EXPECT_EQ(accepted(json).items[0].text.text(), "Fire \xF0\x9F\x94\xA5 drill \xC3\xA9");
}

// --- syntax errors ---------------------------------------------------------

TEST(ChecklistIo, YamlSyntaxErrorHasLineAndColumn) {
  Status s = rejected("id: t\nversion: \"1\"\ntitle: [T\n");
  EXPECT_EQ(s.where().line, 4u);
  EXPECT_THAT(s.message(), HasSubstr("end of sequence flow not found"));
  EXPECT_PROBLEM(rejected("id: t\nversion: 1\n  title: x\n"), 3u, 8u, "illegal map value");
}

TEST(ChecklistIo, InvalidJsonIsRejectedWithNlohmannsPosition) {
  std::string json(k_valid_json);
  json.replace(json.find("\"poor\"}"), 7, "\"poor\",}");
  Status s = rejected(json);
  EXPECT_PROBLEM(s, 10u, 82u, "invalid JSON: syntax error");
  EXPECT_THAT(s.message(), HasSubstr("unexpected '}'"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("json.exception")));
  EXPECT_PROBLEM(rejected("{\"id\": \"t\",\n  \"version\": \"1\""), 2u, 17u, "invalid JSON");
}

TEST(ChecklistIo, EmptyAndScalarAndNullDocumentsAreRejectedClearly) {
  EXPECT_THAT(rejected("").message(), HasSubstr("empty"));
  EXPECT_THAT(rejected("\n  \n# only a comment\n").message(), HasSubstr("empty"));
  EXPECT_PROBLEM(rejected("~\n"), 1u, 1u, "the checklist is empty");
  EXPECT_PROBLEM(rejected("---\n"), 2u, 1u, "the checklist is empty");
  EXPECT_PROBLEM(rejected("just words\n"), 1u, 1u, "a checklist must be a mapping, found a string");
  EXPECT_PROBLEM(rejected("- a\n- b\n"), 1u, 1u, "a checklist must be a mapping, found a sequence");
}

TEST(ChecklistIo, SecondYamlDocumentIsRejected) {
  EXPECT_PROBLEM(rejected(std::string(k_valid_yaml) + "---\nid: u\n"), 15u, 1u,
                 "expected one YAML document; a second one starts here");
}

// yaml-cpp 0.7's LoadAll() loops forever, allocating, on these
// (jbeder/yaml-cpp#1040); they must be plain syntax errors.
TEST(ChecklistIo, YamlCpp1040StrayCommaIsASyntaxErrorNotAnEndlessLoop) {
  EXPECT_PROBLEM(rejected(","), 1u, 1u, "unexpected ','");
  EXPECT_PROBLEM(rejected("\"x\","), 1u, 4u, "unexpected ','");
  EXPECT_PROBLEM(rejected(std::string(k_valid_yaml) + ",\n"), 15u, 1u, "end of map not found");
  EXPECT_PROBLEM(rejected("[a],"), 1u, 4u, "unexpected ','");
}

TEST(ChecklistIo, InvalidUtf8IsRejectedWithItsPosition) {
  // "テスト" in Shift_JIS.
  Status s = rejected("id: t\ntitle: \x83\x65\x83\x58\x83\x67\n");
  EXPECT_PROBLEM(s, 2u, 8u, "invalid UTF-8 (byte 0x83)");
  EXPECT_THAT(s.message(), HasSubstr("Shift_JIS"));
  EXPECT_PROBLEM(rejected("\xFF\xFEi\0d\0"), 1u, 1u, "UTF-16");
}

TEST(ChecklistIo, ControlCharactersAreRejected) {
  EXPECT_PROBLEM(rejected("id: t\nversion: \"1\x01\"\n"), 2u, 12u, "control character U+0001");
  EXPECT_PROBLEM(rejected(std::string("id: t\0", 6)), 1u, 6u, "control character U+0000");
}

TEST(ChecklistIo, ColumnsCountCharactersNotBytes) {
  // "体制" is 2 characters but 6 bytes; the bad level sits at column 31.
  EXPECT_PROBLEM(rejected(R"(id: t
version: "1"
title: T
sections: [{id: s, category: implementation, title: S}]
items:
  - id: I1
    section: s
    text: Text
    choices:
      - {label: {ja: 体制}, level: gud}
)"),
                 10u, 34u, "bad level 'gud'");  // 38 if counted in bytes
}

TEST(ChecklistIo, JsonPositionsAfterASurrogatePairAreInOriginalCharacters) {
  std::string json(k_valid_json);
  json.replace(json.find("\"Text\","), 7, R"("\ud83d\ude00", "bad": 1,)");
  // The line is: `    {"id": "I1", "section": "s", "text": "\ud83d\ude00", "bad": 1,`
  EXPECT_PROBLEM(rejected(json), 9u, 58u, "unknown key 'bad' in item I1");
}

TEST(ChecklistIo, DeepNestingIsRejectedNotCrashed) {
  std::string deep = "id: " + std::string(100000, '[');
  EXPECT_THAT(rejected(deep).message(), HasSubstr("nested too deeply"));
  std::string deep_json = "{\"id\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_THAT(rejected(deep_json).message(), HasSubstr("nested too deeply"));
}

// --- validation, one kind of problem per test ------------------------------

TEST(ChecklistIo, UnknownKeyIsRejectedWithLineAndColumn) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("    text: Text"), 14, "    txet: Text");
  std::vector<Status> problems;
  rejected(yaml, {}, &problems);
  ASSERT_EQ(problems.size(), 2u);
  // In file order: the item (missing text) starts before the misspelt key.
  EXPECT_PROBLEM(problems[0], 9u, 5u, "missing required key 'text' in item I1");
  EXPECT_PROBLEM(problems[1], 11u, 5u, "unknown key 'txet' in item I1 (did you mean 'text'?)");
  EXPECT_THAT(problems[1].message(), HasSubstr("allowed keys: id, section, text, help, choices"));
  EXPECT_EQ(problems[1].where().field, "items[I1].txet");

  EXPECT_PROBLEM(rejected("colour: red\n" + std::string(k_valid_yaml)), 1u, 1u,
                 "unknown key 'colour' in the checklist; allowed keys: id, version, title, sections, items");

  auto json = load_checklist_file(fixture("unknown-key.json"));
  ASSERT_FALSE(json.is_ok());
  EXPECT_PROBLEM(json.status(), 9u, 50u, "unknown key 'hlep' in item I1 (did you mean 'help'?)");
  EXPECT_EQ(json.status().where().file, fixture("unknown-key.json"));
}

TEST(ChecklistIo, DuplicateKeyIsRejectedAndNamesTheFirst) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("    choices:"), 0, "    section: s\n");
  EXPECT_PROBLEM(rejected(yaml), 12u, 5u, "duplicate key 'section' in item I1 (first at line 10)");

  std::string json(k_valid_json);
  json.replace(json.find("\"title\": \"T\""), 12, "\"title\": \"T\", \"title\": \"U\"");
  EXPECT_PROBLEM(rejected(json), 4u, 17u, "duplicate key 'title' in the checklist (first at line 4)");

  yaml = k_valid_yaml;
  yaml.replace(yaml.find("title: T"), 8, "title: {ja: テ, en: T, ja: ト}");
  EXPECT_PROBLEM(rejected(yaml), 3u, 23u, "duplicate key 'ja' in checklist title (first at line 3)");
}

TEST(ChecklistIo, MissingRequiredKeyIsReportedAtTheEnclosingMapping) {
  std::string yaml(k_valid_yaml);
  yaml.erase(yaml.find("items:"));
  EXPECT_PROBLEM(rejected(yaml), 1u, 1u, "missing required key 'items' in the checklist");

  yaml = k_valid_yaml;
  yaml.erase(yaml.find("    category: implementation\n"), 29);
  Status s = rejected(yaml);
  EXPECT_PROBLEM(s, 5u, 5u, "missing required key 'category' in section s");
  EXPECT_EQ(s.where().field, "sections[s].category");

  yaml = k_valid_yaml;
  yaml.replace(yaml.find("level: poor"), 11, "lvl: poor");
  std::vector<Status> problems;
  rejected(yaml, {}, &problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_PROBLEM(problems[0], 14u, 9u, "missing required key 'level' in item I1 choice 2");
  EXPECT_PROBLEM(problems[1], 14u, 20u, "unknown key 'lvl' in item I1 choice 2 (did you mean 'level'?)");

  std::string json(k_valid_json);
  json.replace(json.find("\"id\": \"I1\", "), 12, "");
  EXPECT_PROBLEM(rejected(json), 9u, 5u, "missing required key 'id' in item #1");
}

TEST(ChecklistIo, WrongNodeTypeIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("title: T"), 8, "title: [T]");
  EXPECT_PROBLEM(rejected(yaml), 3u, 8u,
                 "checklist title: expected a string or a {language: text} mapping, found a sequence");

  yaml = k_valid_yaml;
  yaml.replace(yaml.find("      - {label: B, level: poor}"), 32, "      - just B");
  EXPECT_PROBLEM(rejected(yaml), 14u, 9u, "item I1 choice 2: expected a mapping, found a string");

  EXPECT_PROBLEM(rejected("id: t\nversion: \"1\"\ntitle: T\nsections: {s: 1}\nitems: []\n"), 4u, 11u,
                 "sections: expected a sequence, found a mapping");

  std::string json(k_valid_json);
  json.replace(json.find("\"section\": \"s\""), 14, "\"section\": {\"id\": \"s\"}");
  EXPECT_PROBLEM(rejected(json), 9u, 29u, "item I1 section: expected a string, found an object");

  json = k_valid_json;
  json.replace(json.find("\"id\": \"I1\""), 10, "\"id\": 7");
  EXPECT_PROBLEM(rejected(json), 9u, 12u, "item 7 id: expected a string, found a number (7)");
}

TEST(ChecklistIo, MalformedIdIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("id: I1"), 6, "id: I 1");
  EXPECT_PROBLEM(rejected(yaml), 9u, 9u, "bad item id 'I 1'; ids may contain only letters, digits, '.', '_' and '-'");
  yaml = k_valid_yaml;
  yaml.replace(0, 5, "id: \"t/1\"");
  EXPECT_PROBLEM(rejected(yaml), 1u, 5u, "bad checklist id 't/1'");
  yaml = k_valid_yaml;
  yaml.replace(yaml.find("id: s"), 5, "id: s:1");
  yaml.replace(yaml.find("section: s"), 10, "section: s:1");
  EXPECT_PROBLEM(rejected(yaml), 5u, 9u, "bad section id 's:1'");
}

TEST(ChecklistIo, DuplicateSectionIdIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("items:"), 0, "  - id: s\n    category: overall\n    title: Again\n");
  EXPECT_PROBLEM(rejected(yaml), 8u, 9u, "duplicate section id 's' (first at line 5)");
}

TEST(ChecklistIo, DuplicateItemIdNamesTheFirstLine) {
  std::string yaml(k_valid_yaml);
  yaml += "  - id: I1\n    section: s\n    text: Again\n    choices: [{label: A, level: good}]\n";
  Status s = rejected(yaml);
  EXPECT_PROBLEM(s, 15u, 9u, "duplicate item id 'I1' (first at line 9)");
  EXPECT_EQ(s.where().field, "items[I1].id");
}

TEST(ChecklistIo, ItemInUnknownSectionListsTheSections) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("items:"), 0, "  - id: o1\n    category: overall\n    title: O\n");
  yaml.replace(yaml.find("section: s"), 10, "section: x");
  EXPECT_PROBLEM(rejected(yaml), 13u, 14u, "item I1: unknown section 'x'; sections are: s, o1");
}

TEST(ChecklistIo, ItemWithoutChoicesIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.erase(yaml.find("      - {label: A"));
  EXPECT_PROBLEM(rejected(yaml), 12u, 5u, "item I1 has no choices");  // `choices:` with nothing: the key
  yaml.replace(yaml.find("choices:"), 8, "choices: []");
  EXPECT_PROBLEM(rejected(yaml), 12u, 14u, "item I1 has no choices");
  yaml.erase(yaml.find("    choices: []"));
  EXPECT_PROBLEM(rejected(yaml), 9u, 5u, "item I1 has no choices");  // key missing: the item
}

TEST(ChecklistIo, AtMost255ChoicesAreAllowed) {
  auto with_choices = [](int n) {
    std::string yaml(k_valid_yaml);
    yaml.erase(yaml.find("      - {label: A"));
    for (int i = 1; i <= n; ++i) yaml += "      - {label: C" + std::to_string(i) + ", level: poor}\n";
    return yaml;
  };
  EXPECT_EQ(accepted(with_choices(255)).items[0].choices.size(), 255u);
  EXPECT_PROBLEM(rejected(with_choices(256)), 13u, 7u, "item I1 has 256 choices; at most 255 are allowed");
}

TEST(ChecklistIo, BadLevelIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("level: good"), 11, "level: gud");
  Status s = rejected(yaml);
  EXPECT_PROBLEM(s, 13u, 27u, "item I1 choice 1: bad level 'gud'; expected good, partial, poor or na");
  EXPECT_EQ(s.where().field, "items[I1].choices[1].level");

  std::string json(k_valid_json);
  json.replace(json.find("\"poor\""), 6, "\"Poor\"");
  EXPECT_PROBLEM(rejected(json), 10u, 75u, "item I1 choice 2: bad level 'Poor'");
}

TEST(ChecklistIo, BadCategoryIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("implementation"), 14, "impl");
  EXPECT_PROBLEM(rejected(yaml), 6u, 15u, "section s: bad category 'impl'; expected implementation or overall");
  std::string json(k_valid_json);
  json.replace(json.find("\"implementation\""), 16, "\"all\"");
  EXPECT_PROBLEM(rejected(json), 6u, 29u, "bad category 'all'");
}

TEST(ChecklistIo, ChoiceNumberOutOfOrderIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("level: poor}"), 12, "level: poor, no: 3}");
  EXPECT_PROBLEM(rejected(yaml), 14u, 37u, "item I1: choice no: 3 out of order; expected 2");
  yaml = k_valid_yaml;
  yaml.replace(yaml.find("level: poor}"), 12, "level: poor, no: two}");
  EXPECT_PROBLEM(rejected(yaml), 14u, 37u, "item I1 choice 2: no: 'two' is not a choice number");
  std::string json(k_valid_json);
  json.replace(json.find("\"level\": \"good\""), 15, "\"level\": \"good\", \"no\": 0");
  EXPECT_PROBLEM(rejected(json), 10u, 56u, "item I1: choice no: 0 out of order; expected 1");
}

TEST(ChecklistIo, EmptyTextIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("text: Text"), 10, "text: \"\"");
  EXPECT_PROBLEM(rejected(yaml), 11u, 11u, "item I1 text is empty");
  yaml.replace(yaml.find("text: \"\""), 8, "text:");
  EXPECT_PROBLEM(rejected(yaml), 11u, 5u, "item I1 text is empty");  // `text:` with nothing: the key
  yaml.replace(yaml.find("text:"), 5, "text: {}");
  EXPECT_PROBLEM(rejected(yaml), 11u, 11u, "item I1 text is empty");
  yaml.replace(yaml.find("text: {}"), 8, "text: {ja: \"  \", en: Text}");
  EXPECT_PROBLEM(rejected(yaml), 11u, 16u, "item I1 text 'ja' is empty");
  std::string json(k_valid_json);
  json.replace(json.find("\"label\": \"B\""), 12, "\"label\": \"\"");
  EXPECT_PROBLEM(rejected(json), 10u, 61u, "item I1 choice 2 label is empty");
}

TEST(ChecklistIo, TextMapWithNonStringValueOrEmptyLanguageIsRejected) {
  std::string yaml(k_valid_yaml);
  yaml.replace(yaml.find("title: T"), 8, "title: {ja: [a], en: T}");
  EXPECT_PROBLEM(rejected(yaml), 3u, 13u, "checklist title: the 'ja' text must be a string, found a sequence");
  yaml = k_valid_yaml;
  yaml.replace(yaml.find("title: T"), 8, "title: {\"\": T}");
  EXPECT_PROBLEM(rejected(yaml), 3u, 9u, "checklist title: empty language key");
  std::string json(k_valid_json);
  json.replace(json.find("\"title\": \"T\""), 12, "\"title\": {\"ja\": \"T\", \"en\": true}");
  EXPECT_PROBLEM(rejected(json), 4u, 30u, "checklist title 'en': expected a string, found a boolean (true)");
}

// k_valid_yaml with every text field in Japanese and English.
constexpr std::string_view k_bilingual_yaml = R"(id: t
version: "1"
title: {ja: テ, en: T}
sections:
  - id: s
    category: implementation
    title: {ja: 区分, en: S, de: S}
items:
  - id: I1
    section: s
    text: {ja: テキスト, en: Text}
    choices:
      - {label: {ja: あ, en: A}, level: good}
      - {label: {ja: い, en: B}, level: poor}
)";

TEST(ChecklistIo, RequiredLanguagesAreSatisfiedByMapsHoldingEachOfThem) {
  ChecklistLoadOptions options;
  options.require_langs = {"ja", "en"};
  EXPECT_EQ(accepted(k_bilingual_yaml, options).items[0].text.text("en"), "Text");
}

TEST(ChecklistIo, RequiredLanguagesAreEnforced) {
  std::string yaml(k_bilingual_yaml);
  yaml.replace(yaml.find("text: {ja: テキスト, en: Text}"), std::string_view("text: {ja: テキスト, en: Text}").size(),
               "text: {ja: テキスト}");
  ChecklistLoadOptions options;
  options.require_langs = {"ja", "en"};
  Status s = rejected(yaml, options);
  EXPECT_PROBLEM(s, 11u, 11u, "missing language 'en' in item I1 text");
  EXPECT_EQ(s.where().field, "items[I1].text");
  // Without the option only the file format is checked.
  accepted(yaml);
}

// A plain string reads as every language (LocalizedText::has), but a file
// checked for translations must actually have them.
TEST(ChecklistIo, PlainStringDoesNotSatisfyRequiredLanguages) {
  ChecklistLoadOptions options;
  options.require_langs = {"ja", "en"};
  std::vector<Status> problems;
  rejected(k_valid_yaml, options, &problems);
  ASSERT_EQ(problems.size(), 5u);  // one per plain field, not one per language
  EXPECT_PROBLEM(problems[0], 3u, 8u,
                 "checklist title: a plain string has no language variants; --require-lang needs ja, en");
  EXPECT_EQ(problems[0].where().field, "title");
  EXPECT_PROBLEM(problems[1], 7u, 12u, "section s title: a plain string has no language variants");
  EXPECT_PROBLEM(problems[2], 11u, 11u, "item I1 text: a plain string has no language variants");
  EXPECT_EQ(problems[2].where().field, "items[I1].text");
  EXPECT_PROBLEM(problems[3], 13u, 17u, "item I1 choice 1 label: a plain string has no language variants");
  EXPECT_PROBLEM(problems[4], 14u, 17u, "item I1 choice 2 label: a plain string has no language variants");

  std::string json(k_valid_json);
  json.replace(json.find("\"title\": \"T\""), 12, "\"title\": {\"ja\": \"テ\", \"en\": \"T\"}");
  options.require_langs = {"ja"};
  EXPECT_PROBLEM(rejected(json, options), 6u, 56u,
                 "section s title: a plain string has no language variants; --require-lang needs ja");
}

TEST(ChecklistIo, ProblemsCollectsEveryErrorInFileOrder) {
  std::vector<Status> problems;
  auto r = load_checklist_file(fixture("many-problems.yaml"), {}, &problems);
  ASSERT_FALSE(r.is_ok());
  std::vector<std::string> got;
  for (const auto& p : problems) got.push_back(p.where().to_string().substr(fixture("").size()) + ": " + p.message());
  EXPECT_THAT(got,
              ::testing::ElementsAre(
                  "many-problems.yaml:1:5 (id): bad checklist id 'bad id'; ids may contain only letters, "
                  "digits, '.', '_' and '-'",
                  "many-problems.yaml:6:15 (sections[p0].category): section p0: bad category 'impl'; expected "
                  "implementation or overall",
                  "many-problems.yaml:8:9 (sections[p0].id): duplicate section id 'p0' (first at line 5)",
                  "many-problems.yaml:13:14 (items[A-1].section): item A-1: unknown section 'p9'; sections are: p0",
                  "many-problems.yaml:16:30 (items[A-1].choices[1].level): item A-1 choice 1: bad level 'gud'; "
                  "expected good, partial, poor or na",
                  "many-problems.yaml:17:39 (items[A-1].choices[2].no): item A-1: choice no: 3 out of order; "
                  "expected 2",
                  "many-problems.yaml:18:5 (items[A-1].text): missing required key 'text' in item A-1",
                  "many-problems.yaml:18:9 (items[A-1].id): duplicate item id 'A-1' (first at line 12)",
                  "many-problems.yaml:20:5 (items[A-1].txet): unknown key 'txet' in item A-1 (did you mean "
                  "'text'?); allowed keys: id, section, text, help, choices",
                  "many-problems.yaml:21:14 (items[A-1].choices): item A-1 has no choices"));
  EXPECT_EQ(r.status().to_string(), problems.front().to_string());
}

// --- files and built-ins ---------------------------------------------------

TEST(ChecklistIo, MissingFileIsAnErrorNamingTheFile) {
  auto r = load_checklist_file(fixture("no-such.yaml"));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().file, fixture("no-such.yaml"));
}

TEST(ChecklistIo, TooLargeInputIsRejectedBeforeParsing) {
  std::string huge(k_max_checklist_bytes + 1, '#');
  EXPECT_THAT(rejected(huge).message(), HasSubstr("too large"));
}

TEST(BuiltinChecklists, FactoryIrIsBuiltIn) {
  auto ids = builtin_checklist_ids();
  EXPECT_THAT(ids, ::testing::Contains("factory-ir"));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  for (const auto& id : ids) {
    auto c = load_builtin_checklist(id);
    ASSERT_TRUE(c.is_ok()) << c.status().to_string();
    EXPECT_EQ(c->id, id);
  }
}

TEST(BuiltinChecklists, FactoryIrHasTheDocumentedShape) {
  ChecklistLoadOptions options;
  options.require_langs = {"ja", "en"};
  auto r = resolve_checklist("factory-ir", options);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Checklist& c = *r;
  EXPECT_EQ(c.id, "factory-ir");
  EXPECT_EQ(c.items.size(), 75u);
  std::map<std::string, int> per_section;
  int implementation = 0;
  int overall = 0;
  for (const auto& item : c.items) {
    ++per_section[item.section];
    if (c.sections[item.section_index].category == model::Category::kImplementation) {
      ++implementation;
    } else {
      ++overall;
    }
    EXPECT_GE(item.choices.size(), 2u) << item.id;
    EXPECT_LE(item.choices.size(), 4u) << item.id;
    ASSERT_FALSE(item.choices.empty());
    EXPECT_EQ(item.choices.front().level, Level::kGood) << item.id;
    for (std::size_t k = 0; k + 1 < item.choices.size(); ++k) {
      EXPECT_NE(item.choices[k].level, Level::kNa) << item.id << " choice " << k + 1;
    }
  }
  EXPECT_EQ(implementation, 60);
  EXPECT_EQ(overall, 15);
  const std::map<std::string, int> expected = {
      {"p0-prep", 10},   {"p1-drill-prep", 5}, {"p2-detect", 6},   {"p3-situation", 6}, {"p4-production", 6},
      {"p5-contain", 7}, {"p6-external", 7},   {"p7-recovery", 5}, {"p8-restart", 4},   {"p9-after", 4},
      {"o1-daily", 5},   {"o2-drill", 5},      {"o3-external", 5}};
  EXPECT_EQ(per_section, expected);
  EXPECT_EQ(c.sections.size(), expected.size());
}

TEST(BuiltinChecklists, FactoryIrRoundTripsThroughYamlAndJson) {
  auto r = load_builtin_checklist("factory-ir");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_round_trips(*r);
}

TEST(BuiltinChecklists, MessagesNameTheEmbeddedPath) {
  ChecklistLoadOptions options;
  options.require_langs = {"xx"};
  auto r = resolve_checklist("factory-ir", options);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().file, "data/checklists/factory-ir.yaml");
  EXPECT_THAT(r.status().message(), HasSubstr("missing language 'xx'"));
}

TEST(BuiltinChecklists, UnknownIdIsNotFound) {
  auto r = load_builtin_checklist("no-such-checklist");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("factory-ir"));
}

TEST(BuiltinChecklists, ResolveFallsBackToAFileAndNamesBothWhenNeither) {
  auto file = resolve_checklist(fixture("small.yaml"));
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  EXPECT_EQ(file->id, "small-test");

  auto neither = resolve_checklist("factory-irr");
  ASSERT_FALSE(neither.is_ok());
  EXPECT_EQ(neither.status().kind(), ErrorKind::kNotFound);
  EXPECT_THAT(neither.status().message(),
              HasSubstr("'factory-irr' is neither a built-in checklist nor an existing file"));
  EXPECT_THAT(neither.status().message(), HasSubstr("factory-ir"));
}

// --- writing ---------------------------------------------------------------

TEST(ChecklistWriter, YamlLooksLikeTheDocumentedFormat) {
  Checklist c = accepted(R"(id: t
version: 1
title: {ja: テスト, en: "Test: one"}
sections:
  - {id: s, category: overall, title: S}
items:
  - id: I1
    section: s
    text: {ja: 体制, en: Team}
    help: Ask
    choices:
      - {label: {ja: ある, en: "Yes"}, level: good, no: 1}
      - {label: シナリオ対象外, level: na}
)");
  EXPECT_EQ(write_checklist(c, ChecklistFormat::kYaml), R"(id: t
version: "1"
title: {ja: テスト, en: "Test: one"}
sections:
  - id: s
    category: overall
    title: S
items:
  - id: I1
    section: s
    text: {ja: 体制, en: Team}
    help: Ask
    choices:
      - {label: {ja: ある, en: "Yes"}, level: good}
      - {label: シナリオ対象外, level: na}
)");
}

TEST(ChecklistWriter, JsonKeepsFileOrderAndUtf8) {
  Checklist c = accepted(k_valid_yaml);
  c.items[0].text = LocalizedText{{"ja", "体制"}, {"en", "Team"}};
  EXPECT_EQ(write_checklist(c, ChecklistFormat::kJson), R"({
  "id": "t",
  "version": "1",
  "title": "T",
  "sections": [
    {
      "id": "s",
      "category": "implementation",
      "title": "S"
    }
  ],
  "items": [
    {
      "id": "I1",
      "section": "s",
      "text": {
        "ja": "体制",
        "en": "Team"
      },
      "choices": [
        {
          "label": "A",
          "level": "good"
        },
        {
          "label": "B",
          "level": "poor"
        }
      ]
    }
  ]
}
)");
}

TEST(ChecklistWriter, OneLanguageWritesPlainStringsWithFallback) {
  auto r = load_checklist_file(fixture("small.yaml"));
  ASSERT_TRUE(r.is_ok());
  for (auto format : {ChecklistFormat::kYaml, ChecklistFormat::kJson}) {
    auto again = parse_checklist(write_checklist(*r, format, "en"), "en");
    ASSERT_TRUE(again.is_ok()) << again.status().to_string();
    EXPECT_EQ(again->title, LocalizedText("Small checklist"));
    EXPECT_EQ(again->items[0].help, LocalizedText("Check the org chart and the contact list"));
    // No English variant: falls back to Japanese.
    EXPECT_EQ(again->items[0].choices[3].label, LocalizedText("シナリオ対象外"));
  }
}

TEST(ChecklistWriter, SmallFixtureRoundTrips) {
  auto r = load_checklist_file(fixture("small.yaml"));
  ASSERT_TRUE(r.is_ok());
  expect_round_trips(*r);
}

TEST(ChecklistWriter, AwkwardStringsRoundTrip) {
  Checklist c = accepted(k_valid_yaml);
  const std::vector<std::string> awkward = {"null",
                                            "~",
                                            "yes",
                                            "No",
                                            "true",
                                            "1",
                                            "0x1F",
                                            "1.5",
                                            "-",
                                            "- x",
                                            "? q",
                                            "what? now",
                                            ": c",
                                            "a: b",
                                            "a #b",
                                            "#c",
                                            "[x]",
                                            "{x}",
                                            "a, b",
                                            "'q'",
                                            "\"dq\"",
                                            "back\\slash",
                                            "line\nbreak",
                                            "tab\there",
                                            " lead",
                                            "trail ",
                                            "cr\r\nlf",
                                            "ctl\x01\x1f\x7f",
                                            "nel\xC2\x85",
                                            "ls\xE2\x80\xA8ps\xE2\x80\xA9",
                                            "bom\xEF\xBB\xBF",
                                            "emoji \xF0\x9F\x94\xA5",
                                            "全角：コロン、読点",
                                            "*star",
                                            "&amp",
                                            "!bang",
                                            "%pct",
                                            "@at",
                                            "`tick",
                                            "|pipe",
                                            ">gt",
                                            "<<",
                                            "..."};
  c.items[0].choices.clear();
  int no = 0;
  for (const auto& s : awkward) {
    model::Choice ch;
    ch.no = ++no;
    ch.label = LocalizedText{{"ja", s}, {"en", s + " en"}};
    ch.level = Level::kPartial;
    c.items[0].choices.push_back(ch);
  }
  c.items[0].text = LocalizedText("x: y\n# not a comment");
  c.items[0].help = LocalizedText{{"zh-Hant", "繁體"}, {"no", "norsk"}};
  c.title = LocalizedText("\"quoted\"");
  c.reindex();
  expect_round_trips(c);
}

TEST(ChecklistWriter, ContentHashIsTheSha256OfCanonicalJson) {
  auto yaml = load_checklist_file(fixture("small.yaml"));
  auto json = load_checklist_file(fixture("small.json"));
  ASSERT_TRUE(yaml.is_ok() && json.is_ok());
  std::string hash = checklist_content_hash(*yaml);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hash, checklist_content_hash(*json));  // the source format does not matter
  Checklist changed = *yaml;
  changed.items[0].choices[0].label.set("en", "A team");
  EXPECT_NE(checklist_content_hash(changed), hash);
  EXPECT_EQ(hash, util::sha256_hex(write_checklist(*yaml, ChecklistFormat::kJson)));
}

// --- damage ----------------------------------------------------------------

void expect_never_crashes_when_truncated(const std::string& text, std::size_t step) {
  for (std::size_t n = 0; n <= text.size(); n += step) {
    std::vector<Status> problems;
    Result<Checklist> r = Status::internal("not run");
    ASSERT_NO_THROW(r = parse_checklist(std::string_view(text).substr(0, n), "cut", {}, &problems)) << n;
    if (r.is_ok()) {
      EXPECT_TRUE(problems.empty());
      continue;
    }
    ASSERT_EQ(r.status().kind(), ErrorKind::kBadInput) << "at " << n << ": " << r.status().to_string();
    ASSERT_FALSE(problems.empty()) << n;
    EXPECT_FALSE(r.status().message().empty()) << n;
  }
}

TEST(ChecklistDamage, TruncatedYamlAtEveryByteNeverCrashes) {
  expect_never_crashes_when_truncated(testing::read_all(fixture("small.yaml")), 1);
  expect_never_crashes_when_truncated(testing::read_all(fixture("many-problems.yaml")), 1);
}

TEST(ChecklistDamage, TruncatedJsonAtEveryByteNeverCrashes) {
  expect_never_crashes_when_truncated(testing::read_all(fixture("small.json")), 1);
}

TEST(ChecklistDamage, TruncatedBuiltinNeverCrashes) {
  auto it = embedded_files().find("data/checklists/factory-ir.yaml");
  ASSERT_NE(it, embedded_files().end());
  const std::string text(it->second);
  expect_never_crashes_when_truncated(text, 1499);
  expect_never_crashes_when_truncated(write_checklist(*load_builtin_checklist("factory-ir"), ChecklistFormat::kJson),
                                      1511);
}

TEST(ChecklistDamage, EveryByteFlippedNeverCrashes) {
  const std::string text = testing::read_all(fixture("small.yaml"));
  constexpr std::string_view k_replacements("\0:[{-\"'&*\n\xE3?", 12);
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (std::size_t k = 0; k < 2; ++k) {  // two of the replacements per byte, in rotation
      std::string damaged = text;
      damaged[i] = k_replacements[(i * 2 + k) % k_replacements.size()];
      Result<Checklist> r = Status::internal("not run");
      ASSERT_NO_THROW(r = parse_checklist(damaged, "flip")) << i;
      if (!r.is_ok()) {
        ASSERT_EQ(r.status().kind(), ErrorKind::kBadInput) << i << ": " << r.status().to_string();
      }
    }
  }
}

}  // namespace
}  // namespace kunren::io
