// The preparedness pages of an organisation (docs/api.md "Preparedness
// records" is what they save through):
//
//   GET /orgs/{org}/prepare                  the hub: the six records, each with
//                                            when and by whom it was last saved,
//                                            stale contact entries and overdue
//                                            improvement items, a link to its editor
//   GET /orgs/{org}/prepare/{kind}           the editor of one record (?no=N shows
//                                            revision N; saving makes it the latest)
//   GET /orgs/{org}/prepare/{kind}/history   every saved revision
//
// Access: kViewPreparedness on Resource{org} to see (the audited 403 page
// otherwise), kEditPreparedness to get a form that saves (others get the
// same form, disabled). The editors are real forms rendered here from the
// latest revision — or from model::prep_template when there is none — and
// web/static/prepare.js turns them back into the document JSON, PUTs it with
// the revision it started from, shows a 400's message next to the field it
// names and a 409 as "someone else saved first".
#include <kunren/web/pages.hpp>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include <kunren/io/builtin.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/report/cert_draft.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/prep_support.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::Resource;

namespace {

std::string hub_href(const std::string& org) { return "/orgs/" + url_encode(org) + "/prepare"; }
std::string edit_href(const std::string& org, const std::string& kind) { return hub_href(org) + "/" + url_encode(kind); }

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
json list(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : json::array();
}

// [{id, label, selected}] with `selected` chosen; an id outside `ids` is kept as an extra option.
json options(const std::string& lang, const std::string& prefix, const std::vector<std::string>& ids,
             const std::string& selected) {
  json out = json::array();
  bool found = false;
  for (const auto& id : ids) {
    out.push_back({{"id", id}, {"label", text(lang, prefix + id)}, {"selected", id == selected}});
    found = found || id == selected;
  }
  if (!found && !selected.empty()) out.push_back({{"id", selected}, {"label", selected}, {"selected", true}});
  return out;
}

const std::vector<std::string>& channel_kinds() {
  static const std::vector<std::string> k = {"phone", "mobile", "email", "radio", "chat", "fax", "other"};
  return k;
}
const std::vector<std::string>& restart_stages() {
  static const std::vector<std::string> k = {"network-controls", "access-control", "plc-logic", "hmi",
                                             "scada", "historian", "mes-erp", "baseline", "backup",
                                             "second-opinion", "monitoring", "approval", "other"};
  return k;
}
const std::vector<std::string>& system_types() {
  static const std::vector<std::string> k = {"DCS", "SCADA", "PLC", "HMI", "EWS", "historian", "SIS", "MES", "other"};
  return k;
}

// The built-in drill scenario: its roles name contact functions, its decision points the criteria.
const model::Scenario* builtin_scenario() {
  static const std::optional<model::Scenario> k_scenario = []() -> std::optional<model::Scenario> {
    for (const std::string& id : io::builtin_scenario_ids()) {
      auto s = io::load_builtin_scenario(id);
      if (s) return std::move(s).value();
    }
    return std::nullopt;
  }();
  return k_scenario ? &*k_scenario : nullptr;
}

std::string dp_label(const std::string& dp, const std::string& lang) {
  if (const auto* s = builtin_scenario())
    if (const auto* point = s->find_decision_point(dp))
      return text(lang, std::string("exercise.dp.kind.") + model::to_string(point->kind)) +
             text(lang, "prepare.colon") + point->prompt.text(lang);
  return dp;
}

// --- one view per kind -----------------------------------------------------------

json channel_view(const json& c, const std::string& lang) {
  return {{"kind_options", options(lang, "prepare.contact.kind.", channel_kinds(), str(c, "kind"))},
          {"value", str(c, "value")},
          {"note", str(c, "note")}};
}

json contact_tree_view(const json& doc, const std::string& lang, const std::string& today) {
  json out;
  int stale_days = 180;
  if (auto it = doc.find("stale_after_days"); it != doc.end() && it->is_number_integer()) stale_days = it->get<int>();
  out["stale_after_days"] = stale_days;
  std::set<std::string> stale_ids;
  if (auto tree = model::parse_contact_tree(doc))
    for (const auto* e : model::stale_entries(*tree, today)) stale_ids.insert(e->id);
  const json entries = list(doc, "entries");
  auto backups = [&](const std::string& self, const std::string& selected) {
    json opts = json::array({{{"id", ""}, {"label", text(lang, "prepare.contact.no_backup")}, {"selected", selected.empty()}}});
    for (const auto& e : entries) {
      const std::string id = str(e, "id");
      if (id.empty() || id == self) continue;
      opts.push_back({{"id", id}, {"label", str(e, "name").empty() ? id : str(e, "name")}, {"selected", id == selected}});
    }
    return opts;
  };
  json rows = json::array();
  for (const auto& e : entries) {
    json channels = json::array();
    for (const auto& c : list(e, "channels")) channels.push_back(channel_view(c, lang));
    const std::string id = str(e, "id");
    rows.push_back({{"id", id},
                    {"name", str(e, "name")},
                    {"function", str(e, "function")},
                    {"external", e.value("external", false)},
                    {"organisation", str(e, "organisation")},
                    {"channels", channels},
                    {"backup_options", backups(id, str(e, "backup"))},
                    {"escalation", e.value("escalation", 0)},
                    {"last_confirmed", str(e, "last_confirmed")},
                    {"notes", str(e, "notes")},
                    {"stale", stale_ids.count(id) > 0}});
  }
  out["entries"] = rows;
  out["blank_channel"] = channel_view(json::object(), lang);
  out["blank_entry"] = {{"id", ""},          {"name", ""},      {"function", ""},
                        {"external", false}, {"organisation", ""},
                        {"channels", json::array({channel_view(json::object(), lang)})},
                        {"backup_options", backups("", "")},
                        {"escalation", 0},   {"last_confirmed", ""}, {"notes", ""}, {"stale", false}};
  return out;
}

json criteria_view(const json& doc, const std::string& lang) {
  json points = json::array();
  for (const auto& p : list(doc, "points")) {
    std::string conditions;
    for (const auto& c : list(p, "conditions"))
      if (c.is_string()) conditions += (conditions.empty() ? "" : "\n") + c.get<std::string>();
    const std::string dp = str(p, "decision_point");
    points.push_back({{"decision_point", dp},
                      {"dp_label", dp_label(dp, lang)},
                      {"who", str(p, "who")},
                      {"deputy", str(p, "deputy")},
                      {"conditions_text", conditions},
                      {"notes", str(p, "notes")}});
  }
  return {{"points", points},
          {"blank_point",
           {{"decision_point", ""}, {"dp_label", ""}, {"who", ""}, {"deputy", ""}, {"conditions_text", ""}, {"notes", ""}}}};
}

json evidence_plan_view(const json& doc, const std::string& lang) {
  json rows = json::array();
  const json given = list(doc, "rows");
  for (const auto& type : model::evidence_catalogue()) {
    json row = json::object();
    for (const auto& r : given)
      if (str(r, "type") == type.id) row = r;
    json view = {{"type", type.id}, {"type_label", type.name.text(lang)}, {"examples", type.examples.text(lang)}};
    for (const char* f : {"assets", "what", "method", "who", "without_stopping", "stored_at", "notes"}) view[f] = str(row, f);
    rows.push_back(std::move(view));
  }
  return {{"rows", rows}};
}

json step_view(const json& s, const std::string& lang) {
  return {{"id", str(s, "id")},
          {"stage_options", options(lang, "prepare.restart.stage_label.", restart_stages(), str(s, "stage"))},
          {"text", str(s, "text")},
          {"owner", str(s, "owner")},
          {"required", s.value("required", true)}};
}

json restart_view(const json& doc, const std::string& lang) {
  json steps = json::array();
  for (const auto& s : list(doc, "steps")) steps.push_back(step_view(s, lang));
  return {{"steps", steps},
          {"blank_step", step_view(json{{"stage", "other"}}, lang)},
          {"minimum_production", str(doc, "minimum_production")},
          {"approver", str(doc, "approver")}};
}

json system_view(const json& s) {
  json types = json::array();
  const std::string type = str(s, "type");
  bool found = false;
  for (const auto& t : system_types()) {
    types.push_back({{"id", t}, {"label", t}, {"selected", t == type}});
    found = found || t == type;
  }
  if (!found && !type.empty()) types.push_back({{"id", type}, {"label", type}, {"selected", true}});
  json out = {{"type_options", types}};
  for (const char* f : {"vendor", "product", "version", "placement", "line"}) out[f] = str(s, f);
  return out;
}

json component_view(const json& c, const std::string& lang) {
  return {{"kind_options", options(lang, "prepare.poc.component.", {"os", "software", "hardware"}, str(c, "kind"))},
          {"name", str(c, "name")},
          {"version", str(c, "version")}};
}

json poc_view(const json& doc, const std::string& lang) {
  json people = json::array();
  for (const char* key : {"reporter", "deputy"}) {
    const json p = doc.value(key, json::object());
    json person = {{"key", key}, {"title", text(lang, std::string("prepare.poc.") + key)}};
    for (const char* f : {"name", "organisation", "department", "email", "phone"})
      person[f] = p.is_object() ? str(p, f) : std::string();
    people.push_back(std::move(person));
  }
  json systems = json::array();
  for (const auto& s : list(doc, "systems")) systems.push_back(system_view(s));
  json components = json::array();
  for (const auto& c : list(doc, "components")) components.push_back(component_view(c, lang));
  std::set<std::string> withheld;
  for (const auto& w : list(doc, "withhold"))
    if (w.is_string()) withheld.insert(w.get<std::string>());
  json groups = json::array();
  const report::CertForm& form = report::builtin_cert_form();
  for (const auto& g : form.groups) {
    json fields = json::array();
    for (const auto& f : g.fields)
      fields.push_back({{"id", f.id}, {"label", f.label.text(lang)}, {"checked", withheld.count(f.id) > 0}});
    if (!fields.empty()) groups.push_back({{"title", g.title.text(lang)}, {"fields", fields}});
  }
  return {{"people", people},
          {"industry", str(doc, "industry")},
          {"plant", str(doc, "plant")},
          {"systems", systems},
          {"blank_system", system_view(json::object())},
          {"components", components},
          {"blank_component", component_view(json::object(), lang)},
          {"timekeeping", str(doc, "timekeeping")},
          {"collection", str(doc, "collection")},
          {"withhold_groups", groups},
          {"has_form", !groups.empty()}};
}

json plan_item_view(const json& i, const std::string& lang, const std::string& today) {
  json out = {{"element_options", options(lang, "prepare.plan.element_label.",
                                          {"planning", "organisation", "equipment", "training", "exercises"},
                                          str(i, "element"))},
              {"status_options", options(lang, "prepare.plan.status_label.", {"open", "in-progress", "done", "dropped"},
                                         str(i, "status").empty() ? "open" : str(i, "status"))},
              {"source_events_json", list(i, "source_events").dump()}};
  for (const char* f : {"id", "issue", "action", "objective", "item", "owner_org", "owner", "start", "due", "completed",
                        "source_exercise", "checked_in", "notes"})
    out[f] = str(i, f);
  model::PlanItem item;
  item.status = str(i, "status").empty() ? "open" : str(i, "status");
  item.due = str(i, "due");
  out["overdue"] = !item.due.empty() && model::overdue(item, today);
  out["has_source"] = !str(i, "source_exercise").empty();
  out["source_text"] = fill(text(lang, "prepare.plan.source"), {{"exercise", str(i, "source_exercise")}});
  return out;
}

json plan_view(const json& doc, const std::string& lang, const std::string& today) {
  json items = json::array();
  for (const auto& i : list(doc, "items")) items.push_back(plan_item_view(i, lang, today));
  return {{"items", items}, {"blank_item", plan_item_view(json::object(), lang, today)}};
}

// --- access ------------------------------------------------------------------------

struct PrepPage {
  Caller who;
  std::string org;
  std::string org_name;
  bool can_edit = false;
};

// The caller, allowed to see `org`'s records (else the audited 403 page), and the organisation (else 404).
std::variant<PrepPage, HttpResponse> prep_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  PrepPage page{std::move(std::get<Caller>(got)), p.at("org"), {}, false};
  Resource what;
  what.org = page.org;
  if (auto refused = refuse_page_unless(r, page.who, Action::kViewPreparedness, what)) return *refused;
  auto org = page.who.db->get_org(page.org);
  if (!org) return status_page(r, &page.who, org.status());
  page.org_name = org->name.empty() ? org->id : org->name;
  page.can_edit = static_cast<bool>(server::authorize(page.who.who, Action::kEditPreparedness, what));
  return page;
}

