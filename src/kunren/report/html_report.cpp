#include <kunren/report/html_report.hpp>

#include <kunren/report/disclosure_text.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <kunren/report/html_escape.hpp>

namespace kunren::report {

namespace {

using analysis::Analysis;
using analysis::Highlight;
using analysis::ItemResult;
using analysis::SectionResult;
using model::Category;

// The fixed texts of the report, one table per UI language.
struct Texts {
  const char* lang;
  const char* title_suffix;
  const char* skip;
  const char* toc;
  const char* summary;
  const char* checklist;
  const char* version;
  const char* kind;
  const char* organisations;
  const char* items;
  const char* strengths;
  const char* challenges;
  const char* not_exercised;
  const char* not_exercised_long;
  const char* rules;
  const char* section_scores;
  const char* implementation;
  const char* overall;
  const char* other_items;
  const char* rank;
  const char* item;
  const char* statement;
  const char* score;
  const char* section;
  const char* item_count;
  const char* na_share;
  const char* none;
  const char* legend_caption;
  const char* col_no;
  const char* col_choice;
  const char* col_count;
  const char* col_percent;
  const char* comments;
  const char* org_prefix;
  const char* no_answer_fmt;  // "{}" = count
  const char* generated;
  const char* produced_by;
  const char* figure_bars;
  const char* group_mean;
  const char* items_unit;
};

constexpr Texts k_ja = {
    "ja",
    "集計結果",
    "本文へ移動",
    "目次",
    "概要",
    "チェックリスト",
    "版",
    "組織横断の集計",
    "回答組織数",
    "評価項目数",
    "強み",
    "課題",
    "シナリオ対象外多数",
    "シナリオ対象外が多い項目",
    "集計の規則",
    "セクション別スコア",
    "実施評価",
    "総合評価",
    "その他の項目",
    "順位",
    "項目",
    "内容",
    "スコア",
    "セクション",
    "項目数",
    "シナリオ対象外の割合",
    "該当する項目はありません。",
    "凡例：選択肢番号,選択肢,回答組織数,割合（％）",
    "番号",
    "選択肢",
    "組織数",
    "％",
    "分析コメント",
    "組織",
    "（無回答 {}）",
    "作成日時",
    "Kunren により作成",
    "項目別の回答の内訳",
    "平均スコア",
    "項目",
};

constexpr Texts k_en = {
    "en",
    "cross-sectional results",
    "Skip to content",
    "Contents",
    "Summary",
    "Checklist",
    "version",
    "Cross-organisation results",
    "Organisations",
    "Items",
    "Strengths",
    "Challenges",
    "Mostly out of scope",
    "Items mostly out of the scenario's scope",
    "How the figures are computed",
    "Scores by section",
    "Implementation evaluation",
    "Overall evaluation",
    "Other items",
    "Rank",
    "Item",
    "Statement",
    "Score",
    "Section",
    "Items",
    "Out-of-scope share",
    "No items.",
    "Legend: choice no., choice, organisations, share (%)",
    "No.",
    "Choice",
    "Orgs",
    "%",
    "Analysis comments",
    "Org ",
    " (no answer: {})",
    "Generated",
    "Produced with Kunren",
    "answers per item",
    "mean score",
    "items",
};

constexpr const char* k_style = R"CSS(
:root{--ink:#1f2328;--muted:#5b6470;--line:#d9dee4;--accent:#1d4f91;--accent-dark:#14325c;--soft:#f5f7fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--ink);font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic",Meiryo,sans-serif;font-size:15px;line-height:1.7;-webkit-print-color-adjust:exact;print-color-adjust:exact;overflow-wrap:anywhere}
a{color:var(--accent)}
a:focus-visible{outline:3px solid #e8a317;outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-10000px;top:0}
.skip:focus{left:16px;top:12px;z-index:10;background:#fff;padding:6px 14px;border:2px solid var(--accent)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.page{max-width:1060px;margin:0 auto;padding:0 28px 56px}
.doc-header{border-top:6px solid var(--accent);padding:26px 0 22px;border-bottom:1px solid var(--line)}
.eyebrow{margin:0;color:var(--muted);font-size:13px;letter-spacing:.03em}
h1{margin:6px 0 0;font-size:28px;line-height:1.4;color:var(--accent-dark);font-weight:700}
.tlp{display:inline-block;margin:12px 0 0;padding:2px 10px;background:#000;color:#fff;font-weight:700;font-size:13px;letter-spacing:.05em;border-radius:2px}
.tlp-green{color:#33ff00}.tlp-amber{color:#ffc000}.tlp-red{color:#ff2b2b}
.tlp-running{display:none}
.facts{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0 0;padding:0}
.facts div{flex:1 1 130px;border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:var(--soft)}
.facts dt{font-size:12px;color:var(--muted)}
.facts dd{margin:0;font-size:26px;font-weight:700;line-height:1.3;font-variant-numeric:tabular-nums}
.facts .f-strength dd{color:#1c5a44}.facts .f-challenge dd{color:#8a2c1b}.facts .f-na dd{color:#434b55}
.toc{margin:26px 0 8px;padding:16px 22px 18px;border:1px solid var(--line);border-radius:6px;background:var(--soft)}
.toc h2{margin:0 0 6px;padding:0;border:0;font-size:15px;color:var(--ink)}
.toc ol{margin:0;padding-left:1.3em}
.toc>ol>li{margin:6px 0 0}
.toc ol ol{columns:2 280px;column-gap:36px;margin-top:2px}
.toc ol ol li{break-inside:avoid;padding:1px 0}
.toc .toc-score{color:var(--muted);font-size:12px;margin-left:6px;font-variant-numeric:tabular-nums}
h2{margin:52px 0 14px;padding:0 0 8px;border-bottom:2px solid var(--accent);font-size:22px;line-height:1.45;color:var(--accent-dark)}
h2 .sec-no{display:inline-block;min-width:1.5em;margin-right:6px;color:var(--accent)}
.cat{display:inline-block;margin-left:10px;padding:0 7px;border:1px solid var(--accent);border-radius:3px;color:var(--accent);font-size:12px;font-weight:500;vertical-align:4px;line-height:1.6}
h3{margin:28px 0 10px;font-size:17px;line-height:1.5;color:var(--accent-dark)}
.rules ul,.disclosure ul{margin:0;padding-left:1.2em}
.rules li,.disclosure li{margin:4px 0}
.rules,.disclosure{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:2px 20px 14px}
.disclosure{margin-top:14px}
.rules h3,.disclosure h3{margin-top:14px}
table{width:100%;border-collapse:collapse;font-size:14px;line-height:1.55}
caption{caption-side:top;text-align:left;padding:0 0 6px;font-weight:600;color:var(--ink)}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#eef2f7;border-bottom:1px solid #c3cbd5;font-size:13px;font-weight:600;color:#33404f}
tbody th{font-weight:500}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
th.wrap{white-space:normal}
.nowrap{white-space:nowrap}
.rank td.num:first-child{width:3.5em}
.id-link{white-space:nowrap;font-size:13px}
.meter{display:inline-block;width:84px;height:8px;margin-right:8px;background:#e6e9ed;border-radius:4px;vertical-align:1px;overflow:hidden}
.meter span{display:block;height:100%;background:var(--accent)}
.empty{color:var(--muted)}
.scores{table-layout:fixed}
.scores th:nth-child(1){width:40%}.scores th:nth-child(2){width:10%}.scores th:nth-child(3){width:20%}
.scores th:nth-child(4),.scores th:nth-child(5){width:8%}.scores th:nth-child(6){width:14%}
.section-meta{margin:0 0 8px;color:var(--muted);font-size:14px}
.bars-figure{margin:10px 0 26px}
.bars-figure svg{display:block;width:100%;height:auto;max-width:800px}
.bars-figure figcaption{font-size:13px;color:var(--muted);margin-top:4px}
.item{margin:18px 0;padding:18px 22px 16px;border:1px solid var(--line);border-radius:8px;break-inside:avoid;page-break-inside:avoid}
.item h3{margin:0;font-size:16px;font-weight:600;line-height:1.65;color:var(--ink)}
.item-id{display:inline-block;margin-right:10px;padding:0 7px;border-radius:3px;background:#e8eff8;color:var(--accent);font-size:12.5px;font-weight:700;letter-spacing:.02em;vertical-align:1px;white-space:nowrap}
.item-meta{display:flex;flex-wrap:wrap;align-items:center;gap:6px 16px;margin:8px 0 0;font-size:13.5px;color:var(--muted)}
.item-meta b{color:var(--ink);font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 9px;border:1px solid;border-radius:3px;font-size:12.5px;font-weight:700;line-height:1.7}
.badge-strength{background:#dcefe6;border-color:#9cc9b7;color:#1c5a44}
.badge-challenge{background:#f8e1da;border-color:#e8b2a5;color:#8a2c1b}
.badge-not_exercised{background:#eceef1;border-color:#bcc2c9;color:#434b55}
.item-body{display:grid;grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);gap:18px 26px;align-items:center;margin-top:10px}
.pie{margin:0}
.pie svg{display:block;width:100%;height:auto;max-width:580px;margin:0 auto}
.legend table{font-size:13.5px}
.legend caption{font-weight:400;font-size:12.5px;color:var(--muted)}
.legend td,.legend th{padding:5px 8px}
.legend thead th{font-size:12px}
.legend .no{white-space:nowrap;width:3.6em}
.swatch{display:inline-block;width:12px;height:12px;margin-right:7px;border:1px solid rgba(0,0,0,.18);border-radius:2px;vertical-align:-1px}
.zero td{color:var(--muted)}
.comments{margin-top:12px;padding-top:8px;border-top:1px dashed var(--line)}
.comments h4{margin:0 0 4px;font-size:13px;font-weight:600;color:var(--muted)}
.quote{margin:5px 0 0;padding:4px 12px;border-left:3px solid #b9c4d2;background:var(--soft);font-size:14px;line-height:1.6}
.quote blockquote{display:inline;margin:0;white-space:pre-line}
.quote figcaption{display:inline;margin-left:10px;font-size:12.5px;color:var(--muted);white-space:nowrap}
.doc-footer{margin-top:48px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
.doc-footer p{margin:2px 0}
@media screen and (max-width:760px){
body{font-size:14.5px}
.page{padding:0 14px 36px}
h1{font-size:22px}
h2{font-size:19px;margin-top:40px}
.item{margin:0;padding:18px 0 14px;border-width:1px 0 0;border-radius:0}
.item-body{grid-template-columns:minmax(0,1fr)}
.facts dd{font-size:22px}
.toc ol ol{columns:1}
th,td{padding:5px 6px}
.scores{table-layout:auto}
.scores th:nth-child(n){width:auto}
.meter{display:none}
.scores thead th{white-space:nowrap}
.bars-figure{overflow-x:auto}
.bars-figure svg{min-width:600px}
.hide-narrow{display:none}
}
@page{size:A4 portrait;margin:14mm 13mm 15mm}
@media print{
body{font-size:9.5pt;line-height:1.55;overflow-wrap:anywhere}
.page{max-width:none;padding:0}
.toc,.skip{display:none}
a{color:inherit;text-decoration:none}
.doc-header{padding-top:10mm}
h2{margin:0 0 3mm;font-size:15pt}
h3{font-size:11.5pt;margin:5mm 0 2mm}
table{font-size:8.5pt}
.summary h3,.summary caption{break-after:avoid-page}
.summary tr,.scores{break-inside:avoid}
.section{break-before:page}
.bars-figure{margin:2mm 0 4mm;break-inside:avoid}
.item{min-height:124mm;margin:0 0 5mm;padding:4mm 0 0;border-width:1px 0 0;border-radius:0;border-color:#b9c2cc}
.item h3{font-size:10.5pt}
.item-meta{font-size:8.5pt}
.badge{font-size:8pt}
.item-body{grid-template-columns:minmax(0,1.45fr) minmax(0,1fr);gap:3mm 5mm}
.legend table{font-size:8.5pt}
.legend td,.legend th{padding:1.2mm 2mm}
.comments{columns:2;column-gap:5mm;margin-top:2mm;padding-top:1.5mm}
.comments h4{column-span:all;margin-bottom:1mm}
.quote{font-size:8pt;line-height:1.45;padding:0.8mm 2.5mm;margin:0 0 1mm;break-inside:avoid}
.doc-footer{margin-top:8mm}
.tlp-running{display:block;position:fixed;top:0;right:0;padding:0.5mm 3mm;background:#000;font-weight:700;font-size:8pt;letter-spacing:.05em}
}
)CSS";

const Texts& texts_for(const std::string& lang) { return lang == "en" ? k_en : k_ja; }

std::string score_text(const std::optional<double>& score) {
  return score ? fmt::format("{:.2f}", *score) : std::string("—");
}

// A fraction as a percentage: whole when it is one, else one decimal.
std::string percent_text(double fraction) {
  const double v = fraction * 100.0;
  if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}%", v);
  return fmt::format("{:.1f}%", v);
}

// "（3）" in Japanese, " (3)" in English.
std::string count_suffix(std::size_t n, const Texts& t) {
  return std::string_view(t.lang) == "en" ? fmt::format(" ({})", n) : fmt::format("（{}）", n);
}

// Halves round up (62.5% → 63%), as people expect, not to even.
std::string whole_percent(double fraction) { return fmt::format("{}%", std::lround(fraction * 100.0)); }

std::string item_anchor(const ItemResult& item) { return "item-" + html_id(item.id); }
std::string section_anchor(const SectionResult& s) { return "sec-" + html_id(s.id); }

std::string n_text(const ItemResult& item, const Texts& t) {
  std::string out = fmt::format("n={}", item.n);
  if (item.unanswered > 0) out += fmt::format(fmt::runtime(t.no_answer_fmt), item.unanswered);
  return out;
}

const char* category_label(Category c, const Texts& t) {
  return c == Category::kOverall ? t.overall : t.implementation;
}

// The level of a choice for screen readers (sighted readers see the colour);
// nothing when the label already says it ("シナリオ対象外").
std::string level_note(const analysis::ChoiceResult& c, const Texts& t) {
  const char* level = level_label(c.level, t.lang);
  if (c.label == level) return {};
  const std::string text = std::string_view(t.lang) == "en" ? fmt::format(" ({})", level) : fmt::format("（{}）", level);
  return "<span class=\"sr-only\">" + text + "</span>";
}

const char* highlight_class(Highlight h) {
  switch (h) {
    case Highlight::kStrength: return "strength";
    case Highlight::kChallenge: return "challenge";
    case Highlight::kNotExercised: return "not_exercised";
    case Highlight::kNone: return "";
  }
  return "";
}

std::string badge(Highlight h, const Texts& t) {
  if (h == Highlight::kNone) return {};
  return fmt::format("<span class=\"badge badge-{}\">{}</span>", highlight_class(h), highlight_label(h, t.lang));
}

std::string item_link(const ItemResult& item) {
  return fmt::format("<a class=\"id-link\" href=\"#{}\">{}</a>", item_anchor(item), html_escape(item.id));
}

std::string meter(const std::optional<double>& score) {
  const double v = score ? std::clamp(*score, 0.0, 1.0) : 0.0;
  return fmt::format("<span class=\"meter\" aria-hidden=\"true\"><span style=\"width:{:.0f}%\"></span></span>", v * 100);
}

// A section to render: a SectionResult of the analysis, or the made-up one that
// collects items no section lists.
struct SectionView {
  const SectionResult* section;
  std::size_t number;  // 1-based, as printed
};

std::optional<double> mean_score(const Analysis& a, Category c) {
  double sum = 0;
  std::size_t n = 0;
  for (const ItemResult& item : a.items) {
    if (item.category == c && item.score) {
      sum += *item.score;
      ++n;
    }
  }
  if (n == 0) return std::nullopt;
  return sum / static_cast<double>(n);
}

std::size_t count_items(const Analysis& a, Category c) {
  std::size_t n = 0;
  for (const ItemResult& item : a.items) n += item.category == c ? 1 : 0;
  return n;
}

double item_na_share(const ItemResult& item) {
  return item.answered == 0 ? 0.0 : static_cast<double>(item.na) / item.answered;
}

// ---------------------------------------------------------------------------
// Summary

void write_rules(std::string& out, const Analysis& a, const Texts& t) {
  const bool en = std::string_view(t.lang) == "en";
  const auto& o = a.options;
  out += fmt::format("<section class=\"rules\" aria-labelledby=\"rules-h\">\n<h3 id=\"rules-h\">{}</h3>\n<ul>\n",
                     t.rules);
  if (en) {
    out += fmt::format(
        "<li><strong>n</strong> is the number of organisations in the campaign ({}). Organisations that left an "
        "item blank are shown as “no answer” and are not part of that item's percentages; "
        "“out of scope” (シナリオ対象外) is a choice and is counted.</li>\n",
        a.organizations);
    out += "<li><strong>Percentages</strong> are whole numbers of the organisations that answered, rounded by the "
           "largest remainder method so that they add up to exactly 100; equal remainders go to the higher-numbered "
           "choice (largest remainder, ties to the higher choice). The pie charts are drawn from these whole "
           "numbers.</li>\n";
    out += "<li><strong>Score</strong> (0–1): the mean over the answers that are not “out of scope”, counting good "
           "as 1, partial as 0.5 and poor as 0.</li>\n";
    out += fmt::format(
        "<li><strong>Highlights</strong>: <em>mostly out of scope</em> when out-of-scope answers are at least {} of "
        "the answers (checked first); otherwise <em>strength</em> when the score is at least {:.2f}, "
        "<em>challenge</em> when it is at most {:.2f}.</li>\n",
        percent_text(o.not_exercised_at), o.strength_at, o.challenge_at);
    out += a.disclosure ? "<li>No organisation is named: comment excerpts carry quote ids (Q-…) only, with names, "
                          "addresses and numbers that could point to one replaced.</li>\n"
                        : "<li>No organisation is named: comments are attributed to pseudonyms (Org A, Org B, …) "
                          "only.</li>\n";
  } else {
    out += fmt::format(
        "<li><strong>n</strong> は集計対象の組織数（{}）です。項目に回答しなかった組織は「無回答」として別に示し、"
        "その項目の割合の分母に含めません。「シナリオ対象外」は選択肢の一つとして分母に含めます。</li>\n",
        a.organizations);
    out += "<li><strong>割合（％）</strong>は回答した組織に対する割合を整数で示します。合計がちょうど 100 "
           "になるよう最大剰余法で丸め、剰余が等しい場合は番号の大きい選択肢に配分します。円グラフはこの整数の割合で描画しています。</li>\n";
    out += "<li><strong>スコア</strong>（0〜1）は、シナリオ対象外を除く回答について良好=1、部分的=0.5、不十分=0 "
           "とした平均です。</li>\n";
    out += fmt::format(
        "<li><strong>判定</strong>：シナリオ対象外の回答が回答数の {} 以上の項目は「シナリオ対象外多数」"
        "（この判定を優先）。それ以外で、スコア {:.2f} 以上を「強み」、{:.2f} 以下を「課題」とします。</li>\n",
        percent_text(o.not_exercised_at), o.strength_at, o.challenge_at);
    out += a.disclosure ? "<li>個々の組織は特定していません。コメントの抜粋は抜粋番号（Q-…）でのみ示し、組織を特定しうる"
                          "名称・連絡先・アドレスは伏せ字にしています。</li>\n"
                        : "<li>個々の組織は特定していません。分析コメントは仮名（組織A、組織B …）でのみ示します。</li>\n";
  }
  out += "</ul>\n</section>\n";
  if (a.disclosure) {
    out += fmt::format("<section class=\"disclosure\" aria-labelledby=\"disclosure-h\">\n<h3 id=\"disclosure-h\">{}</h3>\n<ul>\n",
                       en ? "Disclosure control" : "公表にあたっての配慮（開示管理）");
    for (const std::string& line : disclosure_statement(a, t.lang)) out += "<li>" + html_escape(line) + "</li>\n";
    out += "</ul>\n</section>\n";
  }
}

void write_ranked(std::string& out, const Analysis& a, const std::vector<std::size_t>& list, const char* heading,
                  const char* id, const Texts& t) {
  out += fmt::format("<section aria-labelledby=\"{0}\">\n<h3 id=\"{0}\">{1}{2}</h3>\n", id, heading,
                     count_suffix(list.size(), t));
  if (list.empty()) {
    out += fmt::format("<p class=\"empty\">{}</p>\n</section>\n", t.none);
    return;
  }
  out += fmt::format(
      "<table class=\"rank\">\n<thead><tr><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th>"
      "<th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n",
      t.rank, t.item, t.statement, t.score);
  std::size_t rank = 0;
  std::optional<double> previous;
  for (std::size_t pos = 0; pos < list.size(); ++pos) {
    if (list[pos] >= a.items.size()) continue;
    const ItemResult& item = a.items[list[pos]];
    const bool tie = pos > 0 && previous && item.score && score_text(previous) == score_text(item.score);
    if (!tie) rank = pos + 1;
    previous = item.score;
    out += fmt::format("<tr><td class=\"num\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
                       rank, item_link(item), html_escape(item.text), score_text(item.score));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void write_not_exercised(std::string& out, const Analysis& a, const Texts& t) {
  out += fmt::format("<section aria-labelledby=\"not-exercised-h\">\n<h3 id=\"not-exercised-h\">{}{}</h3>\n",
                     t.not_exercised_long, count_suffix(a.not_exercised.size(), t));
  if (a.not_exercised.empty()) {
    out += fmt::format("<p class=\"empty\">{}</p>\n</section>\n", t.none);
    return;
  }
  out += fmt::format(
      "<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num wrap\">{}</th>"
      "</tr></thead>\n<tbody>\n",
      t.item, t.statement, t.na_share);
  for (std::size_t idx : a.not_exercised) {
    if (idx >= a.items.size()) continue;
    const ItemResult& item = a.items[idx];
    out += fmt::format("<tr><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{} ({}/{})</td></tr>\n",
                       item_link(item), html_escape(item.text), whole_percent(item_na_share(item)), item.na,
                       item.answered);
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void write_section_scores(std::string& out, const Analysis& a, const std::vector<SectionView>& views,
                          const Texts& t) {
  const bool en = std::string_view(t.lang) == "en";
  out += fmt::format("<section aria-labelledby=\"section-scores-h\">\n<h3 id=\"section-scores-h\">{}</h3>\n",
                     t.section_scores);
  for (Category c : {Category::kImplementation, Category::kOverall}) {
    const std::size_t n_items = count_items(a, c);
    bool any = false;
    for (const SectionView& v : views) any = any || v.section->category == c;
    if (!any) continue;
    out += fmt::format(
        "<table class=\"scores\">\n<caption>{}{}{} {}{}{} {}{}</caption>\n<thead><tr><th scope=\"col\">{}</th>"
        "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
        "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num wrap hide-narrow\">{}</th></tr></thead>\n<tbody>\n",
        category_label(c, t), en ? " (" : "（", n_items, t.items_unit, en ? ", " : "、", t.group_mean,
        score_text(mean_score(a, c)), en ? ")" : "）", t.section,
        t.item_count, t.score, t.strengths, t.challenges, t.na_share);
    for (const SectionView& v : views) {
      const SectionResult& s = *v.section;
      if (s.category != c) continue;
      std::size_t strengths = 0, challenges = 0;
      for (std::size_t idx : s.items) {
        if (idx >= a.items.size()) continue;
        strengths += a.items[idx].highlight == Highlight::kStrength ? 1 : 0;
        challenges += a.items[idx].highlight == Highlight::kChallenge ? 1 : 0;
      }
      out += fmt::format(
          "<tr><th scope=\"row\"><a href=\"#{}\">{}. {}</a></th><td class=\"num\">{}</td><td class=\"nowrap\">{}{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num hide-narrow\">{}</td></tr>\n",
          section_anchor(s), v.number, html_escape(s.title), s.items.size(), meter(s.score), score_text(s.score),
          strengths, challenges, whole_percent(s.na_share));
    }
    out += "</tbody>\n</table>\n";
  }
  out += "</section>\n";
}

// ---------------------------------------------------------------------------
// Items

void write_item(std::string& out, const ItemResult& item, const Texts& t) {
  const std::string anchor = item_anchor(item);
  out += fmt::format("<article class=\"item\" id=\"{0}\" aria-labelledby=\"{0}-h\">\n", anchor);
  out += fmt::format("<h3 id=\"{}-h\"><span class=\"item-id\">{}</span>{}</h3>\n", anchor, html_escape(item.id),
                     html_escape(item.text));
  out += "<p class=\"item-meta\">";
  if (item.highlight != Highlight::kNone) out += badge(item.highlight, t);
  out += fmt::format("<span>{} <b>{}</b></span><span>{}</span></p>\n", t.score, score_text(item.score),
                     n_text(item, t));
  out += "<div class=\"item-body\">\n<figure class=\"pie\">\n";
  out += render_pie_svg(item, t.lang, SvgMode::kInline);
  out += "</figure>\n<div class=\"legend\">\n";
  out += fmt::format(
      "<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\" class=\"no\">{}</th><th scope=\"col\">{}</th>"
      "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n",
      t.legend_caption, t.col_no, t.col_choice, t.col_count, t.col_percent);
  for (std::size_t i = 0; i < item.choices.size(); ++i) {
    const auto& c = item.choices[i];
    out += fmt::format(
        "<tr{}><td class=\"no\"><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        c.percent == 0 ? " class=\"zero\"" : "", choice_fill(item, i), c.no, html_escape(c.label),
        level_note(c, t),
        c.count, c.percent);
  }
  out += "</tbody>\n</table>\n</div>\n</div>\n";
  if (!item.comments.empty()) {
    out += fmt::format("<section class=\"comments\">\n<h4>{}</h4>\n", t.comments);
    for (const auto& q : item.comments) {
      // A published quote carries its quote id; an unpublished one (a
      // coordinator's own working copy) the pseudonym.
      out += fmt::format("<figure class=\"quote\"><blockquote>{}</blockquote><figcaption>— {}{}</figcaption></figure>\n",
                         html_escape(q.text), q.id.empty() ? t.org_prefix : "", html_escape(q.id.empty() ? q.org : q.id));
    }
    out += "</section>\n";
  }
  out += "</article>\n";
}

void write_section(std::string& out, const Analysis& a, const SectionView& v, const Texts& t) {
  const SectionResult& s = *v.section;
  const std::string anchor = section_anchor(s);
  out += fmt::format("<section class=\"section\" id=\"{0}\" aria-labelledby=\"{0}-h\">\n", anchor);
  out += fmt::format("<h2 id=\"{}-h\"><span class=\"sec-no\">{}.</span>{}<span class=\"cat\">{}</span></h2>\n",
                     anchor, v.number, html_escape(s.title), category_label(s.category, t));
  out += fmt::format("<p class=\"section-meta\">{} {} ・ {} <b>{}</b> ・ {} {}</p>\n", s.items.size(), t.items_unit,
                     t.score, score_text(s.score), t.na_share, whole_percent(s.na_share));
  if (!s.items.empty()) {
    out += "<figure class=\"bars-figure\">\n";
    out += render_section_bars_svg(a, s, t.lang, SvgMode::kInline);
    out += fmt::format("<figcaption>{} {}. {}</figcaption>\n</figure>\n",
                       std::string_view(t.lang) == "en" ? "Figure:" : "図：", v.number,
                       html_escape(s.title) + (std::string_view(t.lang) == "en" ? " — " : " ") + t.figure_bars);
  }
  for (std::size_t idx : s.items) {
    if (idx < a.items.size()) write_item(out, a.items[idx], t);
  }
  out += "</section>\n";
}

std::string tlp_class(const std::string& tlp) {
  if (tlp.find("GREEN") != std::string::npos) return " tlp-green";
  if (tlp.find("AMBER") != std::string::npos) return " tlp-amber";
  if (tlp.find("RED") != std::string::npos) return " tlp-red";
  return "";
}

}  // namespace

std::string render_html_report(const Analysis& a, const HtmlOptions& options) {
  const Texts& t = texts_for(options.lang);
  const bool en = std::string_view(t.lang) == "en";
  std::string title = options.title;
  if (title.empty()) {
    title = a.checklist_title.empty() ? std::string(t.title_suffix)
                                      : a.checklist_title + (en ? " — " : " ") + t.title_suffix;
  }

  // Sections in checklist order, then any items that no section lists.
  std::vector<SectionView> views;
  for (std::size_t i = 0; i < a.sections.size(); ++i) views.push_back({&a.sections[i], i + 1});
  std::vector<bool> listed(a.items.size(), false);
  for (const SectionResult& s : a.sections) {
    for (std::size_t idx : s.items) {
      if (idx < listed.size()) listed[idx] = true;
    }
  }
  SectionResult other;
  other.id = "(unlisted)";  // cannot clash: checklist ids are [A-Za-z0-9._-]+
  other.title = t.other_items;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    if (!listed[i]) other.items.push_back(i);
  }
  if (!other.items.empty()) {
    other.category = a.items[other.items.front()].category;
    views.push_back({&other, views.size() + 1});
  }

  std::string out;
  out.reserve(64 * 1024 + a.items.size() * 8 * 1024);
  out += fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", t.lang);
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"Kunren\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", html_escape(title), k_style);
  // The marking also runs at the top of every printed page.
  const std::string tlp = !options.tlp.empty() ? tlp_marking(options.tlp)
                                               : (a.disclosure ? tlp_marking(a.disclosure->tlp) : std::string());
  if (!tlp.empty()) {
    out += fmt::format("<div class=\"tlp-running tlp{}\" aria-hidden=\"true\">{}</div>\n", tlp_class(tlp),
                       html_escape(tlp));
  }
  out += fmt::format("<a class=\"skip\" href=\"#main\">{}</a>\n<div class=\"page\">\n", t.skip);

  // Title block with the key figures.
  out += "<header class=\"doc-header\">\n";
  out += fmt::format("<p class=\"eyebrow\">{} ・ {} {}", t.kind, t.checklist, html_escape(a.checklist_id));
  if (!a.checklist_version.empty()) {
    out += en ? fmt::format(", {} {}", t.version, html_escape(a.checklist_version))
              : fmt::format("（{}{}）", html_escape(a.checklist_version), t.version);
  }
  out += "</p>\n";
  out += fmt::format("<h1>{}</h1>\n", html_escape(title));
  if (!tlp.empty()) out += fmt::format("<p class=\"tlp{}\">{}</p>\n", tlp_class(tlp), html_escape(tlp));
  out += "<dl class=\"facts\">\n";
  out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", t.organisations, a.organizations);
  out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", t.items, a.items.size());
  out += fmt::format("<div class=\"f-strength\"><dt>{}</dt><dd>{}</dd></div>\n", t.strengths, a.strengths.size());
  out += fmt::format("<div class=\"f-challenge\"><dt>{}</dt><dd>{}</dd></div>\n", t.challenges,
                     a.challenges.size());
  out += fmt::format("<div class=\"f-na\"><dt>{}</dt><dd>{}</dd></div>\n", t.not_exercised,
                     a.not_exercised.size());
  out += "</dl>\n</header>\n";

  // Table of contents, grouped by category.
  out += fmt::format("<nav class=\"toc\" aria-labelledby=\"toc-h\">\n<h2 id=\"toc-h\">{}</h2>\n<ol>\n", t.toc);
  out += fmt::format("<li><a href=\"#summary\">{}</a></li>\n", t.summary);
  for (Category c : {Category::kImplementation, Category::kOverall}) {
    bool any = false;
    for (const SectionView& v : views) any = any || v.section->category == c;
    if (!any) continue;
    out += fmt::format("<li>{}\n<ol>\n", category_label(c, t));
    for (const SectionView& v : views) {
      if (v.section->category != c) continue;
      out += fmt::format("<li value=\"{}\"><a href=\"#{}\">{}</a><span class=\"toc-score\">{} {}</span></li>\n",
                         v.number, section_anchor(*v.section), html_escape(v.section->title), t.score,
                         score_text(v.section->score));
    }
    out += "</ol>\n</li>\n";
  }
  out += "</ol>\n</nav>\n";

  out += "<main id=\"main\">\n";
  out += fmt::format("<section class=\"summary\" id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">{}</h2>\n",
                     t.summary);
  write_rules(out, a, t);
  write_ranked(out, a, a.strengths, t.strengths, "strengths-h", t);
  write_ranked(out, a, a.challenges, t.challenges, "challenges-h", t);
  write_not_exercised(out, a, t);
  write_section_scores(out, a, views, t);
  out += "</section>\n";
  for (const SectionView& v : views) write_section(out, a, v, t);
  out += "</main>\n";

  out += "<footer class=\"doc-footer\">\n";
  if (!options.generated_at.empty()) {
    out += fmt::format("<p>{}: {}</p>\n", t.generated, html_escape(options.generated_at));
  }
  out += fmt::format("<p>{}</p>\n</footer>\n</div>\n</body>\n</html>\n", t.produced_by);
  return out;
}

}  // namespace kunren::report
