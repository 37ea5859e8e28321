#include <kunren/sample/generator.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <kunren/io/builtin.hpp>
#include <kunren/io/embedded.hpp>

namespace kunren::sample {
namespace {

using model::Category;
using model::Checklist;
using model::Level;

// ---------------------------------------------------------------------------
// Fixtures: a checklist shaped like factory-ir (13 sections, 75 items, na
// choices in the drill phases), built by hand so that the tests do not depend
// on the built-in file.

model::Choice choice(int no, const char* label, Level level) {
  model::Choice c;
  c.no = no;
  c.label = model::LocalizedText(label);
  c.level = level;
  return c;
}

Checklist factory_like_checklist() {
  struct Spec {
    const char* id;
    Category category;
    int items;
  };
  const Spec specs[] = {
      {"p0-prep", Category::kImplementation, 10},     {"p1-drill-prep", Category::kImplementation, 5},
      {"p2-detect", Category::kImplementation, 6},    {"p3-situation", Category::kImplementation, 6},
      {"p4-production", Category::kImplementation, 6}, {"p5-contain", Category::kImplementation, 7},
      {"p6-external", Category::kImplementation, 7},  {"p7-recovery", Category::kImplementation, 5},
      {"p8-restart", Category::kImplementation, 4},   {"p9-after", Category::kImplementation, 4},
      {"o1-daily", Category::kOverall, 5},            {"o2-drill", Category::kOverall, 5},
      {"o3-external", Category::kOverall, 5},
  };
  Checklist c;
  c.id = "factory-like";
  c.version = "1";
  int phase = 0;
  for (const auto& spec : specs) {
    model::Section s;
    s.id = spec.id;
    s.category = spec.category;
    s.title = model::LocalizedText(spec.id);
    c.sections.push_back(s);
    for (int i = 0; i < spec.items; ++i) {
      model::Item item;
      item.id = std::string(spec.id) + "-" + std::to_string(i + 1);
      item.section = spec.id;
      item.text = model::LocalizedText("item " + item.id);
      if (spec.category == Category::kOverall) {
        // Two partial choices, to exercise several choices of one level.
        item.choices = {choice(1, "できる", Level::kGood), choice(2, "ある程度できる", Level::kPartial),
                        choice(3, "あまりできない", Level::kPartial), choice(4, "できない", Level::kPoor)};
      } else if (i % 5 == 4) {
        item.choices = {choice(1, "できた", Level::kGood), choice(2, "できなかった", Level::kPoor)};
      } else {
        item.choices = {choice(1, "できた", Level::kGood), choice(2, "一部できた", Level::kPartial),
                        choice(3, "できなかった", Level::kPoor)};
      }
      if (phase >= 2 && spec.category == Category::kImplementation && i % 3 != 2) {
        item.choices.push_back(choice(static_cast<int>(item.choices.size()) + 1, "シナリオ対象外", Level::kNa));
      }
      c.items.push_back(item);
    }
    ++phase;
  }
  c.reindex();
  return c;
}

// A strict RFC 4180 reader: LF line ends, quotes only around whole fields.
// Returns false on any malformed input.
bool parse_csv(const std::string& text, std::vector<std::vector<std::string>>& rows) {
  rows.clear();
  std::vector<std::string> row;
  std::string field;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) return false;  // unterminated
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n') return false;
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n') {
        if (text[i] == '"' || text[i] == '\r') return false;
        field.push_back(text[i++]);
      }
    }
    if (i >= text.size()) return false;  // the last row must end with LF
    row.push_back(std::move(field));
    field.clear();
    if (text[i++] == '\n') {
      rows.push_back(std::move(row));
      row.clear();
    }
  }
  return row.empty();
}

std::string responses_csv(const Checklist& c, SampleOptions options) {
  std::ostringstream out;
  const Status st = write_sample_responses(c, options, out);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return out.str();
}

