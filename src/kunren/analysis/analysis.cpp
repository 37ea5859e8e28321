#include <kunren/analysis/analysis.hpp>

#include <algorithm>
#include <numeric>

namespace kunren::analysis {

const char* to_string(Highlight h) {
  switch (h) {
    case Highlight::kNone: return "";
    case Highlight::kStrength: return "strength";
    case Highlight::kChallenge: return "challenge";
    case Highlight::kNotExercised: return "not_exercised";
  }
  return "";
}

std::vector<int> whole_percents(const std::vector<std::uint32_t>& counts) {
  const std::uint64_t total = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
  std::vector<int> out(counts.size(), 0);
  if (total == 0) return out;
  // Exact integer arithmetic: share_i = 100·count_i / total = floor + rem_i/total.
  std::vector<std::uint64_t> remainder(counts.size());
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const std::uint64_t scaled = std::uint64_t{100} * counts[i];
    out[i] = static_cast<int>(scaled / total);
    remainder[i] = scaled % total;
    given += static_cast<std::uint64_t>(out[i]);
  }
  std::vector<std::size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest remainder first; equal remainders: the higher-numbered choice first.
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (remainder[a] != remainder[b]) return remainder[a] > remainder[b];
    return a > b;
  });
  for (std::size_t k = 0; given < 100 && k < order.size(); ++k, ++given) ++out[order[k]];
  return out;
}

namespace {

double level_value(model::Level level) {
  switch (level) {
    case model::Level::kGood: return 1.0;
    case model::Level::kPartial: return 0.5;
    default: return 0.0;
  }
}

}  // namespace

namespace {

Analysis analyze_impl(const model::Checklist& checklist, const model::ResponseSet& responses,
                      std::vector<model::Comment>* movable_comments, const AnalysisOptions& options) {
  Analysis a;
  a.checklist_id = checklist.id;
  a.checklist_version = checklist.version;
  a.checklist_title = checklist.title.text(options.lang);
  a.organizations = static_cast<std::uint32_t>(responses.orgs.size());
  a.options = options;

  const std::size_t item_count = checklist.items.size();
  // counts[item * 256 + choice]: one pass over the answer matrix.
  std::vector<std::uint32_t> counts(item_count * 256, 0);
  const std::uint8_t* cell = responses.answers.data();
  for (std::size_t o = 0; o < responses.orgs.size(); ++o) {
    for (std::size_t i = 0; i < item_count; ++i) ++counts[i * 256 + cell[i]];
    cell += item_count;
  }

  a.items.reserve(item_count);
  for (std::size_t i = 0; i < item_count; ++i) {
    const model::Item& item = checklist.items[i];
    ItemResult r;
    r.index = i;
    r.id = item.id;
    r.section = item.section;
    r.category = checklist.sections[item.section_index].category;
    r.text = item.text.text(options.lang);
    r.n = a.organizations;
    std::vector<std::uint32_t> c(item.choices.size());
    for (std::size_t k = 0; k < item.choices.size(); ++k) c[k] = counts[i * 256 + k + 1];
    r.answered = std::accumulate(c.begin(), c.end(), 0U);
    r.unanswered = r.n - r.answered;
    const std::vector<int> percents = whole_percents(c);
    double value_sum = 0;
    std::uint32_t scored = 0;
    for (std::size_t k = 0; k < item.choices.size(); ++k) {
      const model::Choice& ch = item.choices[k];
      ChoiceResult cr;
      cr.no = ch.no;
      cr.label = ch.label.text(options.lang);
      cr.level = ch.level;
      cr.count = c[k];
      cr.percent = percents[k];
      cr.share = r.answered == 0 ? 0.0 : static_cast<double>(c[k]) / r.answered;
      if (ch.level == model::Level::kNa) {
        r.na += c[k];
      } else {
        value_sum += level_value(ch.level) * c[k];
        scored += c[k];
      }
      r.choices.push_back(std::move(cr));
    }
    if (scored > 0) r.score = value_sum / scored;
    if (r.answered > 0 && static_cast<double>(r.na) >= options.not_exercised_at * r.answered) {
      r.highlight = Highlight::kNotExercised;
    } else if (r.score && *r.score >= options.strength_at) {
      r.highlight = Highlight::kStrength;
    } else if (r.score && *r.score <= options.challenge_at) {
      r.highlight = Highlight::kChallenge;
    }
    a.items.push_back(std::move(r));
  }

  // Comments, attributed to pseudonyms and ordered by them (A, B, … Z, AA):
  // rank the organisations once, then bucket the comments by item and rank.
  std::vector<std::uint32_t> rank(responses.comments.empty() ? 0 : responses.orgs.size());
  if (!responses.comments.empty()) {
    std::vector<std::uint32_t> order(responses.orgs.size());
    std::iota(order.begin(), order.end(), 0U);
    std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
      const std::string& px = responses.orgs[x].pseudonym;
      const std::string& py = responses.orgs[y].pseudonym;
      return px.size() != py.size() ? px.size() < py.size() : px < py;
    });
    for (std::uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  }
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> by_item(item_count);  // (rank, comment)
  for (std::uint32_t k = 0; k < responses.comments.size(); ++k) {
    const model::Comment& c = responses.comments[k];
    by_item[c.item].emplace_back(rank[c.org], k);
  }
  for (std::size_t i = 0; i < item_count; ++i) {
    std::sort(by_item[i].begin(), by_item[i].end());
    auto& quotes = a.items[i].comments;
    quotes.reserve(by_item[i].size());
    for (const auto& [r, k] : by_item[i]) {
      const model::Comment& c = responses.comments[k];
      quotes.push_back({responses.orgs[c.org].pseudonym,
                        movable_comments ? std::move((*movable_comments)[k].text) : c.text, {}});
    }
  }

