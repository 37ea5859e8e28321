#include <kunren/io/builtin.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/util/sha256.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "../test_support.hpp"

namespace kunren::io {
namespace {

using model::LocalizedText;
using model::Scenario;
using ::testing::HasSubstr;

std::string fixture_path(const std::string& name) { return testing::test_dir() + "/data/scenarios/" + name; }
std::string fixture(const std::string& name) { return testing::read_all(fixture_path(name)); }

Scenario accepted(std::string_view text, const ScenarioLoadOptions& options = {}) {
  auto r = parse_scenario(text, "t.yaml", options);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string() << "\n" << text;
  return r.is_ok() ? std::move(r).value() : Scenario{};
}

// All problems of text expected to be rejected.
std::vector<Status> rejected(std::string_view text, const ScenarioLoadOptions& options = {}) {
  std::vector<Status> problems;
  auto r = parse_scenario(text, "t.yaml", options, &problems);
  EXPECT_FALSE(r.is_ok()) << "parsed although it should not:\n" << text;
  if (r.is_ok()) return {};
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput) << r.status().to_string();
  EXPECT_FALSE(problems.empty());
  if (!problems.empty()) EXPECT_EQ(problems.front().to_string(), r.status().to_string());
  return problems;
}

#define EXPECT_PROBLEM(status, line_, column_, field_, text)   \
  do {                                                         \
    const ::kunren::Status& s_ = (status);                     \
    EXPECT_EQ(s_.where().line, (line_)) << s_.to_string();     \
    EXPECT_EQ(s_.where().column, (column_)) << s_.to_string(); \
    EXPECT_EQ(s_.where().field, (field_)) << s_.to_string();   \
    EXPECT_THAT(s_.message(), HasSubstr(text));                \
  } while (0)

// The good fixture with `from` replaced by `to` (which must occur once).
std::string variant(const std::string& from, const std::string& to) {
  std::string text = fixture("good.yaml");
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "twice: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A minimal scenario with the given injects (YAML lines at two spaces).
std::string with_injects(const std::string& injects, const std::string& extra = "") {
  return "id: s\nversion: '1'\ntitle: T\nnarrative: N\nplant: {name: P}\nroles: [{id: r1, title: R1}, {id: r2, "
         "title: R2}]\n" +
         extra + "injects:\n" + injects;
}

// ---------------------------------------------------------------------------
// Reading

TEST(ScenarioIo, GoodFixtureReadsEveryField) {
  auto r = load_scenario_file(fixture_path("good.yaml"));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Scenario& s = *r;
  EXPECT_EQ(s.id, "mini-drill");
  EXPECT_EQ(s.version, "1");
  EXPECT_EQ(s.title.text("en"), "Mini drill");
  EXPECT_EQ(s.narrative.text("ja"), "包装ラインの HMI が応答しなくなる。\n保全担当が現場を確認する。");
  EXPECT_EQ(s.checklist, "factory-ir");
  EXPECT_EQ(s.duration, 2 * 3600);
  EXPECT_EQ(s.targets.first_report, 15 * 60);
  EXPECT_EQ(s.targets.classified, 45 * 60);
  EXPECT_EQ(s.targets.cert_contact, 0);
  ASSERT_EQ(s.plant.systems.size(), 2u);
  EXPECT_EQ(s.plant.systems[0].kind, "HMI");
  EXPECT_EQ(s.plant.systems[0].zone, "ot");
  EXPECT_EQ(s.plant.systems[0].line, "L1");
  EXPECT_EQ(s.plant.zones[1].level, "OT L2");
  ASSERT_EQ(s.roles.size(), 3u);
  EXPECT_TRUE(s.roles[0].lead);
  EXPECT_FALSE(s.roles[1].lead);
  EXPECT_EQ(s.roles[2].description.text(), "事務系ネットワークの担当");
  EXPECT_EQ(s.phases[1].section, "p4-production");
  ASSERT_NE(s.find_decision_point("DP1"), nullptr);
  EXPECT_EQ(s.find_decision_point("DP1")->kind, model::DecisionKind::kClassify);
  EXPECT_EQ(s.find_decision_point("DP1")->options.size(), 2u);
  EXPECT_EQ(s.find_decision_point("DP1")->objective, "O1");
  EXPECT_EQ(s.find_objective("O1")->links, (std::vector<std::string>{"IMP-P2-01", "IMP-P2-02"}));

  const model::Inject* first = s.find_inject("INJ-001");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->at, 5 * 60);
  EXPECT_EQ(first->delivery, model::Delivery::kPhone);
  EXPECT_EQ(first->to, (std::vector<std::string>{"maintenance"}));
  ASSERT_EQ(first->expects.size(), 2u);
  EXPECT_EQ(first->expects[0].kind, model::ActionKind::kReport);
  EXPECT_EQ(first->expects[0].role, "maintenance");
  EXPECT_EQ(first->expects[0].within, 10 * 60);
  EXPECT_EQ(first->expects[1].decision_point, "DP1");
  // "cert" is read as the contact target it stands for.
  EXPECT_EQ(s.find_inject("INJ-003")->expects[1].contact, "national-cert");
  EXPECT_TRUE(s.find_inject("INJ-003")->broadcast());
  ASSERT_TRUE(s.find_inject("INJ-002")->contingency.has_value());
  EXPECT_EQ(s.find_inject("INJ-002")->contingency->unless, "INJ-001");
  EXPECT_EQ(s.find_inject("INJ-002")->notes.text(), "初報がなければ出す");
  EXPECT_EQ(s.find_inject("INJ-003")->delivery, model::Delivery::kVerbal);
}

TEST(ScenarioIo, InjectsAreSortedByTimeWithFileOrderBreakingTies) {
  auto r = load_scenario_file(fixture_path("good.yaml"));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<std::string> ids;
  for (const auto& i : r->injects) ids.push_back(i.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"INJ-001", "INJ-002", "INJ-003"}));

  Scenario s = accepted(with_injects("  - {id: b, at: '+00:10', title: B}\n  - {id: a, at: '+00:05', title: A}\n"
                                     "  - {id: c, at: '+00:10', title: C}\n  - {id: d, at: '+00:05', title: D}\n"));
  ids.clear();
  for (const auto& i : s.injects) ids.push_back(i.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "d", "b", "c"}));
  EXPECT_EQ(s.find_inject("c")->title.text(), "C");  // indexes follow the sorted order
}

