#include <kunren/analysis/crosstab.hpp>

#include <fmt/format.h>

#include <kunren/analysis/disclosure.hpp>

namespace kunren::analysis {

Result<Crosstab> crosstab(const model::Checklist& checklist, const model::ResponseSet& responses,
                          const std::string& item_a, const std::string& item_b, std::uint32_t k,
                          const std::string& lang) {
  const auto ia = checklist.find_item(item_a);
  if (!ia) {
    return Status::bad_input(fmt::format("unknown item '{}' in checklist {}", item_a, checklist.id),
                             Location{{}, 0, 0, "--crosstab"});
  }
  const auto ib = checklist.find_item(item_b);
  if (!ib) {
    return Status::bad_input(fmt::format("unknown item '{}' in checklist {}", item_b, checklist.id),
                             Location{{}, 0, 0, "--crosstab"});
  }
  if (*ia == *ib) {
    return Status::bad_input(fmt::format("a cross-tab needs two different items (got {} twice)", item_a),
                             Location{{}, 0, 0, "--crosstab"});
  }
  const model::Item& a = checklist.items[*ia];
  const model::Item& b = checklist.items[*ib];
  Crosstab t;
  t.checklist_id = checklist.id;
  t.checklist_version = checklist.version;
  t.item_a = a.id;
  t.item_b = b.id;
  t.text_a = a.text.text(lang);
  t.text_b = b.text.text(lang);
  t.scope = "crosstab:" + a.id + "×" + b.id;
  t.min_group = k;
  t.n = static_cast<std::uint32_t>(responses.orgs.size());
  std::vector<std::vector<std::uint32_t>> counts(a.choices.size(), std::vector<std::uint32_t>(b.choices.size(), 0));
  for (std::size_t o = 0; o < responses.orgs.size(); ++o) {
    const std::uint8_t ca = responses.answer(o, *ia);
    const std::uint8_t cb = responses.answer(o, *ib);
    if (ca != 0 && cb != 0) {
      ++counts[ca - 1][cb - 1];
      ++t.both;
    } else if (ca != 0) {
      ++t.only_a;
    } else if (cb != 0) {
      ++t.only_b;
    } else {
      ++t.neither;
    }
  }
  if (t.both < k) {
    return Status::conflict(fmt::format("{} × {}: {} organisations answered both, fewer than the minimum group size "
                                        "{}: nothing is published",
                                        a.id, b.id, t.both, k));
  }
  const CellPlan plan = suppress_cells(counts, k);
  for (const auto& ch : b.choices) t.columns.push_back(CrossChoice{ch.no, ch.label.text(lang), ch.level});
  for (std::size_t c = 0; c < b.choices.size(); ++c) {
    std::uint32_t total = 0;
    for (std::size_t r = 0; r < a.choices.size(); ++r) total += counts[r][c];
    t.column_totals.push_back(plan.column_total_hidden[c] ? std::nullopt : std::optional<std::uint32_t>(total));
  }
  for (std::size_t r = 0; r < a.choices.size(); ++r) {
    CrossRow row;
    row.choice = CrossChoice{a.choices[r].no, a.choices[r].label.text(lang), a.choices[r].level};
    std::uint32_t total = 0;
    for (auto c : counts[r]) total += c;
    if (!plan.row_hidden[r]) row.total = total;
    const std::vector<int> percents = whole_percents(counts[r]);
    for (std::size_t c = 0; c < b.choices.size(); ++c) {
      CrossCell cell;
      const CellState s = plan.cells[r][c];
      if (s == CellState::kShown) {
        cell.count = counts[r][c];
        if (total > 0) cell.percent = percents[c];
      } else {
        cell.suppressed = true;
        cell.reason = s == CellState::kBelowK ? "below_k" : "complementary";
        t.suppressed.push_back(
            Suppression{t.scope, fmt::format("{}={},{}={}", a.id, r + 1, b.id, c + 1), cell.reason, "suppressed"});
      }
      row.cells.push_back(std::move(cell));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace kunren::analysis
