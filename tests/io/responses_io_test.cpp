#include <kunren/io/responses_io.hpp>

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace kunren::io {
namespace {

using kunren::testing::make_checklist;

const model::Checklist& checklist() {
  static const model::Checklist c = make_checklist({"Q1=good,partial,poor,na", "Q2=good,poor", "Q3=good,partial,poor"});
  return c;
}

Result<ResponseImport> read(const std::string& text, const std::vector<model::Organization>* orgs = nullptr,
                            ResponseReadOptions options = {}) {
  return read_responses(text, "r.csv", checklist(), orgs, options);
}

void expect_error(const Result<ResponseImport>& r, std::uint64_t line, const std::string& field,
                  const std::string& fragment) {
  ASSERT_FALSE(r.is_ok()) << "expected an error containing: " << fragment;
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(r.status().where().file, "r.csv");
  EXPECT_EQ(r.status().where().line, line) << r.status().to_string();
  EXPECT_EQ(r.status().where().field, field) << r.status().to_string();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().to_string();
  EXPECT_EQ(exit_code_for(r.status().kind()), 2);
}

TEST(LongCsv, ReadsNumbersLabelsAndNumberDotLabel) {
  auto r = read("org,item,choice,comment\n"
                "A,Q1,2,\n"
                "A,Q2,Q2-2,\"良い点, 課題\"\n"
                "A,Q3,3. Q3-3,\n"
                "B,Q1,Q1 choice 4,\n"
                "B,Q3,,blank answer with comment\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const auto& rs = r->responses;
  ASSERT_EQ(rs.orgs.size(), 2u);
  EXPECT_EQ(rs.orgs[0].id, "A");
  EXPECT_EQ(rs.answer(0, 0), 2);
  EXPECT_EQ(rs.answer(0, 1), 2);
  EXPECT_EQ(rs.answer(0, 2), 3);
  EXPECT_EQ(rs.answer(1, 0), 4);
  EXPECT_EQ(rs.answer(1, 2), model::k_no_answer);
  ASSERT_EQ(rs.comments.size(), 2u);
  EXPECT_EQ(rs.comments[0].text, "良い点, 課題");
  EXPECT_EQ(r->format, ResponseFormat::kLongCsv);
  EXPECT_EQ(r->cells, 5u);
}

TEST(LongCsv, AcceptsJapaneseHeadersAndColumnsInAnyOrder) {
  auto r = read("回答,組織,設問\n1,A,Q1\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->responses.answer(0, 0), 1);
}

TEST(LongCsv, ItemMayBeNamedByItsTextInAnyLanguage) {
  auto r = read("org,item,choice\nA,Q2 text,1\nB,Q2 のテキスト,2\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->responses.answer(0, 1), 1);
  EXPECT_EQ(r->responses.answer(1, 1), 2);
}

TEST(LongCsv, ExtraColumnsAreIgnoredWithAWarningNamingThem) {
  auto r = read("org,item,choice,timestamp\nA,Q1,1,2026-01-01\n");
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].message.find("timestamp"), std::string::npos);
}

TEST(LongCsv, UnknownItemNamesLineAndColumn) {
  expect_error(read("org,item,choice\nA,Q1,1\nA,Q9,1\n"), 3, "item", "unknown item 'Q9'");
}

TEST(LongCsv, UnknownChoiceNamesLineColumnAndTheValidChoices) {
  expect_error(read("org,item,choice\nA,Q1,1\nB,Q2,maybe\n"), 3, "choice", "unknown choice 'maybe' for item Q2");
}

TEST(LongCsv, ChoiceNumberOutOfRangeIsRejected) {
  expect_error(read("org,item,choice\nA,Q2,3\n"), 2, "choice", "out of range for item Q2 (1–2)");
  expect_error(read("org,item,choice\nA,Q2,0\n"), 2, "choice", "out of range");
}

TEST(LongCsv, NumberAndLabelThatDisagreeAreRejected) {
  expect_error(read("org,item,choice\nA,Q1,1. Q1-2\n"), 2, "choice", "the number says 1 but the label is choice 2");
}

TEST(LongCsv, DuplicateAnswerNamesBothLines) {
  expect_error(read("org,item,choice\nA,Q1,1\nA,Q2,1\nA,Q1,2\n"), 4, "item",
               "duplicate answer for org 'A' and item Q1 (first at line 2)");
}

TEST(LongCsv, RaggedRowIsRejected) {
  expect_error(read("org,item,choice\nA,Q1,1\nA,Q2\n"), 3, "", "row has 2 fields but the header has 3");
}

TEST(LongCsv, OrgMissingFromOrgsFileIsRejected) {
  std::vector<model::Organization> orgs(1);
  orgs[0].id = "A";
  ResponseReadOptions opts;
  opts.orgs_file = "orgs.csv";
  expect_error(read("org,item,choice\nA,Q1,1\nZ,Q1,1\n", &orgs, opts), 3, "org",
               "org 'Z' is not in the orgs file orgs.csv");
}

TEST(LongCsv, OrganisationsOfTheOrgsFileWithoutAnyAnswerAreNamedInAWarning) {
  std::vector<model::Organization> orgs(3);
  orgs[0].id = "A";
  orgs[1].id = "Quiet Works";
  orgs[2].id = "B";
  ResponseReadOptions opts;
  opts.orgs_file = "orgs.csv";
  auto r = read("org,item,choice\nA,Q1,1\nB,Q2,\n", &orgs, opts);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->responses.orgs.size(), 3u);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0].where.file, "orgs.csv");
  EXPECT_NE(r->warnings[0].message.find("2 organisation(s)"), std::string::npos) << r->warnings[0].message;
  EXPECT_NE(r->warnings[0].message.find("Quiet Works, B"), std::string::npos);
}

