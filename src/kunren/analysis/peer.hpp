// Peer comparison for one organisation (issue 7): per item, its own choice
// beside the pooled distribution of every organisation in the analysis; per
// section, its section score beside the pooled median and quartiles of all
// organisations' section scores.
//
// Section score of one organisation: the mean over its answered, non-na
// items of the section of good=1, partial=0.5, poor=0; none when it has no
// such answer (then it is left out of the pooled quartiles too).
// Quartiles: linear interpolation between order statistics, Excel's
// QUARTILE.INC (R type 7): for sorted x[0..m−1], Q(p) = x[h] + (h−⌊h⌋)·(x[⌊h⌋+1]−x[⌊h⌋])
// with h = (m−1)·p; median = Q(0.5).
//
// The pooled side needs n ≥ k (Status::conflict otherwise). The pooled
// distributions carry no comments.
// Thread safety: pure function of its inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/util/status.hpp>

namespace kunren::analysis {

struct PeerItem {
  int choice = 0;  // the organisation's choice number; 0 = no answer
  std::string label;
  std::optional<model::Level> level;
  ItemResult pooled;  // counts and percents over every organisation
};

struct PeerSection {
  std::string id;
  std::string title;
  std::optional<double> score;  // the organisation's
  std::uint32_t scored_orgs = 0;  // organisations with a section score
  std::optional<double> q1, median, q3;
};

struct PeerReport {
  std::string checklist_id, checklist_version, checklist_title;
  std::string org;        // the organisation's id (the report is for that organisation)
  std::string org_name;
  std::uint32_t organizations = 0;
  std::uint32_t min_group = 3;
  std::string quartile_method = "linear interpolation (Excel QUARTILE.INC, R type 7)";
  std::vector<PeerItem> items;        // checklist order
  std::vector<PeerSection> sections;  // checklist order
};

// The quantile p ∈ [0,1] of sorted values by the method above; none if empty.
std::optional<double> quantile_inc(const std::vector<double>& sorted, double p);

// The organisation's section scores (one per checklist section).
std::vector<std::optional<double>> section_scores(const model::Checklist& checklist,
                                                  const model::ResponseSet& responses, std::size_t org);

// `org` is an organisation id in responses.orgs (not_found otherwise).
Result<PeerReport> peer_report(const model::Checklist& checklist, const model::ResponseSet& responses,
                               const std::string& org, std::uint32_t k, const AnalysisOptions& options = {});

}  // namespace kunren::analysis
