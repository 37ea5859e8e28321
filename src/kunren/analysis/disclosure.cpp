#include <kunren/analysis/disclosure.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

namespace kunren::analysis {

std::string not_given_label(const std::string& lang) { return lang == "en" ? "not given" : "未記入"; }
std::string other_label(const std::string& lang) { return lang == "en" ? "other" : "その他"; }

std::vector<Group> group_organizations(const std::vector<model::Organization>& orgs, const std::string& by,
                                       const std::string& lang) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  Group not_given{"", not_given_label(lang), {}};
  for (std::uint32_t o = 0; o < orgs.size(); ++o) {
    const std::string& key = by == "size" ? orgs[o].size : orgs[o].industry;
    if (key.empty()) {
      not_given.orgs.push_back(o);
      continue;
    }
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back(Group{key, key, {}});
    groups[it->second].orgs.push_back(o);
  }
  if (!not_given.orgs.empty()) groups.push_back(std::move(not_given));
  return groups;
}

namespace {

constexpr std::int32_t k_other = -1;

// One breakdown while it is being planned.
struct Working {
  std::string scope;
  std::vector<Group> groups;
  std::vector<bool> merged;
  std::vector<std::int32_t> member;  // org → group index, or k_other once merged
  std::size_t other_size = 0;
};

// A set published in the report: the total, a group, an "other", or a set
// held fixed by the caller.
struct PublishedSet {
  enum Kind { kTotal, kGroup, kOther, kFixed } kind;
  std::size_t breakdown = 0;  // kGroup, kOther
  std::size_t group = 0;      // kGroup
  const std::vector<std::uint32_t>* fixed = nullptr;
};

class Planner {
 public:
  Planner(std::vector<Working> w, const std::vector<std::vector<std::uint32_t>>& fixed, std::uint32_t population,
          std::uint32_t k)
      : m_w(std::move(w)), m_fixed(fixed), m_population(population), m_k(k) {}

  std::vector<Suppression> run() {
    for (std::size_t b = 0; b < m_w.size(); ++b) {
      for (std::size_t g = 0; g < m_w[b].groups.size(); ++g) {
        if (m_w[b].groups[g].orgs.size() < m_k) merge(b, g, "below_k");
      }
    }
    for (std::size_t b = 0; b < m_w.size(); ++b) complement(b);
    while (differencing_step()) {
    }
    return std::move(m_suppressed);
  }

  std::vector<Working>& working() { return m_w; }

 private:
  void merge(std::size_t b, std::size_t g, const char* reason) {
    Working& w = m_w[b];
    if (w.merged[g]) return;
    w.merged[g] = true;
    for (std::uint32_t o : w.groups[g].orgs) w.member[o] = k_other;
    w.other_size += w.groups[g].orgs.size();
    m_suppressed.push_back(Suppression{w.scope, w.groups[g].label, reason, "merged_into_other"});
  }

  // The smallest published group of breakdown b (ties: the later one), for
  // which `eligible` holds; npos if none.
  template <typename Pred>
  std::size_t smallest(std::size_t b, Pred eligible) const {
    const Working& w = m_w[b];
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
      if (w.merged[g] || !eligible(g)) continue;
      if (best == std::numeric_limits<std::size_t>::max() || w.groups[g].orgs.size() <= w.groups[best].orgs.size()) {
        best = g;
      }
    }
    return best;
  }

  void complement(std::size_t b) {
    while (m_w[b].other_size > 0 && m_w[b].other_size < m_k) {
      const std::size_t g = smallest(b, [](std::size_t) { return true; });
      if (g == std::numeric_limits<std::size_t>::max()) return;
      merge(b, g, "complementary");
    }
  }