std::vector<std::vector<std::string>> responses_rows(const Checklist& c, SampleOptions options) {
  std::vector<std::vector<std::string>> rows;
  EXPECT_TRUE(parse_csv(responses_csv(c, options), rows));
  return rows;
}

// good=1, partial=0.5, poor=0; -1 for blank or na (as in the item score).
double cell_score(const Checklist& c, std::size_t item, const std::string& cell) {
  if (cell.empty()) return -1;
  switch (c.items[item].choices[std::stoi(cell) - 1].level) {
    case Level::kGood: return 1;
    case Level::kPartial: return 0.5;
    case Level::kPoor: return 0;
    case Level::kNa: return -1;
  }
  return -1;
}

// data/sample/comments.yaml, parsed once.
const YAML::Node& comments_file() {
  static const YAML::Node root = [] {
    const auto& files = io::embedded_files();
    const auto it = files.find("data/sample/comments.yaml");
    return it == files.end() ? YAML::Node() : YAML::Load(std::string(it->second));
  }();
  return root;
}

// The texts of one list of the comments file (empty if there is none).
std::set<std::string> comment_texts(const char* map, const std::string& key, const char* level) {
  std::set<std::string> texts;
  const YAML::Node list = comments_file()[map][key][level];
  if (list && list.IsSequence()) {
    for (const auto& text : list) texts.insert(text.as<std::string>());
  }
  return texts;
}

std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Checklist builtin_factory_ir() {
  auto loaded = io::load_builtin_checklist("factory-ir");
  EXPECT_TRUE(loaded) << loaded.status().to_string();
  return loaded ? std::move(loaded).value() : Checklist{};
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// A campaign of 2,000 organisations, generated once for the statistical tests.
class SampleCampaign : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_checklist = new Checklist(factory_like_checklist());
    SampleOptions options;
    options.orgs = k_orgs;
    options.seed = 7;
    s_rows = new std::vector<std::vector<std::string>>(responses_rows(*s_checklist, options));
  }
  static void TearDownTestSuite() {
    delete s_rows;
    delete s_checklist;
  }
  static const std::string& cell(std::size_t org, std::size_t item, int column) {
    return (*s_rows)[1 + org * s_checklist->items.size() + item][column];
  }
  static constexpr std::size_t k_orgs = 2000;
  static Checklist* s_checklist;
  static std::vector<std::vector<std::string>>* s_rows;
};
Checklist* SampleCampaign::s_checklist = nullptr;
std::vector<std::vector<std::string>>* SampleCampaign::s_rows = nullptr;

// ---------------------------------------------------------------------------
// Determinism and shape.

TEST(SampleGenerator, SameSeedGivesIdenticalBytesAndAnotherSeedDifferentOnes) {
  const Checklist c = factory_like_checklist();
  SampleOptions options;
  options.orgs = 120;
  const std::string a = responses_csv(c, options);
  EXPECT_EQ(a, responses_csv(c, options));
  options.seed = 2;
  EXPECT_NE(a, responses_csv(c, options));

  std::ostringstream orgs1, orgs2, orgs3;
  ASSERT_TRUE(write_sample_orgs({.orgs = 40, .seed = 1}, orgs1).is_ok());
  ASSERT_TRUE(write_sample_orgs({.orgs = 40, .seed = 1}, orgs2).is_ok());
  ASSERT_TRUE(write_sample_orgs({.orgs = 40, .seed = 9}, orgs3).is_ok());
  EXPECT_EQ(orgs1.str(), orgs2.str());
  EXPECT_NE(orgs1.str(), orgs3.str());
}

TEST(SampleGenerator, AnOrganisationsAnswersDoNotDependOnHowManyOrganisationsThereAre) {
  const Checklist c = factory_like_checklist();
  const std::string small = responses_csv(c, {.orgs = 40});
  const std::string large = responses_csv(c, {.orgs = 100});
  EXPECT_EQ(small, large.substr(0, small.size()));
}

