// Tests of the SVG charts: the per-item pie and the per-section bars.
//
// Golden files: tests/golden/pie_*.svg and tests/golden/bars_*.svg hold the
// expected output. After an intended change, regenerate them with
//   KUNREN_UPDATE_GOLDEN=1 build/tests/kunren_tests --gtest_filter='Svg*'
// and review the diff (open the .svg files in a browser) before committing.
#include <kunren/report/svg_chart.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "report_testing.hpp"

namespace kunren::report {
namespace {

using testing::item_all_one_choice;
using testing::item_mostly_out_of_scope;
using testing::item_with_unanswered;
using testing::make_item;
using testing::small_analysis;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One label of a pie: its side (text-anchor) and the y of each of its lines.
struct LabelBox {
  std::string anchor;
  std::vector<double> ys;
  std::vector<std::string> lines;
  std::string text;  // the text content, tags removed
};

std::vector<LabelBox> labels_of(const std::string& svg) {
  std::vector<LabelBox> out;
  static const std::regex k_text(R"re(<text class="label" text-anchor="(start|end)"[^>]*>(.*?)</text>)re");
  static const std::regex k_tspan(R"re(<tspan x="[-0-9.]+" y="([-0-9.]+)">([^<]*)</tspan>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), k_text); it != std::sregex_iterator(); ++it) {
    LabelBox box;
    box.anchor = (*it)[1];
    const std::string body = (*it)[2];
    for (auto t = std::sregex_iterator(body.begin(), body.end(), k_tspan); t != std::sregex_iterator(); ++t) {
      box.ys.push_back(std::stod((*t)[1]));
      box.lines.push_back((*t)[2]);
      box.text += (*t)[2];
    }
    out.push_back(box);
  }
  return out;
}

TEST(SvgPie, LabelsEverySliceAsNumberLabelCountPercent) {
  const std::string svg = render_pie_svg(item_with_unanswered(), "ja");
  const auto labels = labels_of(svg);
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0].text, "1. 機能する体制がある, 1, 14%");  // wrapped: the figures get a line of their own
  EXPECT_EQ(labels[0].lines.back(), "1, 14%");
  EXPECT_EQ(labels[1].text, "2. 一部機能する, 4, 57%");
  EXPECT_TRUE(contains(svg, ">2. 一部機能する, 4, 57%</tspan>"));  // short enough for one line
  EXPECT_EQ(labels[2].text, "3. 体制がない, 2, 29%");
  // Each slice also names itself in a tooltip.
  EXPECT_TRUE(contains(svg, "<title>1. 機能する体制がある, 1, 14%</title>"));
}

TEST(SvgPie, StillLabelsAChoiceWithZeroPercent) {
  const auto labels = labels_of(render_pie_svg(item_with_unanswered(), "ja"));
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[3].text, "4. シナリオ対象外, 0, 0%");
}

TEST(SvgPie, DrawsASingleFullSliceAsACircleNotAnEmptyArc) {
  const std::string svg = render_pie_svg(item_all_one_choice(), "ja");
  EXPECT_TRUE(contains(svg, "<circle class=\"slice\""));
  EXPECT_FALSE(contains(svg, "<path class=\"slice\""));
  EXPECT_TRUE(contains(svg, "1. 定められ周知されている, 8, 100%"));
}

TEST(SvgPie, StartsAtTwelveOClockAndRunsClockwiseWithChoiceOneFirst) {
  const std::string svg = render_pie_svg(item_with_unanswered(), "ja");
  // Choice 1 (14%) begins straight above the centre and sweeps clockwise
  // (sweep flag 1) to a point right of the centre.
  static const std::regex k_first(R"re(<path class="slice" d="M0 0L0 -80A80 80 0 0 1 ([-0-9.]+) ([-0-9.]+)Z")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, k_first)) << svg;
  EXPECT_GT(std::stod(m[1]), 0);
  EXPECT_LT(std::stod(m[2]), 0);
}

TEST(SvgPie, DrawsSlicesFromTheWholePercents) {
  // 57% is more than half a turn: the large-arc flag must be set for choice 2.
  const std::string svg = render_pie_svg(item_with_unanswered(), "ja");
  static const std::regex k_slice(R"re(<path class="slice" d="M0 0L[-0-9.]+ [-0-9.]+A80 80 0 ([01]) 1)re");
  std::vector<std::string> flags;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), k_slice); it != std::sregex_iterator(); ++it) {
    flags.push_back((*it)[1]);
  }
  EXPECT_EQ(flags, (std::vector<std::string>{"0", "1", "0"}));  // 14%, 57%, 29%; 0% draws nothing
}

TEST(SvgPie, HasRoleImgAndASummaryOfTheDistribution) {
  const std::string svg = render_pie_svg(item_with_unanswered(), "ja");
  EXPECT_TRUE(contains(svg, "role=\"img\""));
  EXPECT_TRUE(contains(svg, "aria-label=\"IMP-P0-01 の回答分布（n=8、無回答 1）：1. 機能する体制がある, 1, 14%"));
  EXPECT_TRUE(contains(svg, "<title>IMP-P0-01 の回答分布"));
}