  // The members of a published set, calling f(org) for each.
  template <typename F>
  void for_each_member(const PublishedSet& s, F f) const {
    switch (s.kind) {
      case PublishedSet::kTotal:
        for (std::uint32_t o = 0; o < m_population; ++o) f(o);
        break;
      case PublishedSet::kGroup:
        for (std::uint32_t o : m_w[s.breakdown].groups[s.group].orgs) f(o);
        break;
      case PublishedSet::kOther: {
        const Working& w = m_w[s.breakdown];
        for (std::uint32_t o = 0; o < m_population; ++o) {
          if (w.member[o] == k_other) f(o);
        }
        break;
      }
      case PublishedSet::kFixed:
        for (std::uint32_t o : *s.fixed) f(o);
        break;
    }
  }

  std::vector<PublishedSet> published_sets() const {
    std::vector<PublishedSet> sets{{PublishedSet::kTotal}};
    for (std::size_t b = 0; b < m_w.size(); ++b) {
      for (std::size_t g = 0; g < m_w[b].groups.size(); ++g) {
        if (!m_w[b].merged[g]) sets.push_back({PublishedSet::kGroup, b, g});
      }
      if (m_w[b].other_size > 0) sets.push_back({PublishedSet::kOther, b});
    }
    for (const auto& f : m_fixed) sets.push_back({PublishedSet::kFixed, 0, 0, &f});
    return sets;
  }

  bool owned_by(const PublishedSet& s, std::size_t b) const {
    return (s.kind == PublishedSet::kGroup || s.kind == PublishedSet::kOther) && s.breakdown == b;
  }

  // Acts on B itself when the sets inside it cannot be changed: a group is
  // merged into its other; an other takes its breakdown's smallest group.
  bool act_on_container(const PublishedSet& B) {
    if (B.kind == PublishedSet::kGroup) {
      merge(B.breakdown, B.group, "differencing");
      return true;
    }
    if (B.kind == PublishedSet::kOther) {
      const std::size_t g = smallest(B.breakdown, [](std::size_t) { return true; });
      if (g == std::numeric_limits<std::size_t>::max()) return false;
      merge(B.breakdown, g, "differencing");
      return true;
    }
    return false;
  }

  // Finds one differencing problem and resolves it; false when none is left.
  bool differencing_step() {
    const std::vector<PublishedSet> sets = published_sets();
    for (const PublishedSet& B : sets) {
      std::size_t b_size = 0;
      for_each_member(B, [&](std::uint32_t) { ++b_size; });
      std::vector<bool> in_b;
      for (std::size_t x = 0; x < m_w.size(); ++x) {
        if (owned_by(B, x)) continue;
        const Working& w = m_w[x];
        // How many of B's members fall in each group of x (last slot: other).
        std::vector<std::size_t> inside(w.groups.size() + 1, 0);
        for_each_member(B, [&](std::uint32_t o) {
          const std::int32_t g = w.member[o];
          ++inside[g == k_other ? w.groups.size() : static_cast<std::size_t>(g)];
        });
        std::size_t covered = 0;
        bool any_regular = false;
        std::vector<std::size_t> regular_inside;
        for (std::size_t g = 0; g < w.groups.size(); ++g) {
          if (w.merged[g] || inside[g] != w.groups[g].orgs.size() || inside[g] == 0) continue;
          covered += inside[g];
          regular_inside.push_back(g);
          any_regular = true;
        }
        const bool other_inside = w.other_size > 0 && inside[w.groups.size()] == w.other_size;
        if (other_inside) covered += w.other_size;
        if (covered == 0) continue;
        const std::size_t diff = b_size - covered;
        if (diff == 0 || diff >= m_k) continue;
        if (any_regular) {
          const std::size_t g = smallest(x, [&](std::size_t c) {
            return std::find(regular_inside.begin(), regular_inside.end(), c) != regular_inside.end();
          });
          merge(x, g, "differencing");
        } else {
          // Only x's other lies inside B: grow it past B with a group outside B.
          const std::size_t g = smallest(x, [&](std::size_t c) { return inside[c] < w.groups[c].orgs.size(); });
          if (g != std::numeric_limits<std::size_t>::max()) {
            merge(x, g, "differencing");
          } else if (!act_on_container(B)) {
            continue;
          }
        }
        complement(x);
        return true;
      }
      // Sets held fixed by the caller inside B (pairwise).
      if (!m_fixed.empty() && (B.kind == PublishedSet::kGroup || B.kind == PublishedSet::kOther)) {
        if (in_b.empty()) {
          in_b.assign(m_population, false);
          for_each_member(B, [&](std::uint32_t o) { in_b[o] = true; });
        }
        for (const auto& f : m_fixed) {
          if (f.empty() || f.size() >= b_size || b_size - f.size() >= m_k) continue;
          if (!std::all_of(f.begin(), f.end(), [&](std::uint32_t o) { return o < m_population && in_b[o]; })) continue;
          if (act_on_container(B)) {
            complement(B.breakdown);
            return true;
          }
        }
      }
    }
    return false;
  }