TEST(SampleGenerator, WritesTheHeaderThenOneRowPerOrganisationAndItemInOrder) {
  const Checklist c = factory_like_checklist();
  const auto rows = responses_rows(c, {.orgs = 40});
  ASSERT_EQ(rows.size(), 40 * c.items.size() + 1);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"org", "item", "choice", "comment"}));
  const auto orgs = sample_organizations({.orgs = 40});
  for (std::size_t o = 0; o < 40; ++o) {
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      const auto& row = rows[1 + o * c.items.size() + i];
      ASSERT_EQ(row.size(), 4u);
      EXPECT_EQ(row[0], orgs[o].id);
      EXPECT_EQ(row[1], c.items[i].id);
    }
  }
}

TEST(SampleGenerator, OutputIsUtf8WithoutBomAndUsesLfLineEnds) {
  const std::string csv = responses_csv(factory_like_checklist(), {.orgs = 40});
  EXPECT_NE(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.find('\r'), std::string::npos);
  EXPECT_EQ(csv.substr(0, 24), "org,item,choice,comment\n");
}

TEST(SampleGenerator, WithoutCommentsTheCommentColumnIsEmptyAndTheAnswersAreUnchanged) {
  const Checklist c = factory_like_checklist();
  const auto with = responses_rows(c, {.orgs = 60, .comments = true});
  const auto without = responses_rows(c, {.orgs = 60, .comments = false});
  ASSERT_EQ(with.size(), without.size());
  for (std::size_t r = 1; r < with.size(); ++r) {
    EXPECT_EQ(without[r][2], with[r][2]);
    EXPECT_EQ(without[r][3], "");
  }
}

// ---------------------------------------------------------------------------
// Realism, measured on 2,000 organisations.

TEST_F(SampleCampaign, EveryChoiceCellIsEmptyOrAValidChoiceNumberOfItsItem) {
  ASSERT_EQ(s_rows->size(), k_orgs * s_checklist->items.size() + 1);
  for (std::size_t o = 0; o < k_orgs; ++o) {
    for (std::size_t i = 0; i < s_checklist->items.size(); ++i) {
      const std::string& v = cell(o, i, 2);
      if (v.empty()) continue;
      ASSERT_TRUE(std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) << v;
      const int no = std::stoi(v);
      ASSERT_GE(no, 1);
      ASSERT_LE(no, static_cast<int>(s_checklist->items[i].choices.size()));
    }
  }
}

TEST_F(SampleCampaign, AboutOneToTwoPercentOfCellsAreBlankAndSomeOrganisationsSkipAWholeSection) {
  std::size_t blanks = 0;
  std::size_t whole_section_blank = 0;
  const std::size_t items = s_checklist->items.size();
  for (std::size_t o = 0; o < k_orgs; ++o) {
    std::map<std::size_t, std::pair<int, int>> per_section;  // section → (blank, total)
    for (std::size_t i = 0; i < items; ++i) {
      auto& [blank, total] = per_section[s_checklist->items[i].section_index];
      ++total;
      if (cell(o, i, 2).empty()) {
        ++blanks;
        ++blank;
      }
    }
    for (const auto& [section, counts] : per_section) {
      if (counts.first == counts.second) ++whole_section_blank;
    }
  }
  const double rate = static_cast<double>(blanks) / static_cast<double>(k_orgs * items);
  EXPECT_GE(rate, 0.01);
  EXPECT_LE(rate, 0.02);
  EXPECT_GE(whole_section_blank, k_orgs / 100);  // a few per cent of organisations
  EXPECT_LE(whole_section_blank, k_orgs / 10);
}

TEST_F(SampleCampaign, FifteenToTwentyFivePercentOfCellsCarryAComment) {
  std::size_t comments = 0;
  for (std::size_t r = 1; r < s_rows->size(); ++r) {
    if (!(*s_rows)[r][3].empty()) ++comments;
  }
  const double rate = static_cast<double>(comments) / static_cast<double>(s_rows->size() - 1);
  EXPECT_GE(rate, 0.15);
  EXPECT_LE(rate, 0.25);
}

