// The after-action report and improvement plan (report/aar.hpp).
//
// Strengths and areas for improvement of an objective — the one rule, used by
// the HTML, the JSON and the web page alike:
//
//   1. The facilitator's rating: the latest P/S/M/U observation of the
//      objective. P or S gives a strength, M or U an area for improvement,
//      quoting the observation's text.
//   2. The timing metrics tied to the objective: a metric belongs to the
//      objectives of the decision points of its kind (classified → classify;
//      stop_decision → stop and continue; restart_decision → restart;
//      cert_contact → external; poc_informed and first_report → escalate;
//      first_evidence → evidence). Met gives a strength; missed (late, or
//      never done once the target had passed) an area. Metrics without a
//      target, or still pending, give neither.
//   3. The evidence-linked proposals (exercise/proposals.hpp) for the
//      checklist items the objective links — directly, through a decision
//      point of the objective, or through the proposal's "objective:" source.
//      Good gives a strength, poor an area; partial and "no proposal" give
//      neither (the evaluator decides).
//
// Each area for improvement that no plan item covers yet — same objective
// and item, or the same drill and source event — becomes a suggested plan
// item (status open, no owner, no dates). Its capability element is guessed
// from where the finding came from: criteria and prepared → planning;
// contact and report → organisation; evidence → equipment; decision, metric,
// observation and the rating → training.
//
// Page layout (HTML): A4 portrait; printed pages: the overview; the timeline
// with the metrics; then each further numbered part on a new page;
// table rows and cards are never split, table headers repeat on every page.
#include <kunren/report/aar.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include <kunren/io/csv.hpp>
#include <kunren/report/html_escape.hpp>
#include <kunren/report/timeline_svg.hpp>