TEST(ScenarioIo, MinimalFilesInYamlAndJson) {
  auto y = load_scenario_file(fixture_path("minimal.yaml"));
  ASSERT_TRUE(y.is_ok()) << y.status().to_string();
  EXPECT_EQ(y->version, "2");  // a YAML number is read as text
  EXPECT_EQ(y->injects[0].at, 0);
  EXPECT_TRUE(y->phases.empty());
  EXPECT_TRUE(y->decision_points.empty());
  auto j = load_scenario_file(fixture_path("minimal.json"));
  ASSERT_TRUE(j.is_ok()) << j.status().to_string();
  EXPECT_EQ(j->version, "3");
  EXPECT_EQ(j->injects[0].id, "I1");
  EXPECT_EQ(j->injects[1].delivery, model::Delivery::kSystem);
  // A checklist that is not built in: links are only checked for syntax.
  EXPECT_EQ(j->injects[1].links, (std::vector<std::string>{"X-99"}));
  EXPECT_TRUE(j->roles[0].lead);
}

TEST(ScenarioIo, IdListsAcceptOneStringOrNothing) {
  Scenario s = accepted(with_injects("  - {id: a, at: '+00:05', title: A, to: r1}\n"
                                     "  - {id: b, at: '+00:05', title: B, to: []}\n"
                                     "  - {id: c, at: '+00:05', title: C, to: }\n"));
  EXPECT_EQ(s.find_inject("a")->to, (std::vector<std::string>{"r1"}));
  EXPECT_TRUE(s.find_inject("b")->broadcast());
  EXPECT_TRUE(s.find_inject("c")->broadcast());
}

// ---------------------------------------------------------------------------
// Every kind of mistake, one fixture each: tests/data/scenarios/bad-*.yaml end
// with "# expect: LINE:COL FIELD | MESSAGE" lines, and the file must have
// exactly those problems.

