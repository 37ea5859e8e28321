#include <kunren/analysis/peer.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kunren::analysis {

std::optional<double> quantile_inc(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

std::vector<std::optional<double>> section_scores(const model::Checklist& checklist,
                                                  const model::ResponseSet& responses, std::size_t org) {
  std::vector<double> sum(checklist.sections.size(), 0);
  std::vector<std::uint32_t> count(checklist.sections.size(), 0);
  for (std::size_t i = 0; i < checklist.items.size(); ++i) {
    const std::uint8_t c = responses.answer(org, i);
    if (c == 0) continue;
    const model::Item& item = checklist.items[i];
    const model::Level level = item.choices[c - 1].level;
    if (level == model::Level::kNa) continue;
    sum[item.section_index] += level == model::Level::kGood ? 1.0 : level == model::Level::kPartial ? 0.5 : 0.0;
    ++count[item.section_index];
  }
  std::vector<std::optional<double>> out(checklist.sections.size());
  for (std::size_t s = 0; s < out.size(); ++s) {
    if (count[s] > 0) out[s] = sum[s] / count[s];
  }
  return out;
}

Result<PeerReport> peer_report(const model::Checklist& checklist, const model::ResponseSet& responses,
                               const std::string& org, std::uint32_t k, const AnalysisOptions& options) {
  std::optional<std::size_t> me;
  for (std::size_t o = 0; o < responses.orgs.size(); ++o) {
    if (responses.orgs[o].id == org) me = o;
  }
  if (!me) return Status::not_found(fmt::format("organisation '{}' has no submitted answers here", org));
  if (responses.orgs.size() < k) {
    return Status::conflict(fmt::format("{} organisations submitted, fewer than the minimum group size {}: no peer "
                                        "comparison is published",
                                        responses.orgs.size(), k));
  }
  model::ResponseSet pooled_set;
  pooled_set.orgs = responses.orgs;
  pooled_set.item_count = responses.item_count;
  pooled_set.answers = responses.answers;  // no comments
  Analysis pooled = analyze(checklist, std::move(pooled_set), options);

  PeerReport r;
  r.checklist_id = checklist.id;
  r.checklist_version = checklist.version;
  r.checklist_title = checklist.title.text(options.lang);
  r.org = responses.orgs[*me].id;
  r.org_name = responses.orgs[*me].name;
  r.organizations = static_cast<std::uint32_t>(responses.orgs.size());
  r.min_group = k;
  for (std::size_t i = 0; i < checklist.items.size(); ++i) {
    PeerItem p;
    p.choice = responses.answer(*me, i);
    if (p.choice != 0) {
      const model::Choice& ch = checklist.items[i].choices[p.choice - 1];
      p.label = ch.label.text(options.lang);
      p.level = ch.level;
    }
    p.pooled = std::move(pooled.items[i]);
    r.items.push_back(std::move(p));
  }
  std::vector<std::vector<double>> all(checklist.sections.size());
  std::vector<std::optional<double>> mine;
  for (std::size_t o = 0; o < responses.orgs.size(); ++o) {
    auto scores = section_scores(checklist, responses, o);
    for (std::size_t s = 0; s < scores.size(); ++s) {
      if (scores[s]) all[s].push_back(*scores[s]);
    }
    if (o == *me) mine = std::move(scores);
  }
  for (std::size_t s = 0; s < checklist.sections.size(); ++s) {
    PeerSection ps;
    ps.id = checklist.sections[s].id;
    ps.title = checklist.sections[s].title.text(options.lang);
    ps.score = mine[s];
    std::sort(all[s].begin(), all[s].end());
    ps.scored_orgs = static_cast<std::uint32_t>(all[s].size());
    // Quartiles of fewer than k scores would describe a group below k.
    if (all[s].size() >= k) {
      ps.q1 = quantile_inc(all[s], 0.25);
      ps.median = quantile_inc(all[s], 0.5);
      ps.q3 = quantile_inc(all[s], 0.75);
    }
    r.sections.push_back(std::move(ps));
  }
  return r;
}

}  // namespace kunren::analysis