std::optional<model::PrepKind> kind_of(const RouteParams& p) { return model::parse_prep_kind(p.at("kind")); }

std::string kind_title(const std::string& lang, const std::string& kind) {
  return text(lang, "prepare.kind." + kind + ".title");
}

std::string saved_text(const std::string& lang, const json& rev) {
  return fill(text(lang, "prepare.hub.saved"), {{"no", std::to_string(rev.value("no", 0))},
                                                 {"at", wall_time(rev.value("at", ""))},
                                                 {"author", author_name(rev.value("author", ""))}});
}

// --- the pages ---------------------------------------------------------------------

HttpResponse hub_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = prep_page(c, r, p);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  PrepPage& pp = std::get<PrepPage>(got);
  const std::string lang = request_lang(r);
  auto overview = server::prep_overview_json(*pp.who.db, pp.org, server::today_utc());
  if (!overview) return status_page(r, &pp.who, overview.status());
  json records = json::array();
  for (const auto& rec : (*overview)["records"]) {
    const std::string kind = rec["kind"];
    const bool saved = rec["no"].get<int>() > 0;
    json row = {{"kind", kind},
                {"title", kind_title(lang, kind)},
                {"lead", text(lang, "prepare.kind." + kind + ".lead")},
                {"href", edit_href(pp.org, kind)},
                {"history_href", edit_href(pp.org, kind) + "/history"},
                {"saved", saved}};
    if (saved) row["saved_text"] = saved_text(lang, rec);
    bool attention = false;
    if (rec.contains("stale") && !rec["stale"].empty()) {
      json stale = json::array();
      for (const auto& s : rec["stale"]) {
        json e = {{"name", s["name"].get<std::string>().empty() ? s["id"] : s["name"]}};
        if (!s["last_confirmed"].get<std::string>().empty()) e["last_confirmed"] = s["last_confirmed"];
        stale.push_back(e);
      }
      row["has_stale"] = true;
      row["stale"] = stale;
      row["stale_text"] = fill(text(lang, "prepare.hub.stale_warning"),
                               {{"days", std::to_string(rec.value("stale_after_days", 180))},
                                {"n", std::to_string(stale.size())}});
      attention = true;
    }
    if (rec.contains("entries") && rec["entries"].get<std::size_t>() > 0)
      row["entries_text"] = fill(text(lang, "prepare.hub.entries"), {{"n", std::to_string(rec["entries"].get<std::size_t>())}});
    if (rec.value("overdue_items", 0) > 0) {
      row["overdue_text"] = fill(text(lang, "prepare.hub.overdue"), {{"n", std::to_string(rec["overdue_items"].get<int>())}});
      attention = true;
    }
    if (rec.value("open_items", 0) > 0)
      row["open_text"] = fill(text(lang, "prepare.hub.open_items"), {{"n", std::to_string(rec["open_items"].get<int>())}});
    row["attention"] = attention;
    records.push_back(std::move(row));
  }
  Page page;
  page.name = "prepare";
  page.title = text(lang, "prepare.hub.title") + " — " + pp.org_name;
  page.data = {{"org", {{"id", pp.org}, {"name", pp.org_name}}}, {"records", records}, {"can_edit", pp.can_edit}};
  page.styles = {"prepare.css"};
  return render_page(r, &pp.who, page);
}

