// SVG charts for the cross-sectional report: one pie per item, and one
// 100%-stacked horizontal bar chart per section that compares its items.
//
// The charts follow the published convention (§3.3 of the architecture): a pie
// is drawn from the whole percents, so what the reader sees matches the labels;
// it starts at 12 o'clock and runs clockwise, choice 1 first. Every slice is
// labelled outside the pie, with a leader line, as "1. label, count, percent%";
// labels are wrapped and spread so they never overlap, and the view box grows
// rather than cut a label off. Choices with 0% are labelled too.
//
// Colours come from the choice's level (good green, partial amber, poor red,
// na grey) and its position among the choices of that level (first darkest).
// All text is user data and is escaped. Output is deterministic: coordinates
// are rounded to 0.1, scores printed with two decimals.
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <string>
#include <string_view>

#include <kunren/analysis/analysis.hpp>

namespace kunren::report {

// kStandalone adds the SVG namespace declaration so the text is a valid .svg
// file; kInline omits it for embedding in HTML, where the parser supplies the
// namespace (and the report then contains no URL at all).
enum class SvgMode { kStandalone, kInline };

// One pie chart for `item`, in the UI language `lang` ("ja" or "en"; anything
// else is treated as "ja"). Has role="img", an aria-label and a <title>
// summarising the distribution.
std::string render_pie_svg(const analysis::ItemResult& item, const std::string& lang,
                           SvgMode mode = SvgMode::kStandalone);

// One 100%-stacked bar per item of section `s` (of analysis `a`), segments in
// choice order, width count / n, the unanswered hatched at the end; the item id
// links to "#item-<html_id(id)>" as written by render_html_report; score and
// highlight on the right; a legend of levels below.
std::string render_section_bars_svg(const analysis::Analysis& a, const analysis::SectionResult& s,
                                    const std::string& lang, SvgMode mode = SvgMode::kStandalone);

// The fill colour ("#rrggbb") of choice `index` (0-based) of `item`, as used
// by both charts; the HTML legend uses it for its swatches.
// REQUIRES: index < item.choices.size().
std::string choice_fill(const analysis::ItemResult& item, std::size_t index);

// The name of a choice level: 良好 / 部分的 / 不十分 / シナリオ対象外 (ja) or
// good / partial / poor / out of scope (en).
const char* level_label(model::Level level, std::string_view lang);

// The highlight's badge text: 強み / 課題 / シナリオ対象外多数 (ja) or
// strength / challenge / mostly out of scope (en); "" for none.
const char* highlight_label(analysis::Highlight h, std::string_view lang);

// Estimated rendered width of `text` in em (CJK = 1, Latin ≈ 0.6); used to
// wrap labels, since an SVG cannot measure text on the server.
double estimate_width_em(std::string_view text);

}  // namespace kunren::report
