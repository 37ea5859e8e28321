#include <kunren/io/msel_csv.hpp>
#include <kunren/io/scenario_io.hpp>

#include <iconv.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.hpp"

namespace kunren::io {
namespace {

using model::Scenario;
using ::testing::HasSubstr;

std::string fixture_path(const std::string& name) { return testing::test_dir() + "/data/scenarios/" + name; }
std::string fixture(const std::string& name) { return testing::read_all(fixture_path(name)); }

// UTF-8 → CP932 with iconv, as Japanese Excel saves a CSV.
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

class MselCsv : public ::testing::Test {
 protected:
  void SetUp() override {
    auto base = load_scenario_file(fixture_path("good.yaml"));
    ASSERT_TRUE(base.is_ok()) << base.status().to_string();
    m_base = std::move(base).value();
  }

  Scenario imported(const std::string& bytes, const MselOptions& options = {}, Warnings* warnings = nullptr) {
    std::vector<Status> problems;
    auto r = import_msel_csv(bytes, "m.csv", m_base, options, warnings, &problems);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(problems.empty());
    return r.is_ok() ? std::move(r).value() : Scenario{};
  }

  std::vector<Status> rejected(const std::string& bytes, const MselOptions& options = {}) {
    std::vector<Status> problems;
    Warnings warnings;
    auto r = import_msel_csv(bytes, "m.csv", m_base, options, &warnings, &problems);
    EXPECT_FALSE(r.is_ok()) << "imported although it should not:\n" << bytes;
    if (r.is_ok()) return {};
    EXPECT_FALSE(problems.empty());
    if (!problems.empty()) EXPECT_EQ(problems.front().to_string(), r.status().to_string());
    EXPECT_TRUE(warnings.empty()) << "warnings are only given with a result";
    return problems;
  }

  // The scenario's injects, written as canonical JSON, for comparing imports.
  static std::string injects_json(const Scenario& s) {
    Scenario only;
    only.injects = s.injects;
    return write_scenario(only, ScenarioFormat::kJson);
  }

  Scenario m_base;
};

#define EXPECT_AT(status, line_, field_, text)                 \
  do {                                                         \
    const ::kunren::Status& s_ = (status);                     \
    EXPECT_EQ(s_.where().file, "m.csv") << s_.to_string();     \
    EXPECT_EQ(s_.where().line, (line_)) << s_.to_string();     \
    EXPECT_EQ(s_.where().field, (field_)) << s_.to_string();   \
    EXPECT_THAT(s_.message(), HasSubstr(text));                \
  } while (0)

TEST_F(MselCsv, EnglishHeadersUtf8ReplaceTheBaseInjects) {
  Scenario s = imported(fixture("msel-en.csv"));
  // Everything but the injects comes from the base.
  EXPECT_EQ(s.id, "mini-drill");
  EXPECT_EQ(s.roles.size(), 3u);
  EXPECT_EQ(s.decision_points.size(), 2u);
  ASSERT_EQ(s.injects.size(), 3u);
  EXPECT_EQ(s.injects[0].id, "INJ-101");
  EXPECT_EQ(s.injects[1].id, "INJ-102");  // sorted by time
  EXPECT_EQ(s.injects[2].id, "INJ-103");
  const model::Inject& a = s.injects[0];
  EXPECT_EQ(a.at, 5 * 60);
  EXPECT_EQ(a.phase, "detect");
  EXPECT_EQ(a.from, "maintenance");
  EXPECT_EQ(a.to, (std::vector<std::string>{"maintenance"}));
  EXPECT_EQ(a.title.variants(), (std::vector<std::pair<std::string, std::string>>{{"ja", "HMI が応答しない"}}));
  EXPECT_EQ(a.body.text(), "包装ラインの HMI が\n応答しない。");  // a line break inside quotes
  EXPECT_EQ(a.delivery, model::Delivery::kPhone);
  ASSERT_EQ(a.expects.size(), 2u);
  EXPECT_EQ(a.expects[0].kind, model::ActionKind::kReport);
  EXPECT_EQ(a.expects[0].role, "maintenance");
  EXPECT_EQ(a.expects[1].kind, model::ActionKind::kDecision);
  EXPECT_EQ(a.expects[1].decision_point, "DP1");
  EXPECT_EQ(a.links, (std::vector<std::string>{"IMP-P2-01"}));
  EXPECT_EQ(a.decision_points, (std::vector<std::string>{"DP1"}));
  EXPECT_FALSE(a.contingency.has_value());
  EXPECT_TRUE(a.notes.empty());
  const model::Inject& b = s.injects[1];
  EXPECT_EQ(b.at, 30 * 60);  // "0:30"
  EXPECT_EQ(b.to, (std::vector<std::string>{"it", "lead"}));
  EXPECT_EQ(b.delivery, model::Delivery::kMail);
  ASSERT_TRUE(b.contingency.has_value());
  EXPECT_EQ(b.contingency->unless, "INJ-101");
  EXPECT_EQ(b.notes.text(), "初報がなければ出す");
  const model::Inject& c = s.injects[2];
  EXPECT_TRUE(c.broadcast());
  EXPECT_EQ(c.delivery, model::Delivery::kVerbal);
  ASSERT_EQ(c.expects.size(), 2u);
  EXPECT_EQ(c.expects[1].contact, "national-cert");
  EXPECT_TRUE(c.body.empty());
  // The result writes out as a scenario file that reads back the same.
  const std::string yaml = write_scenario(s, ScenarioFormat::kYaml);
  auto again = parse_scenario(yaml, "out.yaml");
  ASSERT_TRUE(again.is_ok()) << again.status().to_string() << "\n" << yaml;
  EXPECT_EQ(scenario_content_json(*again), scenario_content_json(s));
}

TEST_F(MselCsv, JapaneseHeadersAndValuesWithAWarningForOtherColumns) {
  Warnings warnings;
  Scenario s = imported(fixture("msel-ja.csv"), {}, &warnings);
  ASSERT_EQ(s.injects.size(), 3u);
  const model::Inject& a = *s.find_inject("INJ-201");
  EXPECT_EQ(a.from, "設備保全");
  EXPECT_EQ(a.delivery, model::Delivery::kPhone);  // 電話
  ASSERT_EQ(a.expects.size(), 2u);
  EXPECT_EQ(a.expects[0].kind, model::ActionKind::kReport);  // 報告
  EXPECT_EQ(a.expects[1].decision_point, "DP1");             // 判断:DP1
  const model::Inject& b = *s.find_inject("INJ-202");
  EXPECT_EQ(b.to, (std::vector<std::string>{"it", "lead"}));  // separated by 、
  EXPECT_EQ(b.delivery, model::Delivery::kMail);
  EXPECT_EQ(b.contingency->unless, "INJ-201");
  const model::Inject& c = *s.find_inject("INJ-203");
  EXPECT_EQ(c.delivery, model::Delivery::kVerbal);
  ASSERT_EQ(c.expects.size(), 2u);  // separated by a full-width semicolon
  EXPECT_EQ(c.expects[0].decision_point, "DP3");
  EXPECT_EQ(c.expects[1].contact, "national-cert");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].where.file, "m.csv");
  EXPECT_EQ(warnings[0].where.line, 1u);
  EXPECT_THAT(warnings[0].message, HasSubstr("ignored column that names no inject field: 担当者"));
}

