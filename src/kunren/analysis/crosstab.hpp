// A cross-tab of two checklist items A × B (issue 7): rows are A's choices,
// columns B's choices, over the organisations that answered both (how many
// answered only one of them or neither is stated). Counts and row percents
// (whole percents of the row total by the largest-remainder rule,
// analysis::whole_percents). Cells are suppressed by
// analysis::suppress_cells: 1..k−1 organisations, rows below k hidden whole,
// complementary cells so that no shown total reveals a suppressed cell; the
// percent of a suppressed cell is not shown. A grand total below k publishes
// nothing (Status::conflict).
//
// Thread safety: pure function of its inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/util/status.hpp>

namespace kunren::analysis {

struct CrossCell {
  std::uint32_t count = 0;  // meaningful only when !suppressed (renderers must not print it otherwise)
  std::optional<int> percent;  // row percent; none when suppressed, the row is hidden or its total is 0
  bool suppressed = false;
  std::string reason;  // "" | "below_k" | "complementary"
};

struct CrossChoice {
  int no = 0;
  std::string label;
  model::Level level = model::Level::kPoor;
};

struct CrossRow {
  CrossChoice choice;
  std::optional<std::uint32_t> total;  // none when the row is hidden
  std::vector<CrossCell> cells;
};

struct Crosstab {
  std::string checklist_id, checklist_version;
  std::string item_a, item_b;  // ids
  std::string text_a, text_b;
  std::string scope;           // "crosstab:A×B"
  std::uint32_t min_group = 3;
  std::uint32_t n = 0;          // organisations in the analysis
  std::uint32_t both = 0;       // answered both: the grand total
  std::uint32_t only_a = 0, only_b = 0, neither = 0;
  std::vector<CrossChoice> columns;
  std::vector<std::optional<std::uint32_t>> column_totals;  // none when hidden
  std::vector<CrossRow> rows;
  std::vector<Suppression> suppressed;
};

// Unknown item ids are bad_input naming the id (field "--crosstab"); a grand
// total below k is conflict.
Result<Crosstab> crosstab(const model::Checklist& checklist, const model::ResponseSet& responses,
                          const std::string& item_a, const std::string& item_b, std::uint32_t k,
                          const std::string& lang = "ja");

}  // namespace kunren::analysis