TEST(LongCsv, OrgsFileFixesTheOrganisationsAndTheirOrder) {
  std::vector<model::Organization> orgs(3);
  orgs[0].id = "C";
  orgs[1].id = "A";
  orgs[2].id = "B";
  auto r = read("org,item,choice\nA,Q1,1\n", &orgs);
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->responses.orgs.size(), 3u);
  EXPECT_EQ(r->responses.orgs[1].id, "A");
  EXPECT_EQ(r->responses.answer(1, 0), 1);
  EXPECT_EQ(r->responses.answer(0, 0), model::k_no_answer);
}

TEST(LongCsv, EmptyFileIsRejected) {
  auto r = read("");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("empty"), std::string::npos);
  EXPECT_FALSE(read("\r\n\n").is_ok());
}

TEST(LongCsv, HeaderWithoutOrgColumnIsRejected) {
  expect_error(read("who,item,choice\nA,Q1,1\n"), 1, "", "no 'org' column");
}

TEST(LongCsv, UndecodableBytesAreRejectedWithTheirLine) {
  auto r = read("org,item,choice\nA,Q1,1\nB,Q1,\xff\xfe\n");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().line, 3u);
}

TEST(LongCsv, Cp932FileWithLabelsIsReadAndDetected) {
  // Labels of a real Japanese checklist arrive in CP932 from Excel.
  model::Checklist c = make_checklist({"Q1=good,poor"});
  c.items[0].choices[0].label = model::LocalizedText{{"ja", "できた"}, {"en", "done"}};
  c.reindex();
  std::string cp932 = "org,item,choice\r\nA,Q1,\x82\xc5\x82\xab\x82\xbd\r\n";  // できた
  auto r = read_responses(cp932, "sjis.csv", c);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->encoding, Encoding::kCp932);
  EXPECT_EQ(r->responses.answer(0, 0), 1);
}

TEST(LongCsv, EveryOrganisationGetsAPseudonymThatIsNotItsId) {
  auto r = read("org,item,choice\nTokyo Plant,Q1,1\nOsaka Plant,Q1,1\n");
  ASSERT_TRUE(r.is_ok());
  for (const auto& o : r->responses.orgs) {
    EXPECT_FALSE(o.pseudonym.empty());
    EXPECT_EQ(o.pseudonym.find("Plant"), std::string::npos);
  }
  EXPECT_NE(r->responses.orgs[0].pseudonym, r->responses.orgs[1].pseudonym);
}

