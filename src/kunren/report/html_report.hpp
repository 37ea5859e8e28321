// The cross-sectional HTML report: what a coordinator publishes about a
// campaign — a summary (rules, strengths, challenges, items not exercised,
// section scores) followed by every item grouped by section, each with its
// pie chart, legend table, highlight, score and pseudonymous comments.
//
// The result is ONE self-contained UTF-8 file: inline <style>, inline SVG, no
// script, no web fonts, no URL of any kind, so it opens offline (plants are
// often air-gapped) and can be mailed or archived as is. It prints on A4
// portrait: sections start a new page, two items per page, no navigation.
//
// Everything taken from the analysis (titles, labels, statements, comments,
// ids) is user data and is escaped. Comments are attributed to Quote::org, the
// pseudonym code, as 組織A / "Org A" — never to anything else. Output is
// deterministic for golden tests: no clock is read; the footer shows
// options.generated_at only when the caller gives one.
//
// Thread safety: a pure function of its inputs.
#pragma once

#include <string>

#include <kunren/analysis/analysis.hpp>
#include <kunren/report/svg_chart.hpp>  // render_pie_svg, render_section_bars_svg

namespace kunren::report {

struct HtmlOptions {
  // UI language of the fixed texts: "ja" (default) or "en"; anything else is
  // treated as "ja". The analysis texts are printed as they are.
  std::string lang = "ja";
  // Report title. Default empty: analysis.checklist_title followed by
  // 集計結果 / "cross-sectional results".
  std::string title;
  // Shown in the footer when non-empty (default empty: no timestamp at all).
  std::string generated_at;
  // Traffic Light Protocol marking such as "TLP:CLEAR" or "TLP:AMBER", shown
  // under the title and at the top of the printout. Default empty: none.
  std::string tlp;
};

std::string render_html_report(const analysis::Analysis& a, const HtmlOptions& options = {});

}  // namespace kunren::report

