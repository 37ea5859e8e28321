#include <kunren/report/timeline_svg.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/report/html_escape.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::report {

namespace {

using nlohmann::json;

constexpr double k_width = 960;
constexpr double k_left = 128;   // lane labels
constexpr double k_right = 18;
constexpr double k_top = 34;     // tick labels and control marks
constexpr double k_lane = 36;
constexpr double k_bottom = 10;
constexpr double k_plot = k_width - k_left - k_right;

bool is_en(const std::string& lang) { return lang == "en"; }

// "ja" / "en" wording of the chart itself.
struct Words {
  const char* title;
  const char* lanes[7];
  const char* everyone;
  const char* facilitator;
  const char* system;
  const char* trigger_facilitator;
  const char* trigger_adhoc;
  const char* trigger_contingency;
  const char* skipped;
  const char* merge;   // {a} {b}
  const char* link;    // {a} {b}
  const char* status;  // {a} {s}
  const char* handover;
  const char* start, *pause, *resume, *speed, *end;
};

const Words& words(const std::string& lang) {
  static const Words k_ja{"演習のタイムライン（横軸：シナリオ時刻）",
                          {"状況付与", "報告", "判断", "連絡", "証拠", "メモ", "観察"},
                          "全員",
                          "進行役",
                          "システム",
                          "進行役が投入",
                          "臨時の状況付与",
                          "条件付き",
                          "不要と判定（付与せず）",
                          "報告 #{a} を #{b} に統合",
                          "報告 #{a} を事案 #{b} に関連付け",
                          "報告 #{a} の状態 → {s}",
                          "証拠 #{a} の引き渡し",
                          "開始",
                          "一時停止",
                          "再開",
                          "速度変更",
                          "終了"};
  static const Words k_en{"Drill timeline (across: scenario time)",
                          {"Injects", "Reports", "Decisions", "Contacts", "Evidence", "Notes", "Observations"},
                          "everyone",
                          "Facilitator",
                          "system",
                          "delivered by the facilitator",
                          "ad-hoc inject",
                          "contingency",
                          "not needed (not delivered)",
                          "report #{a} merged into #{b}",
                          "report #{a} linked to incident #{b}",
                          "report #{a} status → {s}",
                          "evidence #{a} handed over",
                          "start",
                          "pause",
                          "resume",
                          "speed",
                          "end"};
  return is_en(lang) ? k_en : k_ja;
}

struct LaneStyle {
  const char* kind;
  const char* fill;
};
constexpr LaneStyle k_lanes[] = {{"inject", "#1d4f91"},   {"report", "#2f7d66"}, {"decision", "#bf4f3b"},
                                 {"contact", "#7a4fa3"},  {"evidence", "#b36b00"}, {"note", "#5b6470"},
                                 {"observation", "#0f7c8c"}};
constexpr int k_lane_count = 7;

int lane_of(const std::string& kind) {
  for (int i = 0; i < k_lane_count; ++i)
    if (kind == k_lanes[i].kind) return i;
  return -1;
}

std::string time_text(std::int64_t ms) { return model::format_scenario_time(ms / 1000); }

std::string replace(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

// At most `max` characters (code points), with "…" when cut.
std::string shorten(const std::string& text, std::size_t max = 140) {
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = std::max<std::size_t>(1, util::utf8_sequence_length(text, i));
    if (n == max) return out + "…";
    const char c = text[i];
    out += (c == '\n' || c == '\r' || c == '\t') ? std::string(" ") : text.substr(i, len);
    i += len;
    ++n;
  }
  return out;
}

std::string str(const json& p, const char* key) {
  auto it = p.find(key);
  return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string num(const json& p, const char* key) {
  auto it = p.find(key);
  return it != p.end() && it->is_number_integer() ? std::to_string(it->get<std::int64_t>()) : std::string();
}

// A {lang: text} object or a plain string, in `lang` (then ja, then en).
std::string localized(const json& v, const std::string& lang) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_object()) return {};
  for (const std::string& l : {lang, std::string("ja"), std::string("en")})
    if (v.contains(l) && v[l].is_string()) return v[l].get<std::string>();
  return {};
}

std::string role_name(const model::Scenario& s, const std::string& role, const std::string& lang) {
  if (role.empty()) return words(lang).system;
  if (role == "facilitator") return words(lang).facilitator;
  if (const auto* r = s.find_role(role)) return r->title.text(lang);
  return role;
}