TEST(ScenarioIo, EveryBadFixtureHasExactlyItsProblemsWithLineColumnAndField) {
  const std::regex expect_line(R"(^# expect: (\d+):(\d+) (.+?) \| (.*)$)");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::test_dir() + "/data/scenarios")) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("bad-")) continue;
    ++files;
    SCOPED_TRACE(name);
    const std::string text = testing::read_all(entry.path().string());
    struct Expected {
      std::uint64_t line, column;
      std::string field, message;
    };
    std::vector<Expected> expected;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::smatch m;
      std::string line = text.substr(start, end - start);
      if (std::regex_match(line, m, expect_line)) {
        expected.push_back({std::stoull(m[1]), std::stoull(m[2]), m[3], m[4]});
      }
      start = end + 1;
    }
    ASSERT_FALSE(expected.empty()) << "no '# expect:' line";
    std::vector<Status> problems;
    auto r = load_scenario_file(entry.path().string(), {}, &problems);
    ASSERT_FALSE(r.is_ok());
    std::string all;
    for (const auto& p : problems) all += p.to_string() + "\n";
    EXPECT_EQ(problems.size(), expected.size()) << all;
    for (const auto& e : expected) {
      bool found = std::any_of(problems.begin(), problems.end(), [&](const Status& p) {
        return p.where().line == e.line && p.where().column == e.column && p.where().field == e.field &&
               p.message().find(e.message) != std::string::npos && p.where().file == entry.path().string();
      });
      EXPECT_TRUE(found) << "expected " << e.line << ":" << e.column << " (" << e.field << ") " << e.message
                         << "\ngot:\n"
                         << all;
    }
  }
  EXPECT_GE(files, 25u);
}

TEST(ScenarioIo, AllProblemsAreCollectedInFileOrder) {
  std::string text = variant("    delivery: phone\n", "    delivry: phone\n");
  text.replace(text.find("to: [it, lead]"), 14, "to: [it, leader]");
  text.replace(text.find("    phase: decide\n"), 18, "    phase: decid\n");
  auto problems = rejected(text);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_PROBLEM(problems[0], 63u, 5u, "injects[INJ-001].delivry", "unknown key 'delivry'");
  EXPECT_PROBLEM(problems[1], 71u, 12u, "injects[INJ-003].phase", "unknown phase 'decid'");
  EXPECT_PROBLEM(problems[2], 81u, 14u, "injects[INJ-002].to", "unknown role 'leader'");
}

TEST(ScenarioIo, MissingRequiredKeysAreNamed) {
  auto problems = rejected("id: s\nversion: '1'\ntitle: T\nplant: {name: P}\ninjects: []\n");
  std::string all;
  for (const auto& p : problems) all += p.to_string() + "\n";
  EXPECT_THAT(all, HasSubstr("missing required key 'narrative'"));
  EXPECT_THAT(all, HasSubstr("missing required key 'roles'"));
  EXPECT_THAT(all, HasSubstr("the scenario has no injects"));
}