TEST(WideCsv, ReadsItemColumnsByIdAndByTextAndCommentColumns) {
  auto r = read("timestamp,org,Q1,Q2 のテキスト,Q2#comment,Q3 text,email\n"
                "2026-01-01,A,1,Q2-2,\"課題: 外部連携\",3. Q3-3,a@example.jp\n"
                "2026-01-02,B,,1,,,b@example.jp\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->format, ResponseFormat::kWideCsv);
  const auto& rs = r->responses;
  EXPECT_EQ(rs.answer(0, 0), 1);
  EXPECT_EQ(rs.answer(0, 1), 2);
  EXPECT_EQ(rs.answer(0, 2), 3);
  EXPECT_EQ(rs.answer(1, 0), model::k_no_answer);
  ASSERT_EQ(rs.comments.size(), 1u);
  EXPECT_EQ(rs.comments[0].text, "課題: 外部連携");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].message.find("timestamp, email"), std::string::npos);
}

TEST(WideCsv, SecondRowForTheSameOrgIsADuplicate) {
  expect_error(read("org,Q1\nA,1\nB,1\nA,2\n"), 4, "org", "org 'A' has a second row (first at line 2)");
}

TEST(WideCsv, TwoColumnsForOneItemAreRejected) {
  expect_error(read("org,Q1,Q1 text\nA,1,1\n"), 1, "Q1 text", "item Q1 has two answer columns");
}

TEST(WideCsv, UnknownChoiceNamesTheColumn) {
  expect_error(read("org,Q1,Q2\nA,1,7\n"), 2, "Q2", "out of range for item Q2");
}

TEST(WideCsv, HeaderMatchingNoItemIsRejected) {
  expect_error(read("org,foo,bar\nA,1,2\n"), 1, "", "no column is headed by an item id");
}

TEST(Json, ReadsAnswersWithChoicesAndComments) {
  auto r = read_responses(R"({"schema": "kunren.responses/1", "checklist": "test",
    "responses": [
      {"org": "A", "industry": "化学", "answers": {"Q1": 2, "Q2": "Q2-1", "Q3": {"choice": "3. Q3-3", "comment": "よし"}}},
      {"org": "B", "answers": {"Q1": null}}
    ]})",
                          "r.json", checklist());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->format, ResponseFormat::kJson);
  EXPECT_EQ(r->responses.answer(0, 0), 2);
  EXPECT_EQ(r->responses.answer(0, 1), 1);
  EXPECT_EQ(r->responses.answer(0, 2), 3);
  EXPECT_EQ(r->responses.orgs[0].industry, "化学");
  EXPECT_EQ(r->responses.answer(1, 0), model::k_no_answer);
  ASSERT_EQ(r->responses.comments.size(), 1u);
}

TEST(Json, UnknownChoiceNamesLineAndColumn) {
  auto r = read_responses("{\"responses\": [\n  {\"org\": \"A\",\n   \"answers\": {\"Q2\": 5}}]}", "r.json",
                          checklist());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().line, 3u);
  EXPECT_EQ(r.status().where().column, 22u);
  EXPECT_NE(r.status().message().find("out of range"), std::string::npos);
}

TEST(Json, UnknownKeyAndWrongChecklistAreRejected) {
  EXPECT_FALSE(read_responses(R"({"responses": [], "extra": 1})", "r.json", checklist()).is_ok());
  auto r = read_responses(R"({"checklist": "other", "responses": []})", "r.json", checklist());
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("'other'"), std::string::npos);
}

TEST(Json, SyntaxErrorNamesLine) {
  auto r = read_responses("{\"responses\": [\n{\"org\": \"A\",, }]}", "r.json", checklist());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().line, 2u);
}

Result<ResponseImport> read_json_text(const std::string& text, ResponseReadOptions options = {}) {
  return read_responses(text, "r.json", checklist(), nullptr, options);
}

void expect_json_error(const Result<ResponseImport>& r, std::uint64_t line, std::uint64_t column,
                       const std::string& fragment) {
  ASSERT_FALSE(r.is_ok()) << "expected an error containing: " << fragment;
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(r.status().where().file, "r.json");
  EXPECT_EQ(r.status().where().line, line) << r.status().to_string();
  EXPECT_EQ(r.status().where().column, column) << r.status().to_string();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().to_string();
}