std::string contact_target(const std::string& target, const std::string& lang) {
  static const std::map<std::string, std::pair<const char*, const char*>> k_names = {
      {"poc", {"窓口（PoC）", "PoC"}},
      {"vendor", {"ベンダー", "vendor"}},
      {"national-cert", {"ナショナルCERT", "national CERT"}},
      {"authority", {"所管官庁", "authority"}},
      {"police", {"警察", "police"}},
      {"customer", {"顧客", "customer"}},
      {"security-firm", {"外部セキュリティ機関", "security firm"}},
      {"other", {"その他", "other"}}};
  auto it = k_names.find(target);
  if (it == k_names.end()) return target;
  return is_en(lang) ? it->second.second : it->second.first;
}

std::string board_status(const std::string& status, const std::string& lang) {
  if (status == "unconfirmed") return is_en(lang) ? "unconfirmed" : "未確認";
  if (status == "confirmed") return is_en(lang) ? "confirmed" : "確認済み";
  if (status == "resolved") return is_en(lang) ? "resolved" : "解決済み";
  return status;
}

const char* control_label(const Words& w, const std::string& action) {
  return action == "start"    ? w.start
         : action == "pause"  ? w.pause
         : action == "resume" ? w.resume
         : action == "speed"  ? w.speed
         : action == "end"    ? w.end
                              : nullptr;
}

std::string control_text(const model::ExerciseEvent& e, const json& p, const std::string& lang) {
  const Words& w = words(lang);
  const std::string action = str(p, "action");
  if (action == "contingency-skipped") return time_text(e.scenario_ms) + " " + str(p, "inject") + " " + w.skipped;
  const char* label = control_label(w, action);
  std::string text = time_text(e.scenario_ms) + " " + (label ? label : action);
  if ((action == "start" || action == "speed") && p.contains("speed") && p["speed"].is_number_integer())
    text += fmt::format(" ×{}", p["speed"].get<int>());
  return text;
}

// The tooltip of one event (before escaping).
std::string tooltip(const model::ExerciseEvent& e, const json& p, const model::Scenario& s, const std::string& lang) {
  const Words& w = words(lang);
  const std::string head = time_text(e.scenario_ms) + " ";
  const std::string who = role_name(s, e.role, lang);
  if (e.kind == "control") return control_text(e, p, lang);
  if (e.kind == "inject") {
    std::string to;
    if (p.contains("to") && p["to"].is_array() && !p["to"].empty()) {
      for (const auto& r : p["to"]) to += (to.empty() ? "" : "・") + role_name(s, r.is_string() ? r.get<std::string>() : "", lang);
    } else {
      to = w.everyone;
    }
    std::string text = head + str(p, "inject") + " " + localized(p.value("title", json()), lang) + " → " + to;
    const std::string trigger = str(p, "trigger");
    if (trigger == "facilitator") text += fmt::format(" ({})", w.trigger_facilitator);
    if (trigger == "adhoc") text += fmt::format(" ({})", w.trigger_adhoc);
    if (trigger == "contingency") text += fmt::format(" ({})", w.trigger_contingency);
    return text;
  }
  if (e.kind == "report") {
    const std::string op = str(p, "op");
    if (op == "merge") return head + who + ": " + replace(replace(w.merge, "{a}", num(p, "report")), "{b}", num(p, "into"));
    if (op == "link") return head + who + ": " + replace(replace(w.link, "{a}", num(p, "report")), "{b}", num(p, "thread"));
    if (op == "status")
      return head + who + ": " +
             replace(replace(w.status, "{a}", num(p, "report")), "{s}", board_status(str(p, "status"), lang));
    return head + who + ": #" + std::to_string(e.seq) + " " + str(p, "what");
  }
  if (e.kind == "decision") {
    const std::string dp = str(p, "decision_point");
    std::string option = str(p, "option");
    if (const auto* point = s.find_decision_point(dp)) {
      for (const auto& o : point->options)
        if (o.id == option) option = o.label.text(lang);
    }
    std::string text = head + who + ": " + dp + " " + option;
    if (!str(p, "rationale").empty()) text += " — " + str(p, "rationale");
    return text;
  }
  if (e.kind == "contact") {
    std::string target = contact_target(str(p, "to"), lang);
    if (str(p, "to") == "role") target = role_name(s, str(p, "role"), lang);
    return head + who + " → " + target + ": " + str(p, "summary");
  }
  if (e.kind == "evidence") {
    if (str(p, "op") == "handover")
      return head + who + ": " + replace(w.handover, "{a}", num(p, "record")) + " " + str(p, "from") + " → " +
             str(p, "to");
    std::string type = str(p, "type");
    if (const auto* t = model::find_evidence_type(type)) type = t->name.text(lang);
    return head + who + ": #" + std::to_string(e.seq) + " " + type + " / " + str(p, "asset");
  }
  if (e.kind == "note") return head + who + ": " + str(p, "text");
  if (e.kind == "observation") {
    std::string text = head + str(p, "objective");
    text += (text.size() > head.size() ? " " : "") + str(p, "rating");
    if (!str(p, "text").empty()) text += ": " + str(p, "text");
    return text;
  }
  return head + e.kind;
}

