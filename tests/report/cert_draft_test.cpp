// The national-CERT incident report draft: the form file (built in, and
// errors with file:line:column), the fields filled from the PoC sheet and the
// drill log, exactly the missing fields marked unknown, the withheld ones,
// and the attachments with their hashes. Golden files: tests/golden/cert/
// (KUNREN_UPDATE_GOLDEN=1 build/tests/kunren_tests --gtest_filter='CertDraft*'
// rewrites them).
#include <kunren/report/cert_draft.hpp>

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kunren/io/embedded.hpp>

#include "drill_fixture.hpp"
#include "report_testing.hpp"

namespace kunren::report {
namespace {

using testing::Drill;

std::vector<std::string> all_field_ids(const CertForm& form) {
  std::vector<std::string> out;
  for (const auto& g : form.groups)
    for (const auto& f : g.fields) out.push_back(f.id);
  return out;
}

const CertFieldValue& value_of(const CertDraft& d, const std::string& id) {
  for (const auto& v : d.values)
    if (v.field->id == id) return v;
  static CertFieldValue none;
  ADD_FAILURE() << "no field " << id;
  return none;
}

TEST(CertForm, BuiltInFormHasTheGroupsOfTheCertFormWithBothLanguages) {
  const CertForm& form = builtin_cert_form();
  EXPECT_EQ(form.id, "ics-incident-report");
  std::vector<std::string> groups;
  for (const auto& g : form.groups) groups.push_back(g.id);
  EXPECT_EQ(groups, (std::vector<std::string>{"reporter", "purpose", "system", "components", "incident", "attachments",
                                              "free"}));
  for (const auto& g : form.groups)
    for (const auto& f : g.fields) {
      EXPECT_TRUE(f.label.has("ja") && f.label.has("en")) << f.id;
    }
  const auto ids = all_field_ids(form);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "field ids are unique";
}

TEST(CertForm, UnknownKeyIsRejectedWithItsPosition) {
  const std::string text =
      "id: f\nversion: \"1\"\ntitle: T\ngroups:\n  - id: g\n    title: G\n    fields:\n"
      "      - id: a\n        label: A\n        colour: red\n";
  auto form = parse_cert_form(text, "form.yaml");
  ASSERT_FALSE(form.is_ok());
  EXPECT_EQ(form.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(form.status().where().file, "form.yaml");
  EXPECT_EQ(form.status().where().line, 10u);
  EXPECT_EQ(form.status().where().column, 9u);
  EXPECT_EQ(form.status().where().field, "groups[0].fields[0].colour");
  EXPECT_NE(form.status().message().find("colour"), std::string::npos);
}

TEST(CertForm, UnknownSourceAndDuplicateFieldAreRejected) {
  const std::string head = "id: f\nversion: \"1\"\ntitle: T\ngroups:\n  - id: g\n    title: G\n    fields:\n";
  auto bad_source = parse_cert_form(head + "      - id: a\n        label: A\n        source: poc.shoe_size\n", "f.yaml");
  ASSERT_FALSE(bad_source.is_ok());
  EXPECT_EQ(bad_source.status().where().line, 10u);
  EXPECT_EQ(bad_source.status().where().field, "groups[0].fields[0].source");
  auto dup = parse_cert_form(head + "      - id: a\n        label: A\n      - id: a\n        label: B\n", "f.yaml");
  ASSERT_FALSE(dup.is_ok());
  EXPECT_EQ(dup.status().where().line, 10u);
  EXPECT_NE(dup.status().message().find("twice"), std::string::npos);
  auto no_groups = parse_cert_form("id: f\nversion: \"1\"\ntitle: T\n", "f.yaml");
  ASSERT_FALSE(no_groups.is_ok());
  EXPECT_EQ(no_groups.status().where().field, "groups");
  auto not_yaml = parse_cert_form("id: [", "f.yaml");
  EXPECT_EQ(not_yaml.status().kind(), ErrorKind::kBadInput);
}

TEST(CertForm, TruncatedFormNeverCrashesAndFailsAsBadInput) {
  const auto& files = io::embedded_files();
  const std::string text(files.at("data/cert/ics-incident-report.yaml"));
  for (std::size_t cut = 0; cut < text.size(); cut += 37) {
    auto form = parse_cert_form(text.substr(0, cut), "cut.yaml");
    if (!form.is_ok()) {
      EXPECT_EQ(form.status().kind(), ErrorKind::kBadInput) << cut;
      EXPECT_EQ(form.status().where().file, "cut.yaml") << cut;
    }
  }
}

class CertDraftTest : public ::testing::Test {
 protected:
  void SetUp() override { drill.play(); }
  CertDraftInput input() {
    CertDraftInput in;
    in.poc = &poc;
    in.scenario = drill.scenario.get();
    in.state = &drill.state();
    in.exercise_id = "EX-2026-01";
    in.org_name = "サンプル化学";
    in.generated_at = "2026-11-26 12:00 UTC";
    return in;
  }
  Drill drill;
  model::PocSheet poc = testing::full_poc_sheet();
};

TEST_F(CertDraftTest, FullRecordsMatchTheGoldenDraftsInBothLanguages) {
  auto ja = cert_draft(builtin_cert_form(), input(), "ja");
  auto en = cert_draft(builtin_cert_form(), input(), "en");
  report::testing::expect_golden("cert/draft_ja.txt", ja.text);
  report::testing::expect_golden("cert/draft_en.txt", en.text);
  // With every record present only the field without a source is unknown.
  EXPECT_EQ(ja.unknown, (std::vector<std::string>{"free.text"}));
  EXPECT_TRUE(ja.withheld.empty());
  EXPECT_EQ(ja.values.size(), all_field_ids(builtin_cert_form()).size());
}

TEST_F(CertDraftTest, FieldsComeFromTheSheetAndTheLog) {
  auto d = cert_draft(builtin_cert_form(), input(), "ja");
  EXPECT_EQ(value_of(d, "reporter.email").value, "poc@example.jp");
  EXPECT_EQ(value_of(d, "purpose").value, "情報提供 (information)") << "the form's first option by default";
  EXPECT_NE(value_of(d, "system.systems").value.find("PLC — VendorA PLC-X 3.2 / OT L1（制御 LAN） / ライン1"),
            std::string::npos);
  // Discovered: the first report (+00:04); occurred: the first inject (+00:00).
  EXPECT_NE(value_of(d, "incident.discovered_at").value.find("+00:04"), std::string::npos);
  EXPECT_NE(value_of(d, "incident.occurred_at").value.find("+00:00"), std::string::npos);
  // The description holds the confirmed report, not the one merged into it.
  const auto& desc = value_of(d, "incident.description").value;
  EXPECT_NE(desc.find("HMI 画面が固まり"), std::string::npos);
  EXPECT_EQ(desc.find("PLC との通信"), std::string::npos);
  EXPECT_NE(value_of(d, "incident.impact").value.find("DP3 生産を止めるか: 停止する — 安全を優先する"), std::string::npos);
  EXPECT_EQ(value_of(d, "incident.impact").value.find("DP1"), std::string::npos) << "only stop/continue decisions";
  EXPECT_NE(value_of(d, "incident.status").value.find("対応中"), std::string::npos) << "no restart decision";
  const auto& files = value_of(d, "attachments.files").value;
  EXPECT_NE(files.find("hmi1-trend.csv"), std::string::npos);
  EXPECT_NE(files.find(std::string(64, 'a')), std::string::npos);
  EXPECT_NE(files.find("（ファイル名なし）"), std::string::npos) << "the config image has no file";
  EXPECT_NE(files.find("SHA-256: （不明）"), std::string::npos);
  EXPECT_NE(files.find("redact"), std::string::npos) << "config images are redacted";
  EXPECT_NE(d.text.find("下書き"), std::string::npos);
}

TEST_F(CertDraftTest, ADrillWithMissingInformationMarksExactlyTheMissingFields) {
  // A sheet without e-mail, plant, components and timekeeping; a drill with
  // no evidence and no confirmed report.
  model::PocSheet thin = testing::full_poc_sheet();
  thin.reporter.email.clear();
  thin.plant = "  ";
  thin.components.clear();
  thin.timekeeping.clear();
  Drill bare;
  bare.ok(bare.engine.control("user:fac", {{"action", "start"}, {"speed", 10}}));
  bare.at(3);
  bare.ok(bare.engine.act("user:prod", "production", "report", {{"what", "異音"}}));
  bare.at(9);
  CertDraftInput in = input();
  in.poc = &thin;
  in.state = &bare.state();
  auto d = cert_draft(builtin_cert_form(), in, "ja");
  EXPECT_EQ(d.unknown, (std::vector<std::string>{"reporter.email", "system.plant", "components.list",
                                                 "incident.timekeeping", "incident.description", "incident.impact",
                                                 "incident.actions", "attachments.files", "free.text"}));
  for (const auto& id : d.unknown) {
    EXPECT_EQ(value_of(d, id).mark, "unknown") << id;
    EXPECT_TRUE(value_of(d, id).value.empty()) << id;
  }
  EXPECT_NE(d.text.find("電子メール: （不明）"), std::string::npos);
  // Every other field has a value.
  for (const auto& v : d.values) {
    if (v.mark.empty()) {
      EXPECT_FALSE(v.value.empty()) << v.field->id;
    }
  }
}

TEST_F(CertDraftTest, WithoutAPocSheetEveryPocFieldIsUnknown) {
  CertDraftInput in = input();
  in.poc = nullptr;
  auto d = cert_draft(builtin_cert_form(), in, "en");
  for (const char* id : {"reporter.name", "reporter.organisation", "reporter.department", "reporter.email",
                         "reporter.phone", "system.industry", "system.plant", "system.systems", "components.list",
                         "incident.timekeeping"})
    EXPECT_EQ(value_of(d, id).mark, "unknown") << id;
  EXPECT_EQ(value_of(d, "incident.description").mark, "");
  EXPECT_NE(d.text.find("Name: (unknown)"), std::string::npos);
}

TEST_F(CertDraftTest, WithheldFieldsAndAttachmentsFollowThePocSheet) {
  poc.withhold = {"reporter.phone", "incident.impact", "attachments.process-state"};
  CertDraftInput in = input();
  in.purpose = "coordination";
  auto d = cert_draft(builtin_cert_form(), in, "en");
  EXPECT_EQ(d.withheld, (std::vector<std::string>{"reporter.phone", "incident.impact"}));
  EXPECT_EQ(value_of(d, "reporter.phone").mark, "withheld");
  EXPECT_TRUE(value_of(d, "reporter.phone").value.empty()) << "a withheld value is not in the draft";
  EXPECT_EQ(d.text.find("03-0000-0000"), std::string::npos);
  EXPECT_NE(d.text.find("Phone: (withheld)"), std::string::npos);
  EXPECT_NE(d.text.find("Physical and production impact: (withheld)"), std::string::npos);
  const auto& files = value_of(d, "attachments.files").value;
  const auto trend = files.find("hmi1-trend.csv");
  ASSERT_NE(trend, std::string::npos);
  EXPECT_NE(files.find("Disclosure: withhold", trend), std::string::npos);
  EXPECT_EQ(value_of(d, "purpose").value, "Request for coordination (coordination)");
}

}  // namespace
}  // namespace kunren::report