TEST(Json, SyntaxErrorIsReportedAtJsonsOwnLineAndColumn) {
  auto r = read_json_text("{\"responses\": [\n  {\"org\": \"A\",, }]}");
  expect_json_error(r, 2, 15, "invalid JSON: syntax error while parsing object key - unexpected ','");
  EXPECT_EQ(r.status().message().find("json.exception"), std::string::npos) << r.status().to_string();
  expect_json_error(read_json_text("{\"responses\": [\n"), 2, 1, "invalid JSON: syntax error");
}

// yaml-cpp 0.7 reads the first document and ignores what follows it (and its
// LoadAll() never returns on a stray ',': jbeder/yaml-cpp#1040).
TEST(Json, YamlCpp1040StrayTopLevelCommaIsASyntaxError) {
  expect_json_error(read_json_text(R"({"responses": []},)"), 1, 18, "invalid JSON: syntax error");
  expect_json_error(read_json_text("{\"responses\": []}\n,\n"), 2, 1, "unexpected ','");
}

TEST(Json, ColumnsCountCharactersNotBytes) {
  // "東京" is 2 characters but 6 bytes: the bad choice is at column 48, not 52.
  expect_json_error(read_json_text(R"({"responses": [{"org": "東京", "answers": {"Q2": 5}}]})"), 1, 48,
                    "choice 5 is out of range for item Q2");
}

TEST(Json, InvalidUtf8IsRejectedWithItsPosition) {
  // 0x80 starts no character in UTF-8 nor in CP932, so encoding detection
  // cannot turn it into text either.
  auto r = read_json_text("{\"responses\": [\n  {\"org\": \"A\x80\"}]}");
  expect_json_error(r, 2, 13, "neither valid UTF-8 nor CP932 (byte 0x80");
}

TEST(Json, ControlCharacterIsRejectedWithItsPosition) {
  expect_json_error(read_json_text("{\"responses\": [\n  {\"org\": \"A\x01\"}]}"), 2, 13,
                    "control character U+0001 is not allowed in a responses file");
}

TEST(Json, SurrogatePairEscapeInACommentSurvives) {
  auto r = read_json_text(
      R"({"responses": [{"org": "A", "answers": {"Q1": {"choice": 1, "comment": "good \ud83d\ude00 \u00e9"}}}]})");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->responses.comments.size(), 1u);
  EXPECT_EQ(r->responses.comments[0].text, "good \xF0\x9F\x98\x80 \xC3\xA9");
}

TEST(Json, PositionsAfterASurrogatePairAreInOriginalCharacters) {
  // The escape is 12 characters in the file but 10 in what yaml-cpp reads: 58, not 56.
  expect_json_error(read_json_text(R"({"responses": [{"org": "\ud83d\ude00", "answers": {"Q2": 5}}]})"), 1, 58,
                    "out of range for item Q2");
}

TEST(Json, SecondResponseForTheSameOrgNamesTheFirstLine) {
  expect_json_error(read_json_text("{\"responses\": [\n  {\"org\": \"A\"},\n  {\"org\": \"B\"}, {\"org\": \"A\"}]}"), 3,
                    25, "duplicate answers: org 'A' appears again (first at line 2)");
}

TEST(Json, ForcedJsonFormatReadsTheTextAsJsonOnly) {
  ResponseReadOptions options;
  options.format = ResponseFormat::kJson;
  expect_json_error(read_json_text("responses: []\n", options), 1, 1, "invalid JSON");
}

TEST(Json, TooLargeFileIsRejectedBeforeParsing) {
  const std::string huge = "{" + std::string(k_max_json_responses_bytes, ' ') + "}";
  auto r = read_json_text(huge);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("too large for a responses file"), std::string::npos) << r.status().to_string();
}

TEST(OrgsCsv, ReadsOrganisationsWithJapaneseHeaders) {
  auto r = read_orgs("組織,組織名,業種,規模\nA,東邦化成 鹿島工場,化学,1000〜4999人\n", "orgs.csv");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "東邦化成 鹿島工場");
  EXPECT_EQ((*r)[0].industry, "化学");
}

TEST(OrgsCsv, DuplicateOrgIsRejected) {
  auto r = read_orgs("org,name\nA,x\nA,y\n", "orgs.csv");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().line, 3u);
  EXPECT_NE(r.status().message().find("listed twice (first at line 2)"), std::string::npos);
}