TEST_F(MselCsv, Utf8BomAndCp932ReadTheSameAsUtf8) {
  const std::string utf8 = fixture("msel-ja.csv");
  const std::string expected = injects_json(imported(utf8));
  EXPECT_EQ(injects_json(imported("\xEF\xBB\xBF" + utf8)), expected);
  const std::string sjis = to_cp932(utf8);
  ASSERT_NE(sjis, utf8);
  EXPECT_EQ(injects_json(imported(sjis)), expected);
  MselOptions forced;
  forced.encoding = Encoding::kCp932;
  EXPECT_EQ(injects_json(imported(sjis, forced)), expected);
}

TEST_F(MselCsv, Cp932ReadAsUtf8IsAnErrorWithItsLine) {
  MselOptions forced;
  forced.encoding = Encoding::kUtf8;
  auto p = rejected(to_cp932(fixture("msel-ja.csv")), forced);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].where().line, 1u) << p[0].to_string();
  EXPECT_THAT(p[0].message(), HasSubstr("UTF-8"));
}

TEST_F(MselCsv, ExplicitMapOverridesTheDefaultHeaders) {
  MselOptions options;
  options.columns = {{"id", "No"}, {"at", "時間"}, {"title", "見出し"}, {"body", "本文"}};
  Warnings warnings;
  Scenario s = imported(fixture("msel-map.csv"), options, &warnings);
  ASSERT_EQ(s.injects.size(), 2u);
  EXPECT_EQ(s.injects[0].id, "M1");
  EXPECT_EQ(s.injects[0].at, 10 * 60);
  EXPECT_EQ(s.injects[0].title.text(), "最初の付与");
  EXPECT_EQ(s.injects[0].body.text(), "本文その一");
  EXPECT_TRUE(s.injects[1].body.empty());
  // 件名 would be the title by default; mapped elsewhere, it is ignored.
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].message, HasSubstr(": 件名"));
}

