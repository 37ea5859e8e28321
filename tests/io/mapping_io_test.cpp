// Checklist version mapping files: reading (file:line:column, unknown keys),
// checking against both checklists, and mapping answers from version 1 to 2.
#include <kunren/io/checklist_io.hpp>
#include <kunren/io/mapping_io.hpp>
#include <kunren/model/mapping.hpp>

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace kunren::io {
namespace {

model::Checklist load(const std::string& name) {
  auto c = load_checklist_file(testing::test_dir() + "/data/checklists/" + name);
  EXPECT_TRUE(c.is_ok()) << c.status().to_string();
  return *c;
}

const char* k_header =
    "format: kunren.mapping/1\n"
    "from: {checklist: small-test, version: \"1\"}\n"
    "to:   {checklist: small-test, version: \"2\"}\n"
    "items:\n";

TEST(MappingIo, TheFixtureReadsAndChecksAgainstBothVersions) {
  auto m = load_mapping_file(testing::test_dir() + "/data/mappings/small-1-to-2.yaml");
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(m->from_version, "1");
  EXPECT_EQ(m->to_version, "2");
  ASSERT_EQ(m->items.size(), 3u);
  EXPECT_EQ(m->items[1].choices, (std::map<int, int>{{1, 1}, {2, 3}}));
  EXPECT_FALSE(m->items[2].to.has_value());
  EXPECT_EQ(m->items[2].line, 8u);
  const auto v1 = load("small.yaml");
  const auto v2 = load("small-v2.yaml");
  EXPECT_TRUE(check_mapping(*m, v1, v2).is_ok()) << check_mapping(*m, v1, v2).to_string();
}

TEST(MappingIo, MapResponsesMovesAnswersIntoTheNewItemSpace) {
  auto m = load_mapping_file(testing::test_dir() + "/data/mappings/small-1-to-2.yaml");
  ASSERT_TRUE(m.is_ok());
  const auto v1 = load("small.yaml");
  const auto v2 = load("small-v2.yaml");
  model::ResponseSet in;
  in.item_count = 3;
  in.orgs = {{"a", "", "", "", "A"}, {"b", "", "", "", "B"}};
  in.answers = {2, 2, 1,   // a: partly, no, yes
                4, 1, 2};  // b: na, yes, no
  in.comments = {{0, 1, "復旧試験は未実施"}, {1, 2, "dropped item"}};
  auto out = model::map_responses(v1, v2, *m, in);
  ASSERT_EQ(out.item_count, 3u);
  EXPECT_EQ(out.answer(0, 0), 2);  // IMP-P0-01 by position
  EXPECT_EQ(out.answer(1, 0), 4);
  EXPECT_EQ(out.answer(0, 1), 3);  // IMP-P0-02 "No" (2) → IMP-P0-03 "Never" (3)
  EXPECT_EQ(out.answer(1, 1), 1);
  EXPECT_EQ(out.answer(0, 2), 0);  // OVR-O1-02 is new: unanswered
  EXPECT_EQ(out.answer(1, 2), 0);
  ASSERT_EQ(out.comments.size(), 1u);  // the dropped item's comment goes with it
  EXPECT_EQ(out.comments[0].item, 1u);
}

TEST(MappingIo, UnknownKeysNameLineAndColumn) {
  auto m = parse_mapping(std::string(k_header) + "  - {from: IMP-P0-01, to: IMP-P0-01, choice: {1: 1}}\n", "m.yaml");
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().where().file, "m.yaml");
  EXPECT_EQ(m.status().where().line, 5u);
  EXPECT_GT(m.status().where().column, 1u);
  EXPECT_NE(m.status().message().find("unknown key 'choice'"), std::string::npos);
}

TEST(MappingIo, WrongFormatAndMissingKeysAreErrors) {
  auto a = parse_mapping("format: kunren.mapping/9\nfrom: {checklist: x, version: 1}\nto: {checklist: x, version: 2}\n"
                         "items: []\n",
                         "m.yaml");
  ASSERT_FALSE(a.is_ok());
  EXPECT_EQ(a.status().where().line, 1u);
  auto b = parse_mapping(std::string(k_header) + "  - {from: IMP-P0-01}\n", "m.yaml");
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("'to' is missing"), std::string::npos);
  auto c = parse_mapping(std::string(k_header) + "  - {from: IMP-P0-02, to: IMP-P0-03, choices: {1: 1, x: 3}}\n",
                         "m.yaml");
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().where().line, 5u);
  auto json = parse_mapping("{\"format\": \"kunren.mapping/1\", \"from\": {\"checklist\": \"a\", \"version\": \"1\"},\n"
                            " \"to\": {\"checklist\": \"a\", \"version\": \"2\"}, \"items\": [{\"from\": \"X\", \"to\": null}]}",
                            "m.json");
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_FALSE(json->items[0].to.has_value());
}

TEST(MappingIo, CheckNamesTheLineOfABadIdOrChoice) {
  const auto v1 = load("small.yaml");
  const auto v2 = load("small-v2.yaml");
  auto check = [&](const std::string& items) {
    auto m = parse_mapping(std::string(k_header) + items, "m.yaml");
    EXPECT_TRUE(m.is_ok()) << m.status().to_string();
    return check_mapping(*m, v1, v2);
  };
  // An id of neither version.
  Status s = check("  - {from: IMP-P0-01, to: IMP-P0-01}\n  - {from: IMP-P0-99, to: IMP-P0-03}\n"
                   "  - {from: OVR-O1-01, to: null}\n");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.where().line, 6u);
  EXPECT_NE(s.message().find("IMP-P0-99"), std::string::npos);
  // A target choice out of range.
  s = check("  - {from: IMP-P0-02, to: IMP-P0-03, choices: {1: 1, 2: 7}}\n  - {from: OVR-O1-01, to: null}\n");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.where().line, 5u);
  // Mapped by position but the choices differ (IMP-P0-02 has 2, IMP-P0-03 has 3).
  s = check("  - {from: IMP-P0-02, to: IMP-P0-03}\n  - {from: OVR-O1-01, to: null}\n");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("give 'choices'"), std::string::npos);
  // A source choice left out.
  s = check("  - {from: IMP-P0-02, to: IMP-P0-03, choices: {1: 1}}\n  - {from: OVR-O1-01, to: null}\n");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("choice 2"), std::string::npos);
  // Two items onto one target.
  s = check("  - {from: IMP-P0-01, to: IMP-P0-01}\n  - {from: IMP-P0-02, to: IMP-P0-01, choices: {1: 1, 2: 3}}\n"
            "  - {from: OVR-O1-01, to: null}\n");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.where().line, 6u);
  // The versions must match the checklists.
  auto m = parse_mapping(std::string(k_header) + "  - {from: OVR-O1-01, to: null}\n", "m.yaml");
  ASSERT_TRUE(m.is_ok());
  EXPECT_FALSE(check_mapping(*m, v2, v1).is_ok());
}

}  // namespace
}  // namespace kunren::io
