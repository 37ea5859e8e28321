// Results by industry or by size band (issue 7), subject to the minimum group
// size k: the groups are planned by analysis/disclosure.hpp (small groups
// merged into その他 / other, complementary and differencing merges across
// every breakdown requested together) and each published group gets its own
// Analysis over its organisations' rows. Segment analyses carry no comments:
// quotes appear only in the whole-campaign report.
//
// Thread safety: pure function of its inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/analysis/disclosure.hpp>
#include <kunren/util/status.hpp>

namespace kunren::analysis {

struct Segment {
  std::string key;    // industry or size text; "" = not given; "other" = the merged group
  std::string label;  // for display
  bool other = false;
  Analysis analysis;  // over the group's organisations; no comments
};

struct SegmentBreakdown {
  std::string by;     // "industry" | "size"
  std::string scope;  // "segment:industry" | "segment:size"
  std::vector<Segment> segments;  // published groups in order, then "other" if any
};

struct SegmentReport {
  std::string checklist_id, checklist_version, checklist_title;
  std::uint32_t organizations = 0;  // the whole population
  std::uint32_t min_group = 3;
  std::vector<SegmentBreakdown> breakdowns;  // in the order requested
  std::vector<Suppression> suppressed;
};

// `by`: each "industry" or "size" (at most once each). A population below k
// is Status::conflict (nothing is published); an unknown `by` is bad_input.
Result<SegmentReport> analyze_segments(const model::Checklist& checklist, const model::ResponseSet& responses,
                                       const std::vector<std::string>& by, std::uint32_t k,
                                       const AnalysisOptions& options = {});

// The rows of `orgs` (indexes into responses.orgs) as a ResponseSet, without comments.
model::ResponseSet select_rows(const model::ResponseSet& responses, const std::vector<std::uint32_t>& orgs);

}  // namespace kunren::analysis