TEST_F(MselCsv, MissingRequiredColumnsAreNamed) {
  auto p = rejected(fixture("msel-missing-column.csv"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_AT(p[0], 1u, "", "missing required columns: at (");
  EXPECT_THAT(p[0].message(), HasSubstr("; title ("));
  EXPECT_THAT(p[0].message(), ::testing::Not(HasSubstr("id (")));
  // The map's headers too.
  p = rejected(fixture("msel-map.csv"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("missing required columns: id"));
}

TEST_F(MselCsv, RaggedRowNamesItsLine) {
  auto p = rejected(fixture("msel-ragged.csv"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_AT(p[0], 3u, "", "row has 4 fields but the header has 3");
}

TEST_F(MselCsv, UnknownRoleInTheToColumnNamesLineAndColumn) {
  auto p = rejected(fixture("msel-unknown-role.csv"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_AT(p[0], 3u, "to", "inject INJ-2: unknown role 'production'; roles are: lead, maintenance, it");
  // Under a Japanese header, the message names that header.
  p = rejected("番号,時刻,宛先,件名\nA,+00:05,工場長,題\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_AT(p[0], 2u, "宛先", "unknown role '工場長'");
}

TEST_F(MselCsv, EveryProblemIsCollectedInLineOrder) {
  const std::string csv =
      "id,at,phase,title,delivery,expects,links,decision_points,contingency\n"
      "A,+00:05,detect,一,phone,report,,,\n"
      "A,+00:10,nowhere,二,fax,decision:DP7,IMP-P2-99,DP9,\n"
      "C,+0:5,detect,三,,shout,,,\n"
      "D,+00:20,detect,,,,,,A\n"
      "E,+00:01,detect,五,,,,,D\n";
  auto p = rejected(csv);
  std::string all;
  for (const auto& s : p) all += s.to_string() + "\n";
  ASSERT_EQ(p.size(), 11u) << all;
  EXPECT_AT(p[0], 3u, "delivery", "bad delivery 'fax'");
  EXPECT_AT(p[1], 3u, "id", "duplicate inject id 'A' (first at line 2)");
  EXPECT_AT(p[2], 3u, "phase", "unknown phase 'nowhere'");
  EXPECT_AT(p[3], 3u, "expects", "unknown decision point 'DP7'");
  EXPECT_AT(p[4], 3u, "links", "unknown checklist item 'IMP-P2-99' (checklist factory-ir)");
  EXPECT_AT(p[5], 3u, "decision_points", "unknown decision point 'DP9'");
  EXPECT_AT(p[6], 4u, "at", "inject C: bad time '+0:5'");
  EXPECT_AT(p[7], 4u, "expects", "bad expected action 'shout'");
  EXPECT_AT(p[8], 5u, "title", "inject D has no title");
  EXPECT_AT(p[9], 6u, "contingency", "must name an earlier inject; D is at +00:20");
  EXPECT_AT(p[10], 6u, "contingency", "D, which expects nothing");
}

TEST_F(MselCsv, LanguageColumnsAndTheLangOption) {
  Scenario s = imported("id,at,title_ja,title_en,body\nA,+00:05,題,Title,Body text\n");
  EXPECT_EQ(s.injects[0].title.variants(),
            (std::vector<std::pair<std::string, std::string>>{{"ja", "題"}, {"en", "Title"}}));
  EXPECT_EQ(s.injects[0].body.variants(), (std::vector<std::pair<std::string, std::string>>{{"ja", "Body text"}}));
  MselOptions en;
  en.lang = "en";
  s = imported("id,at,title,title_ja\nA,+00:05,Title,題\n", en);
  EXPECT_EQ(s.injects[0].title.variants(),
            (std::vector<std::pair<std::string, std::string>>{{"ja", "題"}, {"en", "Title"}}));
  // A plain column and its own language column say the same thing twice.
  auto p = rejected("id,at,title,title_ja\nA,+00:05,Title,題\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_AT(p[0], 1u, "title_ja", "columns 'title' and 'title_ja' both give the title in 'ja'");
}

TEST_F(MselCsv, HeaderProblems) {
  auto p = rejected("id,at,title,件名\nA,+00:05,x,y\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_AT(p[0], 1u, "件名", "columns 'title' (column 3) and '件名' (column 4) both give the title");
  MselOptions options;
  options.columns = {{"headline", "見出し"}};
  p = rejected(fixture("msel-map.csv"), options);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("--map headline=見出し: unknown field 'headline'"));
  options.columns = {{"title", "Heading"}};
  p = rejected(fixture("msel-en.csv"), options);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("--map title=Heading: the header has no column 'Heading'"));
  p = rejected("");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("the file is empty"));
  p = rejected("id,at,title\n,,\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("no inject rows"));
  p = rejected("id,at,title\nA,+00:05,\"never closed\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].where().line, 2u) << p[0].to_string();
}

TEST_F(MselCsv, EmptyRowsAndSurroundingBlanksAreIgnored) {
  Scenario s = imported("ID , Time ,TITLE\r\n A ,\xE3\x80\x80+00:05 , 題 \r\n,,\r\n\r\nB,+00:06,二\r\n");
  ASSERT_EQ(s.injects.size(), 2u);
  EXPECT_EQ(s.injects[0].id, "A");
  EXPECT_EQ(s.injects[0].title.text(), "題");
}

TEST_F(MselCsv, ParseMapping) {
  auto m = parse_msel_mapping("Title = 見出し=1");
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->first, "title");
  EXPECT_EQ(m->second, "見出し=1");
  EXPECT_FALSE(parse_msel_mapping("title").is_ok());
  EXPECT_FALSE(parse_msel_mapping("=x").is_ok());
  EXPECT_FALSE(parse_msel_mapping("title=").is_ok());
}

}  // namespace
}  // namespace kunren::io