HttpResponse editor_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = prep_page(c, r, p);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  PrepPage& pp = std::get<PrepPage>(got);
  const std::string lang = request_lang(r);
  const auto kind = kind_of(p);
  if (!kind) return error_page(r, &pp.who, 404, fmt::format("no preparedness record kind '{}'", p.at("kind")));
  const std::string kind_name = model::to_string(*kind);
  const std::string today = server::today_utc();

  auto latest = pp.who.db->latest_org_document(pp.org, kind_name);
  if (!latest) return status_page(r, &pp.who, latest.status());
  std::optional<store::OrgDocument> shown = *latest;
  bool old_revision = false;
  if (const std::string no = query_param(r, "no"); !no.empty()) {
    int n = 0;
    try {
      n = std::stoi(no);
    } catch (const std::exception&) {
      n = 0;
    }
    auto rev = pp.who.db->get_org_document(pp.org, kind_name, n);
    if (!rev) return status_page(r, &pp.who, rev.status());
    old_revision = !*latest || rev->no != (*latest)->no;
    shown = *rev;
  }
  json doc = shown ? json::parse(shown->content, nullptr, false) : model::prep_template(*kind, lang);
  if (!doc.is_object()) doc = json::object();

  json data = {{"org", {{"id", pp.org}, {"name", pp.org_name}}},
               {"kind", kind_name},
               {"kind_title", kind_title(lang, kind_name)},
               {"kind_lead", text(lang, "prepare.kind." + kind_name + ".lead")},
               {"hub_href", hub_href(pp.org)},
               {"edit_href", edit_href(pp.org, kind_name)},
               {"history_href", edit_href(pp.org, kind_name) + "/history"},
               {"can_edit", pp.can_edit},
               {"saved", latest->has_value()},
               {"from_template", !shown},
               {"old_revision", old_revision},
               {"ordered", true},
               {"is_contact_tree", *kind == model::PrepKind::kContactTree},
               {"is_criteria", *kind == model::PrepKind::kCriteria},
               {"is_evidence_plan", *kind == model::PrepKind::kEvidencePlan},
               {"is_restart_checklist", *kind == model::PrepKind::kRestartChecklist},
               {"is_poc_sheet", *kind == model::PrepKind::kPocSheet},
               {"is_improvement_plan", *kind == model::PrepKind::kImprovementPlan}};
  if (*latest) {
    data["latest_text"] = fill(text(lang, "prepare.edit.latest"), {{"no", std::to_string((*latest)->no)},
                                                                  {"at", wall_time((*latest)->created_at)},
                                                                  {"author", author_name((*latest)->author)}});
  } else {
    data["latest_text"] = text(lang, "prepare.hub.never");
  }
  if (old_revision)
    data["old_revision_text"] = fill(text(lang, "prepare.edit.old_revision"),
                                     {{"no", std::to_string(shown->no)},
                                      {"at", wall_time(shown->created_at)},
                                      {"author", author_name(shown->author)}});
  switch (*kind) {
    case model::PrepKind::kContactTree: {
      data["contact"] = contact_tree_view(doc, lang, today);
      json functions = json::array();
      if (const auto* s = builtin_scenario())
        for (const auto& role : s->roles) functions.push_back({{"id", role.id}, {"label", role.title.text(lang)}});
      for (const auto& target : model::contact_targets())
        if (target != "role") functions.push_back({{"id", target}, {"label", text(lang, "exercise.target." + target)}});
      data["functions"] = functions;
      break;
    }
    case model::PrepKind::kCriteria: {
      data["criteria"] = criteria_view(doc, lang);
      json choices = json::array();
      if (const auto* s = builtin_scenario())
        for (const auto& dp : s->decision_points) choices.push_back({{"id", dp.id}, {"label", dp_label(dp.id, lang)}});
      data["dp_choices"] = choices;
      break;
    }
    case model::PrepKind::kEvidencePlan: data["evidence"] = evidence_plan_view(doc, lang); break;
    case model::PrepKind::kRestartChecklist: data["restart"] = restart_view(doc, lang); break;
    case model::PrepKind::kPocSheet: data["poc"] = poc_view(doc, lang); break;
    case model::PrepKind::kImprovementPlan: data["plan"] = plan_view(doc, lang, today); break;
  }
  const int base_no = *latest ? (*latest)->no : 0;
  data["context_json"] = script_json({{"api", "/api/v1/orgs/" + url_encode(pp.org) + "/prepare/" + kind_name},
                                      {"kind", kind_name},
                                      {"base_no", base_no},
                                      {"today", today},
                                      {"can_edit", pp.can_edit},
                                      {"lang", lang}});
  Page page;
  page.name = "prepare_edit";
  page.title = kind_title(lang, kind_name) + " — " + pp.org_name;
  page.data = std::move(data);
  page.scripts = {"prepare.js"};
  page.styles = {"prepare.css"};
  page.script_texts = {"prepare"};
  page.wide = true;
  return render_page(r, &pp.who, page);
}

