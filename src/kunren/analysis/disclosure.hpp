// Disclosure control of breakdowns (DOMAIN.md §11): which groups of a
// breakdown (by industry, by size band) may be published when no group of
// fewer than k organisations may be shown, and which cells of a cross-tab
// must be suppressed.
//
// Groups (plan_breakdowns):
//   - a group with fewer than k organisations is merged into "その他 / other"
//     (reason below_k, action merged_into_other);
//   - if "other" is then non-empty but below k, the smallest published group
//     is merged into it too (reason complementary) until other ≥ k, so that
//     the total minus the published groups never shows a group below k;
//   - differencing: over every set published in the same report (the total,
//     every group and every non-empty "other" of every breakdown), if the
//     groups of one breakdown that lie wholly inside a set B of another
//     together cover all of B but 1..k−1 organisations, those organisations
//     could be read off by subtraction. The smallest such group is merged
//     into its breakdown's "other" (reason differencing); when only that
//     "other" is inside B, the smallest remaining group of the same
//     breakdown is merged into "other" as well. Repeated until no such pair
//     is left. This covers the pairwise rule (A ⊂ B with 0 < |B∖A| < k) and
//     unions of several groups inside one set; it does not search for
//     attacks combining three or more breakdowns' sets at once.
//   - a population below k publishes nothing (every breakdown empty, one
//     Suppression per breakdown with group "").
// Organisations with an empty industry or size form the group 未記入 / not
// given (key ""), subject to the same rules.
//
// Cross-tab cells (suppress_cells): see the function.
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/model/responses.hpp>

namespace kunren::analysis {

// One group of organisations: indexes into ResponseSet::orgs, sorted.
struct Group {
  std::string key;    // the industry or size text as written; "" = not given; "other" for the merged group
  std::string label;  // for display: the key, or 未記入 / not given, その他 / other
  std::vector<std::uint32_t> orgs;
};

// One breakdown to plan: the groups partition the population.
struct BreakdownInput {
  std::string scope;          // "segment:industry" | "segment:size"
  std::vector<Group> groups;  // every organisation in exactly one group
};

struct BreakdownPlan {
  std::string scope;
  std::vector<Group> published;  // each ≥ k, in the input order
  Group other;                   // key "other"; empty orgs = no "other" group published
  std::vector<std::string> merged;  // keys of the groups merged into other
};

struct DisclosurePlan {
  bool nothing_published = false;  // the population is below k
  std::vector<BreakdownPlan> breakdowns;
  std::vector<Suppression> suppressed;  // in the order decided
};

// Texts of the two synthetic groups in `lang` ("ja" | "en").
std::string not_given_label(const std::string& lang);  // 未記入 / not given
std::string other_label(const std::string& lang);      // その他 / other

// Groups the organisations by industry (`by` = "industry") or size band
// ("size"): one group per distinct text in order of first appearance, the
// empty text last as 未記入 / not given.
std::vector<Group> group_organizations(const std::vector<model::Organization>& orgs, const std::string& by,
                                       const std::string& lang);

// Plans every breakdown of one report together (the differencing check spans
// all of them). `population` is the number of organisations (the total).
// REQUIRES: k ≥ 1; each input's groups partition 0..population−1.
DisclosurePlan plan_breakdowns(const std::vector<BreakdownInput>& inputs, std::uint32_t population, std::uint32_t k,
                               const std::string& lang = "ja");

// One breakdown, with the sets of `others` (other groups published in the
// same report, e.g. another breakdown's groups, already decided) held fixed
// for the differencing check. Returns the plan of this breakdown only.
DisclosurePlan plan_groups(const std::vector<Group>& groups, std::uint32_t k, const std::string& scope,
                           const std::vector<std::vector<std::uint32_t>>& others, std::uint32_t population,
                           const std::string& lang = "ja");

// --- cross-tab cells -------------------------------------------------------------

enum class CellState : std::uint8_t { kShown, kBelowK, kComplementary };

struct CellPlan {
  std::vector<std::vector<CellState>> cells;  // [row][column]
  std::vector<bool> row_hidden;               // the row's total (and every cell) is not shown
  std::vector<CellState> row_reason;          // why a row is hidden (kBelowK or kComplementary)
  std::vector<bool> column_total_hidden;      // a column total that would reveal a cell
  bool nothing_published = false;             // the grand total is below k
};

// Suppresses the cells of a table of counts (rows × columns, every row the
// same length):
//   - the grand total below k: nothing_published;
//   - a row whose total is below k is hidden whole (its total and every
//     cell, reason below_k); if that leaves exactly one hidden row of
//     non-zero total, the smallest other non-zero row is hidden too
//     (complementary), so the grand total minus the shown rows does not give
//     a hidden row's total;
//   - a cell of 1..k−1 organisations is suppressed (below_k);
//   - complementary cells, to a fixed point: every shown row and every column
//     with exactly one suppressed cell gets a second one — the smallest
//     non-zero shown cell of that line (preferring one whose crossing line
//     also has exactly one suppressed cell, so that one complement serves
//     both), else a shown zero cell, else (none left) the line's total is
//     hidden. This is a greedy heuristic: it always ends with no line
//     revealing a cell by subtraction, but does not promise the fewest
//     suppressed cells (an optimal choice is an integer program).
CellPlan suppress_cells(const std::vector<std::vector<std::uint32_t>>& counts, std::uint32_t k);

}  // namespace kunren::analysis