TEST(OrgsCsv, MissingOrgColumnAndEmptyFileAreRejected) {
  EXPECT_FALSE(read_orgs("name,industry\nx,y\n", "orgs.csv").is_ok());
  EXPECT_FALSE(read_orgs("org,name\n", "orgs.csv").is_ok());
  EXPECT_FALSE(read_orgs("", "orgs.csv").is_ok());
}

TEST(Responses, TruncatingALongCsvAtEveryByteNeverCrashes) {
  const std::string text = "org,item,choice,comment\nA,Q1,1,\"x, \"\"y\"\"\"\nA,Q2,Q2-2,\nB,Q3,3. Q3-3,z\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    auto r = read(text.substr(0, cut));
    if (!r.is_ok()) EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  }
}

TEST(Responses, TruncatingAJsonFileAtEveryByteNeverCrashes) {
  const std::string text = R"({"schema": "kunren.responses/1", "checklist": "test",
  "responses": [{"org": "東京", "answers": {"Q1": 2, "Q2": {"choice": "Q2-1", "comment": "よし \ud83d\ude00"}}},
                {"org": "B", "answers": {"Q3": null}}]}
)";
  ASSERT_TRUE(read_json_text(text).is_ok()) << read_json_text(text).status().to_string();
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    Result<ResponseImport> r = Status::internal("not run");
    ASSERT_NO_THROW(r = read_json_text(text.substr(0, cut))) << cut;
    if (!r.is_ok()) EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput) << cut << ": " << r.status().to_string();
  }
}

}  // namespace
}  // namespace kunren::io

namespace kunren::io {
namespace {

// Random long CSV with everything that makes splitting hard: multi-line
// quoted comments, doubled quotes, CRLF, blank lines, blanks, and sometimes a
// duplicate or an unknown item.
std::string random_long_csv(std::mt19937& rng, bool allow_errors) {
  std::string out = rng() % 2 ? "org,item,choice,comment\r\n" : "org,item,choice,comment\n";
  const char* items[] = {"Q1", "Q2", "Q3"};
  const int orgs = 1 + static_cast<int>(rng() % 12);
  for (int o = 0; o < orgs; ++o) {
    for (const char* item : items) {
      if (rng() % 7 == 0) continue;
      std::string comment;
      switch (rng() % 6) {
        case 0: comment = "\"line one\nline \"\"two\"\", end\""; break;
        case 1: comment = "\"a\r\nb\""; break;
        case 2: comment = "plain"; break;
        default: break;
      }
      const char* choice = (std::string(item) == "Q2") ? (rng() % 2 ? "1" : "Q2-2") : (rng() % 4 ? "2" : "");
      out += "org" + std::to_string(o) + "," + item + "," + choice + "," + comment + (rng() % 3 ? "\n" : "\r\n");
      if (rng() % 9 == 0) out += "\n";
    }
  }
  if (allow_errors && rng() % 4 == 0) out += "org0,Q1,1,\n";             // likely a duplicate
  if (allow_errors && rng() % 6 == 0) out.insert(out.size() / 2, "\nzz,Q9,1,\n");
  return out;
}

TEST(LongCsvParallel, ChunkedReadGivesExactlyTheSequentialResultOrError) {
  std::mt19937 rng(2026);
  for (int trial = 0; trial < 400; ++trial) {
    const std::string text = random_long_csv(rng, true);
    ResponseReadOptions seq;
    seq.threads = 1;
    auto a = read(text, nullptr, seq);
    for (unsigned threads : {2u, 3u, 5u}) {
      ResponseReadOptions par;
      par.threads = threads;
      par.parallel_from_bytes = 0;
      auto b = read(text, nullptr, par);
      ASSERT_EQ(a.is_ok(), b.is_ok()) << text;
      if (!a.is_ok()) {
        EXPECT_EQ(a.status().to_string(), b.status().to_string());
        continue;
      }
      const auto& x = a->responses;
      const auto& y = b->responses;
      ASSERT_EQ(x.orgs.size(), y.orgs.size());
      for (std::size_t i = 0; i < x.orgs.size(); ++i) {
        EXPECT_EQ(x.orgs[i].id, y.orgs[i].id);
        EXPECT_EQ(x.orgs[i].pseudonym, y.orgs[i].pseudonym);
      }
      EXPECT_EQ(x.answers, y.answers);
      ASSERT_EQ(x.comments.size(), y.comments.size());
      for (std::size_t i = 0; i < x.comments.size(); ++i) {
        EXPECT_EQ(x.comments[i].org, y.comments[i].org);
        EXPECT_EQ(x.comments[i].item, y.comments[i].item);
        EXPECT_EQ(x.comments[i].text, y.comments[i].text);
      }
      EXPECT_EQ(a->cells, b->cells);
    }
  }
}

TEST(LongCsvParallel, DuplicateAcrossChunksIsReportedAsSequentially) {
  std::string text = "org,item,choice\n";
  for (int i = 0; i < 200; ++i) text += "org" + std::to_string(i) + ",Q1,1\n";
  text += "org3,Q1,2\n";
  ResponseReadOptions par;
  par.threads = 4;
  par.parallel_from_bytes = 0;
  expect_error(read(text, nullptr, par), 202, "item", "duplicate answer for org 'org3' and item Q1 (first at line 5)");
}

TEST(LongCsvParallel, FixedOrganisationsFromAnOrgsFileMergeAcrossChunks) {
  std::vector<model::Organization> orgs(3);
  orgs[0].id = "B";
  orgs[1].id = "A";
  orgs[2].id = "C";
  const std::string text = "org,item,choice\nA,Q1,1\nB,Q2,2\nA,Q3,3\nB,Q1,2\nC,Q1,1\n";
  ResponseReadOptions par;
  par.threads = 3;
  par.parallel_from_bytes = 0;
  auto r = read(text, &orgs, par);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->responses.orgs[1].id, "A");
  EXPECT_EQ(r->responses.answer(1, 0), 1);
  EXPECT_EQ(r->responses.answer(1, 2), 3);
  EXPECT_EQ(r->responses.answer(0, 0), 2);
  EXPECT_EQ(r->responses.answer(0, 1), 2);
  EXPECT_EQ(r->responses.answer(2, 0), 1);
}

}  // namespace
}  // namespace kunren::io

