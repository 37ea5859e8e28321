// Shared by the report tests: small hand-built Analysis values, and golden
// file comparison.
//
// The Analysis fields are set directly, as analyze() would set them, so these
// tests do not depend on the analysis code: n=8 organisations, two sections,
// three items.
//
// Golden files live in tests/golden/. Run the tests with KUNREN_UPDATE_GOLDEN=1
// to rewrite them from the current output, then review the diff before
// committing.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "../test_support.hpp"

#include <kunren/analysis/analysis.hpp>

namespace kunren::report::testing {

struct ChoiceSpec {
  std::string label;
  model::Level level;
  std::uint32_t count;
  int percent;
};

inline analysis::ItemResult make_item(std::string id, std::string section, model::Category category,
                                      std::string text, std::uint32_t n, const std::vector<ChoiceSpec>& choices) {
  analysis::ItemResult item;
  item.id = std::move(id);
  item.section = std::move(section);
  item.category = category;
  item.text = std::move(text);
  item.n = n;
  double points = 0;
  std::uint32_t rated = 0;
  int no = 1;
  for (const ChoiceSpec& c : choices) {
    item.answered += c.count;
    if (c.level == model::Level::kNa) {
      item.na += c.count;
    } else {
      rated += c.count;
      points += c.count * (c.level == model::Level::kGood ? 1.0 : c.level == model::Level::kPartial ? 0.5 : 0.0);
    }
    analysis::ChoiceResult r;
    r.no = no++;
    r.label = c.label;
    r.level = c.level;
    r.count = c.count;
    r.percent = c.percent;
    item.choices.push_back(r);
  }
  for (auto& r : item.choices) r.share = item.answered ? static_cast<double>(r.count) / item.answered : 0.0;
  item.unanswered = n - item.answered;
  if (rated > 0) item.score = points / rated;
  return item;
}

// Counts 1,4,2,0 of 7 answered, n=8 → 14,57,29,0; score 3/7 → challenge.
inline analysis::ItemResult item_with_unanswered() {
  auto item = make_item("IMP-P0-01", "p0-prep", model::Category::kImplementation,
                        "生産停止を判断できる体制があり、セキュリティ事案にも機能する", 8,
                        {{"機能する体制がある", model::Level::kGood, 1, 14},
                         {"一部機能する", model::Level::kPartial, 4, 57},
                         {"体制がない", model::Level::kPoor, 2, 29},
                         {"シナリオ対象外", model::Level::kNa, 0, 0}});
  item.index = 0;
  item.highlight = analysis::Highlight::kChallenge;
  item.comments = {{"A", "判断基準が事前に決まっておらず、議論に時間を要した。"},
                   {"C", "製造部門も参加し、停止判断を実際に議論できた。"}};
  return item;
}

// All 8 chose choice 1 → 100,0,0; score 1 → strength.
inline analysis::ItemResult item_all_one_choice() {
  auto item = make_item("IMP-P0-02", "p0-prep", model::Category::kImplementation,
                        "社内の連絡網が定められ、関係者全員に周知されている", 8,
                        {{"定められ周知されている", model::Level::kGood, 8, 100},
                         {"定められているが周知は一部", model::Level::kPartial, 0, 0},
                         {"定められていない", model::Level::kPoor, 0, 0}});
  item.index = 1;
  item.highlight = analysis::Highlight::kStrength;
  item.comments = {{"B", "夜間・休日の連絡先も更新済み。"}};
  return item;
}

// Counts 1,1,1,5 → 12,12,13,63 (ties to the higher choices); na 5/8 → not exercised.
inline analysis::ItemResult item_mostly_out_of_scope() {
  auto item = make_item("OVR-01", "o1-daily", model::Category::kOverall,
                        "訓練で得た課題を、日常の業務で改善できている", 8,
                        {{"できている", model::Level::kGood, 1, 12},
                         {"一部できている", model::Level::kPartial, 1, 12},
                         {"できていない", model::Level::kPoor, 1, 13},
                         {"シナリオ対象外", model::Level::kNa, 5, 63}});
  item.index = 2;
  item.highlight = analysis::Highlight::kNotExercised;
  return item;
}

inline analysis::Analysis small_analysis() {
  analysis::Analysis a;
  a.checklist_id = "factory-ir";
  a.checklist_version = "1";
  a.checklist_title = "工場インシデント対応訓練";
  a.organizations = 8;
  a.items = {item_with_unanswered(), item_all_one_choice(), item_mostly_out_of_scope()};

  analysis::SectionResult prep;
  prep.id = "p0-prep";
  prep.title = "事前対策";
  prep.category = model::Category::kImplementation;
  prep.items = {0, 1};
  prep.score = (3.0 / 7.0 + 1.0) / 2;
  prep.na_share = 0;
  analysis::SectionResult daily;
  daily.id = "o1-daily";
  daily.title = "日常的に取り組める";
  daily.category = model::Category::kOverall;
  daily.items = {2};
  daily.score = 0.5;
  daily.na_share = 5.0 / 8.0;
  a.sections = {prep, daily};

  a.strengths = {1};
  a.challenges = {0};
  a.not_exercised = {2};
  return a;
}

inline std::string golden_path(const std::string& name) { return kunren::testing::test_dir() + "/golden/" + name; }

// Compares `actual` with tests/golden/<name>, or rewrites the file when
// KUNREN_UPDATE_GOLDEN=1. On a mismatch, reports the first differing line.
inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = golden_path(name);
  const char* update = std::getenv("KUNREN_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << "missing golden file " << path << "; run the tests with KUNREN_UPDATE_GOLDEN=1";
  const std::string expected = kunren::testing::read_all(path);
  if (expected == actual) return;
  std::istringstream e(expected), a(actual);
  std::string el, al;
  int line = 0;
  while (true) {
    ++line;
    const bool has_e = static_cast<bool>(std::getline(e, el));
    const bool has_a = static_cast<bool>(std::getline(a, al));
    if (!has_e && !has_a) break;
    if (!has_e || !has_a || el != al) {
      ADD_FAILURE() << path << " differs at line " << line << "\n  expected: " << (has_e ? el : "<end of file>")
                    << "\n  actual:   " << (has_a ? al : "<end of file>")
                    << "\n(if the change is intended, rerun with KUNREN_UPDATE_GOLDEN=1 and review the diff)";
      return;
    }
  }
  ADD_FAILURE() << path << " differs (line endings?)";
}

}  // namespace kunren::report::testing