TEST_F(SampleCampaign, CommentsExerciseCsvQuotingWithCommasQuotesAndLineBreaks) {
  bool comma = false, quote = false, newline = false;
  for (std::size_t r = 1; r < s_rows->size(); ++r) {
    const std::string& text = (*s_rows)[r][3];
    comma |= text.find(',') != std::string::npos;
    quote |= text.find('"') != std::string::npos;
    newline |= text.find('\n') != std::string::npos;
  }
  EXPECT_TRUE(comma);
  EXPECT_TRUE(quote);
  EXPECT_TRUE(newline);
}

TEST_F(SampleCampaign, NaAnswersAreMoreCommonInLaterPhasesThanInEarlierOnes) {
  // Among items that have an na choice: p2–p5 (early drill phases) against
  // p6–p9 (late ones).
  std::array<std::size_t, 2> na{}, answered{};
  for (std::size_t i = 0; i < s_checklist->items.size(); ++i) {
    const auto& item = s_checklist->items[i];
    if (item.choices.back().level != Level::kNa) continue;
    const std::size_t section = item.section_index;
    if (section < 2 || section > 9) continue;
    const int late = section >= 6 ? 1 : 0;
    for (std::size_t o = 0; o < k_orgs; ++o) {
      const std::string& v = cell(o, i, 2);
      if (v.empty()) continue;
      ++answered[late];
      if (std::stoul(v) == item.choices.size()) ++na[late];
    }
  }
  const double early_rate = static_cast<double>(na[0]) / static_cast<double>(answered[0]);
  const double late_rate = static_cast<double>(na[1]) / static_cast<double>(answered[1]);
  EXPECT_GT(early_rate, 0.0);
  EXPECT_GT(late_rate, 2 * early_rate);
}

TEST_F(SampleCampaign, MoreMatureOrganisationsScoreHigherAcrossTheBoard) {
  std::vector<double> maturity, score, odd, even;
  for (std::size_t o = 0; o < k_orgs; ++o) {
    double sum[2] = {0, 0};
    int n[2] = {0, 0};
    for (std::size_t i = 0; i < s_checklist->items.size(); ++i) {
      const double s = cell_score(*s_checklist, i, cell(o, i, 2));
      if (s < 0) continue;
      sum[i % 2] += s;
      ++n[i % 2];
    }
    if (n[0] == 0 || n[1] == 0) continue;
    maturity.push_back(sample_maturity({.seed = 7}, o));
    score.push_back((sum[0] + sum[1]) / (n[0] + n[1]));
    even.push_back(sum[0] / n[0]);
    odd.push_back(sum[1] / n[1]);
  }
  EXPECT_GT(correlation(maturity, score), 0.6);
  // A mature organisation is good on one half of the items and on the other.
  EXPECT_GT(correlation(even, odd), 0.5);
}

TEST_F(SampleCampaign, LargerOrganisationsScoreHigherOnAverage) {
  const auto orgs = sample_organizations({.orgs = k_orgs, .seed = 7});
  std::map<std::string, std::pair<double, int>> by_size;
  for (std::size_t o = 0; o < k_orgs; ++o) {
    for (std::size_t i = 0; i < s_checklist->items.size(); ++i) {
      const double s = cell_score(*s_checklist, i, cell(o, i, 2));
      if (s < 0) continue;
      by_size[orgs[o].size].first += s;
      by_size[orgs[o].size].second += 1;
    }
  }
  const auto mean = [&](const char* band) { return by_size[band].first / by_size[band].second; };
  EXPECT_LT(mean(k_size_bands[0]), mean(k_size_bands[3]));
  EXPECT_LT(mean(k_size_bands[1]), mean(k_size_bands[2]));
}

