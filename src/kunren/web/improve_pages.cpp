// The pages after a drill and the organisation's page:
//
//   GET /exercises/{id}/aar         the after-action report as a page (overview,
//                                   timeline, metrics, objectives with ratings,
//                                   strengths and areas for improvement, decisions,
//                                   contradictions, evidence) and the organisation's
//                                   improvement plan, editable inline (improve_aar.js
//                                   saves it whole through PUT …/prepare/improvement-plan)
//   GET /exercises/{id}/proposals   the answers the drill supports, per exercised
//                                   item with its citations, to accept or change into
//                                   an open campaign (improve_proposals.js posts them)
//   GET /exercises/{id}/cert-draft  the national-CERT report draft previewed, its
//                                   unknown and withheld fields listed
//   GET /orgs/{org}                 the organisation: its drills, the plan summary,
//                                   the contradictions, the trend across drills
//
// Access is the API's (improve_api.cpp): kReviewExercise on the drill,
// kViewPreparedness on the organisation, each asked once; a refusal is the
// audited 403 page. Everything is computed by the same functions the API
// uses (server/improve_support.hpp).
#include <kunren/web/pages.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include <kunren/report/cert_draft.hpp>
#include <kunren/report/html_escape.hpp>
#include <kunren/report/timeline_svg.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/improve_support.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::AfterDrill;
using server::ExerciseCall;
using server::Resource;

namespace {

std::string scenario_time(std::int64_t ms) { return model::format_scenario_time(ms / 1000); }

// Mustache takes an empty string for true: blanks become false.
void blank_to_false(json& v) {
  if (v.is_string() && v.get_ref<const std::string&>().empty()) {
    v = false;
  } else if (v.is_object() || v.is_array()) {
    for (auto& sub : v) blank_to_false(sub);
  }
}

std::string refusal_message(const HttpResponse& res) {
  const json body = json::parse(res.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object())
    return body["error"].value("message", std::string());
  return {};
}

// The caller's drill for an after-drill page: sign-in redirect, an error
// page, or the audited 403 page unless kReviewExercise.
struct ReviewPage {
  ExerciseCall call;
  AfterDrill drill;
};
std::variant<ReviewPage, HttpResponse> page_review(ApiContext& c, const HttpRequest& r, const std::string& id) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto call = server::exercise_call(c, r, id, false);
  if (auto* res = std::get_if<HttpResponse>(&call)) return error_page(r, &who, res->status, refusal_message(*res));
  ExerciseCall& ec = std::get<ExerciseCall>(call);
  if (auto refused = refuse_page_unless(r, ec.who, Action::kReviewExercise,
                                        Resource::of(ec.live->record(), ec.who.who.login)))
    return *refused;
  AfterDrill drill = server::after_drill(*ec.who.db, *ec.live);
  return ReviewPage{std::move(ec), std::move(drill)};
}

std::string role_title(const model::Scenario& s, const std::string& role, const std::string& lang) {
  if (role == exercise::k_facilitator_role) return text(lang, "exercise.part.facilitator");
  if (role.empty()) return text(lang, "exercise.system");
  if (const auto* r = s.find_role(role)) return r->title.text(lang);
  return role;
}

// The label of choice `no` of `item` ("" when out of range).
std::string choice_label(const model::Item& item, int no, const std::string& lang) {
  if (no < 1 || static_cast<std::size_t>(no) > item.choices.size()) return {};
  return item.choices[static_cast<std::size_t>(no) - 1].label.text(lang);
}

std::string level_label(const std::string& lang, std::optional<model::Level> level) {
  return level ? text(lang, std::string("improve.level.") + model::to_string(*level)) : text(lang, "improve.level.none");
}

json drill_head(const AfterDrill& d, const std::string& lang) {
  const std::string st = model::to_string(d.state.state);
  return {{"exercise", {{"id", d.record.id}, {"title", d.record.title}, {"org", d.record.org}, {"org_name", d.org_name}}},
          {"scenario_title", d.scenario->title.text(lang)},
          {"state", st},
          {"state_label", text(lang, "exercise.state." + st)},
          {"ended", d.ended()},
          {"review_href", exercise_href(d.record.id) + "/review"},
          {"aar_href", exercise_href(d.record.id) + "/aar"},
          {"proposals_href", exercise_href(d.record.id) + "/proposals"},
          {"cert_href", exercise_href(d.record.id) + "/cert-draft"},
          {"org_href", "/orgs/" + url_encode(d.record.org)}};
}