  std::vector<Working> m_w;
  const std::vector<std::vector<std::uint32_t>>& m_fixed;
  std::uint32_t m_population;
  std::uint32_t m_k;
  std::vector<Suppression> m_suppressed;
};

DisclosurePlan plan(const std::vector<BreakdownInput>& inputs, const std::vector<std::vector<std::uint32_t>>& fixed,
                    std::uint32_t population, std::uint32_t k, const std::string& lang) {
  DisclosurePlan out;
  if (k == 0) k = 1;
  if (population < k) {
    out.nothing_published = true;
    for (const auto& in : inputs) {
      out.breakdowns.push_back(BreakdownPlan{in.scope, {}, Group{"other", other_label(lang), {}}, {}});
      out.suppressed.push_back(Suppression{in.scope, "", "below_k", "suppressed"});
    }
    return out;
  }
  std::vector<Working> working;
  for (const auto& in : inputs) {
    Working w;
    w.scope = in.scope;
    w.groups = in.groups;
    w.merged.assign(in.groups.size(), false);
    w.member.assign(population, k_other);
    for (std::size_t g = 0; g < in.groups.size(); ++g) {
      for (std::uint32_t o : in.groups[g].orgs) w.member[o] = static_cast<std::int32_t>(g);
    }
    working.push_back(std::move(w));
  }
  Planner planner(std::move(working), fixed, population, k);
  out.suppressed = planner.run();
  for (Working& w : planner.working()) {
    BreakdownPlan p;
    p.scope = w.scope;
    p.other = Group{"other", other_label(lang), {}};
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
      if (w.merged[g]) {
        p.merged.push_back(w.groups[g].key);
        p.other.orgs.insert(p.other.orgs.end(), w.groups[g].orgs.begin(), w.groups[g].orgs.end());
      } else {
        p.published.push_back(std::move(w.groups[g]));
      }
    }
    std::sort(p.other.orgs.begin(), p.other.orgs.end());
    out.breakdowns.push_back(std::move(p));
  }
  return out;
}

}  // namespace

DisclosurePlan plan_breakdowns(const std::vector<BreakdownInput>& inputs, std::uint32_t population, std::uint32_t k,
                               const std::string& lang) {
  return plan(inputs, {}, population, k, lang);
}

DisclosurePlan plan_groups(const std::vector<Group>& groups, std::uint32_t k, const std::string& scope,
                           const std::vector<std::vector<std::uint32_t>>& others, std::uint32_t population,
                           const std::string& lang) {
  return plan({BreakdownInput{scope, groups}}, others, population, k, lang);
}

// --- cross-tab cells -------------------------------------------------------------