TEST_F(SampleCampaign, SectionsMirrorThePublishedStrengthsAndChallenges) {
  std::map<std::string, std::pair<double, int>> by_section;
  for (std::size_t o = 0; o < k_orgs; ++o) {
    for (std::size_t i = 0; i < s_checklist->items.size(); ++i) {
      const double s = cell_score(*s_checklist, i, cell(o, i, 2));
      if (s < 0) continue;
      auto& [sum, n] = by_section[s_checklist->items[i].section];
      sum += s;
      ++n;
    }
  }
  const auto score = [&](const char* id) { return by_section[id].first / by_section[id].second; };
  for (const char* strong : {"p0-prep", "p1-drill-prep", "p2-detect"}) EXPECT_GE(score(strong), 0.6) << strong;
  for (const char* weak : {"p3-situation", "p5-contain", "p6-external", "p7-recovery", "p8-restart", "o3-external"}) {
    EXPECT_LE(score(weak), 0.5) << weak;
  }
}

// ---------------------------------------------------------------------------
// Organisations.

TEST(SampleOrganizations, FortyOrganisationsHaveUniqueIdsAndNamesAndAllSixIndustries) {
  std::ostringstream out;
  ASSERT_TRUE(write_sample_orgs({}, out).is_ok());
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(parse_csv(out.str(), rows));
  ASSERT_EQ(rows.size(), 41u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"org", "name", "industry", "size"}));
  std::set<std::string> ids, names, industries, sizes;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), 4u);
    ids.insert(rows[r][0]);
    names.insert(rows[r][1]);
    industries.insert(rows[r][2]);
    sizes.insert(rows[r][3]);
  }
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(names.size(), 40u);
  EXPECT_EQ(industries, std::set<std::string>(std::begin(k_industries), std::end(k_industries)));
  for (const auto& size : sizes) {
    EXPECT_NE(std::find(std::begin(k_size_bands), std::end(k_size_bands), size), std::end(k_size_bands)) << size;
  }
  EXPECT_EQ(rows[1][0], "ORG-0001");
  EXPECT_EQ(rows[40][0], "ORG-0040");
}

TEST(SampleOrganizations, EverySeedGivesAllSixIndustriesToFortyOrganisations) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    std::set<std::string> industries;
    for (const auto& org : sample_organizations({.orgs = 40, .seed = seed})) industries.insert(org.industry);
    EXPECT_EQ(industries.size(), 6u) << "seed " << seed;
  }
}

TEST(SampleOrganizations, IdsArePaddedToAtLeastFourDigitsAndSortInOrder) {
  const auto orgs = sample_organizations({.orgs = 12345, .comments = false});
  EXPECT_EQ(orgs.front().id, "ORG-00001");
  EXPECT_EQ(orgs.back().id, "ORG-12345");
  EXPECT_TRUE(std::is_sorted(orgs.begin(), orgs.end(), [](const auto& a, const auto& b) { return a.id < b.id; }));
}

TEST(SampleOrganizations, LargerSizeBandsAreMoreCommonAndIndustriesRoughlyEven) {
  std::map<std::string, int> sizes, industries;
  for (const auto& org : sample_organizations({.orgs = 6000})) {
    ++sizes[org.size];
    ++industries[org.industry];
  }
  EXPECT_LT(sizes[k_size_bands[0]], sizes[k_size_bands[2]]);
  EXPECT_LT(sizes[k_size_bands[0]], sizes[k_size_bands[3]]);
  for (const char* industry : k_industries) {
    EXPECT_GT(industries[industry], 850) << industry;
    EXPECT_LT(industries[industry], 1150) << industry;
  }
}

TEST(SampleOrganizations, TheOrgsFileMatchesSampleOrganizations) {
  std::ostringstream out;
  ASSERT_TRUE(write_sample_orgs({.orgs = 25, .seed = 3}, out).is_ok());
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(parse_csv(out.str(), rows));
  const auto orgs = sample_organizations({.orgs = 25, .seed = 3});
  ASSERT_EQ(rows.size(), orgs.size() + 1);
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    EXPECT_EQ(rows[i + 1], (std::vector<std::string>{orgs[i].id, orgs[i].name, orgs[i].industry, orgs[i].size}));
    EXPECT_TRUE(orgs[i].pseudonym.empty());
  }
}