json contradiction_rows(const std::vector<exercise::Contradiction>& list, const model::Checklist* checklist,
                        const std::string& lang) {
  json rows = json::array();
  for (const auto& c : list) {
    const model::Item* item = nullptr;
    if (checklist)
      if (auto i = checklist->find_item(c.item)) item = &checklist->items[*i];
    rows.push_back({{"item", c.item},
                    {"item_text", item ? item->text.text(lang) : ""},
                    {"claimed", item ? choice_label(*item, c.claimed_choice, lang) : std::to_string(c.claimed_choice)},
                    {"shown", level_label(lang, c.shown.level)},
                    {"severity", c.severity},
                    {"severity_label", text(lang, "improve.severity." + c.severity)},
                    {"message", c.message.text(lang)},
                    {"major", c.severity == "major"}});
  }
  return rows;
}

// One of the after-drill pages of a drill ("aar", "proposals", "cert"):
// template improve_<name>, script improve_<name>.js, title "<drill> — <eyebrow>".
HttpResponse render_drill_page(const HttpRequest& r, ReviewPage& rp, const std::string& name,
                               const std::string& drill_title, const std::string& lang, json data) {
  Page page;
  page.name = "improve_" + name;
  page.title = drill_title + " — " + text(lang, "improve." + name + ".eyebrow");
  page.data = std::move(data);
  page.scripts = {"improve_" + name + ".js"};
  page.styles = {"exercise.css", "improve.css"};
  page.script_texts = {"improve"};
  page.wide = true;
  blank_to_false(page.data);
  return render_page(r, &rp.call.who, page);
}

// --- /exercises/{id}/aar -------------------------------------------------------------

const std::vector<std::string>& plan_elements() {
  static const std::vector<std::string> k = {"planning", "organisation", "equipment", "training", "exercises"};
  return k;
}
const std::vector<std::string>& plan_statuses() {
  static const std::vector<std::string> k = {"open", "in-progress", "done", "dropped"};
  return k;
}

json options(const std::string& lang, const std::string& prefix, const std::vector<std::string>& ids,
             const std::string& selected) {
  json out = json::array();
  for (const auto& id : ids) out.push_back({{"id", id}, {"label", text(lang, prefix + id)}, {"selected", id == selected}});
  return out;
}

json plan_row(const model::PlanItem& item, const std::string& exercise_id, const std::string& today,
              const std::string& lang) {
  const bool late = model::overdue(item, today);
  model::ImprovementPlan one;
  one.items.push_back(item);
  const json item_json = model::to_json(one)["items"][0];
  json row = {{"id", item.id},
              {"issue", item.issue},
              {"action", item.action},
              {"owner", item.owner},
              {"due", item.due},
              {"status", item.status},
              {"elements", options(lang, "improve.element.", plan_elements(), item.element)},
              {"statuses", options(lang, "improve.status.", plan_statuses(), item.status)},
              {"overdue", late},
              {"this_drill", item.source_exercise == exercise_id},
              {"carried", !item.source_exercise.empty() && item.source_exercise != exercise_id},
              {"source_exercise", item.source_exercise},
              {"item_json", item_json.dump()}};
  if (late) {
    const int days = server::days_between(item.due, today);
    row["overdue_text"] = fill(text(lang, "improve.plan.overdue_days"), {{"n", std::to_string(days)}});
  }
  return row;
}