namespace kunren::report {

namespace {

using nlohmann::json;
using model::LocalizedText;

bool is_en(std::string_view lang) { return lang == "en"; }
const char* T(std::string_view lang, const char* ja, const char* en) { return is_en(lang) ? en : ja; }
std::string E(std::string_view s) { return html_escape(s); }

// --- findings ---------------------------------------------------------------------

struct Finding {
  LocalizedText text;
  std::string source;  // rating | metric | proposal
  std::string rule;    // the proposal's rule type (proposal findings)
  std::string item;    // checklist item (proposal findings)
  std::string metric;  // metric id (metric findings)
  std::int64_t seq = 0;  // the supporting event (0: none)
};

struct ObjectiveDetail {
  ObjectiveAnalysis base;
  std::vector<Finding> strengths, improvements;
};

// A time span as "HH:MM" (whole minutes, rounded down): targets are minutes.
std::string duration_text(std::int64_t ms) {
  const std::int64_t minutes = std::max<std::int64_t>(0, ms) / 60'000;
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string time_text(std::int64_t ms) { return model::format_scenario_time(std::max<std::int64_t>(0, ms) / 1000); }

// Where metrics are judged: the drill's end (or its last event), from the first inject.
std::int64_t judged_at(const exercise::Projection& state) {
  const auto first = exercise::first_inject_ms(state);
  if (!first) return 0;
  std::int64_t end = state.ended_ms >= 0 ? state.ended_ms : 0;
  for (const auto& e : state.events) end = std::max(end, e.scenario_ms);
  return end - *first;
}

std::vector<model::DecisionKind> metric_kinds(std::string_view metric) {
  using K = model::DecisionKind;
  if (metric == "classified") return {K::kClassify};
  if (metric == "stop_decision") return {K::kStop, K::kContinue};
  if (metric == "restart_decision") return {K::kRestart};
  if (metric == "cert_contact") return {K::kExternal};
  if (metric == "poc_informed" || metric == "first_report") return {K::kEscalate};
  if (metric == "first_evidence") return {K::kEvidence};
  return {};
}

bool metric_of_objective(const model::Scenario& s, const exercise::Metric& m, const std::string& objective) {
  const auto kinds = metric_kinds(m.id);
  for (const auto& dp : s.decision_points)
    if (dp.objective == objective && std::find(kinds.begin(), kinds.end(), dp.kind) != kinds.end()) return true;
  return false;
}

bool proposal_of_objective(const model::Scenario& s, const exercise::Proposal& p, const model::Objective& o) {
  if (std::find(o.links.begin(), o.links.end(), p.item) != o.links.end()) return true;
  for (const auto& src : p.sources) {
    if (src == "objective:" + o.id) return true;
    if (src.rfind("decision_point:", 0) == 0)
      if (const auto* dp = s.find_decision_point(src.substr(15)); dp && dp->objective == o.id) return true;
  }
  for (const auto& dp : s.decision_points)
    if (dp.objective == o.id && std::find(dp.links.begin(), dp.links.end(), p.item) != dp.links.end()) return true;
  return false;
}

const char* rating_meaning(const std::string& r, std::string_view lang) {
  if (r == "P") return T(lang, "課題なく実施できた", "performed without challenges");
  if (r == "S") return T(lang, "一部に課題があった", "performed with some challenges");
  if (r == "M") return T(lang, "大きな課題があった", "performed with major challenges");
  if (r == "U") return T(lang, "実施できなかった", "unable to be performed");
  return T(lang, "未評価", "not rated");
}

LocalizedText both(const std::function<std::string(std::string_view)>& f) {
  return LocalizedText{{"ja", f("ja")}, {"en", f("en")}};
}

std::vector<ObjectiveDetail> analyse(const AarInput& in) {
  std::vector<ObjectiveDetail> out;
  if (!in.scenario) return out;
  const model::Scenario& s = *in.scenario;
  std::vector<exercise::Metric> metrics;
  std::int64_t now = 0;
  if (in.state) {
    metrics = exercise::compute_metrics(s, *in.state);
    now = judged_at(*in.state);
  }
  for (const auto& o : s.objectives) {
    ObjectiveDetail d;
    d.base.objective = &o;
    const exercise::ObservationRecord* latest = nullptr;
    if (in.state)
      for (const auto& ob : in.state->observations) {
        if (ob.objective != o.id) continue;
        d.base.observations.push_back(&ob);
        if (model::valid_rating(ob.rating)) latest = &ob;
      }
    if (latest) {
      d.base.rating = latest->rating;
      Finding f;
      f.source = "rating";
      f.seq = latest->seq;
      const std::string r = latest->rating;
      const std::string text = latest->text;
      f.text = both([&](std::string_view l) {
        std::string t = is_en(l) ? fmt::format("Rated {} ({})", r, rating_meaning(r, l))
                                 : fmt::format("評価 {}（{}）", r, rating_meaning(r, l));
        if (!text.empty()) t += (is_en(l) ? ": " : "：") + text;
        return t;
      });
      (r == "P" || r == "S" ? d.strengths : d.improvements).push_back(std::move(f));
    }
    for (const auto& m : metrics) {
      if (!metric_of_objective(s, m, o.id)) continue;
      const std::string v = m.verdict(now);
      if (v != "met" && v != "missed") continue;
      Finding f;
      f.source = "metric";
      f.metric = m.id;
      f.seq = m.seq;
      f.text = both([&](std::string_view l) {
        const std::string target = duration_text(m.target_ms);
        if (v == "met")
          return fmt::format(fmt::runtime(T(l, "{}：{}（目標 {} 以内）で達成", "{}: {} (target {}): met")),
                             m.label.text(l), duration_text(*m.value_ms), target);
        if (m.value_ms)
          return fmt::format(fmt::runtime(T(l, "{}：{}（目標 {}）で目標に遅れた", "{}: {} (target {}): late")),
                             m.label.text(l), duration_text(*m.value_ms), target);
        return fmt::format(fmt::runtime(T(l, "{}：目標 {} までに行われなかった", "{}: not done within the target of {}")),
                           m.label.text(l), target);
      });
      (v == "met" ? d.strengths : d.improvements).push_back(std::move(f));
    }
    if (in.proposals)
      for (const auto& p : in.proposals->proposals) {
        if (!p.level || (*p.level != model::Level::kGood && *p.level != model::Level::kPoor)) continue;
        if (!proposal_of_objective(s, p, o)) continue;
        Finding f;
        f.source = "proposal";
        f.rule = p.rule;
        f.item = p.item;
        for (const auto& c : p.citations)
          if (c.seq != 0) {
            f.seq = c.seq;
            break;
          }
        f.text = both([&](std::string_view l) { return p.item + (is_en(l) ? ": " : "：") + p.reason.text(l); });
        (*p.level == model::Level::kGood ? d.strengths : d.improvements).push_back(std::move(f));
      }
    for (const auto& f : d.strengths) d.base.strengths.push_back(f.text);
    for (const auto& f : d.improvements) d.base.improvements.push_back(f.text);
    out.push_back(std::move(d));
  }
  return out;
}

const char* element_for(const Finding& f) {
  if (f.source == "proposal") {
    if (f.rule == "criteria" || f.rule == "prepared") return "planning";
    if (f.rule == "contact" || f.rule == "report") return "organisation";
    if (f.rule == "evidence") return "equipment";
  }
  return "training";
}

const char* action_for(const Finding& f, std::string_view l) {
  const std::string kind = f.source == "proposal" ? f.rule : f.source;
  if (kind == "criteria")
    return T(l, "判断基準（誰が、どの条件で判断するか）を定め、次回の訓練で判断点に示す",
             "Set the decision criteria (who decides, on which conditions) and show them at the decision point in the next drill");
  if (kind == "contact")
    return T(l, "連絡網と外部の連絡先を見直し、連絡の手順を訓練する",
             "Review the contact tree and outside contacts, and practise the contact procedure");
  if (kind == "report")
    return T(l, "状況ボードの整理手順と担当者を決める", "Define how and by whom the situation board is sorted");
  if (kind == "evidence")
    return T(l, "資産別の証拠保全計画を整え、ハッシュ・保管先・引き渡しの記録を徹底する",
             "Complete the evidence plan per asset type and record hashes, storage and handovers every time");
  if (kind == "prepared")
    return T(l, "該当する備えの記録を作成し、最新の状態に保つ", "Create the missing preparedness record and keep it current");
  return T(l, "手順と役割分担を見直し、次回の訓練で目標どおり実施できるか確かめる",
           "Review the procedure and who does what, and check in the next drill that it meets the target");
}

bool covered(const model::ImprovementPlan* plan, const AarInput& in, const std::string& objective, const Finding& f) {
  auto covers = [&](const model::PlanItem& p) {
    if (p.objective == objective && p.item == f.item) return true;
    return f.seq != 0 && p.source_exercise == in.exercise_id &&
           std::find(p.source_events.begin(), p.source_events.end(), f.seq) != p.source_events.end();
  };
  return plan && std::any_of(plan->items.begin(), plan->items.end(), covers);
}

std::vector<model::PlanItem> suggest(const AarInput& in, const std::vector<ObjectiveDetail>& details,
                                     std::string_view lang) {
  model::ImprovementPlan growing = in.plan ? *in.plan : model::ImprovementPlan{};
  std::vector<model::PlanItem> out;
  for (const auto& d : details) {
    for (const auto& f : d.improvements) {
      if (covered(in.plan, in, d.base.objective->id, f)) continue;
      model::PlanItem p;
      p.id = model::next_plan_item_id(growing);
      p.issue = f.text.text(lang);
      p.action = action_for(f, lang);
      p.element = element_for(f);
      p.objective = d.base.objective->id;
      p.item = f.item;
      p.status = "open";
      p.source_exercise = in.exercise_id;
      if (f.seq != 0) p.source_events = {f.seq};
      growing.items.push_back(p);
      out.push_back(std::move(p));
    }
  }
  return out;
}

// --- shared labels ----------------------------------------------------------------

std::string role_title(const model::Scenario* s, const std::string& role, std::string_view lang) {
  if (role == exercise::k_facilitator_role) return T(lang, "進行役", "Facilitator");
  if (s)
    if (const auto* r = s->find_role(role)) return r->title.text(lang);
  return role;
}

const char* verdict_label(const std::string& v, std::string_view lang) {
  if (v == "met") return T(lang, "達成", "Met");
  if (v == "missed") return T(lang, "未達", "Missed");
  if (v == "pending") return T(lang, "未実施", "Not done");
  return T(lang, "目標なし", "No target");
}

const char* element_label(const std::string& e, std::string_view lang) {
  if (e == "planning") return T(lang, "計画", "Planning");
  if (e == "organisation") return T(lang, "組織", "Organisation");
  if (e == "equipment") return T(lang, "装備・資機材", "Equipment");
  if (e == "training") return T(lang, "教育", "Training");
  if (e == "exercises") return T(lang, "訓練", "Exercises");
  return "";
}

const char* status_label(const std::string& s, std::string_view lang) {
  if (s == "open") return T(lang, "未着手", "Open");
  if (s == "in-progress") return T(lang, "対応中", "In progress");
  if (s == "done") return T(lang, "完了", "Done");
  if (s == "dropped") return T(lang, "取りやめ", "Dropped");
  return "";
}

std::string label_or(const char* label, const std::string& raw) { return *label ? std::string(label) : raw; }

std::string option_label(const model::Scenario* s, const std::string& dp, const std::string& option,
                         std::string_view lang) {
  if (s)
    if (const auto* p = s->find_decision_point(dp))
      for (const auto& o : p->options)
        if (o.id == option) return o.label.text(lang);
  return option;
}

std::string evidence_type_label(const std::string& type, std::string_view lang) {
  if (const auto* t = model::find_evidence_type(type)) return t->name.text(lang);
  return type;
}

// The plan split as the report shows it.
struct PlanView {
  std::vector<const model::PlanItem*> raised, carried;
};
PlanView plan_view(const AarInput& in) {
  PlanView v;
  if (!in.plan) return v;
  for (const auto& p : in.plan->items) (p.source_exercise == in.exercise_id ? v.raised : v.carried).push_back(&p);
  return v;
}

// --- JSON -------------------------------------------------------------------------

json metric_rows(const AarInput& in, std::string_view lang) {
  json metrics = json::array();
  if (!in.scenario || !in.state) return metrics;
  const std::int64_t now = judged_at(*in.state);
  for (const auto& m : exercise::compute_metrics(*in.scenario, *in.state)) {
    const std::string v = m.verdict(now);
    metrics.push_back({{"id", m.id},
                       {"label", m.label.text(lang)},
                       {"value_ms", m.value_ms ? json(*m.value_ms) : json(nullptr)},
                       {"target_ms", m.target_ms},
                       {"verdict", v},
                       {"verdict_label", verdict_label(v, lang)},
                       {"seq", m.seq}});
  }
  return metrics;
}

// "2026-11-26T10:04:00.123456Z" → "2026-11-26 10:04 UTC"; other text as is.
std::string wall_text(const std::string& at) {
  if (at.size() >= 16 && at[10] == 'T') return at.substr(0, 10) + " " + at.substr(11, 5) + " UTC";
  return at;
}

json item_json(const model::PlanItem& p, std::string_view today, std::string_view lang) {
  json events = json::array();
  for (auto e : p.source_events) events.push_back(e);
  return json{{"id", p.id},
              {"issue", p.issue},
              {"action", p.action},
              {"element", p.element},
              {"element_label", element_label(p.element, lang)},
              {"objective", p.objective},
              {"item", p.item},
              {"owner_org", p.owner_org},
              {"owner", p.owner},
              {"start", p.start},
              {"due", p.due},
              {"status", p.status},
              {"status_label", status_label(p.status, lang)},
              {"completed", p.completed},
              {"overdue", model::overdue(p, today)},
              {"source_exercise", p.source_exercise},
              {"source_events", events},
              {"checked_in", p.checked_in},
              {"notes", p.notes}};
}

json finding_json(const Finding& f, std::string_view lang) {
  json j{{"text", f.text.text(lang)}, {"source", f.source}};
  if (!f.item.empty()) j["item"] = f.item;
  if (!f.rule.empty()) j["rule"] = f.rule;
  if (!f.metric.empty()) j["metric"] = f.metric;
  j["seq"] = f.seq;
  return j;
}

}  // namespace

// --- public -----------------------------------------------------------------------

std::vector<ObjectiveAnalysis> analyse_objectives(const AarInput& input) {
  std::vector<ObjectiveAnalysis> out;
  for (auto& d : analyse(input)) out.push_back(std::move(d.base));
  return out;
}

std::vector<model::PlanItem> suggested_plan_items(const AarInput& input) {
  return suggest(input, analyse(input), "ja");
}

json aar_json(const AarInput& in, std::string_view lang_in) {
  const std::string_view lang = is_en(lang_in) ? "en" : "ja";
  const model::Scenario* s = in.scenario;
  json out;
  out["schema"] = "kunren.aar/1";
  out["lang"] = lang;
  out["generated_at"] = in.generated_at;
  out["today"] = in.today;
  out["exercise"] = {{"id", in.exercise_id},
                     {"title", in.title},
                     {"org", in.org_id},
                     {"org_name", in.org_name},
                     {"campaign", in.campaign},
                     {"started_at", in.started_at},
                     {"ended_at", in.ended_at},
                     {"state", in.state ? model::to_string(in.state->state) : "planned"},
                     {"events", in.state ? in.state->events.size() : 0},
                     {"last_hash", in.state ? in.state->last_hash : std::string()}};
  if (s) {
    json objectives = json::array();
    for (const auto& o : s->objectives) objectives.push_back({{"id", o.id}, {"title", o.title.text(lang)}, {"links", o.links}});
    out["scenario"] = {{"id", s->id},
                       {"version", s->version},
                       {"title", s->title.text(lang)},
                       {"narrative", s->narrative.text(lang)},
                       {"plant", s->plant.name.text(lang)},
                       {"objectives", objectives}};
  } else {
    out["scenario"] = nullptr;
  }
  json participants = json::array();
  for (const auto& p : in.participants)
    participants.push_back({{"login", p.login},
                            {"display_name", p.display_name},
                            {"role", p.role},
                            {"role_title", role_title(s, p.role, lang)}});
  out["participants"] = participants;
  if (in.poc) {
    out["poc"] = {{"name", in.poc->reporter.name},
                  {"organisation", in.poc->reporter.organisation},
                  {"department", in.poc->reporter.department},
                  {"email", in.poc->reporter.email},
                  {"phone", in.poc->reporter.phone}};
  } else {
    out["poc"] = nullptr;
  }

  out["metrics"] = metric_rows(in, lang);

  const auto details = analyse(in);
  json analysis = json::array();
  for (const auto& d : details) {
    json obs = json::array();
    for (const auto* o : d.base.observations)
      obs.push_back({{"seq", o->seq}, {"time", time_text(o->scenario_ms)}, {"rating", o->rating}, {"text", o->text}, {"actor", o->actor}});
    json st = json::array(), im = json::array();
    for (const auto& f : d.strengths) st.push_back(finding_json(f, lang));
    for (const auto& f : d.improvements) im.push_back(finding_json(f, lang));
    analysis.push_back({{"objective", d.base.objective->id},
                        {"title", d.base.objective->title.text(lang)},
                        {"rating", d.base.rating ? json(*d.base.rating) : json(nullptr)},
                        {"rating_label", d.base.rating ? rating_meaning(*d.base.rating, lang) : rating_meaning("", lang)},
                        {"observations", obs},
                        {"strengths", st},
                        {"improvements", im}});
  }
  out["analysis"] = analysis;

  json decisions = json::array();
  if (s && in.state) {
    for (const auto& st : exercise::decision_point_status(*s, *in.state)) {
      json list = json::array();
      for (const auto& d : in.state->decisions) {
        if (d.decision_point != st.point->id) continue;
        list.push_back({{"seq", d.seq},
                        {"time", time_text(d.scenario_ms)},
                        {"option", d.option},
                        {"option_label", option_label(s, d.decision_point, d.option, lang)},
                        {"rationale", d.rationale},
                        {"information", d.information},
                        {"decided_by", d.decided_by},
                        {"role", d.role},
                        {"criteria", d.criteria}});
      }
      decisions.push_back({{"decision_point", st.point->id},
                           {"kind", model::to_string(st.point->kind)},
                           {"prompt", st.point->prompt.text(lang)},
                           {"raised", st.raised_ms >= 0 ? json(time_text(st.raised_ms)) : json(nullptr)},
                           {"decisions", list}});
    }
  }
  out["decisions"] = decisions;

  json contradictions = json::array();
  for (const auto& c : in.contradictions)
    contradictions.push_back({{"item", c.item},
                              {"claimed_choice", c.claimed_choice},
                              {"claimed", model::to_string(c.claimed)},
                              {"shown", c.shown.level ? json(model::to_string(*c.shown.level)) : json(nullptr)},
                              {"severity", c.severity},
                              {"message", c.message.text(lang)}});
  out["contradictions"] = contradictions;

  const PlanView pv = plan_view(in);
  json raised = json::array(), carried = json::array(), suggested = json::array();
  for (const auto* p : pv.raised) raised.push_back(item_json(*p, in.today, lang));
  for (const auto* p : pv.carried) carried.push_back(item_json(*p, in.today, lang));
  for (const auto& p : suggest(in, details, lang)) suggested.push_back(item_json(p, in.today, lang));
  out["plan"] = {{"raised", raised}, {"carried", carried}, {"suggested", suggested}};

  json evidence = json::array();
  if (in.state)
    for (const auto& [id, r] : in.state->evidence) {
      json custody = json::array();
      for (const auto& c : r.custody)
        custody.push_back({{"seq", c.seq}, {"time", time_text(c.scenario_ms)}, {"from", c.from}, {"to", c.to}, {"note", c.note}});
      evidence.push_back({{"id", id},
                          {"time", time_text(r.scenario_ms)},
                          {"asset", r.asset},
                          {"type", r.type},
                          {"type_label", evidence_type_label(r.type, lang)},
                          {"method", r.method},
                          {"collected_by", r.collected_by},
                          {"file", r.file},
                          {"sha256", r.sha256},
                          {"stored_at", r.stored_at},
                          {"note", r.note},
                          {"custody", custody}});
    }
  out["evidence"] = evidence;
  return out;
}

// --- HTML -------------------------------------------------------------------------

namespace {

constexpr const char* k_style = R"CSS(
:root{--ink:#1f2328;--muted:#5b6470;--line:#d9dee4;--accent:#1d4f91;--accent-dark:#14325c;--soft:#f5f7fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--ink);font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic",Meiryo,sans-serif;font-size:15px;line-height:1.7;-webkit-print-color-adjust:exact;print-color-adjust:exact;overflow-wrap:anywhere}
.page{max-width:1060px;margin:0 auto;padding:0 28px 56px}
.doc-header{border-top:6px solid var(--accent);padding:26px 0 22px;border-bottom:1px solid var(--line)}
.eyebrow{margin:0;color:var(--muted);font-size:13px;letter-spacing:.03em}
h1{margin:6px 0 0;font-size:28px;line-height:1.4;color:var(--accent-dark);font-weight:700}
.facts{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0 0;padding:0}
.facts div{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:var(--soft)}
.facts dt{font-size:12px;color:var(--muted)}
.facts dd{margin:0;font-size:17px;font-weight:700;line-height:1.4}
h2{margin:44px 0 14px;padding:0 0 8px;border-bottom:2px solid var(--accent);font-size:22px;line-height:1.45;color:var(--accent-dark)}
h2 .sec-no{display:inline-block;min-width:1.5em;margin-right:6px;color:var(--accent)}
h3{margin:24px 0 10px;font-size:17px;line-height:1.5;color:var(--accent-dark)}
h4{margin:12px 0 4px;font-size:14px;color:var(--muted)}
table{width:100%;border-collapse:collapse;font-size:14px;line-height:1.55}
caption{caption-side:top;text-align:left;padding:0 0 6px;font-weight:600;color:var(--ink)}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#eef2f7;border-bottom:1px solid #c3cbd5;font-size:13px;font-weight:600;color:#33404f}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
.kv th{width:11em;background:var(--soft);font-weight:600;font-size:13.5px;color:#33404f}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.nowrap{white-space:nowrap}
.mono{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:12px;word-break:break-all}
.muted,.empty{color:var(--muted)}
.badge{display:inline-block;padding:0 9px;border:1px solid;border-radius:3px;font-size:12.5px;font-weight:700;line-height:1.7;white-space:nowrap}
.v-met,.r-P,.s-done{background:#dcefe6;border-color:#9cc9b7;color:#1c5a44}
.v-missed,.r-U,.sev-major{background:#f8e1da;border-color:#e8b2a5;color:#8a2c1b}
.r-M,.sev-minor{background:#fbe9d0;border-color:#e9c48f;color:#7a4a0c}
.r-S{background:#fdf6d8;border-color:#e6d78c;color:#5e5108}
.v-pending,.v-none,.r-none,.s-open,.s-dropped{background:#eceef1;border-color:#bcc2c9;color:#434b55}
.s-in-progress{background:#e8eff8;border-color:#a9c0df;color:var(--accent)}
.overdue td{background:#fff3f0}
.plan thead th{white-space:nowrap}
.evidence td:nth-child(4){min-width:16em}
.overdue-mark{color:#8a2c1b;font-weight:700}
.timeline{margin:6px 0 8px;overflow-x:auto}
.timeline svg{display:block;width:100%;height:auto}
.timeline figcaption{font-size:13px;color:var(--muted);margin-top:4px}
.objective{margin:16px 0;padding:14px 20px 12px;border:1px solid var(--line);border-radius:8px;break-inside:avoid;page-break-inside:avoid}
.objective h3{margin:0;font-size:16px;color:var(--ink)}
.obj-id{display:inline-block;margin-right:10px;padding:0 7px;border-radius:3px;background:#e8eff8;color:var(--accent);font-size:12.5px;font-weight:700;vertical-align:1px}
.objective .rating{margin:6px 0 0;font-size:14px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:6px 24px}
.cols ul,.objective ul{margin:0;padding-left:1.2em}
.cols li,.objective li{margin:3px 0}
.strength h4{color:#1c5a44}.improve h4{color:#8a2c1b}
.criteria{list-style:none;margin:0;padding:0}
.criteria li{margin:0}
.tick{display:inline-block;width:1.3em;font-weight:700}
.tick-yes{color:#1c5a44}.tick-no{color:#8a2c1b}
.note{margin:8px 0 0;font-size:13px;color:var(--muted)}
.doc-footer{margin-top:48px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
.doc-footer p{margin:2px 0}
@media screen and (max-width:760px){.page{padding:0 14px 36px}h1{font-size:22px}.cols{grid-template-columns:minmax(0,1fr)}}
@page{size:A4 portrait;margin:14mm 13mm 15mm}
@media print{
body{font-size:9.5pt;line-height:1.55}
.page{max-width:none;padding:0}
.doc-header{padding-top:4mm}
h2{margin:0 0 3mm;font-size:15pt}
h3{font-size:11pt;margin:4mm 0 2mm}
table{font-size:8.5pt}
th,td{padding:1.2mm 2mm}
.mono{font-size:7.5pt}
.new-page{break-before:page}
.part{margin-top:6mm}
.timeline{break-inside:avoid}
h2,h3,caption{break-after:avoid-page}
.objective{margin:0 0 4mm;padding:3mm 4mm}
.facts dd{font-size:11pt}
.doc-footer{margin-top:8mm}
}
)CSS";

struct Html {
  std::string out;
  std::string_view lang;
  int part = 0;

  // `new_page`: starts a new printed page (false: follows what comes before).
  void open_part(const char* id, const char* ja, const char* en, bool new_page = true) {
    ++part;
    out += fmt::format("<section class=\"part{}\" id=\"{}\" aria-labelledby=\"{}-h\">\n", new_page ? " new-page" : "", id, id);
    out += fmt::format("<h2 id=\"{}-h\"><span class=\"sec-no\">{}</span>{}</h2>\n", id, part, T(lang, ja, en));
  }
  void close_part() { out += "</section>\n"; }
  void empty(const char* ja, const char* en) { out += fmt::format("<p class=\"empty\">{}</p>\n", T(lang, ja, en)); }
};

std::string badge(const std::string& cls, const std::string& text) {
  return fmt::format("<span class=\"badge {}\">{}</span>", cls, E(text));
}

void plan_table(Html& h, const std::vector<const model::PlanItem*>& items, const std::string& today, bool with_source) {
  const auto l = h.lang;
  h.out += "<table class=\"plan\">\n<thead><tr>";
  h.out += fmt::format("<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                       "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>",
                       T(l, "番号", "ID"), T(l, "課題", "Issue"), T(l, "改善策", "Corrective action"),
                       T(l, "能力要素", "Element"), T(l, "担当", "Owner"), T(l, "期限", "Due"), T(l, "状況", "Status"));
  if (with_source) h.out += fmt::format("<th scope=\"col\">{}</th>", T(l, "発生した訓練", "Raised in"));
  h.out += "</tr></thead>\n<tbody>\n";
  for (const auto* p : items) {
    const bool late = model::overdue(*p, today);
    h.out += late ? "<tr class=\"overdue\">" : "<tr>";
    h.out += fmt::format("<td class=\"nowrap\">{}</td><td>{}", E(p->id), E(p->issue));
    if (!p->objective.empty() || !p->item.empty())
      h.out += fmt::format("<br><span class=\"muted\">{}</span>",
                           E(p->objective + (p->objective.empty() || p->item.empty() ? "" : " / ") + p->item));
    h.out += fmt::format("</td><td>{}</td><td>{}</td>", E(p->action), E(label_or(element_label(p->element, l), p->element)));
    std::string owner = p->owner_org;
    if (!p->owner.empty()) owner += (owner.empty() ? "" : " ") + p->owner;
    h.out += fmt::format("<td>{}</td>", owner.empty() ? std::string("<span class=\"muted\">—</span>") : E(owner));
    h.out += "<td class=\"nowrap\">" + (p->due.empty() ? std::string("—") : E(p->due));
    if (late) h.out += fmt::format("<br><span class=\"overdue-mark\">{}</span>", T(l, "期限超過", "Overdue"));
    h.out += "</td>";
    h.out += "<td>" + badge("s-" + p->status, label_or(status_label(p->status, l), p->status));
    if (!p->completed.empty()) h.out += fmt::format("<br><span class=\"muted\">{}</span>", E(p->completed));
    h.out += "</td>";
    if (with_source) {
      std::string src = p->source_exercise.empty() ? std::string("—") : E(p->source_exercise);
      if (!p->checked_in.empty())
        src += fmt::format("<br><span class=\"muted\">{} {}</span>", T(l, "確認:", "checked in"), E(p->checked_in));
      h.out += "<td>" + src + "</td>";
    }
    h.out += "</tr>\n";
  }
  h.out += "</tbody>\n</table>\n";
}

}  // namespace

std::string aar_html(const AarInput& in, std::string_view lang_in) {
  const std::string_view l = is_en(lang_in) ? "en" : "ja";
  const model::Scenario* s = in.scenario;
  Html h{{}, l};
  std::string& o = h.out;
  const std::string doc_title = in.title.empty() ? in.exercise_id : in.title;

  o += fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", l);
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += fmt::format("<title>{} — {}</title>\n", E(doc_title), T(l, "事後検証報告書・改善計画", "After-action report and improvement plan"));
  o += fmt::format("<style>{}</style>\n</head>\n<body>\n<div class=\"page\">\n", k_style);

  // Header.
  o += "<header class=\"doc-header\">\n";
  o += fmt::format("<p class=\"eyebrow\">{}</p>\n",
                   T(l, "事後検証報告書（AAR）・改善計画", "After-action report (AAR) and improvement plan"));
  o += fmt::format("<h1>{}</h1>\n<dl class=\"facts\">\n", E(doc_title));
  auto fact = [&](const char* ja, const char* en, const std::string& v) {
    o += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", T(l, ja, en), v.empty() ? "—" : E(v));
  };
  fact("組織", "Organisation", in.org_name.empty() ? in.org_id : in.org_name);
  fact("実施日", "Date", in.started_at.substr(0, 10));
  fact("シナリオ", "Scenario", s ? s->title.text(l) : std::string());
  fact("訓練番号", "Exercise", in.exercise_id);
  o += "</dl>\n</header>\n<main>\n";

  // 1. Overview.
  h.open_part("overview", "概要", "Overview", false);
  o += "<table class=\"kv\">\n<tbody>\n";
  auto kv = [&](const char* ja, const char* en, const std::string& html_value) {
    o += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", T(l, ja, en), html_value.empty() ? "—" : html_value);
  };
  kv("訓練名", "Drill", E(doc_title));
  kv("組織", "Organisation", E(in.org_name.empty() ? in.org_id : in.org_name + " (" + in.org_id + ")"));
  if (!in.campaign.empty()) kv("キャンペーン", "Campaign", E(in.campaign));
  std::string period = wall_text(in.started_at);
  if (!in.ended_at.empty()) period += " – " + wall_text(in.ended_at);
  kv("実施日時", "Held", E(period));
  if (s) {
    kv("シナリオ", "Scenario", E(s->title.text(l) + " (" + s->id + " " + T(l, "版", "v") + " " + s->version + ")"));
    kv("工場", "Plant", E(s->plant.name.text(l)));
    if (!s->narrative.empty()) kv("想定", "Situation", E(s->narrative.text(l)));
    std::string objectives;
    for (const auto& ob : s->objectives)
      objectives += fmt::format("<li><span class=\"obj-id\">{}</span>{}</li>", E(ob.id), E(ob.title.text(l)));
    if (!objectives.empty()) kv("目標", "Objectives", "<ul>" + objectives + "</ul>");
  }
  if (in.poc) {
    const auto& r = in.poc->reporter;
    std::string poc = E(r.name);
    const std::string dept = r.organisation + (r.department.empty() ? "" : " " + r.department);
    if (!dept.empty()) poc += " — " + E(dept);
    const std::string contact = r.email + (r.email.empty() || r.phone.empty() ? "" : " / ") + r.phone;
    if (!contact.empty()) poc += "<br><span class=\"muted\">" + E(contact) + "</span>";
    kv("窓口（PoC）", "Point of contact", poc);
  } else {
    kv("窓口（PoC）", "Point of contact", fmt::format("<span class=\"muted\">{}</span>", T(l, "窓口情報シートなし", "no PoC sheet")));
  }
  o += "</tbody>\n</table>\n";
  o += fmt::format("<h3>{}</h3>\n", T(l, "参加者", "Participants"));
  if (in.participants.empty()) {
    h.empty("参加者の記録はありません。", "No participants recorded.");
  } else {
    o += fmt::format("<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                     T(l, "役割", "Role"), T(l, "氏名", "Name"), T(l, "ユーザー", "User"));
    for (const auto& p : in.participants)
      o += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>\n", E(role_title(s, p.role, l)),
                       E(p.display_name.empty() ? p.login : p.display_name), E(p.login));
    o += "</tbody>\n</table>\n";
  }
  h.close_part();

  // 2. Timeline.
  h.open_part("timeline", "訓練の時系列", "Timeline of the drill");
  if (s && in.state) {
    o += "<figure class=\"timeline\">\n" + render_timeline_svg(in.state->events, *s, std::string(l)) + "\n";
    o += fmt::format("<figcaption>{}</figcaption>\n</figure>\n",
                     T(l, "横軸は訓練時間（最初の状況付与から）。記号にカーソルを合わせると内容が表示されます。",
                       "Drill time from the start across; hover over a marker for its details."));
  } else {
    h.empty("記録がありません。", "No records.");
  }
  h.close_part();

  // 3. Metrics (on the timeline's page).
  h.open_part("metrics", "目標時間に対する実績", "Metrics against targets", false);
  {
    const json rows = metric_rows(in, l);
    if (rows.empty()) {
      h.empty("指標はありません。", "No metrics.");
    } else {
      o += fmt::format("<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
                       "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                       T(l, "指標", "Metric"), T(l, "実績", "Result"), T(l, "目標", "Target"), T(l, "判定", "Verdict"));
      for (const auto& m : rows) {
        const std::string value = m["value_ms"].is_null() ? std::string("—") : duration_text(m["value_ms"].get<std::int64_t>());
        const std::int64_t target = m["target_ms"].get<std::int64_t>();
        o += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                         E(m["label"].get<std::string>()), value, target > 0 ? duration_text(target) : "—",
                         badge("v-" + m["verdict"].get<std::string>(), m["verdict_label"].get<std::string>()));
      }
      o += "</tbody>\n</table>\n";
      o += fmt::format("<p class=\"note\">{}</p>\n",
                       T(l, "時間は最初の状況付与からの経過（時:分）。訓練終了までに行われなかったものは、目標を過ぎていれば未達です。",
                         "Times are from the first inject (h:mm). What had not happened by the end of the drill is missed once its target had passed."));
    }
  }
  h.close_part();

  // 4. Objectives.
  h.open_part("objectives", "目標ごとの分析", "Analysis per objective");
  const auto details = analyse(in);
  if (details.empty()) h.empty("目標はありません。", "No objectives.");
  for (const auto& d : details) {
    const auto& ob = *d.base.objective;
    o += fmt::format("<article class=\"objective\" id=\"obj-{}\">\n<h3><span class=\"obj-id\">{}</span>{}</h3>\n",
                     html_id(ob.id), E(ob.id), E(ob.title.text(l)));
    const std::string r = d.base.rating.value_or("");
    o += fmt::format("<p class=\"rating\">{} {} {}</p>\n", T(l, "評価", "Rating"),
                     badge(r.empty() ? "r-none" : "r-" + r, r.empty() ? T(l, "未評価", "Not rated") : r),
                     E(r.empty() ? std::string() : rating_meaning(r, l)));
    if (!d.base.observations.empty()) {
      o += fmt::format("<h4>{}</h4>\n<ul>\n", T(l, "観察記録", "Observations"));
      for (const auto* ob2 : d.base.observations)
        o += fmt::format("<li><span class=\"muted nowrap\">{}</span> {} {}</li>\n", time_text(ob2->scenario_ms),
                         ob2->rating.empty() ? "" : badge("r-" + ob2->rating, ob2->rating), E(ob2->text));
      o += "</ul>\n";
    }
    o += "<div class=\"cols\">\n";
    auto list = [&](const char* cls, const char* ja, const char* en, const std::vector<Finding>& fs) {
      o += fmt::format("<div class=\"{}\"><h4>{}</h4>\n", cls, T(l, ja, en));
      if (fs.empty()) {
        o += fmt::format("<p class=\"empty\">{}</p>", T(l, "なし", "None"));
      } else {
        o += "<ul>\n";
        for (const auto& f : fs) o += "<li>" + E(f.text.text(l)) + "</li>\n";
        o += "</ul>";
      }
      o += "</div>\n";
    };
    list("strength", "強み", "Strengths", d.strengths);
    list("improve", "改善すべき点", "Areas for improvement", d.improvements);
    o += "</div>\n</article>\n";
  }
  h.close_part();

  // 5. Decisions.
  h.open_part("decisions", "判断の記録と判断基準", "Decisions and criteria");
  if (s && in.state && !in.state->decisions.empty()) {
    o += fmt::format("<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                     "<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                     T(l, "判断点", "Point"), T(l, "時刻", "Time"), T(l, "判断", "Decision"), T(l, "理由・判断者", "Rationale, by"),
                     T(l, "判断基準", "Criteria"));
    for (const auto& st : exercise::decision_point_status(*s, *in.state)) {
      for (const auto& d : in.state->decisions) {
        if (d.decision_point != st.point->id) continue;
        o += fmt::format("<tr><td><b>{}</b><br><span class=\"muted\">{}</span></td><td class=\"nowrap\">{}</td><td>{}</td><td>{}",
                         E(d.decision_point), E(st.point->prompt.text(l)), time_text(d.scenario_ms),
                         E(option_label(s, d.decision_point, d.option, l)), E(d.rationale));
        std::string by = d.decided_by.empty() ? role_title(s, d.role, l) : d.decided_by;
        if (!by.empty()) o += fmt::format("<br><span class=\"muted\">{}</span>", E(by));
        o += "</td><td>";
        if (d.criteria.is_array() && !d.criteria.empty()) {
          o += "<ul class=\"criteria\">";
          for (const auto& c : d.criteria) {
            const bool met = c.is_object() && c.value("met", false);
            const std::string text = c.is_object() ? c.value("text", "") : "";
            o += fmt::format("<li><span class=\"tick {}\" aria-label=\"{}\">{}</span>{}</li>", met ? "tick-yes" : "tick-no",
                             met ? T(l, "満たす", "met") : T(l, "満たさない", "not met"), met ? "☑" : "☐", E(text));
          }
          o += "</ul>";
        } else {
          o += fmt::format("<span class=\"muted\">{}</span>", T(l, "基準の確認なし", "no criteria ticked"));
        }
        o += "</td></tr>\n";
      }
    }
    o += "</tbody>\n</table>\n";
  } else {
    h.empty("判断の記録はありません。", "No decisions were recorded.");
  }

  // Contradictions (same page as the decisions: both are about what was decided and claimed).
  o += fmt::format("<h3>{}</h3>\n", T(l, "自己評価と訓練結果の食い違い", "Self-evaluation contradicted by the drill"));
  if (in.contradictions.empty()) {
    h.empty("食い違いはありません。", "No contradictions.");
  } else {
    o += fmt::format("<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                     T(l, "項目", "Item"), T(l, "程度", "Severity"), T(l, "内容", "What"));
    for (const auto& c : in.contradictions)
      o += fmt::format("<tr><td class=\"nowrap\">{}</td><td>{}</td><td>{}</td></tr>\n", E(c.item),
                       badge("sev-" + c.severity, c.severity == "major" ? T(l, "重大", "Major") : T(l, "軽微", "Minor")),
                       E(c.message.text(l)));
    o += "</tbody>\n</table>\n";
  }
  h.close_part();

  // 6. Improvement plan.
  h.open_part("plan", "改善計画", "Improvement plan");
  const PlanView pv = plan_view(in);
  o += fmt::format("<h3>{}</h3>\n", T(l, "この訓練で挙がった項目", "Raised by this drill"));
  if (pv.raised.empty()) h.empty("まだありません。", "None yet.");
  else plan_table(h, pv.raised, in.today, false);
  o += fmt::format("<h3>{}</h3>\n", T(l, "以前の訓練からの継続項目", "Carried over from earlier drills"));
  if (pv.carried.empty()) h.empty("ありません。", "None.");
  else plan_table(h, pv.carried, in.today, true);
  const auto suggested = suggest(in, details, l);
  o += fmt::format("<h3>{}</h3>\n", T(l, "追加の提案（未登録）", "Suggested new items (not yet in the plan)"));
  if (suggested.empty()) {
    h.empty("改善すべき点はすべて計画に含まれています。", "Every area for improvement is covered by the plan.");
  } else {
    std::vector<const model::PlanItem*> ptrs;
    for (const auto& p : suggested) ptrs.push_back(&p);
    plan_table(h, ptrs, in.today, false);
    o += fmt::format("<p class=\"note\">{}</p>\n",
                     T(l, "提案は下書きです。担当・期限を決めて改善計画に登録してください。",
                       "Suggestions are drafts: give each an owner and a due date and add it to the plan."));
  }
  h.close_part();

  // 7. Evidence register.
  h.open_part("evidence", "証拠保全の記録", "Evidence register");
  if (!in.state || in.state->evidence.empty()) {
    h.empty("証拠保全の記録はありません。", "No evidence was recorded.");
  } else {
    o += fmt::format("<table class=\"evidence\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">{}</th>"
                     "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
                     T(l, "時刻・対象", "Time, asset"), T(l, "種別・方法", "Type, method"),
                     T(l, "ファイル・SHA-256・保管先", "File, SHA-256, stored at"), T(l, "取得者・引き渡し", "Collected by, custody"));
    for (const auto& [id, r] : in.state->evidence) {
      o += fmt::format("<tr><td class=\"num\">{}</td><td><span class=\"nowrap\">{}</span><br>{}</td><td>{}", id,
                       time_text(r.scenario_ms), E(r.asset), E(evidence_type_label(r.type, l)));
      if (!r.method.empty()) o += "<br><span class=\"muted\">" + E(r.method) + "</span>";
      o += "</td><td>";
      o += r.file.empty() ? fmt::format("<span class=\"muted\">{}</span>", T(l, "（ファイル名なし）", "(no file name)")) : E(r.file);
      o += "<br><span class=\"mono\">" +
           (r.sha256.empty() ? std::string(T(l, "SHA-256 なし", "no SHA-256")) : E(r.sha256)) + "</span>";
      if (!r.stored_at.empty()) o += "<br>" + E(r.stored_at);
      o += "</td><td>" + (r.collected_by.empty() ? std::string("—") : E(r.collected_by));
      for (const auto& c : r.custody)
        o += fmt::format("<br><span class=\"muted\">{} {} → {}{}</span>", time_text(c.scenario_ms), E(c.from), E(c.to),
                         c.note.empty() ? std::string() : "（" + E(c.note) + "）");
      o += "</td></tr>\n";
    }
    o += "</tbody>\n</table>\n";
  }
  h.close_part();

  o += "</main>\n<footer class=\"doc-footer\">\n";
  if (!in.generated_at.empty())
    o += fmt::format("<p>{}: {}</p>\n", T(l, "作成日時", "Generated"), E(in.generated_at));
  if (in.state && !in.state->events.empty())
    o += fmt::format("<p>{}: {} / {} <span class=\"mono\">{}</span></p>\n", T(l, "記録", "Log"), in.state->events.size(),
                     T(l, "最終ハッシュ", "last hash"), E(in.state->last_hash));
  o += fmt::format("<p>{}</p>\n", T(l, "Kunren により訓練の記録から作成", "Produced with Kunren from the drill's records"));
  o += "</footer>\n</div>\n</body>\n</html>\n";
  return o;
}

// --- CSV --------------------------------------------------------------------------

std::string plan_csv(const model::ImprovementPlan& plan, std::string_view today, std::string_view lang) {
  std::string out = "\xEF\xBB\xBF";
  out += is_en(lang) ? "id,issue,action,element,objective,item,owner_org,owner,start,due,status,completed,overdue,"
                       "source_exercise,checked_in,notes\r\n"
                     : "番号,課題,改善策,能力要素,目標,チェック項目,担当組織,担当者,開始日,期限,状況,完了日,期限超過,"
                       "発生した訓練,確認した訓練,備考\r\n";
  for (const auto& p : plan.items) {
    const std::string fields[] = {p.id,     p.issue,     p.action,    p.element, p.objective,
                                  p.item,   p.owner_org, p.owner,     p.start,   p.due,
                                  p.status, p.completed, model::overdue(p, today) ? "yes" : "",
                                  p.source_exercise, p.checked_in, p.notes};
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      first = false;
      io::append_csv_field(out, f);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace kunren::report