// ---------------------------------------------------------------------------
// Any checklist, and errors.

TEST(SampleGenerator, WorksWithAnyChecklistShape) {
  Checklist c;
  c.id = "odd";
  c.sections = {{"alpha", Category::kImplementation, model::LocalizedText("A")},
                {"beta", Category::kOverall, model::LocalizedText("B")}};
  model::Item only_na{"Q1", "alpha", 0, model::LocalizedText("q1"), {}, {choice(1, "対象外", Level::kNa)}};
  model::Item good_poor{"Q,2", "alpha", 0, model::LocalizedText("q2"), {},
                        {choice(1, "yes", Level::kGood), choice(2, "no", Level::kPoor)}};
  model::Item partial_only{"Q3", "beta", 0, model::LocalizedText("q3"), {}, {choice(1, "meh", Level::kPartial)}};
  c.items = {only_na, good_poor, partial_only};
  c.reindex();
  const auto rows = responses_rows(c, {.orgs = 300});
  ASSERT_EQ(rows.size(), 901u);
  std::set<std::string> seen_q2;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::string& v = rows[r][2];
    const std::size_t item = (r - 1) % 3;
    if (item == 1) {
      EXPECT_EQ(rows[r][1], "Q,2");  // an id with a comma comes back intact
      seen_q2.insert(v);
    }
    if (v.empty()) continue;
    EXPECT_LE(std::stoul(v), c.items[item].choices.size());
  }
  EXPECT_TRUE(seen_q2.count("1") && seen_q2.count("2"));
}

TEST(SampleGenerator, AChecklistWithoutItemsIsBadInput) {
  Checklist c;
  c.id = "empty";
  std::ostringstream out;
  const Status st = write_sample_responses(c, {}, out);
  EXPECT_EQ(st.kind(), ErrorKind::kBadInput);
  EXPECT_TRUE(out.str().empty());
}

TEST(SampleGenerator, AnItemWithoutChoicesIsBadInput) {
  Checklist c = factory_like_checklist();
  c.items[3].choices.clear();
  std::ostringstream out;
  EXPECT_EQ(write_sample_responses(c, {}, out).kind(), ErrorKind::kBadInput);
}

// A stream buffer that accepts `limit` bytes, then fails.
class FailingBuf : public std::streambuf {
 public:
  explicit FailingBuf(std::size_t limit) : m_limit(limit) {}

 protected:
  int_type overflow(int_type ch) override {
    if (m_written >= m_limit) return traits_type::eof();
    ++m_written;
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    const auto room = static_cast<std::streamsize>(m_limit - m_written);
    const auto k = std::min(room, n);
    m_written += static_cast<std::size_t>(k);
    return k;
  }

 private:
  std::size_t m_limit;
  std::size_t m_written = 0;
};

TEST(SampleGenerator, AStreamThatFailsGivesAnIoError) {
  const Checklist c = factory_like_checklist();
  FailingBuf buf(1000);
  std::ostream out(&buf);
  EXPECT_EQ(write_sample_responses(c, {.orgs = 2000}, out).kind(), ErrorKind::kIo);

  FailingBuf buf2(10);
  std::ostream out2(&buf2);
  EXPECT_EQ(write_sample_orgs({.orgs = 40}, out2).kind(), ErrorKind::kIo);

  std::ostringstream bad;
  bad.setstate(std::ios::badbit);
  EXPECT_EQ(write_sample_responses(c, {}, bad).kind(), ErrorKind::kIo);
  EXPECT_EQ(write_sample_orgs({}, bad).kind(), ErrorKind::kIo);
}

// ---------------------------------------------------------------------------
// The comments file and the built-in checklist.

