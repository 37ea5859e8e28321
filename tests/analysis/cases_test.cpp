// Runs every data-file case in tests/cases/*.test through analyze().
//
// A case file (see tests/cases/README.md) declares items, organisations and
// their answers, then, after a line "----", the expected numbers. Only the
// keys written are checked, so a case states exactly what it is about.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <kunren/analysis/analysis.hpp>

#include "../test_support.hpp"

namespace kunren::analysis {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string join_ints(const std::vector<std::uint32_t>& v) {
  std::string out;
  for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

std::string fmt_score(const std::optional<double>& s) {
  if (!s) return "none";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *s);
  return buf;
}

struct Case {
  std::string name;
  model::Checklist checklist;
  model::ResponseSet responses;
  AnalysisOptions options;
  std::vector<std::pair<int, std::string>> expected;  // (line number, expectation)
};

Case load_case(const std::filesystem::path& path) {
  Case c;
  c.name = path.filename().string();
  std::ifstream in(path);
  std::string line;
  int line_no = 0;
  bool after = false;
  std::vector<std::string> specs;
  std::vector<std::string> org_ids;
  std::map<std::string, std::vector<std::string>> answers;
  while (std::getline(in, line)) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line = line.substr(0, hash);
    auto w = words(line);
    if (w.empty()) continue;
    if (w[0] == "----") {
      after = true;
      continue;
    }
    if (after) {
      c.expected.emplace_back(line_no, line);
      continue;
    }
    if (w[0] == "items:") {
      specs.assign(w.begin() + 1, w.end());
    } else if (w[0] == "orgs:") {
      org_ids.assign(w.begin() + 1, w.end());
    } else if (w[0] == "options:") {
      for (std::size_t i = 1; i < w.size(); ++i) {
        auto kv = split(w[i], '=');
        if (kv[0] == "strength_at") c.options.strength_at = std::stod(kv[1]);
        if (kv[0] == "challenge_at") c.options.challenge_at = std::stod(kv[1]);
        if (kv[0] == "not_exercised_at") c.options.not_exercised_at = std::stod(kv[1]);
      }
    } else {
      std::string id = w[0].substr(0, w[0].size() - 1);  // "Q1:" → "Q1"
      answers[id].assign(w.begin() + 1, w.end());
    }
  }
  c.checklist = kunren::testing::make_checklist(specs);
  c.responses.item_count = c.checklist.items.size();
  for (const auto& id : org_ids) {
    model::Organization o;
    o.id = id;
    c.responses.orgs.push_back(o);
  }
  c.responses.answers.assign(org_ids.size() * c.checklist.items.size(), 0);
  for (const auto& [item_id, cells] : answers) {
    auto item = c.checklist.find_item(item_id);
    if (!item) throw std::runtime_error(c.name + ": answers for unknown item " + item_id);
    if (cells.size() != org_ids.size()) throw std::runtime_error(c.name + ": wrong number of answers for " + item_id);
    for (std::size_t o = 0; o < cells.size(); ++o) {
      c.responses.answer(o, *item) = cells[o] == "-" ? 0 : static_cast<std::uint8_t>(std::stoi(cells[o]));
    }
  }
  model::assign_pseudonyms(c.responses.orgs);
  return c;
}

std::string item_value(const ItemResult& it, const std::string& key) {
  if (key == "n") return std::to_string(it.n);
  if (key == "answered") return std::to_string(it.answered);
  if (key == "unanswered") return std::to_string(it.unanswered);
  if (key == "na") return std::to_string(it.na);
  if (key == "counts") {
    std::vector<std::uint32_t> v;
    for (const auto& ch : it.choices) v.push_back(ch.count);
    return join_ints(v);
  }
  if (key == "percents") {
    std::vector<std::uint32_t> v;
    for (const auto& ch : it.choices) v.push_back(static_cast<std::uint32_t>(ch.percent));
    return join_ints(v);
  }
  if (key == "score") return fmt_score(it.score);
  if (key == "highlight") {
    std::string h = to_string(it.highlight);
    return h.empty() ? "none" : h;
  }
  return "<unknown key " + key + ">";
}

class AnalysisCases : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(AnalysisCases, ProducesTheExpectedNumbers) {
  Case c = load_case(GetParam());
  Analysis a = analyze(c.checklist, c.responses, c.options);
  ASSERT_FALSE(c.expected.empty()) << c.name << " has no expectations after ----";
  for (const auto& [line_no, line] : c.expected) {
    SCOPED_TRACE(c.name + ":" + std::to_string(line_no) + ": " + line);
    auto w = words(line);
    if (w[0].find('=') != std::string::npos) {  // strengths=… challenges=… not_exercised=…
      for (const auto& kv_s : w) {
        auto kv = split(kv_s, '=');
        const std::vector<std::size_t>* list = kv[0] == "strengths"    ? &a.strengths
                                               : kv[0] == "challenges" ? &a.challenges
                                                                       : &a.not_exercised;
        std::string got;
        for (auto i : *list) got += (got.empty() ? "" : ",") + a.items[i].id;
        EXPECT_EQ(got, kv.size() > 1 ? kv[1] : "") << kv[0];
      }
      continue;
    }
    if (w[0] == "section") {
      const SectionResult* s = nullptr;
      for (const auto& sr : a.sections)
        if (sr.id == w[1]) s = &sr;
      ASSERT_NE(s, nullptr) << "no section " << w[1];
      for (std::size_t i = 2; i < w.size(); ++i) {
        auto kv = split(w[i], '=');
        if (kv[0] == "score") EXPECT_EQ(fmt_score(s->score), kv[1]);
        else if (kv[0] == "na_share") EXPECT_EQ(fmt_score(s->na_share), kv[1]);
        else if (kv[0] == "items") EXPECT_EQ(std::to_string(s->items.size()), kv[1]);
        else ADD_FAILURE() << "unknown section key " << kv[0];
      }
      continue;
    }
    const ItemResult* it = nullptr;
    for (const auto& ir : a.items)
      if (ir.id == w[0]) it = &ir;
    ASSERT_NE(it, nullptr) << "no item " << w[0];
    for (std::size_t i = 1; i < w.size(); ++i) {
      auto kv = split(w[i], '=');
      EXPECT_EQ(item_value(*it, kv[0]), kv[1]) << "key " << kv[0];
    }
  }
}

std::vector<std::filesystem::path> case_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(kunren::testing::test_dir() + "/cases")) {
    if (e.path().extension() == ".test") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, AnalysisCases, ::testing::ValuesIn(case_files()),
                         [](const ::testing::TestParamInfo<std::filesystem::path>& info) {
                           std::string n = info.param.stem().string();
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(AnalysisCasesDir, HoldsTheFourPublishedExamples) {
  EXPECT_GE(case_files().size(), 4u);
}

}  // namespace
}  // namespace kunren::analysis