HttpResponse aar_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_review(c, r, p.at("id"));
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  ReviewPage& rp = std::get<ReviewPage>(got);
  store::Store& db = *rp.call.who.db;
  const AfterDrill& d = rp.drill;
  const model::Scenario& s = *d.scenario;
  const std::string lang = request_lang(r);

  auto campaign = server::drill_campaign(db, d, "");
  if (!campaign) return status_page(r, &rp.call.who, campaign.status());
  auto proposals = server::drill_proposals(db, d, *campaign);
  if (!proposals) return status_page(r, &rp.call.who, proposals.status());
  auto plan = server::org_plan(db, d.record.org);
  if (!plan) return status_page(r, &rp.call.who, plan.status());
  auto poc = server::org_poc_sheet(db, d.record.org);
  if (!poc) return status_page(r, &rp.call.who, poc.status());
  const report::AarInput input =
      server::aar_input(db, d, &*proposals, &plan->plan, *poc ? &**poc : nullptr, lang);
  const std::string today = input.today;

  json participants = json::array();
  for (const auto& part : input.participants)
    participants.push_back({{"name", part.display_name}, {"login", part.login}, {"role", part.role}});

  json metrics = json::array();
  const auto first = exercise::first_inject_ms(d.state);
  // An ended drill's metrics are final: what never happened missed its target.
  const std::int64_t since_first = d.ended() ? std::numeric_limits<std::int64_t>::max() / 2
                                             : (first ? d.state.anchor_ms - *first : 0);
  for (const auto& m : exercise::compute_metrics(s, d.state)) {
    const std::string verdict = m.verdict(since_first);
    metrics.push_back({{"label", m.label.text(lang)},
                       {"value", m.value_ms ? scenario_time(*m.value_ms) : ""},
                       {"target", m.target_ms ? scenario_time(m.target_ms) : ""},
                       {"seq", m.seq},
                       {"verdict", verdict},
                       {"verdict_label", text(lang, "exercise.metric.verdict." + verdict)}});
  }

  json objectives = json::array();
  for (const auto& a : report::analyse_objectives(input)) {
    if (!a.objective) continue;
    json obs = json::array();
    for (const auto* o : a.observations)
      obs.push_back({{"time", scenario_time(o->scenario_ms)}, {"rating", o->rating}, {"text", o->text}});
    json strengths = json::array(), improvements = json::array();
    for (const auto& t : a.strengths) strengths.push_back(t.text(lang));
    for (const auto& t : a.improvements) improvements.push_back(t.text(lang));
    objectives.push_back({{"id", a.objective->id},
                          {"title", a.objective->title.text(lang)},
                          {"rating", a.rating ? *a.rating : ""},
                          {"rating_label", a.rating ? text(lang, "exercise.rating." + *a.rating) : text(lang, "improve.aar.not_rated")},
                          {"observations", obs},
                          {"has_observations", !obs.empty()},
                          {"strengths", strengths},
                          {"has_strengths", !strengths.empty()},
                          {"improvements", improvements},
                          {"has_improvements", !improvements.empty()}});
  }

  // Observations that name no objective of the scenario.
  json general = json::array();
  for (const auto& o : d.state.observations)
    if (o.objective.empty() || !s.find_objective(o.objective))
      general.push_back({{"time", scenario_time(o.scenario_ms)}, {"rating", o.rating}, {"text", o.text}});

  json decisions = json::array();
  for (const auto& dr : d.state.decisions) {
    std::string label = dr.option, prompt;
    if (const auto* point = s.find_decision_point(dr.decision_point)) {
      prompt = point->prompt.text(lang);
      for (const auto& o : point->options)
        if (o.id == dr.option) label = o.label.text(lang);
    }
    int met = 0, total = 0;
    for (const auto& c2 : dr.criteria) {
      ++total;
      met += c2.value("met", false) ? 1 : 0;
    }
    decisions.push_back({{"time", scenario_time(dr.scenario_ms)},
                         {"seq", dr.seq},
                         {"decision_point", dr.decision_point},
                         {"prompt", prompt},
                         {"option", label},
                         {"role", role_title(s, dr.role, lang)},
                         {"rationale", dr.rationale},
                         {"criteria", total ? fill(text(lang, "improve.aar.criteria_ticked"),
                                                   {{"n", std::to_string(met)}, {"of", std::to_string(total)}})
                                            : ""}});
  }

  json evidence = json::array();
  for (const auto& [id, e] : d.state.evidence) {
    const auto* type = model::find_evidence_type(e.type);
    evidence.push_back({{"id", id},
                        {"time", scenario_time(e.scenario_ms)},
                        {"type", type ? type->name.text(lang) : e.type},
                        {"asset", e.asset},
                        {"file", e.file},
                        {"sha256", e.sha256},
                        {"collected_by", e.collected_by},
                        {"stored_at", e.stored_at},
                        {"custody", e.custody.size()}});
  }

  json rows = json::array();
  int overdue = 0;
  for (const auto& item : plan->plan.items) {
    rows.push_back(plan_row(item, d.record.id, today, lang));
    overdue += model::overdue(item, today) ? 1 : 0;
  }
  json suggested = json::array();
  for (const auto& item : report::suggested_plan_items(input)) suggested.push_back(plan_row(item, d.record.id, today, lang));
  const bool can_edit = static_cast<bool>(
      server::authorize(rp.call.who.who, Action::kEditPreparedness, server::org_resource(d.record.org)));

  std::vector<model::ExerciseEvent> events = d.state.events;
  json data = drill_head(d, lang);
  data.update({{"started_at", d.started_at.empty() ? "" : wall_time(d.started_at) + " UTC"},
               {"ended_at", d.ended_at.empty() ? "" : wall_time(d.ended_at) + " UTC"},
               {"scenario_id", s.id},
               {"scenario_version", s.version},
               {"campaign", campaign->campaign ? campaign->campaign->title : ""},
               {"participants", participants},
               {"has_participants", !participants.empty()},
               {"poc", *poc ? (*poc)->reporter.name : ""},
               {"timeline_svg", report::render_timeline_svg(events, s, lang)},
               {"metrics", metrics},
               {"objectives", objectives},
               {"general_observations", general},
               {"has_general_observations", !general.empty()},
               {"decisions", decisions},
               {"has_decisions", !decisions.empty()},
               {"contradictions", contradiction_rows(proposals->contradictions, campaign->checklist.get(), lang)},
               {"has_contradictions", !proposals->contradictions.empty()},
               {"compared", campaign->campaign && proposals->compared_revision
                                ? fill(text(lang, "improve.contradictions.compared"),
                                       {{"campaign", campaign->campaign->title},
                                        {"no", std::to_string(proposals->compared_revision)}})
                                : ""},
               {"evidence", evidence},
               {"has_evidence", !evidence.empty()},
               {"plan_rows", rows},
               {"plan_empty", rows.empty()},
               {"plan_overdue", overdue},
               {"suggested", suggested},
               {"has_suggested", !suggested.empty()},
               {"can_edit", can_edit},
               {"plan_base_no", plan->no},
               {"plan_api", "/api/v1/orgs/" + url_encode(d.record.org) + "/prepare/improvement-plan"},
               {"today", today},
               {"elements", options(lang, "improve.element.", plan_elements(), "planning")},
               {"statuses", options(lang, "improve.status.", plan_statuses(), "open")},
               {"json_href", api_href(d.record.id) + "/aar?format=json&download=1&lang=" + lang},
               {"html_href", api_href(d.record.id) + "/aar?format=html&lang=" + lang},
               {"csv_href", "/api/v1/orgs/" + url_encode(d.record.org) + "/plan.csv?lang=" + lang},
               {"generated_at", input.generated_at}});
  return render_drill_page(r, rp, "aar", d.record.title, lang, std::move(data));
}