TEST(ScenarioIo, TypeErrorsNameThePlace) {
  auto p = rejected(with_injects("  - {id: a, at: 5, title: A}\n"));
  ASSERT_EQ(p.size(), 1u);  // YAML: 5 is the string "5", not a time
  EXPECT_PROBLEM(p[0], 8u, 17u, "injects[a].at", "bad time '5'");

  p = rejected(with_injects("  - {id: a, at: '+00:05', title: [A]}\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 8u, 34u, "injects[a].title", "expected a string or a {language: text} mapping");

  p = rejected(with_injects("  - {id: a, at: '+00:05', title: A, expects: {kind: report}}\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 8u, 46u, "injects[a].expects", "expected a sequence, found a mapping");

  p = rejected(with_injects("  - {id: a, at: '+00:05', title: A, contingency: b}\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 8u, 50u, "injects[a].contingency", "such as {unless: INJ-001}");

  p = rejected(with_injects("  - just a string\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 8u, 5u, "injects[#1]", "inject #1: expected a mapping, found a string");
}

TEST(ScenarioIo, JsonErrorsHaveJsonPositionsAndWords) {
  const std::string json = R"({"id": "j", "version": "1", "title": "T", "narrative": "N", "plant": {"name": "P"},
"roles": [{"id": "r", "title": "R", "lead": "yes"}],
"injects": [{"id": "a", "at": 300, "title": "A", "colour": "red"}]})";
  std::vector<Status> problems;
  auto r = parse_scenario(json, "t.json", {}, &problems);
  ASSERT_FALSE(r.is_ok());
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_PROBLEM(problems[0], 2u, 45u, "roles[r].lead", "expected true or false, found 'yes'");
  EXPECT_PROBLEM(problems[1], 3u, 31u, "injects[a].at", "expected a string, found a number (300)");
  EXPECT_PROBLEM(problems[2], 3u, 50u, "injects[a].colour", "unknown key 'colour'");
}

TEST(ScenarioIo, RequireLangsNeedsEveryLanguage) {
  ScenarioLoadOptions options;
  options.require_langs = {"ja", "en"};
  auto problems = rejected(fixture("good.yaml"), options);
  ASSERT_FALSE(problems.empty());
  // The first plain text in the file: the plant line's name.
  EXPECT_PROBLEM(problems[0], 17u, 22u, "plant.lines[L1].name", "a plain string has no language variants");
  bool narrative_en_ok = std::none_of(problems.begin(), problems.end(),
                                      [](const Status& p) { return p.where().field == "narrative"; });
  EXPECT_TRUE(narrative_en_ok);
}

TEST(ScenarioIo, DuplicateIdsOfEveryKind) {
  const std::string extra =
      "phases: [{id: p, title: P}, {id: p, title: Q}]\n"
      "objectives: [{id: o, title: O}, {id: o, title: O2}]\n"
      "decision_points:\n"
      "  - {id: d, kind: stop, prompt: X, options: [{id: a, label: A}, {id: b, label: B}]}\n"
      "  - {id: d, kind: stop, prompt: Y, options: [{id: a, label: A}, {id: b, label: B}]}\n";
  auto p = rejected(with_injects("  - {id: a, at: '+00:05', title: A}\n", extra));
  ASSERT_EQ(p.size(), 3u);
  EXPECT_PROBLEM(p[0], 7u, 34u, "phases[p].id", "duplicate phase id 'p' (first at line 7)");
  EXPECT_PROBLEM(p[1], 8u, 38u, "objectives[o].id", "duplicate objective id 'o'");
  EXPECT_PROBLEM(p[2], 11u, 10u, "decision_points[d].id", "duplicate decision point id 'd' (first at line 10)");
}

// ---------------------------------------------------------------------------
// Contingency rules (the fixtures cover unknown, self, later, no expectations)

TEST(ScenarioIo, ContingencyMayDependOnAnEarlierInjectListedLater) {
  Scenario s = accepted(with_injects(
      "  - {id: late, at: '+00:20', title: L, contingency: {unless: early}}\n"
      "  - {id: early, at: '+00:05', title: E, expects: [{kind: report}]}\n"));
  EXPECT_EQ(s.injects[0].id, "early");
  EXPECT_EQ(s.injects[1].contingency->unless, "early");
}

TEST(ScenarioIo, ContingencyAtTheSameTimeIsNotEarlier) {
  auto p = rejected(with_injects("  - {id: a, at: '+00:05', title: A, expects: [{kind: report}]}\n"
                                 "  - {id: b, at: '+00:05', title: B, contingency: {unless: a}}\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 9u, 59u, "injects[b].contingency.unless", "must name an earlier inject; a is at +00:05");
}

TEST(ScenarioIo, ContingencyChecksAreSkippedWhenATimeIsAlreadyWrong) {
  auto p = rejected(with_injects("  - {id: a, at: '+00:05', title: A, expects: [{kind: report}]}\n"
                                 "  - {id: b, at: 'soon', title: B, contingency: {unless: a}}\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("bad time 'soon'"));
}

TEST(ScenarioIo, ContingencyNeedsUnless) {
  auto p = rejected(with_injects("  - {id: a, at: '+00:05', title: A, expects: [{kind: report}]}\n"
                                 "  - {id: b, at: '+00:10', title: B, contingency: {if: a}}\n"));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_PROBLEM(p[0], 9u, 50u, "injects[b].contingency.unless", "missing required key 'unless' in inject b contingency");
  EXPECT_PROBLEM(p[1], 9u, 51u, "injects[b].contingency.if", "unknown key 'if'");
}

// ---------------------------------------------------------------------------
// Links against the checklist

TEST(ScenarioIo, LinksAreCheckedAgainstTheBuiltinChecklistItNames) {
  auto p = rejected(variant("links: [IMP-P2-01, IMP-P2-02]", "links: [IMP-P2-01, IMP-P2-2]"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 39u, 24u, "objectives[O1].links", "unknown checklist item 'IMP-P2-2' (checklist factory-ir)");
  EXPECT_THAT(p[0].message(), HasSubstr("did you mean 'IMP-P2-02'?"));
  // No hint when several items are equally near.
  p = rejected(variant("    links: [IMP-P2-01]\n", "    links: [IMP-P2-99]\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), ::testing::Not(HasSubstr("did you mean")));
}

TEST(ScenarioIo, LinksAreCheckedAgainstAGivenChecklistInstead) {
  const model::Checklist mine = testing::make_checklist({"p2-detect/IMP-P2-01=good,poor", "p4-production/X=good"});
  ScenarioLoadOptions options;
  options.checklist = &mine;
  auto p = rejected(fixture("good.yaml"), options);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_PROBLEM(p[0], 39u, 24u, "objectives[O1].links", "unknown checklist item 'IMP-P2-02' (checklist test)");
}

TEST(ScenarioIo, LinksToAnUnknownChecklistAreOnlyCheckedForSyntax) {
  auto ok = variant("checklist: factory-ir\n", "checklist: elsewhere\n");
  ok.replace(ok.find("[IMP-P2-01]"), 11, "[ANY-ITEM-99]");
  ok.replace(ok.find("section: p2-detect"), 18, "section: whatever");
  accepted(ok);
  auto p = rejected(variant("    links: [IMP-P2-01]\n", "    links: [IMP P2]\n"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0].message(), HasSubstr("bad checklist item id 'IMP P2'"));
}

// ---------------------------------------------------------------------------
// Writing

void expect_round_trips(const Scenario& s) {
  const std::string canonical = write_scenario(s, ScenarioFormat::kJson);
  for (auto format : {ScenarioFormat::kYaml, ScenarioFormat::kJson}) {
    const std::string text = write_scenario(s, format);
    ASSERT_EQ(text.back(), '\n');
    auto again = parse_scenario(text, "again");
    ASSERT_TRUE(again.is_ok()) << again.status().to_string() << "\n" << text;
    EXPECT_EQ(write_scenario(*again, ScenarioFormat::kJson), canonical) << text;
    EXPECT_EQ(write_scenario(*again, format), text);
  }
}

TEST(ScenarioIo, RoundTripsYamlAndJson) {
  auto s = load_scenario_file(fixture_path("good.yaml"));
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  expect_round_trips(*s);
  // YAML → JSON → YAML gives the same YAML.
  auto json = parse_scenario(write_scenario(*s, ScenarioFormat::kJson), "j.json");
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_EQ(write_scenario(*json, ScenarioFormat::kYaml), write_scenario(*s, ScenarioFormat::kYaml));
  for (const char* name : {"minimal.yaml", "minimal.json"}) {
    auto m = load_scenario_file(fixture_path(name));
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    expect_round_trips(*m);
  }
}

TEST(ScenarioIo, WrittenYamlIsReadable) {
  auto s = load_scenario_file(fixture_path("good.yaml"));
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  const std::string yaml = write_scenario(*s, ScenarioFormat::kYaml);
  EXPECT_THAT(yaml, HasSubstr("narrative:\n  ja: |-\n    包装ラインの HMI が応答しなくなる。\n    保全担当が現場を確認する。\n"
                              "  en: The packaging line HMI stops responding.\n"));
  EXPECT_THAT(yaml, HasSubstr("  - id: INJ-001\n    at: \"+00:05\"\n    phase: detect\n"));
  EXPECT_THAT(yaml, HasSubstr("      - {kind: contact, contact: national-cert}\n"));
  EXPECT_THAT(yaml, HasSubstr("    contingency: {unless: INJ-001}\n"));
  EXPECT_THAT(yaml, HasSubstr("targets: {first_report: \"+00:15\", classified: \"+00:45\"}\n"));
  // Injects are written in their sorted order.
  EXPECT_LT(yaml.find("id: INJ-002"), yaml.find("id: INJ-003"));
}

TEST(ScenarioIo, WritingOneLanguage) {
  auto s = load_scenario_file(fixture_path("good.yaml"));
  ASSERT_TRUE(s.is_ok());
  const std::string en = write_scenario(*s, ScenarioFormat::kYaml, "en");
  EXPECT_THAT(en, HasSubstr("title: Mini drill\n"));
  EXPECT_THAT(en, HasSubstr("narrative: The packaging line HMI stops responding.\n"));
  auto again = parse_scenario(en, "en.yaml");
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_TRUE(again->title.is_plain());
  const std::string ja = write_scenario(*s, ScenarioFormat::kJson, "ja");
  EXPECT_THAT(ja, HasSubstr("\"title\": \"小規模訓練\""));
  EXPECT_TRUE(parse_scenario(ja, "ja.json").is_ok());
}

TEST(ScenarioIo, AwkwardTextsRoundTrip) {
  Scenario s = accepted(with_injects("  - {id: a, at: '+00:05', title: A}\n"));
  const std::vector<std::string> texts = {
      "two\nlines",        "ends with newline\n", "two newlines\n\n", " leading space\nx", "tab\tinside\nx",
      "a: b\n# not a comment", "blank\n\nline",    "trailing  \nspaces", "\nstarts with break", "yes",
      "'quoted'\n\"double\"",  "- dash\n- list",   "x\n   \ny",        "\ttab first\nx",    "ok\r\nCRLF",
      "日本語\n２行目",        "{not: a map}\n[x]", "line\n\ttab after break"};
  for (const auto& t : texts) {
    s.injects[0].body = LocalizedText(t);
    s.injects[0].notes = LocalizedText{{"ja", t}, {"en", "plain"}};
    s.narrative = LocalizedText{{"en", t}};
    SCOPED_TRACE(t);
    expect_round_trips(s);
  }
}

TEST(ScenarioIo, ContentHashIsOfTheCanonicalJson) {
  auto a = load_scenario_file(fixture_path("good.yaml"));
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(scenario_content_json(*a), write_scenario(*a, ScenarioFormat::kJson));
  EXPECT_EQ(scenario_content_hash(*a), util::sha256_hex(scenario_content_json(*a)));
  // The same scenario written another way has the same hash; a change does not.
  auto b = parse_scenario(write_scenario(*a, ScenarioFormat::kYaml), "b.yaml");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(scenario_content_hash(*b), scenario_content_hash(*a));
  b->injects[0].at += 60;
  EXPECT_NE(scenario_content_hash(*b), scenario_content_hash(*a));
}

// ---------------------------------------------------------------------------
// check_scenario on a scenario built in code

class NoSource : public ScenarioSource {
 public:
  Location locate(std::string_view key, std::string field) const override { return Location{"code", 0, 0, field + "@" + std::string(key)}; }
};

TEST(ScenarioIo, CheckScenarioWorksOnScenariosBuiltInCode) {
  Scenario s;
  s.id = "code";
  s.roles.push_back({"r", LocalizedText("R"), {}, false});
  model::Inject a;
  a.id = "a";
  a.to = {"r", "x"};
  s.injects.push_back(a);
  model::Inject b;
  b.id = "";
  s.injects.push_back(b);
  auto problems = check_scenario(s, nullptr, NoSource{});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].where().field, "injects[#2].id@injects/1/id");
  EXPECT_THAT(problems[0].message(), HasSubstr("inject #2 has no id"));
  EXPECT_EQ(problems[1].where().field, "injects[a].to@injects/0/to/1");
  EXPECT_THAT(problems[1].message(), HasSubstr("unknown role 'x'"));
}

// ---------------------------------------------------------------------------
// Built-in scenarios

TEST(ScenarioIo, EveryBuiltinScenarioLoadsInBothLanguages) {
  for (const auto& id : builtin_scenario_ids()) {
    SCOPED_TRACE(id);
    auto s = load_builtin_scenario(id);
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    EXPECT_EQ(s->id, id);
    expect_round_trips(*s);
  }
}

TEST(ScenarioIo, ResolveScenarioTakesABuiltinIdOrAFile) {
  auto file = resolve_scenario(fixture_path("minimal.yaml"));
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  EXPECT_EQ(file->id, "minimal");
  auto none = resolve_scenario("no-such-scenario");
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().kind(), ErrorKind::kNotFound);
  EXPECT_THAT(none.status().message(), HasSubstr("neither a built-in scenario nor an existing file"));
  auto unknown = load_builtin_scenario("no-such-scenario");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace kunren::io
