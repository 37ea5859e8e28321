#include <kunren/analysis/segments.hpp>

#include <fmt/format.h>

namespace kunren::analysis {

model::ResponseSet select_rows(const model::ResponseSet& responses, const std::vector<std::uint32_t>& orgs) {
  model::ResponseSet out;
  out.item_count = responses.item_count;
  out.orgs.reserve(orgs.size());
  out.answers.reserve(orgs.size() * responses.item_count);
  for (std::uint32_t o : orgs) {
    out.orgs.push_back(responses.orgs[o]);
    const auto* row = responses.answers.data() + static_cast<std::size_t>(o) * responses.item_count;
    out.answers.insert(out.answers.end(), row, row + responses.item_count);
  }
  return out;
}

Result<SegmentReport> analyze_segments(const model::Checklist& checklist, const model::ResponseSet& responses,
                                       const std::vector<std::string>& by, std::uint32_t k,
                                       const AnalysisOptions& options) {
  std::vector<BreakdownInput> inputs;
  for (const auto& b : by) {
    if (b != "industry" && b != "size") {
      return Status::bad_input(fmt::format("unknown breakdown '{}'; use industry or size", b),
                               Location{{}, 0, 0, "--by"});
    }
    for (const auto& in : inputs) {
      if (in.scope == "segment:" + b) {
        return Status::bad_input(fmt::format("breakdown '{}' given twice", b), Location{{}, 0, 0, "--by"});
      }
    }
    inputs.push_back(BreakdownInput{"segment:" + b, group_organizations(responses.orgs, b, options.lang)});
  }
  const auto population = static_cast<std::uint32_t>(responses.orgs.size());
  if (population < k) {
    return Status::conflict(fmt::format("the analysis has {} organisations, fewer than the minimum group size {}: "
                                        "nothing is published",
                                        population, k));
  }
  const DisclosurePlan plan = plan_breakdowns(inputs, population, k, options.lang);
  SegmentReport r;
  r.checklist_id = checklist.id;
  r.checklist_version = checklist.version;
  r.checklist_title = checklist.title.text(options.lang);
  r.organizations = population;
  r.min_group = k;
  r.suppressed = plan.suppressed;
  for (std::size_t i = 0; i < plan.breakdowns.size(); ++i) {
    const BreakdownPlan& p = plan.breakdowns[i];
    SegmentBreakdown b;
    b.by = by[i];
    b.scope = p.scope;
    for (const Group& g : p.published) {
      b.segments.push_back(Segment{g.key, g.label, false, analyze(checklist, select_rows(responses, g.orgs), options)});
    }
    if (!p.other.orgs.empty()) {
      b.segments.push_back(
          Segment{"other", p.other.label, true, analyze(checklist, select_rows(responses, p.other.orgs), options)});
    }
    r.breakdowns.push_back(std::move(b));
  }
  return r;
}

}  // namespace kunren::analysis