// --- /exercises/{id}/proposals -----------------------------------------------------------

HttpResponse proposals_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_review(c, r, p.at("id"));
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  ReviewPage& rp = std::get<ReviewPage>(got);
  store::Store& db = *rp.call.who.db;
  const AfterDrill& d = rp.drill;
  const std::string lang = request_lang(r);
  const std::string& org = d.record.org;

  // Open campaigns on the scenario's checklist: where the answers can go.
  auto all = db.list_campaigns();
  if (!all) return status_page(r, &rp.call.who, all.status());
  std::vector<store::CampaignRecord> open;
  for (const auto& camp : *all)
    if (camp.state == store::CampaignState::kOpen &&
        (d.scenario->checklist.empty() || camp.checklist_id == d.scenario->checklist))
      open.push_back(camp);
  std::string selected = query_param(r, "campaign");
  if (selected.empty())
    for (const auto& camp : open)
      if (camp.id == d.record.campaign) selected = camp.id;
  if (selected.empty() && !open.empty()) selected = open.front().id;
  const store::CampaignRecord* target = nullptr;
  for (const auto& camp : open)
    if (camp.id == selected) target = &camp;

  // The proposals on the target campaign's checklist (else the scenario's).
  auto into = server::drill_campaign(db, d, target ? target->id : "");
  if (!into) return status_page(r, &rp.call.who, into.status());
  auto proposals = server::drill_proposals(db, d, *into);
  if (!proposals) return status_page(r, &rp.call.who, proposals.status());
  // The contradictions with the latest self-evaluation (wherever it was submitted).
  auto compared = server::drill_campaign(db, d, "");
  if (!compared) return status_page(r, &rp.call.who, compared.status());
  auto against = server::drill_proposals(db, d, *compared);
  if (!against) return status_page(r, &rp.call.who, against.status());

  // The organisation's current answers in the target campaign.
  std::map<std::string, store::Answer> current;
  int latest_no = 0;
  if (target) {
    store::LatestQuery q;
    q.state = std::nullopt;
    q.org = org;
    auto latest = db.latest_revisions(target->id, q);
    if (!latest) return status_page(r, &rp.call.who, latest.status());
    if (!latest->empty()) {
      latest_no = latest->front().no;
      for (const auto& a : latest->front().answers) current[a.item] = a;
    }
  }

  const model::Checklist* checklist = into->checklist.get();
  json rows = json::array();
  int with_choice = 0;
  for (const auto& prop : proposals->set.proposals) {
    const model::Item* item = nullptr;
    if (checklist)
      if (auto i = checklist->find_item(prop.item)) item = &checklist->items[*i];
    if (!item) continue;
    json citations = json::array();
    for (const auto& cit : prop.citations)
      citations.push_back({{"seq", cit.seq},
                           {"has_seq", cit.seq != 0},
                           {"text", cit.text.text(lang)},
                           {"href", cit.seq ? exercise_href(d.record.id) + "/review#ev-" + std::to_string(cit.seq) : ""}});
    json choices = json::array();
    for (const auto& ch : item->choices)
      choices.push_back({{"no", ch.no},
                         {"label", ch.label.text(lang)},
                         {"level", model::to_string(ch.level)},
                         {"selected", ch.no == prop.choice}});
    const auto now = current.find(prop.item);
    with_choice += prop.choice ? 1 : 0;
    rows.push_back({{"item", prop.item},
                    {"item_text", item->text.text(lang)},
                    {"level", prop.level ? model::to_string(*prop.level) : "none"},
                    {"level_label", level_label(lang, prop.level)},
                    {"choice", prop.choice},
                    {"choice_label", choice_label(*item, prop.choice, lang)},
                    {"has_choice", prop.choice != 0},
                    {"reason", prop.reason.text(lang)},
                    {"rule", prop.rule},
                    {"citations", citations},
                    {"has_citations", !citations.empty()},
                    {"choices", choices},
                    {"current", now != current.end() && now->second.choice
                                    ? choice_label(*item, now->second.choice, lang)
                                    : ""}});
  }

  json campaigns = json::array();
  for (const auto& camp : open)
    campaigns.push_back({{"id", camp.id}, {"title", camp.title}, {"selected", camp.id == selected}});
  bool can_save = false, can_submit = false;
  if (target) {
    can_save = static_cast<bool>(server::authorize(rp.call.who.who, Action::kEditDraft, Resource::of(*target, org)));
    can_submit =
        static_cast<bool>(server::authorize(rp.call.who.who, Action::kSubmitEvaluation, Resource::of(*target, org)));
  }
  json data = drill_head(d, lang);
  data.update({{"rows", rows},
               {"has_rows", !rows.empty()},
               {"with_choice", with_choice},
               {"campaigns", campaigns},
               {"has_campaigns", !campaigns.empty()},
               {"campaign", target ? target->id : ""},
               {"campaign_title", target ? target->title : ""},
               {"base_revision", latest_no},
               {"can_save", can_save && d.ended()},
               {"can_submit", can_submit && d.ended()},
               {"read_only", !(can_save && d.ended())},
               {"evaluation_href", target ? "/campaigns/" + url_encode(target->id) + "/evaluations/" + url_encode(org) : ""},
               {"accept_api", api_href(d.record.id) + "/proposals/accept"},
               {"contradictions", contradiction_rows(against->contradictions, compared->checklist.get(), lang)},
               {"has_contradictions", !against->contradictions.empty()},
               {"compared", compared->campaign && against->compared_revision
                                ? fill(text(lang, "improve.contradictions.compared"),
                                       {{"campaign", compared->campaign->title},
                                        {"no", std::to_string(against->compared_revision)}})
                                : ""}});
  return render_drill_page(r, rp, "proposals", d.record.title, lang, std::move(data));
}

