// Tests of the cross-sectional HTML report.
//
// Golden files: tests/golden/report_small.html (Japanese) and
// tests/golden/report_small_en.html (English) hold the full expected output for
// a small two-section analysis. After an intended change, regenerate them with
//   KUNREN_UPDATE_GOLDEN=1 build/tests/kunren_tests --gtest_filter='HtmlReport*'
// then look at the result (scripts/screenshot.sh tests/golden/report_small.html
// /tmp/r.png) and review the diff before committing.
#include <kunren/report/html_report.hpp>

#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "report_testing.hpp"

namespace kunren::report {
namespace {

using testing::small_analysis;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

HtmlOptions english() {
  HtmlOptions o;
  o.lang = "en";
  return o;
}

// An analysis whose every piece of user text tries to inject markup.
analysis::Analysis hostile_analysis() {
  auto a = small_analysis();
  a.checklist_title = "<script>alert('title')</script>";
  a.checklist_id = "id\"><img onerror=x>";
  a.sections[0].title = "<b>section</b>";
  a.items[0].text = "<script>alert('text')</script>";
  a.items[0].choices[1].label = "<script>alert('label')</script>";
  a.items[0].comments = {{"<i>A</i>", "</blockquote><script>alert('comment')</script>"}};
  return a;
}

TEST(HtmlReport, IsOneUtf8DocumentInTheRequestedLanguage) {
  const std::string ja = render_html_report(small_analysis());
  EXPECT_EQ(ja.rfind("<!DOCTYPE html>\n<html lang=\"ja\">", 0), 0u);
  EXPECT_TRUE(contains(ja, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(contains(ja, "</html>\n"));
  EXPECT_TRUE(contains(render_html_report(small_analysis(), english()), "<html lang=\"en\">"));
}

TEST(HtmlReport, TreatsAnUnknownLanguageAsJapanese) {
  HtmlOptions o;
  o.lang = "fr\"><script>";
  const std::string html = render_html_report(small_analysis(), o);
  EXPECT_TRUE(contains(html, "<html lang=\"ja\">"));
  EXPECT_FALSE(contains(html, "<script"));
}

TEST(HtmlReport, MakesNoExternalRequestAndNeedsNoScript) {
  for (const auto& options : {HtmlOptions{}, english()}) {
    const std::string html = render_html_report(small_analysis(), options);
    EXPECT_FALSE(contains(html, "http://"));
    EXPECT_FALSE(contains(html, "https://"));
    EXPECT_FALSE(contains(html, "<script"));
    EXPECT_FALSE(contains(html, "@import"));
    EXPECT_FALSE(contains(html, "@font-face"));
    EXPECT_FALSE(contains(html, "<link"));
    EXPECT_FALSE(contains(html, " src="));
    EXPECT_FALSE(contains(html, "//"));  // no protocol-relative URL either
    // url( only ever points inside the document (the hatch patterns).
    EXPECT_EQ(count_of(html, "url("), count_of(html, "url(#"));
    // Every href is an in-page fragment.
    EXPECT_EQ(count_of(html, "href=\""), count_of(html, "href=\"#"));
    EXPECT_TRUE(contains(html, "<style>"));
  }
}

TEST(HtmlReport, PrintsTheLegendCaptionExactly) {
  EXPECT_TRUE(contains(render_html_report(small_analysis()), "凡例：選択肢番号,選択肢,回答組織数,割合（％）"));
  EXPECT_TRUE(contains(render_html_report(small_analysis(), english()),
                       "Legend: choice no., choice, organisations, share (%)"));
}

TEST(HtmlReport, ShowsNAndTheUnansweredSeparately) {
  const std::string ja = render_html_report(small_analysis());
  EXPECT_TRUE(contains(ja, "n=8（無回答 1）"));
  EXPECT_TRUE(contains(ja, "<span>n=8</span>"));  // nobody left IMP-P0-02 blank: no note
  EXPECT_TRUE(contains(render_html_report(small_analysis(), english()), "n=8 (no answer: 1)"));
}

TEST(HtmlReport, LabelsEverySliceAsNumberLabelCountPercent) {
  const std::string html = render_html_report(small_analysis());
  EXPECT_TRUE(contains(html, "1. 機能する体制がある, 1, 14%"));
  EXPECT_TRUE(contains(html, "2. 一部機能する, 4, 57%"));
  EXPECT_TRUE(contains(html, "3. 体制がない, 2, 29%"));
  EXPECT_TRUE(contains(html, "4. シナリオ対象外, 5, 63%"));
}

TEST(HtmlReport, ListsAZeroPercentChoiceInTheLegend) {
  const std::string html = render_html_report(small_analysis());
  EXPECT_TRUE(contains(html, "<tr class=\"zero\"><td class=\"no\"><span class=\"swatch\" style=\"background:"));
  static const std::regex k_row(
      R"re(<tr class="zero">.*?>4</td><td>シナリオ対象外</td><td class="num">0</td><td class="num">0</td></tr>)re");
  EXPECT_TRUE(std::regex_search(html, k_row));
}

TEST(HtmlReport, DrawsAFullCircleForAHundredPercentChoice) {
  EXPECT_TRUE(contains(render_html_report(small_analysis()), "<circle class=\"slice\""));
}

TEST(HtmlReport, MarksHighlightsWithBadgesAndShowsTheScore) {
  const std::string ja = render_html_report(small_analysis());
  EXPECT_TRUE(contains(ja, "<span class=\"badge badge-strength\">強み</span>"));
  EXPECT_TRUE(contains(ja, "<span class=\"badge badge-challenge\">課題</span>"));
  EXPECT_TRUE(contains(ja, "<span class=\"badge badge-not_exercised\">シナリオ対象外多数</span>"));
  EXPECT_TRUE(contains(ja, "スコア <b>0.43</b>"));
  const std::string en = render_html_report(small_analysis(), english());
  EXPECT_TRUE(contains(en, ">strength</span>"));
  EXPECT_TRUE(contains(en, ">challenge</span>"));
  EXPECT_TRUE(contains(en, ">mostly out of scope</span>"));
  EXPECT_TRUE(contains(en, "Score <b>0.43</b>"));
}

TEST(HtmlReport, AttributesCommentsToPseudonymsOnly) {
  const std::string ja = render_html_report(small_analysis());
  EXPECT_TRUE(contains(ja, "<figcaption>— 組織A</figcaption>"));
  EXPECT_TRUE(contains(ja, "<figcaption>— 組織C</figcaption>"));
  EXPECT_TRUE(contains(ja, "<blockquote>判断基準が事前に決まっておらず、議論に時間を要した。</blockquote>"));
  EXPECT_TRUE(contains(render_html_report(small_analysis(), english()), "<figcaption>— Org B</figcaption>"));
}

TEST(HtmlReport, EscapesEveryPieceOfUserText) {
  const std::string html = render_html_report(hostile_analysis());
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "<img"));
  EXPECT_FALSE(contains(html, "<b>section"));
  EXPECT_FALSE(contains(html, "<i>A</i>"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;"));
  EXPECT_TRUE(contains(html, "&lt;/blockquote&gt;&lt;script&gt;alert(&#39;comment&#39;)&lt;/script&gt;"));
  EXPECT_TRUE(contains(html, "<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; 集計結果</title>"));
  EXPECT_TRUE(contains(html, "組織&lt;i&gt;A&lt;/i&gt;"));
  EXPECT_TRUE(contains(html, "2. &lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;, 4, 57%"));  // in the pie
}

TEST(HtmlReport, PrintsTheRulesWithTheThresholdsInUse) {
  auto a = small_analysis();
  a.options.strength_at = 0.7;
  a.options.challenge_at = 0.4;
  a.options.not_exercised_at = 0.6;
  const std::string ja = render_html_report(a);
  EXPECT_TRUE(contains(ja, "最大剰余法"));
  EXPECT_TRUE(contains(ja, "剰余が等しい場合は番号の大きい選択肢に配分"));
  EXPECT_TRUE(contains(ja, "スコア 0.70 以上を「強み」、0.40 以下を「課題」"));
  EXPECT_TRUE(contains(ja, "回答数の 60% 以上"));
  const std::string en = render_html_report(a, english());
  EXPECT_TRUE(contains(en, "largest remainder, ties to the higher choice"));
  EXPECT_TRUE(contains(en, "at least 0.70"));
  EXPECT_TRUE(contains(en, "at most 0.40"));
  EXPECT_TRUE(contains(en, "at least 60% of the answers"));
}

TEST(HtmlReport, SummarisesStrengthsChallengesAndItemsNotExercisedBeforeTheItems) {
  const std::string html = render_html_report(small_analysis());
  const auto strengths = html.find("<h3 id=\"strengths-h\">強み（1）</h3>");
  const auto challenges = html.find("<h3 id=\"challenges-h\">課題（1）</h3>");
  const auto not_exercised = html.find("<h3 id=\"not-exercised-h\">シナリオ対象外が多い項目（1）</h3>");
  const auto scores = html.find("<h3 id=\"section-scores-h\">セクション別スコア</h3>");
  const auto first_item = html.find("<article class=\"item\"");
  ASSERT_NE(strengths, std::string::npos);
  ASSERT_NE(challenges, std::string::npos);
  ASSERT_NE(not_exercised, std::string::npos);
  ASSERT_NE(scores, std::string::npos);
  EXPECT_LT(strengths, challenges);
  EXPECT_LT(challenges, not_exercised);
  EXPECT_LT(not_exercised, scores);
  EXPECT_LT(scores, first_item);
  EXPECT_TRUE(contains(html, "<td class=\"num\">63% (5/8)</td>"));  // not exercised: na share
  EXPECT_TRUE(contains(html, "<caption>実施評価（2 項目、平均スコア 0.71）</caption>"));
  EXPECT_TRUE(contains(html, "<caption>総合評価（1 項目、平均スコア 0.50）</caption>"));
}

TEST(HtmlReport, SaysSoWhenAListIsEmpty) {
  auto a = small_analysis();
  a.strengths.clear();
  EXPECT_TRUE(contains(render_html_report(a), "強み（0）</h3>\n<p class=\"empty\">該当する項目はありません。</p>"));
}

TEST(HtmlReport, GroupsItemsUnderSectionHeadingsWithTheirCategory) {
  const std::string html = render_html_report(small_analysis());
  EXPECT_TRUE(contains(html, "<h2 id=\"sec-p0-prep-h\"><span class=\"sec-no\">1.</span>事前対策<span class=\"cat\">実施評価</span></h2>"));
  EXPECT_TRUE(contains(html, "<span class=\"cat\">総合評価</span>"));
  const auto section2 = html.find("id=\"sec-o1-daily\"");
  EXPECT_LT(html.find("id=\"item-IMP-P0-02\""), section2);
  EXPECT_GT(html.find("id=\"item-OVR-01\""), section2);
  EXPECT_TRUE(contains(html, "<figure class=\"bars-figure\">"));
}

TEST(HtmlReport, HasATableOfContentsLinkingToEverySection) {
  const std::string html = render_html_report(small_analysis());
  EXPECT_TRUE(contains(html, "<nav class=\"toc\" aria-labelledby=\"toc-h\">"));
  EXPECT_TRUE(contains(html, "<a href=\"#summary\">"));
  EXPECT_TRUE(contains(html, "<a href=\"#sec-p0-prep\">事前対策</a>"));
  EXPECT_TRUE(contains(html, "<a href=\"#sec-o1-daily\">日常的に取り組める</a>"));
  EXPECT_TRUE(contains(html, "<a class=\"skip\" href=\"#main\">"));
}

TEST(HtmlReport, UsesHeadingsInOrderAndTablesWithHeaderCells) {
  const std::string html = render_html_report(small_analysis());
  EXPECT_EQ(count_of(html, "<h1>"), 1u);
  EXPECT_FALSE(contains(html, "<h5"));
  EXPECT_TRUE(contains(html, "<th scope=\"col\""));
  EXPECT_TRUE(contains(html, "<th scope=\"row\""));
  EXPECT_EQ(count_of(html, "<table"), count_of(html, "<thead>"));
}

TEST(HtmlReport, TitlesTheReportAfterTheChecklistUnlessGivenATitle) {
  EXPECT_TRUE(contains(render_html_report(small_analysis()), "<h1>工場インシデント対応訓練 集計結果</h1>"));
  EXPECT_TRUE(contains(render_html_report(small_analysis(), english()),
                       "<h1>工場インシデント対応訓練 — cross-sectional results</h1>"));
  HtmlOptions o;
  o.title = "2025年度 共同訓練の結果";
  EXPECT_TRUE(contains(render_html_report(small_analysis(), o), "<h1>2025年度 共同訓練の結果</h1>"));
}

TEST(HtmlReport, ShowsATimestampOnlyWhenTheCallerGivesOne) {
  EXPECT_FALSE(contains(render_html_report(small_analysis()), "作成日時"));
  HtmlOptions o;
  o.generated_at = "2025-01-31 10:00 JST";
  EXPECT_TRUE(contains(render_html_report(small_analysis(), o), "<p>作成日時: 2025-01-31 10:00 JST</p>"));
}

TEST(HtmlReport, ShowsTheTlpMarkingWhenGiven) {
  EXPECT_FALSE(contains(render_html_report(small_analysis()), "class=\"tlp"));
  HtmlOptions o;
  o.tlp = "TLP:AMBER";
  EXPECT_TRUE(contains(render_html_report(small_analysis(), o), "<p class=\"tlp tlp-amber\">TLP:AMBER</p>"));
}

TEST(HtmlReport, PutsJapaneseFontsFirstAndCarriesAnA4PrintStylesheet) {
  const std::string html = render_html_report(small_analysis());
  EXPECT_TRUE(contains(html, "font-family:\"Noto Sans CJK JP\",\"Noto Sans JP\",\"Hiragino Sans\","
                             "\"Hiragino Kaku Gothic ProN\",\"Yu Gothic\",Meiryo,sans-serif"));
  EXPECT_TRUE(contains(html, "@page{size:A4 portrait"));
  EXPECT_TRUE(contains(html, "@media print{"));
  EXPECT_TRUE(contains(html, ".section{break-before:page}"));
  EXPECT_TRUE(contains(html, "break-inside:avoid"));
  EXPECT_TRUE(contains(html, ".toc,.skip{display:none}"));
}

TEST(HtmlReport, StillReportsItemsThatNoSectionLists) {
  auto a = small_analysis();
  a.sections.pop_back();  // OVR-01 now belongs to no section
  const std::string html = render_html_report(a);
  EXPECT_TRUE(contains(html, "id=\"item-OVR-01\""));
  EXPECT_TRUE(contains(html, "その他の項目"));
}

TEST(HtmlReport, RendersAnEmptyAnalysis) {
  const std::string html = render_html_report(analysis::Analysis{});
  EXPECT_TRUE(contains(html, "<h1>集計結果</h1>"));
  EXPECT_TRUE(contains(html, "</html>"));
}

TEST(HtmlReport, IsDeterministic) {
  EXPECT_EQ(render_html_report(small_analysis()), render_html_report(small_analysis()));
}

TEST(HtmlReport, MatchesTheGoldenFiles) {
  HtmlOptions ja;
  ja.generated_at = "2025-01-31 10:00";
  ja.tlp = "TLP:GREEN";
  testing::expect_golden("report_small.html", render_html_report(small_analysis(), ja));
  HtmlOptions en = english();
  en.generated_at = "2025-01-31 10:00";
  testing::expect_golden("report_small_en.html", render_html_report(small_analysis(), en));
}

}  // namespace
}  // namespace kunren::report