TEST(SampleComments, EverySectionAndLevelHasThreeToSixPlainComments) {
  const auto& files = io::embedded_files();
  const auto it = files.find("data/sample/comments.yaml");
  ASSERT_NE(it, files.end());
  const YAML::Node root = YAML::Load(std::string(it->second));
  const Checklist c = factory_like_checklist();
  std::vector<std::string> groups;
  for (const auto& s : c.sections) groups.push_back(s.id);
  groups.push_back("default");
  for (const auto& group : groups) {
    for (const char* level : {"good", "partial", "poor", "na"}) {
      const YAML::Node list = root["comments"][group][level];
      ASSERT_TRUE(list && list.IsSequence()) << group << "/" << level;
      EXPECT_GE(list.size(), 3u) << group << "/" << level;
      EXPECT_LE(list.size(), 6u) << group << "/" << level;
      for (const auto& text : list) {
        const auto s = text.as<std::string>();
        EXPECT_FALSE(s.empty());
        EXPECT_EQ(s.find('@'), std::string::npos) << s;  // no e-mail addresses
        EXPECT_EQ(s.find("http"), std::string::npos) << s;
      }
    }
  }
}

TEST(SampleComments, EveryBuiltInItemHasItsOwnCommentsForGoodPartialAndPoor) {
  const Checklist c = builtin_factory_ir();
  ASSERT_EQ(c.items.size(), 75u);
  const YAML::Node items = comments_file()["items"];
  ASSERT_TRUE(items && items.IsMap());
  std::set<std::string> ids;
  for (const auto& item : c.items) ids.insert(item.id);
  for (const auto& entry : items) {  // no stray (misspelt) ids
    EXPECT_TRUE(ids.count(entry.first.as<std::string>())) << entry.first.as<std::string>();
  }
  std::map<std::string, std::string> seen;  // text → where it first appeared
  for (const auto& item : c.items) {
    for (const char* level : {"good", "partial", "poor"}) {
      const YAML::Node list = items[item.id][level];
      ASSERT_TRUE(list && list.IsSequence()) << item.id << "/" << level;
      EXPECT_GE(list.size(), 2u) << item.id << "/" << level;
      EXPECT_LE(list.size(), 6u) << item.id << "/" << level;
      for (const auto& text : list) {
        const auto s = text.as<std::string>();
        EXPECT_GE(utf8_length(s), 20u) << item.id << ": " << s;
        EXPECT_LE(utf8_length(s), 80u) << item.id << ": " << s;
        EXPECT_EQ(s.find('@'), std::string::npos) << s;  // no e-mail addresses
        EXPECT_EQ(s.find("http"), std::string::npos) << s;
        const auto [pos, added] = seen.emplace(s, item.id + "/" + level);
        EXPECT_TRUE(added) << "\"" << s << "\" is in " << pos->second << " and " << item.id << "/" << level;
      }
    }
  }
}

TEST(SampleGenerator, GeneratesAFortyOrganisationDemoForTheBuiltInChecklist) {
  const Checklist c = builtin_factory_ir();
  ASSERT_FALSE(c.items.empty());
  const auto rows = responses_rows(c, {});
  ASSERT_EQ(rows.size(), 40 * c.items.size() + 1);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& item = c.items[(r - 1) % c.items.size()];
    if (!rows[r][2].empty()) EXPECT_LE(std::stoul(rows[r][2]), item.choices.size());
  }
}

// Comments by (item, level), in organisation order.
std::map<std::pair<std::string, Level>, std::vector<std::string>> comments_by_item(
    const Checklist& c, const std::vector<std::vector<std::string>>& rows) {
  std::map<std::pair<std::string, Level>, std::vector<std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r][3].empty()) continue;
    const auto& item = c.items[(r - 1) % c.items.size()];
    EXPECT_FALSE(rows[r][2].empty()) << "a comment on a blank answer, row " << r;
    if (rows[r][2].empty()) continue;
    out[{item.id, item.choices[std::stoul(rows[r][2]) - 1].level}].push_back(rows[r][3]);
  }
  return out;
}