// --- /exercises/{id}/cert-draft --------------------------------------------------------------

HttpResponse cert_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_review(c, r, p.at("id"));
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  ReviewPage& rp = std::get<ReviewPage>(got);
  store::Store& db = *rp.call.who.db;
  const AfterDrill& d = rp.drill;
  const std::string lang = request_lang(r);
  const report::CertForm& form = report::builtin_cert_form();
  std::vector<std::string> purposes;
  for (const auto& g : form.groups)
    for (const auto& f : g.fields)
      if (!f.options.empty() && f.id.find("purpose") != std::string::npos) purposes = f.options;
  std::string purpose = query_param(r, "purpose");
  if (std::find(purposes.begin(), purposes.end(), purpose) == purposes.end()) purpose.clear();

  auto poc = server::org_poc_sheet(db, d.record.org);
  if (!poc) return status_page(r, &rp.call.who, poc.status());
  report::CertDraftInput in;
  in.poc = *poc ? &**poc : nullptr;
  in.scenario = d.scenario.get();
  in.state = &d.state;
  in.exercise_id = d.record.id;
  in.org_name = d.org_name;
  in.started_at = d.started_at;
  in.purpose = purpose;
  in.generated_at = store::now_utc();
  const report::CertDraft draft = report::cert_draft(form, in, lang);

  // The draft, each line naming an unknown or withheld field marked.
  std::vector<std::pair<std::string, std::string>> marked;  // label → mark
  json unknown = json::array(), withheld = json::array();
  for (const auto& v : draft.values) {
    if (!v.field || v.mark.empty()) continue;
    const std::string label = v.field->label.text(lang);
    marked.emplace_back(label, v.mark);
    (v.mark == "withheld" ? withheld : unknown).push_back({{"id", v.field->id}, {"label", label}});
  }
  std::string pre;
  std::istringstream lines(draft.text);
  for (std::string line; std::getline(lines, line);) {
    std::string mark;
    for (const auto& [label, m] : marked)
      if (!label.empty() && line.find(label) != std::string::npos) mark = m;
    if (mark.empty()) {
      pre += report::html_escape(line) + "\n";
    } else {
      pre += "<mark class=\"cert-" + mark + "\">" + report::html_escape(line) + "</mark>\n";
    }
  }
  json purpose_options = json::array();
  for (const auto& id : purposes)
    purpose_options.push_back({{"id", id},
                               {"label", text(lang, "improve.cert.purpose." + id)},
                               {"selected", id == (purpose.empty() ? purposes.front() : purpose)}});
  std::string download = api_href(d.record.id) + "/cert-draft?download=1&lang=" + lang;
  if (!purpose.empty()) download += "&purpose=" + url_encode(purpose);
  json data = drill_head(d, lang);
  data.update({{"pre_html", pre},
               {"text", draft.text},
               {"unknown", unknown},
               {"withheld", withheld},
               {"unknown_count", unknown.size()},
               {"withheld_count", withheld.size()},
               {"has_unknown", !unknown.empty()},
               {"has_withheld", !withheld.empty()},
               {"no_poc", !*poc},
               {"purposes", purpose_options},
               {"has_purposes", !purpose_options.empty()},
               {"download_href", download},
               {"poc_href", "/orgs/" + url_encode(d.record.org) + "/prepare/poc-sheet"}});
  return render_drill_page(r, rp, "cert", d.record.title, lang, std::move(data));
}