CellPlan suppress_cells(const std::vector<std::vector<std::uint32_t>>& counts, std::uint32_t k) {
  CellPlan p;
  const std::size_t rows = counts.size();
  const std::size_t cols = rows == 0 ? 0 : counts[0].size();
  p.cells.assign(rows, std::vector<CellState>(cols, CellState::kShown));
  p.row_hidden.assign(rows, false);
  p.row_reason.assign(rows, CellState::kShown);
  p.column_total_hidden.assign(cols, false);
  std::vector<std::uint64_t> row_total(rows, 0);
  std::uint64_t grand = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) row_total[r] += counts[r][c];
    grand += row_total[r];
  }
  if (grand < k) {
    p.nothing_published = true;
    return p;
  }
  auto hide_row = [&](std::size_t r, CellState why) {
    p.row_hidden[r] = true;
    p.row_reason[r] = why;
    for (std::size_t c = 0; c < cols; ++c) {
      if (p.cells[r][c] == CellState::kShown) p.cells[r][c] = why;
    }
  };
  std::size_t hidden_nonzero = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    if (row_total[r] > 0 && row_total[r] < k) {
      hide_row(r, CellState::kBelowK);
      ++hidden_nonzero;
    }
  }
  if (hidden_nonzero == 1) {
    std::size_t best = rows;
    for (std::size_t r = 0; r < rows; ++r) {
      if (p.row_hidden[r] || row_total[r] == 0) continue;
      if (best == rows || row_total[r] < row_total[best]) best = r;
    }
    if (best != rows) hide_row(best, CellState::kComplementary);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      if (!p.row_hidden[r] && counts[r][c] > 0 && counts[r][c] < k) p.cells[r][c] = CellState::kBelowK;
    }
  }
  // Complementary cells to a fixed point. A line is a shown row or a column
  // whose total is shown.
  for (bool changed = true; changed;) {
    changed = false;
    auto fix_line = [&](bool is_row, std::size_t line) {
      const std::size_t len = is_row ? cols : rows;
      auto cell = [&](std::size_t i) -> CellState& { return is_row ? p.cells[line][i] : p.cells[i][line]; };
      auto count = [&](std::size_t i) { return is_row ? counts[line][i] : counts[i][line]; };
      std::size_t suppressed = 0;
      for (std::size_t i = 0; i < len; ++i) suppressed += cell(i) != CellState::kShown;
      if (suppressed != 1) return;
      // The crossing line of cell i: a column when fixing a row, and so on.
      auto crossing_needs_one = [&](std::size_t i) {
        std::size_t n = 0;
        if (is_row) {
          for (std::size_t r = 0; r < rows; ++r) n += p.cells[r][i] != CellState::kShown;
        } else {
          if (p.row_hidden[i]) return false;
          for (std::size_t c = 0; c < cols; ++c) n += p.cells[i][c] != CellState::kShown;
        }
        return n == 1;
      };
      // The smallest non-zero shown cell, preferring one whose crossing line
      // also has exactly one suppressed cell (one complement then serves both).
      std::size_t best = len;
      bool best_serves_both = false;
      for (std::size_t i = 0; i < len; ++i) {
        if (cell(i) != CellState::kShown || count(i) == 0) continue;
        const bool both = crossing_needs_one(i);
        if (best == len || (both && !best_serves_both) || (both == best_serves_both && count(i) < count(best))) {
          best = i;
          best_serves_both = both;
        }
      }
      if (best == len) {
        for (std::size_t i = 0; i < len && best == len; ++i) {  // else a shown zero
          if (cell(i) == CellState::kShown && !(is_row ? false : p.row_hidden[i])) best = i;
        }
      }
      if (best != len) {
        cell(best) = CellState::kComplementary;
      } else if (is_row) {
        hide_row(line, CellState::kComplementary);
      } else {
        p.column_total_hidden[line] = true;
      }
      changed = true;
    };
    for (std::size_t r = 0; r < rows; ++r) {
      if (!p.row_hidden[r]) fix_line(true, r);
    }
    for (std::size_t c = 0; c < cols; ++c) {
      if (!p.column_total_hidden[c]) fix_line(false, c);
    }
  }
  return p;
}

}  // namespace kunren::analysis
