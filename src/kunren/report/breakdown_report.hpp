// Renderers of the analyses beyond the cross-sectional report (issue 7):
// results by segment (kunren.segments/1), a cross-tab of two items
// (kunren.crosstab/1, also CSV for Excel), the peer comparison of one
// organisation (kunren.peer/1), trends across campaigns
// (kunren.campaign-trend/1) and one organisation's answers across campaigns
// (kunren.org-campaigns/1). Each as JSON and as ONE self-contained HTML file
// in the look of report/html_report.cpp (inline style, no script, no URL),
// printing on A4 portrait, Japanese first (lang "ja", or "en").
//
// Disclosure: every output states what was suppressed or merged and why
// (from the analyses' Suppression lists), in plain words; the HTML prints
// the TLP marking under the title and, in print, at the top of every page
// (a fixed header repeated by the browser on each page). Suppressed
// cross-tab cells print "—" and never their count or percent; the JSON
// writes null for them. Everything from the data is escaped (html_escape).
// Output is deterministic: no clock is read; `generated_at` is shown when given.
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <kunren/report/disclosure_text.hpp>

#include <string>
#include <vector>

#include <kunren/analysis/campaign_trend.hpp>
#include <kunren/analysis/crosstab.hpp>
#include <kunren/analysis/peer.hpp>
#include <kunren/analysis/segments.hpp>

namespace kunren::report {

struct BreakdownOptions {
  std::string lang = "ja";   // "ja" (default) or "en": the fixed texts
  std::string title;         // default: a title made from the checklist and the kind of report
  std::string tlp;           // "CLEAR" | "GREEN" | "AMBER" | "AMBER+STRICT" | "RED" (with or without "TLP:"); "" = none
  std::string generated_at;  // shown in the footer when not empty
};

// describe_suppression and tlp_marking: report/disclosure_text.hpp.

std::string render_segments_json(const analysis::SegmentReport& r, const BreakdownOptions& o = {});
std::string render_segments_html(const analysis::SegmentReport& r, const BreakdownOptions& o = {});

std::string render_crosstab_json(const analysis::Crosstab& t, const BreakdownOptions& o = {});
std::string render_crosstab_html(const analysis::Crosstab& t, const BreakdownOptions& o = {});
// UTF-8 with BOM, CRLF (as report/csv_report): one row per A choice, the
// counts, the row total and the row percents; suppressed cells are "—".
std::string render_crosstab_csv(const analysis::Crosstab& t, const BreakdownOptions& o = {});

std::string render_peer_json(const analysis::PeerReport& p, const BreakdownOptions& o = {});
std::string render_peer_html(const analysis::PeerReport& p, const BreakdownOptions& o = {});

std::string render_campaign_trend_json(const analysis::CampaignTrend& t, const BreakdownOptions& o = {});
std::string render_campaign_trend_html(const analysis::CampaignTrend& t, const BreakdownOptions& o = {});

std::string render_org_campaigns_json(const analysis::OrgCampaigns& t, const BreakdownOptions& o = {});
std::string render_org_campaigns_html(const analysis::OrgCampaigns& t, const BreakdownOptions& o = {});

}  // namespace kunren::report
