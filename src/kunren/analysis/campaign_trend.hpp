// Trends across campaigns (issue 7):
//   (a) campaign_trend: the same checklist across campaigns, item by item —
//       per campaign n, answered, the number and share of good answers (and
//       its whole percent, the largest-remainder rule over good / not good)
//       and the change from the previous campaign shown. Campaigns with
//       fewer than k organisations are left out, with a Suppression (scope
//       "campaign", group = the campaign id, reason below_k). A campaign on
//       another checklist version is first mapped into the comparison's item
//       space with a model::ChecklistMapping.
//   (b) org_campaigns: one organisation's own answers across campaigns
//       (item × campaign → choice label and level). Only for that
//       organisation and the coordinator: callers decide who may see it.
// Thread safety: pure functions of their inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/mapping.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/util/status.hpp>

namespace kunren::analysis {

struct CampaignInput {
  std::string id;
  std::string title;
  const model::Checklist* checklist = nullptr;   // the checklist the campaign answered
  const model::ResponseSet* responses = nullptr;
  std::uint32_t min_group = 3;                   // the campaign's k
};

struct TrendCell {
  std::uint32_t n = 0, answered = 0, good = 0;
  double share = 0;   // good / answered (0 when answered = 0)
  int percent = 0;    // whole percent of good among answered
  std::optional<int> change_points;    // percent − the previous campaign's percent
  std::optional<double> change_share;  // share − the previous campaign's share
};

struct TrendItem {
  std::string id, section, text;
  std::vector<TrendCell> cells;  // one per shown campaign, in order
};

struct CampaignColumn {
  std::string id, title;
  std::string checklist_version;  // the version the campaign answered
  bool mapped = false;            // its answers were mapped to the comparison's version
  std::uint32_t n = 0;
};

struct CampaignTrend {
  std::string checklist_id, checklist_version, checklist_title;  // the comparison's item space
  std::vector<CampaignColumn> campaigns;  // shown ones, in the order given
  std::vector<TrendItem> items;
  std::vector<Suppression> suppressed;
};

// The comparison is in the item space of `target` (usually the newest
// campaign's checklist). A campaign whose checklist differs from target (id
// or version) needs `mapping` from its checklist to target (bad_input
// otherwise, naming the campaign); the mapping must already be checked.
// Fewer than two campaigns is bad_input; every campaign below k leaves
// nothing to show → conflict.
Result<CampaignTrend> campaign_trend(const std::vector<CampaignInput>& campaigns, const model::Checklist& target,
                                     const model::ChecklistMapping* mapping, const std::string& lang = "ja");

struct OrgAnswer {
  int choice = 0;  // 0 = no answer (or the item is not in that campaign's checklist)
  std::string label;
  std::optional<model::Level> level;
  bool in_checklist = true;
};

struct OrgTrendItem {
  std::string id, text;
  std::vector<OrgAnswer> answers;  // one per campaign
};

struct OrgCampaigns {
  std::string org, org_name;
  std::vector<CampaignColumn> campaigns;
  std::vector<OrgTrendItem> items;  // the last campaign's checklist order, then items only earlier ones had
};

// `campaigns[i].responses` holds the organisation's row (by id); a campaign
// without it shows no answers. No k applies: these are the organisation's own
// answers.
OrgCampaigns org_campaigns(const std::vector<CampaignInput>& campaigns, const std::string& org,
                           const std::string& lang = "ja");

}  // namespace kunren::analysis
