#include <kunren/report/breakdown_report.hpp>

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/io/csv.hpp>
#include <kunren/report/html_escape.hpp>
#include <kunren/report/json_report.hpp>
#include <kunren/report/svg_chart.hpp>

namespace kunren::report {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

bool en(const BreakdownOptions& o) { return o.lang == "en"; }
const char* pick(const BreakdownOptions& o, const char* ja, const char* english) { return en(o) ? english : ja; }

double round4(double x) { return std::round(x * 1e4) / 1e4; }

json optional_number(const std::optional<double>& v) { return v ? json(round4(*v)) : json(nullptr); }

ordered_json suppression_json(const std::vector<analysis::Suppression>& list, std::uint32_t k, const std::string& lang) {
  ordered_json out = ordered_json::array();
  for (const auto& s : list) {
    out.push_back({{"scope", s.scope},
                   {"group", s.group},
                   {"reason", s.reason},
                   {"action", s.action},
                   {"statement", describe_suppression(s, k, lang)}});
  }
  return out;
}

ordered_json disclosure_json(const BreakdownOptions& o, std::uint32_t k, const std::vector<analysis::Suppression>& s) {
  const std::string tlp = tlp_marking(o.tlp);
  return ordered_json{{"tlp", tlp.empty() ? json(nullptr) : json(tlp.substr(4))},
                      {"min_group", k},
                      {"suppressed", suppression_json(s, k, o.lang)}};
}

std::string dump(const ordered_json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

// --- HTML frame ---------------------------------------------------------------

constexpr const char* k_style = R"CSS(
:root{--ink:#1f2328;--muted:#5b6470;--line:#d9dee4;--accent:#1d4f91;--accent-dark:#14325c;--soft:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic",Meiryo,sans-serif;font-size:15px;line-height:1.7;-webkit-print-color-adjust:exact;print-color-adjust:exact;overflow-wrap:anywhere}
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
.facts dd{margin:0;font-size:24px;font-weight:700;line-height:1.3;font-variant-numeric:tabular-nums}
h2{margin:44px 0 14px;padding:0 0 8px;border-bottom:2px solid var(--accent);font-size:21px;line-height:1.45;color:var(--accent-dark)}
h3{margin:26px 0 10px;font-size:17px;line-height:1.5;color:var(--accent-dark)}
.rules,.disclosure{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:2px 20px 14px;margin-top:22px}
.rules ul,.disclosure ul{margin:0;padding-left:1.2em}
.rules li,.disclosure li{margin:4px 0}
table{width:100%;border-collapse:collapse;font-size:14px;line-height:1.55;margin:6px 0 18px}
caption{caption-side:top;text-align:left;padding:0 0 6px;font-weight:600}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#eef2f7;border-bottom:1px solid #c3cbd5;font-size:13px;font-weight:600;color:#33404f}
tbody th{font-weight:500}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.sup{color:var(--muted);text-align:center}
.sub{display:block;color:var(--muted);font-size:12px}
.mine{background:#fff6d6;font-weight:700}
.up{color:#1c5a44}.down{color:#8a2c1b}
.id{white-space:nowrap;font-size:12.5px;color:var(--accent);font-weight:700}
.doc-footer{margin-top:48px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
@page{size:A4 portrait;margin:18mm 13mm 15mm}
@media print{
body{font-size:9.5pt;line-height:1.5}
.page{max-width:none;padding:0}
.tlp-running{display:block;position:fixed;top:-12mm;right:0;padding:1px 8px;background:#000;color:#fff;font-weight:700;font-size:8.5pt}
.tlp-running.tlp-green{color:#33ff00}.tlp-running.tlp-amber{color:#ffc000}.tlp-running.tlp-red{color:#ff2b2b}
h2{font-size:14pt;margin:6mm 0 3mm;break-after:avoid-page}
table{font-size:8pt}
tr{break-inside:avoid}
.breakdown{break-before:page}
}
)CSS";

std::string tlp_class(const std::string& tlp) {
  if (tlp.find("GREEN") != std::string::npos) return " tlp-green";
  if (tlp.find("AMBER") != std::string::npos) return " tlp-amber";
  if (tlp.find("RED") != std::string::npos) return " tlp-red";
  return "";
}

std::string open_page(const BreakdownOptions& o, const std::string& eyebrow, const std::string& title) {
  const std::string tlp = tlp_marking(o.tlp);
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + std::string(en(o) ? "en" : "ja") + "\">\n<head>\n";
  out += "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + html_escape(title) + "</title>\n<style>" + std::string(k_style) + "</style>\n</head>\n<body>\n";
  if (!tlp.empty()) {
    out += fmt::format("<div class=\"tlp-running{}\" aria-hidden=\"true\">{}</div>\n", tlp_class(tlp), html_escape(tlp));
  }
  out += "<div class=\"page\">\n<header class=\"doc-header\">\n";
  out += "<p class=\"eyebrow\">" + html_escape(eyebrow) + "</p>\n<h1>" + html_escape(title) + "</h1>\n";
  if (!tlp.empty()) out += fmt::format("<p class=\"tlp{}\">{}</p>\n", tlp_class(tlp), html_escape(tlp));
  out += "</header>\n<main>\n";
  return out;
}

std::string close_page(const BreakdownOptions& o) {
  std::string out = "</main>\n<footer class=\"doc-footer\">\n<p>" +
                    std::string(pick(o, "Kunren により作成", "Produced with Kunren")) + "</p>\n";
  if (!o.generated_at.empty()) {
    out += "<p>" + std::string(pick(o, "作成日時：", "Generated: ")) + html_escape(o.generated_at) + "</p>\n";
  }
  out += "</footer>\n</div>\n</body>\n</html>\n";
  return out;
}

std::string fact(const std::string& label, const std::string& value) {
  return "<div><dt>" + html_escape(label) + "</dt><dd>" + html_escape(value) + "</dd></div>";
}

// The plain statement of what was suppressed and why.
std::string disclosure_section(const BreakdownOptions& o, std::uint32_t k, const std::vector<analysis::Suppression>& s) {
  std::string out = "<section class=\"disclosure\" aria-labelledby=\"disclosure-h\">\n<h3 id=\"disclosure-h\">";
  out += pick(o, "公開の制限", "What is not shown, and why");
  out += "</h3>\n<ul>\n";
  out += "<li>" +
         html_escape(en(o) ? fmt::format("No group of fewer than {} organisations is shown; such groups are merged into "
                                         "“other” or suppressed, together with enough other groups or cells that "
                                         "totals cannot reveal them.",
                                         k)
                           : fmt::format("{} 組織未満のグループは示しません。そのようなグループは「その他」に統合するか"
                                         "非表示とし、合計から逆算できないよう必要なグループ・セルも併せて統合・非表示"
                                         "にしています。",
                                         k)) +
         "</li>\n";
  if (s.empty()) {
    out += "<li>" + std::string(pick(o, "この報告で統合・非表示にしたものはありません。",
                                     "Nothing had to be merged or suppressed in this report.")) +
           "</li>\n";
  }
  for (const auto& x : s) out += "<li>" + html_escape(describe_suppression(x, k, o.lang)) + "</li>\n";
  out += "</ul>\n</section>\n";
  return out;
}

std::string score_text(const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : "—"; }

std::string scope_name(const std::string& scope, bool english) {
  if (scope == "segment:industry") return english ? "industry" : "業種別";
  if (scope == "segment:size") return english ? "size band" : "規模別";
  if (scope == "campaign") return english ? "campaign" : "キャンペーン";
  if (scope == "quotes") return english ? "comments" : "コメント";
  if (scope.rfind("crosstab:", 0) == 0) return (english ? "cross-tab " : "クロス集計 ") + scope.substr(9);
  return scope;
}

}  // namespace

// --- segments -------------------------------------------------------------------------

std::string render_segments_json(const analysis::SegmentReport& r, const BreakdownOptions& o) {
  ordered_json j;
  j["schema"] = "kunren.segments/1";
  j["checklist"] = {{"id", r.checklist_id}, {"version", r.checklist_version}, {"title", r.checklist_title}};
  j["organizations"] = r.organizations;
  j["lang"] = o.lang;
  j["disclosure"] = disclosure_json(o, r.min_group, r.suppressed);
  j["breakdowns"] = ordered_json::array();
  for (const auto& b : r.breakdowns) {
    ordered_json bj{{"by", b.by}, {"scope", b.scope}, {"segments", ordered_json::array()}};
    for (const auto& s : b.segments) {
      ordered_json a = ordered_json::parse(render_json(s.analysis));
      a.erase("schema");
      a.erase("checklist");
      a.erase("lang");
      bj["segments"].push_back({{"key", s.key},
                                {"label", s.label},
                                {"other", s.other},
                                {"organizations", s.analysis.organizations},
                                {"analysis", std::move(a)}});
    }
    j["breakdowns"].push_back(std::move(bj));
  }
  return dump(j);
}

std::string render_segments_html(const analysis::SegmentReport& r, const BreakdownOptions& o) {
  const std::string title =
      o.title.empty() ? r.checklist_title + pick(o, " 業種・規模別の集計結果", " — results by segment") : o.title;
  std::string out = open_page(o, pick(o, "グループ別の集計", "Results by segment"), title);
  out += "<dl class=\"facts\">" + fact(pick(o, "回答組織数", "Organisations"), std::to_string(r.organizations)) +
         fact(pick(o, "最小グループ", "Minimum group"), std::to_string(r.min_group)) + "</dl>\n";
  out += disclosure_section(o, r.min_group, r.suppressed);
  out += "<section class=\"rules\"><h3>" + std::string(pick(o, "集計の規則", "How the figures are computed")) +
         "</h3><ul><li>" +
         pick(o,
              "スコア（0〜1）はシナリオ対象外を除く回答について良好=1、部分的=0.5、不十分=0 とした平均です。"
              "割合は回答した組織に対する整数の割合で、最大剰余法により合計 100 になるよう丸めています。",
              "Score (0–1): the mean over answers that are not out of scope of good=1, partial=0.5, poor=0. "
              "Percentages are whole numbers of those who answered, rounded by the largest remainder so that they "
              "add up to 100.") +
         "</li><li>" +
         pick(o, "グループ別の結果には分析コメントを含めません。", "Results by segment carry no comments.") +
         "</li></ul></section>\n";
  for (const auto& b : r.breakdowns) {
    out += "<section class=\"breakdown\">\n<h2>" + html_escape(scope_name(b.scope, en(o))) + "</h2>\n";
    if (b.segments.empty()) {
      out += "<p>" + std::string(pick(o, "示せるグループはありません。", "No group can be shown.")) + "</p>\n</section>\n";
      continue;
    }
    // Section scores.
    out += "<table>\n<caption>" + std::string(pick(o, "セクション別スコア", "Scores by section")) +
           "</caption>\n<thead><tr><th scope=\"col\">" + pick(o, "セクション", "Section") + "</th>";
    for (const auto& s : b.segments) {
      out += fmt::format("<th scope=\"col\" class=\"num\">{}<span class=\"sub\">n={}</span></th>", html_escape(s.label),
                         s.analysis.organizations);
    }
    out += "</tr></thead>\n<tbody>\n";
    for (std::size_t sec = 0; sec < b.segments[0].analysis.sections.size(); ++sec) {
      out += "<tr><th scope=\"row\">" + html_escape(b.segments[0].analysis.sections[sec].title) + "</th>";
      for (const auto& s : b.segments) out += "<td class=\"num\">" + score_text(s.analysis.sections[sec].score) + "</td>";
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    // Items: score and share of each choice.
    out += "<table>\n<caption>" + std::string(pick(o, "項目別スコアと回答の割合（％、選択肢の順）",
                                                  "Scores by item and share of each choice (%, in choice order)")) +
           "</caption>\n<thead><tr><th scope=\"col\">" + pick(o, "項目", "Item") + "</th>";
    for (const auto& s : b.segments) out += "<th scope=\"col\" class=\"num\">" + html_escape(s.label) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < b.segments[0].analysis.items.size(); ++i) {
      const auto& item = b.segments[0].analysis.items[i];
      out += "<tr><th scope=\"row\"><span class=\"id\">" + html_escape(item.id) + "</span> " + html_escape(item.text) +
             "</th>";
      for (const auto& s : b.segments) {
        const auto& it = s.analysis.items[i];
        std::string shares;
        for (const auto& c : it.choices) shares += (shares.empty() ? "" : " / ") + std::to_string(c.percent);
        out += "<td class=\"num\">" + score_text(it.score) + "<span class=\"sub\">" +
               (it.answered == 0 ? std::string("—") : shares) + "</span></td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</section>\n";
  }
  out += close_page(o);
  return out;
}

// --- cross-tab --------------------------------------------------------------------------

std::string render_crosstab_json(const analysis::Crosstab& t, const BreakdownOptions& o) {
  ordered_json j;
  j["schema"] = "kunren.crosstab/1";
  j["checklist"] = {{"id", t.checklist_id}, {"version", t.checklist_version}};
  j["lang"] = o.lang;
  j["disclosure"] = disclosure_json(o, t.min_group, t.suppressed);
  j["a"] = {{"item", t.item_a}, {"text", t.text_a}};
  j["b"] = {{"item", t.item_b}, {"text", t.text_b}};
  j["organizations"] = t.n;
  j["answered_both"] = t.both;
  j["answered_only_a"] = t.only_a;
  j["answered_only_b"] = t.only_b;
  j["answered_neither"] = t.neither;
  j["columns"] = ordered_json::array();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const auto& col = t.columns[c];
    j["columns"].push_back({{"no", col.no},
                            {"label", col.label},
                            {"level", model::to_string(col.level)},
                            {"total", t.column_totals[c] ? json(*t.column_totals[c]) : json(nullptr)}});
  }
  j["rows"] = ordered_json::array();
  for (const auto& row : t.rows) {
    ordered_json cells = ordered_json::array();
    for (const auto& c : row.cells) {
      cells.push_back({{"count", c.suppressed ? json(nullptr) : json(c.count)},
                       {"percent", c.percent ? json(*c.percent) : json(nullptr)},
                       {"suppressed", c.suppressed ? json(c.reason) : json(nullptr)}});
    }
    j["rows"].push_back({{"no", row.choice.no},
                         {"label", row.choice.label},
                         {"level", model::to_string(row.choice.level)},
                         {"total", row.total ? json(*row.total) : json(nullptr)},
                         {"cells", std::move(cells)}});
  }
  return dump(j);
}

std::string render_crosstab_html(const analysis::Crosstab& t, const BreakdownOptions& o) {
  const std::string title = o.title.empty() ? fmt::format("{} × {}", t.item_a, t.item_b) : o.title;
  std::string out = open_page(o, pick(o, "クロス集計", "Cross-tab"), title);
  out += "<dl class=\"facts\">" + fact(pick(o, "両方に回答", "Answered both"), std::to_string(t.both)) +
         fact(pick(o, "A のみ回答", "Only A"), std::to_string(t.only_a)) +
         fact(pick(o, "B のみ回答", "Only B"), std::to_string(t.only_b)) +
         fact(pick(o, "どちらも無回答", "Neither"), std::to_string(t.neither)) + "</dl>\n";
  out += "<p><b>A</b> <span class=\"id\">" + html_escape(t.item_a) + "</span> " + html_escape(t.text_a) +
         "<br><b>B</b> <span class=\"id\">" + html_escape(t.item_b) + "</span> " + html_escape(t.text_b) + "</p>\n";
  out += "<table>\n<caption>" +
         std::string(pick(o, "組織数と行の割合（％）。— は非表示のセル", "Organisations and row percent (%); — = not shown")) +
         "</caption>\n<thead><tr><th scope=\"col\">A \\ B</th>";
  for (const auto& c : t.columns) out += "<th scope=\"col\" class=\"num\">" + html_escape(c.label) + "</th>";
  out += "<th scope=\"col\" class=\"num\">" + std::string(pick(o, "計", "Total")) + "</th></tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr><th scope=\"row\">" + html_escape(row.choice.label) + "</th>";
    for (const auto& c : row.cells) {
      if (c.suppressed) {
        out += "<td class=\"sup\">—</td>";
      } else {
        out += fmt::format("<td class=\"num\">{}{}</td>", c.count,
                           c.percent ? fmt::format("<span class=\"sub\">{}%</span>", *c.percent) : std::string());
      }
    }
    out += row.total ? fmt::format("<td class=\"num\">{}</td>", *row.total) : std::string("<td class=\"sup\">—</td>");
    out += "</tr>\n";
  }
  out += "<tr><th scope=\"row\">" + std::string(pick(o, "計", "Total")) + "</th>";
  for (const auto& total : t.column_totals) {
    out += total ? fmt::format("<td class=\"num\">{}</td>", *total) : std::string("<td class=\"sup\">—</td>");
  }
  out += fmt::format("<td class=\"num\">{}</td></tr>\n</tbody>\n</table>\n", t.both);
  out += disclosure_section(o, t.min_group, t.suppressed);
  out += close_page(o);
  return out;
}

std::string render_crosstab_csv(const analysis::Crosstab& t, const BreakdownOptions& o) {
  std::string out = "\xEF\xBB\xBF";
  out += "a_item,a_choice,a_label";
  for (const auto& c : t.columns) {
    out += ",";
    io::append_csv_field(out, fmt::format("{}={} {}", t.item_b, c.no, c.label));
  }
  out += ",total";
  for (const auto& c : t.columns) out += fmt::format(",percent {}={}", t.item_b, c.no);
  out += "\r\n";
  for (const auto& row : t.rows) {
    io::append_csv_field(out, t.item_a);
    out += fmt::format(",{},", row.choice.no);
    io::append_csv_field(out, row.choice.label);
    for (const auto& c : row.cells) out += c.suppressed ? std::string(",—") : fmt::format(",{}", c.count);
    out += row.total ? fmt::format(",{}", *row.total) : std::string(",—");
    for (const auto& c : row.cells) {
      out += c.suppressed ? std::string(",—") : c.percent ? fmt::format(",{}", *c.percent) : std::string(",");
    }
    out += "\r\n";
  }
  out += ",," + std::string(pick(o, "計", "total"));
  for (const auto& total : t.column_totals) out += total ? fmt::format(",{}", *total) : std::string(",—");
  out += fmt::format(",{}\r\n", t.both);
  for (const auto& s : t.suppressed) {
    out += ",,";
    io::append_csv_field(out, describe_suppression(s, t.min_group, o.lang));
    out += "\r\n";
  }
  return out;
}

// --- peer -------------------------------------------------------------------------------

std::string render_peer_json(const analysis::PeerReport& p, const BreakdownOptions& o) {
  ordered_json j;
  j["schema"] = "kunren.peer/1";
  j["checklist"] = {{"id", p.checklist_id}, {"version", p.checklist_version}, {"title", p.checklist_title}};
  j["org"] = p.org;
  j["organizations"] = p.organizations;
  j["lang"] = o.lang;
  j["disclosure"] = disclosure_json(o, p.min_group, {});
  j["quartile_method"] = p.quartile_method;
  j["items"] = ordered_json::array();
  for (const auto& it : p.items) {
    ordered_json pooled = ordered_json::array();
    for (const auto& c : it.pooled.choices) {
      pooled.push_back({{"no", c.no}, {"label", c.label}, {"level", model::to_string(c.level)}, {"count", c.count},
                        {"percent", c.percent}});
    }
    j["items"].push_back(
        {{"id", it.pooled.id},
         {"section", it.pooled.section},
         {"text", it.pooled.text},
         {"answer", it.choice == 0 ? json(nullptr)
                                   : json{{"no", it.choice}, {"label", it.label}, {"level", model::to_string(*it.level)}}},
         {"pooled", {{"n", it.pooled.n}, {"answered", it.pooled.answered}, {"score", optional_number(it.pooled.score)},
                     {"choices", std::move(pooled)}}}});
  }
  j["sections"] = ordered_json::array();
  for (const auto& s : p.sections) {
    j["sections"].push_back({{"id", s.id},
                             {"title", s.title},
                             {"score", optional_number(s.score)},
                             {"pooled", {{"organizations", s.scored_orgs},
                                         {"q1", optional_number(s.q1)},
                                         {"median", optional_number(s.median)},
                                         {"q3", optional_number(s.q3)}}}});
  }
  return dump(j);
}

std::string render_peer_html(const analysis::PeerReport& p, const BreakdownOptions& o) {
  const std::string title =
      o.title.empty() ? p.checklist_title + pick(o, " 他組織との比較", " — comparison with peers") : o.title;
  std::string out = open_page(o, pick(o, "ピア比較（貴組織向け）", "Peer comparison (for your organisation)"), title);
  out += "<dl class=\"facts\">" + fact(pick(o, "組織", "Organisation"), p.org_name.empty() ? p.org : p.org_name) +
         fact(pick(o, "比較対象の組織数", "Organisations pooled"), std::to_string(p.organizations)) + "</dl>\n";
  out += "<section class=\"rules\"><h3>" + std::string(pick(o, "集計の規則", "How the figures are computed")) +
         "</h3><ul><li>" +
         pick(o,
              "セクションのスコアは、シナリオ対象外を除く回答項目について良好=1、部分的=0.5、不十分=0 とした平均です。",
              "A section score is the mean over the section's answered items that are not out of scope of good=1, "
              "partial=0.5, poor=0.") +
         "</li><li>" +
         html_escape(en(o) ? "Quartiles: " + p.quartile_method + "."
                           : "四分位：線形補間（Excel の QUARTILE.INC、R の type 7）。") +
         "</li><li>" +
         html_escape(en(o) ? fmt::format("Pooled figures cover every organisation; quartiles of fewer than {} "
                                         "organisations are not shown.",
                                         p.min_group)
                           : fmt::format("全体の数値は全組織の集計です。{} 組織未満の四分位は示しません。", p.min_group)) +
         "</li></ul></section>\n";
  out += "<h2>" + std::string(pick(o, "セクション別スコア", "Scores by section")) + "</h2>\n<table>\n<thead><tr><th scope=\"col\">" +
         pick(o, "セクション", "Section") + "</th><th scope=\"col\" class=\"num\">" + pick(o, "貴組織", "Yours") +
         "</th><th scope=\"col\" class=\"num\">Q1</th><th scope=\"col\" class=\"num\">" + pick(o, "中央値", "Median") +
         "</th><th scope=\"col\" class=\"num\">Q3</th></tr></thead>\n<tbody>\n";
  for (const auto& s : p.sections) {
    out += "<tr><th scope=\"row\">" + html_escape(s.title) + "</th><td class=\"num mine\">" + score_text(s.score) +
           "</td><td class=\"num\">" + score_text(s.q1) + "</td><td class=\"num\">" + score_text(s.median) +
           "</td><td class=\"num\">" + score_text(s.q3) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n<h2>" + std::string(pick(o, "項目別の回答", "Answers by item")) + "</h2>\n";
  out += "<table>\n<thead><tr><th scope=\"col\">" + std::string(pick(o, "項目", "Item")) + "</th><th scope=\"col\">" +
         pick(o, "貴組織の回答", "Your answer") + "</th><th scope=\"col\">" +
         pick(o, "全体の分布（組織数・％）", "All organisations (count, %)") + "</th></tr></thead>\n<tbody>\n";
  for (const auto& it : p.items) {
    out += "<tr><th scope=\"row\"><span class=\"id\">" + html_escape(it.pooled.id) + "</span> " +
           html_escape(it.pooled.text) + "</th><td class=\"mine\">" +
           (it.choice == 0 ? std::string(pick(o, "無回答", "no answer"))
                           : html_escape(it.label) + "<span class=\"sub\">" +
                                 html_escape(level_label(*it.level, o.lang)) + "</span>") +
           "</td><td>";
    for (const auto& c : it.pooled.choices) {
      out += fmt::format("<span class=\"sub\"{}>{}: {} ({}%)</span>", c.no == it.choice ? " style=\"color:#1f2328\"" : "",
                         html_escape(c.label), c.count, c.percent);
    }
    out += "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
  out += close_page(o);
  return out;
}

// --- trends -----------------------------------------------------------------------------

std::string render_campaign_trend_json(const analysis::CampaignTrend& t, const BreakdownOptions& o) {
  ordered_json j;
  j["schema"] = "kunren.campaign-trend/1";
  j["checklist"] = {{"id", t.checklist_id}, {"version", t.checklist_version}, {"title", t.checklist_title}};
  j["lang"] = o.lang;
  std::uint32_t k = 0;
  j["disclosure"] = disclosure_json(o, k, t.suppressed);
  j["disclosure"].erase("min_group");
  j["campaigns"] = ordered_json::array();
  for (const auto& c : t.campaigns) {
    j["campaigns"].push_back({{"id", c.id}, {"title", c.title}, {"checklist_version", c.checklist_version},
                              {"mapped", c.mapped}, {"organizations", c.n}});
  }
  j["items"] = ordered_json::array();
  for (const auto& it : t.items) {
    ordered_json cells = ordered_json::array();
    for (std::size_t c = 0; c < it.cells.size(); ++c) {
      const auto& cell = it.cells[c];
      cells.push_back({{"campaign", t.campaigns[c].id},
                       {"n", cell.n},
                       {"answered", cell.answered},
                       {"good", cell.good},
                       {"good_share", round4(cell.share)},
                       {"good_percent", cell.percent},
                       {"change_points", cell.change_points ? json(*cell.change_points) : json(nullptr)},
                       {"change_share", optional_number(cell.change_share)}});
    }
    j["items"].push_back({{"id", it.id}, {"section", it.section}, {"text", it.text}, {"campaigns", std::move(cells)}});
  }
  return dump(j);
}

std::string render_campaign_trend_html(const analysis::CampaignTrend& t, const BreakdownOptions& o) {
  const std::string title =
      o.title.empty() ? t.checklist_title + pick(o, " キャンペーン間の推移", " — trend across campaigns") : o.title;
  std::string out = open_page(o, pick(o, "キャンペーン間の比較", "Campaigns compared"), title);
  out += "<section class=\"rules\"><h3>" + std::string(pick(o, "集計の規則", "How the figures are computed")) +
         "</h3><ul><li>" +
         pick(o,
              "各キャンペーンで「良好」を選んだ組織の、その項目に回答した組織に対する割合（整数％）と、前回からの増減"
              "（ポイント）を示します。",
              "For each campaign: the share of organisations that answered the item with a good choice (whole %), "
              "and the change from the previous campaign shown (points).") +
         "</li>";
  for (const auto& c : t.campaigns) {
    if (!c.mapped) continue;
    out += "<li>" +
           html_escape(en(o) ? fmt::format("Campaign {} answered version {}; its answers were mapped to version {} with "
                                           "the mapping file.",
                                           c.id, c.checklist_version, t.checklist_version)
                             : fmt::format("キャンペーン {} は第 {} 版への回答です。対応表により第 {} 版の項目に対応"
                                           "させています。",
                                           c.id, c.checklist_version, t.checklist_version)) +
           "</li>";
  }
  out += "</ul></section>\n";
  if (!t.suppressed.empty()) {
    out += "<section class=\"disclosure\"><h3>" + std::string(pick(o, "公開の制限", "What is not shown, and why")) +
           "</h3><ul>";
    for (const auto& s : t.suppressed) out += "<li>" + html_escape(describe_suppression(s, 0, o.lang)) + "</li>";
    out += "</ul></section>\n";
  }
  out += "<table>\n<thead><tr><th scope=\"col\">" + std::string(pick(o, "項目", "Item")) + "</th>";
  for (const auto& c : t.campaigns) {
    out += fmt::format("<th scope=\"col\" class=\"num\">{}<span class=\"sub\">n={}</span></th>",
                       html_escape(c.title.empty() ? c.id : c.title), c.n);
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& it : t.items) {
    out += "<tr><th scope=\"row\"><span class=\"id\">" + html_escape(it.id) + "</span> " + html_escape(it.text) + "</th>";
    for (const auto& cell : it.cells) {
      if (cell.answered == 0) {
        out += "<td class=\"sup\">—</td>";
        continue;
      }
      std::string change;
      if (cell.change_points) {
        const int d = *cell.change_points;
        change = fmt::format("<span class=\"sub {}\">{}{}</span>", d > 0 ? "up" : d < 0 ? "down" : "",
                             d > 0 ? "+" : d < 0 ? "−" : "±", std::abs(d));
      }
      out += fmt::format("<td class=\"num\">{}%<span class=\"sub\">{}/{}</span>{}</td>", cell.percent, cell.good,
                         cell.answered, change);
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  out += close_page(o);
  return out;
}

std::string render_org_campaigns_json(const analysis::OrgCampaigns& t, const BreakdownOptions& o) {
  ordered_json j;
  j["schema"] = "kunren.org-campaigns/1";
  j["org"] = t.org;
  j["lang"] = o.lang;
  const std::string tlp = tlp_marking(o.tlp);
  j["tlp"] = tlp.empty() ? json(nullptr) : json(tlp.substr(4));
  j["campaigns"] = ordered_json::array();
  for (const auto& c : t.campaigns) {
    j["campaigns"].push_back({{"id", c.id}, {"title", c.title}, {"checklist_version", c.checklist_version}});
  }
  j["items"] = ordered_json::array();
  for (const auto& it : t.items) {
    ordered_json answers = ordered_json::array();
    for (std::size_t c = 0; c < it.answers.size(); ++c) {
      const auto& a = it.answers[c];
      answers.push_back({{"campaign", t.campaigns[c].id},
                         {"in_checklist", a.in_checklist},
                         {"no", a.choice == 0 ? json(nullptr) : json(a.choice)},
                         {"label", a.choice == 0 ? json(nullptr) : json(a.label)},
                         {"level", a.level ? json(model::to_string(*a.level)) : json(nullptr)}});
    }
    j["items"].push_back({{"id", it.id}, {"text", it.text}, {"answers", std::move(answers)}});
  }
  return dump(j);
}

std::string render_org_campaigns_html(const analysis::OrgCampaigns& t, const BreakdownOptions& o) {
  const std::string who = t.org_name.empty() ? t.org : t.org_name;
  const std::string title = o.title.empty() ? who + pick(o, " の回答の推移", " — answers across campaigns") : o.title;
  std::string out = open_page(o, pick(o, "自組織の回答（組織とコーディネーターのみ）",
                                      "Your own answers (your organisation and the coordinator only)"),
                              title);
  out += "<table>\n<thead><tr><th scope=\"col\">" + std::string(pick(o, "項目", "Item")) + "</th>";
  for (const auto& c : t.campaigns) {
    out += "<th scope=\"col\">" + html_escape(c.title.empty() ? c.id : c.title) + "<span class=\"sub\">" +
           html_escape(en(o) ? "version " + c.checklist_version : "第 " + c.checklist_version + " 版") + "</span></th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& it : t.items) {
    out += "<tr><th scope=\"row\"><span class=\"id\">" + html_escape(it.id) + "</span> " + html_escape(it.text) + "</th>";
    for (const auto& a : it.answers) {
      if (!a.in_checklist) {
        out += "<td class=\"sup\">" + std::string(pick(o, "（項目なし）", "(not in this version)")) + "</td>";
      } else if (a.choice == 0) {
        out += "<td class=\"sup\">" + std::string(pick(o, "無回答", "no answer")) + "</td>";
      } else {
        out += "<td>" + html_escape(a.label) + "<span class=\"sub\">" + html_escape(level_label(*a.level, o.lang)) +
               "</span></td>";
      }
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  out += close_page(o);
  return out;
}

}  // namespace kunren::report