TEST(SampleGenerator, NoItemQuotesTheSameCommentTwiceWhileItHasUnusedOnes) {
  const Checklist c = builtin_factory_ir();
  ASSERT_FALSE(c.items.empty());
  for (const std::uint64_t seed : {1, 7, 2026}) {
    const auto rows = responses_rows(c, {.orgs = 40, .seed = seed});
    for (const auto& [key, texts] : comments_by_item(c, rows)) {
      const auto& [id, level] = key;
      std::set<std::string> pool = comment_texts("items", id, model::to_string(level));
      if (pool.empty()) pool = comment_texts("comments", c.items[*c.find_item(id)].section, model::to_string(level));
      ASSERT_FALSE(pool.empty()) << id;
      // The first |pool| comments are all different; after that, texts come
      // round again, but never the same one twice in a row.
      std::set<std::string> distinct;
      for (std::size_t k = 0; k < texts.size(); ++k) {
        if (k < pool.size()) {
          EXPECT_TRUE(distinct.insert(texts[k]).second)
              << "seed " << seed << ", " << id << "/" << model::to_string(level) << " repeats \"" << texts[k]
              << "\" with " << pool.size() - k << " unused";
        } else if (pool.size() > 1) {
          EXPECT_NE(texts[k], texts[k - 1]) << "seed " << seed << ", " << id << ": the same text twice in a row";
        }
      }
      EXPECT_EQ(distinct.size(), std::min(texts.size(), pool.size()));
    }
  }
}

TEST(SampleGenerator, AnItemsCommentsComeFromItsOwnList) {
  const Checklist c = builtin_factory_ir();
  ASSERT_FALSE(c.items.empty());
  const auto rows = responses_rows(c, {.orgs = 400, .seed = 2026});
  const auto by_item = comments_by_item(c, rows);
  std::set<std::string> items_checked;
  for (const auto& [key, texts] : by_item) {
    const auto& [id, level] = key;
    const char* lvl = model::to_string(level);
    const auto pool = level == Level::kNa ? comment_texts("comments", c.items[*c.find_item(id)].section, lvl)
                                          : comment_texts("items", id, lvl);
    ASSERT_FALSE(pool.empty()) << id << "/" << lvl;
    for (const auto& text : texts) EXPECT_TRUE(pool.count(text)) << id << "/" << lvl << ": " << text;
    if (level != Level::kNa) items_checked.insert(id);
  }
  EXPECT_EQ(items_checked.size(), c.items.size());
  // The two items a reader noticed: stop-production structure, volatile evidence.
  for (const char* id : {"IMP-P0-01", "IMP-P5-04"}) {
    for (const Level level : {Level::kGood, Level::kPoor}) {
      const auto it = by_item.find({id, level});
      ASSERT_NE(it, by_item.end()) << id << "/" << model::to_string(level);
      const auto own = comment_texts("items", id, model::to_string(level));
      for (const auto& text : it->second) EXPECT_TRUE(own.count(text)) << id << ": " << text;
    }
  }
}

TEST_F(SampleCampaign, ItemsWithoutCommentsOfTheirOwnUseTheirSectionsComments) {
  // The factory-like fixture's item ids are not in the file's items map.
  std::size_t checked = 0;
  for (std::size_t o = 0; o < 200; ++o) {
    for (std::size_t i = 0; i < s_checklist->items.size(); ++i) {
      const std::string& text = cell(o, i, 3);
      if (text.empty()) continue;
      const auto& item = s_checklist->items[i];
      const Level level = item.choices[std::stoul(cell(o, i, 2)) - 1].level;
      EXPECT_TRUE(comment_texts("comments", item.section, model::to_string(level)).count(text))
          << item.id << ": " << text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
}

}  // namespace
}  // namespace kunren::sample
