// One organisation's drills side by side (report/trend.hpp).
//
// Rows: every metric id that any drill has (in the engine's fixed order, as
// the first drill lists them), then every objective id that any drill has
// (in order of first appearance), then the open plan items. Columns: the
// drills as given (the caller sorts them oldest first). A metric cell shows
// the time from the first inject and the verdict against that drill's own
// target; a drill that lacks the row shows a blank cell.
#include <kunren/report/trend.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <kunren/report/html_escape.hpp>

namespace kunren::report {

namespace {

using nlohmann::json;

bool is_en(std::string_view lang) { return lang == "en"; }
const char* T(std::string_view lang, const char* ja, const char* en) { return is_en(lang) ? en : ja; }

// A time span as "HH:MM" (whole minutes, rounded down): targets are minutes.
std::string duration_text(std::int64_t ms) {
  const std::int64_t minutes = std::max<std::int64_t>(0, ms) / 60'000;
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

// A drill's verdict: met if done within its target, missed if late or never
// done (the drill is over), none without a target.
std::string verdict(const exercise::Metric& m) {
  if (m.target_ms <= 0) return "none";
  if (!m.value_ms) return "missed";
  return *m.value_ms <= m.target_ms ? "met" : "missed";
}

struct Rows {
  std::vector<std::pair<std::string, model::LocalizedText>> metrics;     // id → label
  std::vector<std::pair<std::string, model::LocalizedText>> objectives;  // id → title
};

Rows rows_of(const std::vector<TrendDrill>& drills) {
  Rows r;
  auto add = [](auto& list, const std::string& id, const model::LocalizedText& label) {
    for (const auto& [k, v] : list)
      if (k == id) return;
    list.emplace_back(id, label);
  };
  for (const auto& d : drills) {
    for (const auto& m : d.metrics) add(r.metrics, m.id, m.label);
    for (const auto& [id, title] : d.objectives) add(r.objectives, id, title);
    for (const auto& [id, rating] : d.ratings) add(r.objectives, id, model::LocalizedText(id));
  }
  return r;
}

const exercise::Metric* metric_of(const TrendDrill& d, const std::string& id) {
  for (const auto& m : d.metrics)
    if (m.id == id) return &m;
  return nullptr;
}

const std::string* rating_of(const TrendDrill& d, const std::string& id) {
  for (const auto& [k, v] : d.ratings)
    if (k == id) return &v;
  return nullptr;
}

bool has_objective(const TrendDrill& d, const std::string& id) {
  for (const auto& [k, v] : d.objectives)
    if (k == id) return true;
  return rating_of(d, id) != nullptr;
}

constexpr const char* k_table_style = R"CSS(
.trend{width:100%;border-collapse:collapse;font-size:14px;line-height:1.5}
.trend th,.trend td{padding:6px 10px;border-bottom:1px solid #d9dee4;text-align:left;vertical-align:top}
.trend thead th{background:#eef2f7;border-bottom:1px solid #c3cbd5;font-size:13px;font-weight:600;color:#33404f}
.trend thead{display:table-header-group}
.trend tr{break-inside:avoid;page-break-inside:avoid}
.trend tbody th{font-weight:500}
.trend .group th{background:#f5f7fa;color:#14325c;font-weight:700}
.trend td.cell{text-align:center;white-space:nowrap;font-variant-numeric:tabular-nums}
.trend .sub{display:block;color:#5b6470;font-size:12px;font-weight:400}
.trend .t-met{color:#1c5a44;font-weight:700}.trend .t-missed{color:#8a2c1b;font-weight:700}
.trend .r{display:inline-block;min-width:1.8em;padding:0 6px;border:1px solid;border-radius:3px;font-weight:700}
.trend .r-P{background:#dcefe6;border-color:#9cc9b7;color:#1c5a44}
.trend .r-S{background:#fdf6d8;border-color:#e6d78c;color:#5e5108}
.trend .r-M{background:#fbe9d0;border-color:#e9c48f;color:#7a4a0c}
.trend .r-U{background:#f8e1da;border-color:#e8b2a5;color:#8a2c1b}
.trend .blank{color:#9aa3ad}
)CSS";

}  // namespace

json trend_json(const std::string& org_id, const std::vector<TrendDrill>& drills, std::string_view lang_in) {
  const std::string_view lang = is_en(lang_in) ? "en" : "ja";
  const Rows rows = rows_of(drills);
  json out{{"schema", "kunren.trend/1"}, {"org", org_id}, {"lang", lang}};
  json metrics = json::array(), objectives = json::array(), list = json::array();
  for (const auto& [id, label] : rows.metrics) metrics.push_back({{"id", id}, {"label", label.text(lang)}});
  for (const auto& [id, title] : rows.objectives) objectives.push_back({{"id", id}, {"title", title.text(lang)}});
  for (const auto& d : drills) {
    json m = json::object(), r = json::object();
    for (const auto& metric : d.metrics)
      m[metric.id] = {{"value_ms", metric.value_ms ? json(*metric.value_ms) : json(nullptr)},
                      {"target_ms", metric.target_ms},
                      {"verdict", verdict(metric)}};
    for (const auto& [id, rating] : d.ratings) r[id] = rating;
    list.push_back({{"exercise", d.exercise_id},
                    {"title", d.title},
                    {"scenario", d.scenario_id},
                    {"date", d.date},
                    {"metrics", m},
                    {"ratings", r},
                    {"open_plan_items", d.open_plan_items}});
  }
  out["metrics"] = metrics;
  out["objectives"] = objectives;
  out["drills"] = list;
  return out;
}

std::string trend_html_table(const std::vector<TrendDrill>& drills, std::string_view lang_in) {
  const std::string_view l = is_en(lang_in) ? "en" : "ja";
  if (drills.empty()) return fmt::format("<p class=\"empty\">{}</p>\n", T(l, "訓練の記録はまだありません。", "No drills yet."));
  const Rows rows = rows_of(drills);
  const std::string blank = "<span class=\"blank\" aria-label=\"—\">—</span>";
  // No <style> here: the web app's CSP allows only its own stylesheet, which
  // styles these classes; trend_html() adds k_table_style for the file.
  std::string o = fmt::format("<table class=\"trend\">\n<thead><tr><th scope=\"col\">{}</th>", T(l, "項目", "Row"));
  for (const auto& d : drills)
    o += fmt::format("<th scope=\"col\">{}<span class=\"sub\">{}</span></th>", html_escape(d.date.empty() ? "—" : d.date),
                     html_escape(d.title.empty() ? d.exercise_id : d.title));
  o += "</tr></thead>\n<tbody>\n";
  const std::size_t span = drills.size() + 1;
  o += fmt::format("<tr class=\"group\"><th colspan=\"{}\" scope=\"rowgroup\">{}</th></tr>\n", span,
                   T(l, "目標時間に対する実績（最初の状況付与から 時:分）", "Metrics against targets (h:mm from the first inject)"));
  for (const auto& [id, label] : rows.metrics) {
    o += fmt::format("<tr><th scope=\"row\">{}</th>", html_escape(label.text(l)));
    for (const auto& d : drills) {
      const auto* m = metric_of(d, id);
      if (!m) {
        o += "<td class=\"cell\">" + blank + "</td>";
        continue;
      }
      const std::string v = verdict(*m);
      const std::string value = m->value_ms ? duration_text(*m->value_ms) : T(l, "なし", "none");
      std::string cell = v == "none" ? html_escape(value)
                                     : fmt::format("<span class=\"t-{}\">{}</span>", v, html_escape(value));
      if (m->target_ms > 0) cell += fmt::format("<span class=\"sub\">{} {}</span>", T(l, "目標", "target"), duration_text(m->target_ms));
      if (v == "met") cell += fmt::format("<span class=\"sub t-met\">{}</span>", T(l, "達成", "met"));
      if (v == "missed") cell += fmt::format("<span class=\"sub t-missed\">{}</span>", T(l, "未達", "missed"));
      o += "<td class=\"cell\">" + cell + "</td>";
    }
    o += "</tr>\n";
  }
  o += fmt::format("<tr class=\"group\"><th colspan=\"{}\" scope=\"rowgroup\">{}</th></tr>\n", span,
                   T(l, "目標ごとの評価（P/S/M/U）", "Ratings per objective (P/S/M/U)"));
  for (const auto& [id, title] : rows.objectives) {
    o += fmt::format("<tr><th scope=\"row\">{}<span class=\"sub\">{}</span></th>", html_escape(title.text(l)), html_escape(id));
    for (const auto& d : drills) {
      const auto* r = rating_of(d, id);
      if (r && !r->empty()) {
        o += fmt::format("<td class=\"cell\"><span class=\"r r-{}\">{}</span></td>", html_escape(*r), html_escape(*r));
      } else if (has_objective(d, id)) {
        o += fmt::format("<td class=\"cell\"><span class=\"blank\">{}</span></td>", T(l, "未評価", "not rated"));
      } else {
        o += "<td class=\"cell\">" + blank + "</td>";
      }
    }
    o += "</tr>\n";
  }
  o += fmt::format("<tr class=\"group\"><th colspan=\"{}\" scope=\"rowgroup\">{}</th></tr>\n", span,
                   T(l, "改善計画", "Improvement plan"));
  o += fmt::format("<tr><th scope=\"row\">{}</th>", T(l, "未完了の改善項目", "Open plan items"));
  for (const auto& d : drills) o += fmt::format("<td class=\"cell\">{}</td>", d.open_plan_items);
  o += "</tr>\n</tbody>\n</table>\n";
  return o;
}

std::string trend_html(const std::string& org_name, const std::vector<TrendDrill>& drills, std::string_view lang_in,
                       const std::string& generated_at) {
  const std::string_view l = is_en(lang_in) ? "en" : "ja";
  const std::string title = org_name + T(l, " — 訓練の推移", " — drills over time");
  std::string o = fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", l);
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += fmt::format("<title>{}</title>\n", html_escape(title));
  o += R"(<style>
body{margin:0;color:#1f2328;font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;font-size:15px;line-height:1.7;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.page{max-width:1060px;margin:0 auto;padding:0 28px 56px}
.doc-header{border-top:6px solid #1d4f91;padding:26px 0 18px;border-bottom:1px solid #d9dee4;margin-bottom:20px}
.eyebrow{margin:0;color:#5b6470;font-size:13px}
h1{margin:6px 0 0;font-size:26px;color:#14325c}
.note{color:#5b6470;font-size:13px}
.doc-footer{margin-top:36px;padding-top:10px;border-top:1px solid #d9dee4;color:#5b6470;font-size:12.5px}
@page{size:A4 landscape;margin:12mm}
@media print{body{font-size:9pt}.page{max-width:none;padding:0}.trend{font-size:8.5pt}}
)";
  o += k_table_style;
  o += R"(</style>
</head>
<body>
<div class="page">
)";
  o += fmt::format("<header class=\"doc-header\"><p class=\"eyebrow\">{}</p><h1>{}</h1></header>\n<main>\n",
                   T(l, "訓練の推移", "Drills over time"), html_escape(org_name));
  o += trend_html_table(drills, l);
  o += fmt::format("<p class=\"note\">{}</p>\n",
                   T(l, "各訓練の実績は、その訓練のシナリオの目標と比べています。シナリオにない行は「—」です。",
                     "Each drill is judged against its own scenario's targets; a row its scenario lacks shows “—”."));
  o += "</main>\n<footer class=\"doc-footer\">\n";
  if (!generated_at.empty()) o += fmt::format("<p>{}: {}</p>\n", T(l, "作成日時", "Generated"), html_escape(generated_at));
  o += fmt::format("<p>{}</p>\n</footer>\n</div>\n</body>\n</html>\n", T(l, "Kunren により作成", "Produced with Kunren"));
  return o;
}

}  // namespace kunren::report