TEST(SvgPie, SpeaksEnglishWhenAsked) {
  const std::string svg = render_pie_svg(item_with_unanswered(), "en");
  EXPECT_TRUE(contains(svg, "aria-label=\"IMP-P0-01: answers (n=8, no answer: 1)"));
}

TEST(SvgPie, StandaloneHasTheSvgNamespaceAndInlineHasNoUrlAtAll) {
  EXPECT_TRUE(contains(render_pie_svg(item_with_unanswered(), "ja"), "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_FALSE(contains(render_pie_svg(item_with_unanswered(), "ja", SvgMode::kInline), "http"));
}

TEST(SvgPie, EscapesLabelsInTextTitlesAndAriaLabel) {
  auto item = make_item("X<1>", "s", model::Category::kImplementation, "t", 2,
                        {{"<script>alert('x')</script> & co", model::Level::kGood, 1, 50},
                         {"\"quoted\"", model::Level::kPoor, 1, 50}});
  const std::string svg = render_pie_svg(item, "ja");
  EXPECT_FALSE(contains(svg, "<script"));
  EXPECT_FALSE(contains(svg, "X<1>"));
  EXPECT_TRUE(contains(svg, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
  EXPECT_TRUE(contains(svg, "&quot;quoted&quot;"));
}

TEST(SvgPie, WrapsALongJapaneseLabelIntoSeveralLinesThatStillReadAsOne) {
  const std::string label = "定められているが周知は一部の部署と関係者にとどまっている";  // 27 characters
  auto item = make_item("L", "s", model::Category::kImplementation, "t", 7,
                        {{"できている", model::Level::kGood, 3, 43}, {label, model::Level::kPartial, 4, 57}});
  const auto labels = labels_of(render_pie_svg(item, "ja"));
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].ys.size(), 1u);
  EXPECT_GE(labels[1].ys.size(), 3u);
  EXPECT_EQ(labels[1].text, "2. " + label + ", 4, 57%");
}

TEST(SvgPie, BreaksJapaneseLabelsBetweenPhrasesNotInsideWords) {
  auto item = make_item("P", "s", model::Category::kImplementation, "t", 40,
                        {{"体制はあるがセキュリティ事案には機能しない", model::Level::kPartial, 29, 74},
                         {"使えるマニュアルがない", model::Level::kPoor, 11, 26}});
  const auto labels = labels_of(render_pie_svg(item, "ja"));
  ASSERT_EQ(labels.size(), 2u);
  const auto has_line_containing = [](const LabelBox& l, const std::string& word) {
    return std::any_of(l.lines.begin(), l.lines.end(),
                       [&](const std::string& line) { return line.find(word) != std::string::npos; });
  };
  EXPECT_TRUE(has_line_containing(labels[0], "セキュリティ"));
  EXPECT_TRUE(has_line_containing(labels[1], "マニュアルがない"));
}

TEST(SvgPie, KeepsLabelsApartEvenWhenSmallSlicesCrowdOneSide) {
  // Three small slices at the end of the turn put three labels top left.
  auto item = make_item("C", "s", model::Category::kImplementation, "t", 40,
                        {{"十分にできている（手順化され訓練でも確認済み）", model::Level::kGood, 37, 92},
                         {"おおむねできている", model::Level::kGood, 1, 3},
                         {"一部できている", model::Level::kPartial, 1, 3},
                         {"できていない", model::Level::kPoor, 1, 2}});
  const auto labels = labels_of(render_pie_svg(item, "ja"));
  ASSERT_EQ(labels.size(), 4u);
  for (const std::string side : {"start", "end"}) {
    std::vector<std::pair<double, double>> spans;
    for (const auto& l : labels) {
      if (l.anchor == side) spans.push_back({l.ys.front(), l.ys.back()});
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      // Baselines of neighbouring labels are at least one line height apart.
      EXPECT_GE(spans[i].first - spans[i - 1].second, 17.5) << side << " label " << i;
    }
  }
}

TEST(SvgPie, KeepsEveryLabelLineInsideTheViewBox) {
  auto item = make_item("W", "s", model::Category::kImplementation, "t", 4,
                        {{"Averyveryveryverylongunbreakablewordthatcannotwrap", model::Level::kGood, 1, 25},
                         {"ＷＩＤＥ全角の英字と「かぎ括弧」（丸括弧）を含む、とても長い選択肢の文言です", model::Level::kPartial, 1, 25},
                         {"short", model::Level::kPoor, 1, 25},
                         {"シナリオ対象外", model::Level::kNa, 1, 25}});
  const std::string svg = render_pie_svg(item, "en");
  static const std::regex k_view_box(R"re(viewBox="([-0-9.]+) ([-0-9.]+) ([0-9.]+) ([0-9.]+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, k_view_box));
  const double left = std::stod(m[1]), top = std::stod(m[2]);
  const double right = left + std::stod(m[3]), bottom = top + std::stod(m[4]);
  const auto labels = labels_of(svg);
  ASSERT_EQ(labels.size(), 4u);
  for (const auto& l : labels) {
    for (std::size_t k = 0; k < l.lines.size(); ++k) {
      const double width = estimate_width_em(l.lines[k]) * 14;
      // Label text starts 110 units right of the centre, or ends 110 left of it.
      if (l.anchor == "start") EXPECT_LE(110 + width, right) << l.lines[k];
      else EXPECT_GE(-110 - width, left) << l.lines[k];
      EXPECT_GE(l.ys[k] - 14, top);
      EXPECT_LE(l.ys[k] + 4, bottom);
    }
  }
}

TEST(SvgPie, ShowsAnEmptyDashedCircleWhenNobodyAnswered) {
  auto item = make_item("E", "s", model::Category::kImplementation, "t", 8,
                        {{"できている", model::Level::kGood, 0, 0}, {"できていない", model::Level::kPoor, 0, 0}});
  const std::string svg = render_pie_svg(item, "ja");
  EXPECT_TRUE(contains(svg, "stroke-dasharray"));
  EXPECT_TRUE(contains(svg, "回答なし"));
  EXPECT_TRUE(contains(svg, "1. できている, 0, 0%"));
  EXPECT_FALSE(contains(svg, "class=\"slice\""));
}

TEST(SvgPie, IsDeterministicWithCoordinatesRoundedToOneDecimal) {
  const std::string svg = render_pie_svg(item_with_unanswered(), "ja");
  EXPECT_EQ(svg, render_pie_svg(item_with_unanswered(), "ja"));
  static const std::regex k_long_number(R"re(\d\.\d\d)re");
  EXPECT_FALSE(std::regex_search(svg, k_long_number));
}

TEST(SvgPie, MatchesTheGoldenFiles) {
  testing::expect_golden("pie_unanswered.svg", render_pie_svg(item_with_unanswered(), "ja"));
  testing::expect_golden("pie_full_circle.svg", render_pie_svg(item_all_one_choice(), "ja"));
  testing::expect_golden("pie_four_choices_en.svg", render_pie_svg(item_mostly_out_of_scope(), "en"));
}

TEST(SvgColours, FollowTheLevelAndLightenForALaterChoiceOfTheSameLevel) {
  auto item = make_item("K", "s", model::Category::kImplementation, "t", 4,
                        {{"a", model::Level::kGood, 1, 25},
                         {"b", model::Level::kGood, 1, 25},
                         {"c", model::Level::kPartial, 1, 25},
                         {"d", model::Level::kNa, 1, 25}});
  const std::string good1 = choice_fill(item, 0), good2 = choice_fill(item, 1);
  EXPECT_NE(good1, good2);
  EXPECT_NE(good1, choice_fill(item, 2));
  EXPECT_NE(choice_fill(item, 2), choice_fill(item, 3));
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(choice_fill(item, i).size(), 7u);
}

TEST(SvgBars, ShowsOneLinkedBarPerItemOfTheSection) {
  const auto a = small_analysis();
  const std::string svg = render_section_bars_svg(a, a.sections[0], "ja");
  EXPECT_TRUE(contains(svg, "<a href=\"#item-IMP-P0-01\">"));
  EXPECT_TRUE(contains(svg, "<a href=\"#item-IMP-P0-02\">"));
  EXPECT_FALSE(contains(svg, "OVR-01"));
  EXPECT_TRUE(contains(svg, "role=\"img\""));
  EXPECT_TRUE(contains(svg, "0.43"));  // score of IMP-P0-01
  EXPECT_TRUE(contains(svg, ">課題<"));
  EXPECT_TRUE(contains(svg, ">強み<"));
}

TEST(SvgBars, HatchesTheUnansweredShareAndNamesItInTheLegend) {
  const auto a = small_analysis();
  const std::string svg = render_section_bars_svg(a, a.sections[0], "ja");
  EXPECT_TRUE(contains(svg, "<pattern id=\"hatch-p0-prep\""));
  EXPECT_TRUE(contains(svg, "fill=\"url(#hatch-p0-prep)\""));
  for (const char* word : {"良好", "部分的", "不十分", "シナリオ対象外", "無回答"}) {
    EXPECT_TRUE(contains(svg, word)) << word;
  }
}

TEST(SvgBars, SpeaksEnglishWhenAsked) {
  const auto a = small_analysis();
  const std::string svg = render_section_bars_svg(a, a.sections[1], "en");
  for (const char* word : {"good", "partial", "poor", "out of scope", "no answer", "mostly out of scope"}) {
    EXPECT_TRUE(contains(svg, word)) << word;
  }
}

TEST(SvgBars, MatchesTheGoldenFile) {
  const auto a = small_analysis();
  testing::expect_golden("bars_p0_prep.svg", render_section_bars_svg(a, a.sections[0], "ja"));
}

}  // namespace
}  // namespace kunren::report