// --- /orgs/{org} --------------------------------------------------------------------------

HttpResponse org_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  const std::string& org_id = p.at("org");
  if (auto refused = refuse_page_unless(r, who, Action::kViewPreparedness, server::org_resource(org_id))) return *refused;
  auto org = who.db->get_org(org_id);
  if (!org) return status_page(r, &who, org.status());
  const std::string lang = request_lang(r);
  if (!c.exercises) return error_page(r, &who, 503, text(lang, "improve.org.no_drills_server"));

  auto all = who.db->list_exercises();
  if (!all) return status_page(r, &who, all.status());
  json drills = json::array();
  for (const auto& e : *all) {
    if (e.org != org_id) continue;
    const std::string st = model::to_string(e.state);
    drills.push_back({{"id", e.id},
                      {"title", e.title},
                      {"state", st},
                      {"state_label", text(lang, "exercise.state." + st)},
                      {"updated_at", wall_time(e.updated_at)},
                      {"review_href", exercise_href(e.id) + "/review"},
                      {"aar_href", exercise_href(e.id) + "/aar"},
                      {"proposals_href", exercise_href(e.id) + "/proposals"},
                      {"ended", e.state == model::ExerciseState::kEnded}});
  }
  auto ended = server::ended_drills(*who.db, *c.exercises, org_id);
  if (!ended) return status_page(r, &who, ended.status());
  auto plan = server::org_plan(*who.db, org_id);
  if (!plan) return status_page(r, &who, plan.status());
  auto contradictions = server::org_contradictions(*who.db, *ended);
  if (!contradictions) return status_page(r, &who, contradictions.status());
  const std::string today = server::today_utc();

  int open = 0, done = 0;
  json overdue = json::array();
  for (const auto& item : plan->plan.items) {
    if (item.status == "open" || item.status == "in-progress") ++open;
    if (item.status == "done") ++done;
    if (model::overdue(item, today))
      overdue.push_back({{"id", item.id},
                         {"issue", item.issue},
                         {"owner", item.owner},
                         {"due", item.due},
                         {"days", fill(text(lang, "improve.plan.overdue_days"),
                                       {{"n", std::to_string(server::days_between(item.due, today))}})}});
  }
  json found = json::array();
  std::size_t total = 0;
  for (const auto& dc : *contradictions) {
    std::shared_ptr<const model::Checklist> checklist;
    if (auto camp = who.db->get_campaign(dc.campaign)) {
      if (auto cl = store::campaign_checklist(*who.db, *camp)) checklist = *cl;
    }
    total += dc.items.size();
    found.push_back({{"exercise", dc.exercise},
                     {"title", dc.title},
                     {"aar_href", exercise_href(dc.exercise) + "/aar"},
                     {"compared", fill(text(lang, "improve.contradictions.compared"),
                                       {{"campaign", dc.campaign}, {"no", std::to_string(dc.revision)}})},
                     {"rows", contradiction_rows(dc.items, checklist.get(), lang)}});
  }
  const auto trend = server::trend_drills(*ended, plan->plan);
  json data = {{"org", {{"id", org->id}, {"name", org->name.empty() ? org->id : org->name}}},
               {"drills", drills},
               {"has_drills", !drills.empty()},
               {"plan_total", plan->plan.items.size()},
               {"plan_open", open},
               {"plan_done", done},
               {"plan_overdue", overdue.size()},
               {"overdue", overdue},
               {"has_overdue", !overdue.empty()},
               {"contradictions", found},
               {"has_contradictions", !found.empty()},
               {"contradiction_count", total},
               {"trend_html", trend.empty() ? "" : report::trend_html_table(trend, lang)},
               {"has_trend", !trend.empty()},
               {"prepare_href", "/orgs/" + url_encode(org_id) + "/prepare"},
               {"csv_href", "/api/v1/orgs/" + url_encode(org_id) + "/plan.csv?lang=" + lang},
               {"trend_href", "/api/v1/orgs/" + url_encode(org_id) + "/trend?lang=" + lang}};
  Page page;
  page.name = "improve_org";
  page.title = (org->name.empty() ? org->id : org->name) + " — " + text(lang, "improve.org.eyebrow");
  page.data = std::move(data);
  page.styles = {"exercise.css", "improve.css"};
  page.wide = true;
  blank_to_false(page.data);
  return render_page(r, &who, page);
}

}  // namespace

void add_improve_pages(Router& router, ApiContext& context) {
  router.add("GET", "/exercises/{id}/aar", "page.exercise_aar",
             [&context](const HttpRequest& r, const RouteParams& p) { return aar_page(context, r, p); });
  router.add("GET", "/exercises/{id}/proposals", "page.exercise_proposals",
             [&context](const HttpRequest& r, const RouteParams& p) { return proposals_page(context, r, p); });
  router.add("GET", "/exercises/{id}/cert-draft", "page.exercise_cert_draft",
             [&context](const HttpRequest& r, const RouteParams& p) { return cert_page(context, r, p); });
  router.add("GET", "/orgs/{org}", "page.org",
             [&context](const HttpRequest& r, const RouteParams& p) { return org_page(context, r, p); });
}

}  // namespace kunren::web