  for (const model::Section& s : checklist.sections) {
    SectionResult sr;
    sr.id = s.id;
    sr.title = s.title.text(options.lang);
    sr.category = s.category;
    double score_sum = 0;
    std::size_t scored_items = 0;
    std::uint64_t answers = 0;
    std::uint64_t na = 0;
    for (const auto& item : a.items) {
      if (item.section != s.id) continue;
      sr.items.push_back(item.index);
      if (item.score) {
        score_sum += *item.score;
        ++scored_items;
      }
      answers += item.answered;
      na += item.na;
    }
    if (scored_items > 0) sr.score = score_sum / static_cast<double>(scored_items);
    sr.na_share = answers == 0 ? 0.0 : static_cast<double>(na) / static_cast<double>(answers);
    a.sections.push_back(std::move(sr));
  }

  for (const auto& item : a.items) {
    if (item.highlight == Highlight::kStrength) a.strengths.push_back(item.index);
    if (item.highlight == Highlight::kChallenge) a.challenges.push_back(item.index);
    if (item.highlight == Highlight::kNotExercised) a.not_exercised.push_back(item.index);
  }
  std::stable_sort(a.strengths.begin(), a.strengths.end(),
                   [&](std::size_t x, std::size_t y) { return *a.items[x].score > *a.items[y].score; });
  std::stable_sort(a.challenges.begin(), a.challenges.end(),
                   [&](std::size_t x, std::size_t y) { return *a.items[x].score < *a.items[y].score; });
  return a;
}

}  // namespace

Analysis analyze(const model::Checklist& checklist, const model::ResponseSet& responses,
                 const AnalysisOptions& options) {
  return analyze_impl(checklist, responses, nullptr, options);
}

Analysis analyze(const model::Checklist& checklist, model::ResponseSet&& responses, const AnalysisOptions& options) {
  return analyze_impl(checklist, responses, &responses.comments, options);
}

}  // namespace kunren::analysis
