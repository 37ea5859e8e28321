// The contract of parse_yaml_document() that its readers do not show: the
// traps themselves (yaml-cpp#1040, surrogate escapes, bad bytes, nesting) are
// tested through tests/io/checklist_io_test.cpp and responses_io_test.cpp.
#include <kunren/io/yaml_document.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kunren::io {
namespace {

using ::testing::HasSubstr;

YamlDocumentOptions widgets() { return {.what = "widget list", .max_bytes = 100}; }

TEST(YamlDocument, ReadsYamlAndJsonAndSaysWhich) {
  auto yaml = parse_yaml_document("a: [1, 2]\n", "w.yaml", widgets());
  ASSERT_TRUE(yaml.is_ok()) << yaml.status().to_string();
  EXPECT_FALSE(yaml->json());
  EXPECT_EQ(yaml->root()["a"][1].as<int>(), 2);

  auto json = parse_yaml_document(" \n{\"a\": [1, 2]}", "w.json", widgets());
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_TRUE(json->json());
  EXPECT_EQ(json->root()["a"][0].as<int>(), 1);
}

TEST(YamlDocument, LocateGivesFileLineCharacterColumnAndField) {
  auto doc = parse_yaml_document("\xEF\xBB\xBFnamé: {x: 1}\n", "w.yaml", widgets());
  ASSERT_TRUE(doc.is_ok()) << doc.status().to_string();
  Location where = doc->locate(doc->root()["namé"]["x"].Mark(), "namé.x");
  EXPECT_EQ(where.file, "w.yaml");
  EXPECT_EQ(where.line, 1u);
  EXPECT_EQ(where.column, 11u);  // not 12 (bytes), nor 12 or 15 with the skipped BOM
  EXPECT_EQ(where.field, "namé.x");
}

TEST(YamlDocument, NullMarkHasNoLineOrColumn) {
  auto doc = parse_yaml_document("a: 1\n", "w.yaml", widgets());
  ASSERT_TRUE(doc.is_ok());
  Location where = doc->locate(YAML::Mark::null_mark(), "b");
  EXPECT_EQ(where.file, "w.yaml");
  EXPECT_EQ(where.line, 0u);
  EXPECT_EQ(where.column, 0u);
  EXPECT_EQ(where.field, "b");
}

TEST(YamlDocument, MessagesNameWhatTheFileShouldHold) {
  auto empty = parse_yaml_document("# nothing\n", "w.yaml", widgets());
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(empty.status().message(), "the file is empty; expected a widget list");

  auto ctl = parse_yaml_document("a: \x02\n", "w.yaml", widgets());
  ASSERT_FALSE(ctl.is_ok());
  EXPECT_THAT(ctl.status().message(), HasSubstr("control character U+0002 is not allowed in a widget list"));

  auto big = parse_yaml_document(std::string(101, '#'), "w.yaml", widgets());
  ASSERT_FALSE(big.is_ok());
  EXPECT_EQ(big.status().message(), "the file is too large for a widget list (101 bytes; the limit is 100 bytes)");
  EXPECT_EQ(big.status().where().line, 0u);
}

TEST(YamlDocument, JsonOnlyReadsJsonWhateverTheTextStartsWith) {
  YamlDocumentOptions options = widgets();
  options.json_only = true;
  auto array = parse_yaml_document("[1, {\"b\": null}]", "w.json", options);
  ASSERT_TRUE(array.is_ok()) << array.status().to_string();
  EXPECT_TRUE(array->json());
  EXPECT_TRUE(array->root()[1]["b"].IsNull());

  auto yaml = parse_yaml_document("a: 1\n", "w.json", options);
  ASSERT_FALSE(yaml.is_ok());
  EXPECT_EQ(yaml.status().where().line, 1u);
  EXPECT_EQ(yaml.status().where().column, 1u);
  EXPECT_THAT(yaml.status().message(), HasSubstr("invalid JSON: syntax error"));
}

TEST(YamlDocument, SecondDocumentIsAnErrorWithoutProblems) {
  auto doc = parse_yaml_document("a: 1\n---\nb: 2\n", "w.yaml", widgets());
  ASSERT_FALSE(doc.is_ok());
  EXPECT_EQ(doc.status().where().line, 2u);
  EXPECT_EQ(doc.status().message(), "expected one YAML document; a second one starts here");
}

TEST(YamlDocument, SecondDocumentGoesToProblemsAndTheFirstIsReturned) {
  std::vector<Status> problems;
  auto doc = parse_yaml_document("a: 1\n---\nb: 2\n", "w.yaml", widgets(), &problems);
  ASSERT_TRUE(doc.is_ok()) << doc.status().to_string();
  EXPECT_EQ(doc->root()["a"].as<int>(), 1);
  EXPECT_FALSE(doc->root()["b"]);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where().line, 2u);
  EXPECT_THAT(problems[0].message(), HasSubstr("a second one starts here"));
}

TEST(YamlDocument, ErrorsThatStopTheParseAreNotAppendedToProblems) {
  std::vector<Status> problems;
  auto doc = parse_yaml_document("a: [1\n", "w.yaml", widgets(), &problems);
  ASSERT_FALSE(doc.is_ok());
  EXPECT_TRUE(problems.empty());
}

TEST(YamlDocument, EmptyDocumentHasANullRoot) {
  auto doc = parse_yaml_document("---\n", "w.yaml", widgets());
  ASSERT_TRUE(doc.is_ok()) << doc.status().to_string();
  EXPECT_TRUE(doc->root().IsNull());
  EXPECT_EQ(doc->locate(doc->root().Mark()).line, 2u);
}

}  // namespace
}  // namespace kunren::io