namespace kunren::io {
namespace {

TEST(JapaneseInput, FullWidthDigitsAndIdeographicSpacesInChoiceCellsAreRead) {
  // "２", "　１　" and "３．Q3-3" as typed with a Japanese input method.
  auto r = read("org,item,choice\nA,Q1,\xEF\xBC\x92\nA,Q2,\xE3\x80\x80\xEF\xBC\x91\xE3\x80\x80\n"
                "A,Q3,\xEF\xBC\x93\xEF\xBC\x8EQ3-3\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->responses.answer(0, 0), 2);
  EXPECT_EQ(r->responses.answer(0, 1), 1);
  EXPECT_EQ(r->responses.answer(0, 2), 3);
}

TEST(JapaneseInput, LabelsContainingFullWidthDigitsStillMatchExactly) {
  model::Checklist c = make_checklist({"Q1=good,poor"});
  c.items[0].choices[0].label = model::LocalizedText{{"ja", "２時間以内に報告"}};
  c.reindex();
  auto r = read_responses("org,item,choice\nA,Q1,２時間以内に報告\nB,Q1,１．２時間以内に報告\n", "r.csv", c);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->responses.answer(0, 0), 1);
  EXPECT_EQ(r->responses.answer(1, 0), 1);
}

TEST(JapaneseInput, FullWidthNumberOutOfRangeIsStillAnError) {
  expect_error(read("org,item,choice\nA,Q2,\xEF\xBC\x99\n"), 2, "choice", "choice 9 is out of range for item Q2");
}

TEST(WideCsv, HeaderStartingWithAnItemIdAndASeparatorNamesThatItem) {
  auto r = read("org,Q1 停止判断の体制,Q2：窓口,Q3\xE3\x80\x80連絡網,Q30 other,Q1x\nA,1,2,3,x,y\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->responses.answer(0, 0), 1);
  EXPECT_EQ(r->responses.answer(0, 1), 2);
  EXPECT_EQ(r->responses.answer(0, 2), 3);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].message.find("Q30 other, Q1x"), std::string::npos);
}

}  // namespace
}  // namespace kunren::io