double x_of(std::int64_t ms, std::int64_t end_ms) {
  const double f = end_ms > 0 ? static_cast<double>(std::clamp<std::int64_t>(ms, 0, end_ms)) / static_cast<double>(end_ms) : 0;
  return k_left + k_plot * f;
}

std::string f1(double v) {
  std::string out = fmt::format("{:.1f}", v);
  if (out.size() > 2 && out.compare(out.size() - 2, 2, ".0") == 0) out.resize(out.size() - 2);
  return out == "-0" ? "0" : out;
}

}  // namespace

std::string timeline_event_text(const model::ExerciseEvent& event, const model::Scenario& scenario,
                                const std::string& lang) {
  json p = json::parse(event.payload, nullptr, false);
  if (p.is_discarded() || !p.is_object()) p = json::object();
  return tooltip(event, p, scenario, lang);
}

const std::vector<std::string>& timeline_lanes() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> out;
    for (const auto& l : k_lanes) out.emplace_back(l.kind);
    return out;
  }();
  return k;
}

std::string render_timeline_svg(const std::vector<model::ExerciseEvent>& events, const model::Scenario& scenario,
                                const std::string& lang, SvgMode mode) {
  const Words& w = words(lang);

  // The span: to the last event once the drill has ended (what happened is
  // what the review is about); before that the planned length (or the last
  // inject), so the chart shows how far the drill has come. At least ten
  // minutes.
  const bool ended = std::any_of(events.begin(), events.end(), [](const model::ExerciseEvent& e) {
    if (e.kind != "control") return false;
    const json p = json::parse(e.payload, nullptr, false);
    return !p.is_discarded() && str(p, "action") == "end";
  });
  std::int64_t end_ms = 0;
  if (!ended) {
    end_ms = scenario.duration * 1000;
    if (end_ms == 0 && !scenario.injects.empty()) end_ms = scenario.injects.back().at * 1000;
  }
  for (const auto& e : events) end_ms = std::max(end_ms, e.scenario_ms);
  end_ms = std::max<std::int64_t>(end_ms, 10 * 60 * 1000);
  std::int64_t tick_min = 120;
  for (std::int64_t t : {5, 10, 15, 20, 30, 60, 120}) {
    if (end_ms <= t * 60 * 1000 * 10) {
      tick_min = t;
      break;
    }
  }
  const std::int64_t tick_ms = tick_min * 60 * 1000;
  end_ms = (end_ms + tick_ms - 1) / tick_ms * tick_ms;

  const double height = k_top + k_lane * k_lane_count + k_bottom;
  const double bottom = k_top + k_lane * k_lane_count;
  std::string out;
  out += fmt::format(
      "<svg{} class=\"timeline-chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-labelledby=\"timeline-title\" font-family=\"'Noto Sans CJK JP','Noto Sans JP',sans-serif\">",
      mode == SvgMode::kStandalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "", f1(k_width), f1(height),
      f1(k_width), f1(height));
  out += fmt::format("<title id=\"timeline-title\">{}</title>", html_escape(w.title));

  // Lanes: banded backgrounds and their names.
  for (int i = 0; i < k_lane_count; ++i) {
    const double y = k_top + k_lane * i;
    out += fmt::format("<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", f1(y), f1(k_width),
                       f1(k_lane), i % 2 == 0 ? "#f5f7fa" : "#ffffff");
    out += fmt::format(
        "<text class=\"tl-lane\" x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#33404f\">"
        "<tspan fill=\"{}\">●</tspan> {}</text>",
        f1(8), f1(y + k_lane / 2 + 4.5), k_lanes[i].fill, html_escape(w.lanes[i]));
  }
  // Ticks.
  for (std::int64_t t = 0; t <= end_ms; t += tick_ms) {
    const double x = x_of(t, end_ms);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#d9dee4\" stroke-width=\"1\"/>",
                       f1(x), f1(k_top - 4), f1(bottom));
    const char* anchor = t == 0 ? "start" : (t == end_ms ? "end" : "middle");
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11.5\" fill=\"#5b6470\" text-anchor=\"{}\">{}</text>",
                       f1(x), f1(14), anchor, html_escape(time_text(t)));
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#8a939d\" stroke-width=\"1\"/>",
                     f1(k_left), f1(k_top - 4), f1(bottom));

  // Control events: small marks under the tick labels; the end as a dashed line.
  for (const auto& e : events) {
    if (e.kind != "control") continue;
    const json p = json::parse(e.payload, nullptr, false);
    if (p.is_discarded()) continue;
    const std::string action = str(p, "action");
    if (action == "contingency-skipped") continue;
    if (!control_label(w, action)) continue;
    const std::string text = control_text(e, p, lang);
    const double x = x_of(e.scenario_ms, end_ms);
    if (action == "end") {
      out += fmt::format(
          "<line class=\"tl-end\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#a3321f\" stroke-width=\"1.5\" "
          "stroke-dasharray=\"5 3\"><title>{3}</title></line>",
          f1(x), f1(k_top - 10), f1(bottom), html_escape(text));
    }
    out += fmt::format(
        "<path class=\"tl-control\" d=\"M{} {}l-4.5 -7h9z\" fill=\"{}\"><title>{}</title></path>", f1(x),
        f1(k_top - 2), action == "end" ? "#a3321f" : (action == "pause" ? "#dea13a" : "#5b6470"), html_escape(text));
  }

  // Markers, lane by lane in log order, staggered when they crowd.
  struct LaneCursor {
    double last_x = -100;
    int stagger = 0;
    double label_end = -100;
  };
  LaneCursor cursor[k_lane_count];
  static constexpr double k_offsets[] = {0, -8, 8};
  for (const auto& e : events) {
    int lane = lane_of(e.kind);
    bool skipped = false;
    json p = json::parse(e.payload, nullptr, false);
    if (p.is_discarded()) p = json::object();
    if (e.kind == "control") {
      if (str(p, "action") != "contingency-skipped") continue;
      lane = 0;
      skipped = true;
    }
    if (lane < 0) continue;
    const double x = x_of(e.scenario_ms, end_ms);
    LaneCursor& c = cursor[lane];
    c.stagger = x - c.last_x < 9 ? (c.stagger + 1) % 3 : 0;
    c.last_x = x;
    const double y = k_top + k_lane * lane + k_lane / 2 + k_offsets[c.stagger];
    const std::string tip = html_escape(shorten(tooltip(e, p, scenario, lang)));
    const char* fill = k_lanes[lane].fill;
    if (lane == 0) {
      // A diamond; hollow when skipped, outlined when not on schedule.
      const std::string trigger = str(p, "trigger");
      const bool off_schedule = trigger == "facilitator" || trigger == "adhoc";
      out += fmt::format(
          "<path class=\"tl-mark tl-inject{}\" data-seq=\"{}\" d=\"M{} {}l6 6l-6 6l-6 -6z\" fill=\"{}\" stroke=\"{}\" "
          "stroke-width=\"{}\"><title>{}</title></path>",
          skipped ? " tl-skipped" : "", e.seq, f1(x), f1(y - 6), skipped ? "#ffffff" : (off_schedule ? "#8fb0dc" : fill),
          skipped ? "#9ba3ad" : fill, skipped ? "1.5" : "1", tip);
      continue;
    }
    const double r = lane == 2 ? 6.5 : 5.5;
    out += fmt::format(
        "<circle class=\"tl-mark tl-{}\" data-seq=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
        "stroke-width=\"1\"><title>{}</title></circle>",
        k_lanes[lane].kind, e.seq, f1(x), f1(y), f1(r), fill, tip);
    if (lane == 2) {
      const std::string dp = str(p, "decision_point");
      if (!dp.empty() && x + 9 > c.label_end) {
        out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10.5\" font-weight=\"700\" fill=\"{}\">{}</text>",
                           f1(x + 9), f1(y + 4), fill, html_escape(dp));
        c.label_end = x + 9 + 8.0 * static_cast<double>(dp.size()) + 4;
      }
    }
  }
  out += "</svg>";
  return out;
}

}  // namespace kunren::report