HttpResponse history_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = prep_page(c, r, p);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  PrepPage& pp = std::get<PrepPage>(got);
  const std::string lang = request_lang(r);
  const auto kind = kind_of(p);
  if (!kind) return error_page(r, &pp.who, 404, fmt::format("no preparedness record kind '{}'", p.at("kind")));
  const std::string kind_name = model::to_string(*kind);
  auto all = pp.who.db->org_document_history(pp.org, kind_name);
  if (!all) return status_page(r, &pp.who, all.status());
  json revisions = json::array();
  for (auto it = all->rbegin(); it != all->rend(); ++it)
    revisions.push_back({{"no", it->no},
                         {"at", wall_time(it->created_at)},
                         {"author", author_name(it->author)},
                         {"latest", it == all->rbegin()},
                         {"href", edit_href(pp.org, kind_name) + "?no=" + std::to_string(it->no)}});
  Page page;
  page.name = "prepare_history";
  page.title = fill(text(lang, "prepare.history.title"), {{"kind", kind_title(lang, kind_name)}});
  page.data = {{"org", {{"id", pp.org}, {"name", pp.org_name}}},
               {"title", page.title},
               {"kind_title", kind_title(lang, kind_name)},
               {"hub_href", hub_href(pp.org)},
               {"edit_href", edit_href(pp.org, kind_name)},
               {"revisions", revisions},
               {"empty", revisions.empty()}};
  page.styles = {"prepare.css"};
  return render_page(r, &pp.who, page);
}

}  // namespace

void add_prep_pages(Router& router, ApiContext& context) {
  router.add("GET", "/orgs/{org}/prepare", "page.prepare",
             [&context](const HttpRequest& r, const RouteParams& p) { return hub_page(context, r, p); });
  router.add("GET", "/orgs/{org}/prepare/{kind}", "page.prepare_edit",
             [&context](const HttpRequest& r, const RouteParams& p) { return editor_page(context, r, p); });
  router.add("GET", "/orgs/{org}/prepare/{kind}/history", "page.prepare_history",
             [&context](const HttpRequest& r, const RouteParams& p) { return history_page(context, r, p); });
}

}  // namespace kunren::web
