// Preparedness routes under /api/v1/orgs/{org}/prepare (docs/api.md
// "Preparedness records"): the overview of an organisation's six records,
// the latest revision of one (or the starting template when there is none),
// its history, one past revision, and saving a new revision.
//
// Every request makes one authorize() call — kViewPreparedness to read,
// kEditPreparedness to save, on Resource{org} — and a refusal is the audited
// 403 of every route. A save is checked with model::canonical_prep_document
// (422 naming the field as "document.<path>") and stored with
// Store::append_org_document on the revision the client loaded ("base_no"),
// so two people editing at once cannot overwrite each other: the second gets
// 409 "stale" and reloads. The store writes the audit entry of a save.
#include <kunren/server/api.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/server/api_support.hpp>
#include <kunren/server/prep_support.hpp>

namespace kunren::server {

using nlohmann::json;

// --- shared (prep_support.hpp) ------------------------------------------------------

std::string today_utc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

json prep_revision_json(const store::OrgDocument& d) {
  return {{"no", d.no}, {"author", d.author}, {"at", d.created_at}};
}

namespace {

// The latest revision of (org, kind) parsed by `parse`, or nullopt.
template <class T, class Parse>
Result<std::optional<T>> latest_parsed(store::Store& db, const std::string& org, model::PrepKind kind, Parse parse,
                                       std::optional<store::OrgDocument>* doc = nullptr) {
  auto latest = db.latest_org_document(org, model::to_string(kind));
  if (!latest) return latest.status();
  if (doc) *doc = *latest;
  if (!*latest) return std::optional<T>();
  const json j = json::parse((*latest)->content, nullptr, false);
  if (j.is_discarded()) return std::optional<T>();
  auto parsed = parse(j);
  if (!parsed) return std::optional<T>();  // stored before a rule changed: shown as none, not an error
  return std::optional<T>(std::move(parsed).value());
}

}  // namespace

Result<json> prep_overview_json(store::Store& db, const std::string& org, std::string_view today) {
  auto record = db.get_org(org);
  if (!record) return record.status();
  json records = json::array();
  for (model::PrepKind kind : model::all_prep_kinds()) {
    auto latest = db.latest_org_document(org, model::to_string(kind));
    if (!latest) return latest.status();
    json r = {{"kind", model::to_string(kind)}, {"no", 0}, {"author", ""}, {"at", ""}};
    if (*latest) r.update(prep_revision_json(**latest));
    const json content = *latest ? json::parse((*latest)->content, nullptr, false) : json();
    if (kind == model::PrepKind::kContactTree) {
      json stale = json::array();
      if (content.is_object()) {
        if (auto tree = model::parse_contact_tree(content)) {
          for (const auto* e : model::stale_entries(*tree, today))
            stale.push_back({{"id", e->id}, {"name", e->name}, {"last_confirmed", e->last_confirmed}});
          r["stale_after_days"] = tree->stale_after_days;
          r["entries"] = tree->entries.size();
        }
      }
      r["stale_entries"] = stale.size();
      r["stale"] = stale;
    } else if (kind == model::PrepKind::kImprovementPlan) {
      std::size_t overdue = 0, open = 0;
      if (content.is_object()) {
        if (auto plan = model::parse_improvement_plan(content)) {
          for (const auto& item : plan->items) {
            overdue += model::overdue(item, today) ? 1 : 0;
            open += item.status == "open" || item.status == "in-progress" ? 1 : 0;
          }
        }
      }
      r["overdue_items"] = overdue;
      r["open_items"] = open;
    }
    records.push_back(std::move(r));
  }
  return json{{"org", {{"id", record->id}, {"name", record->name}}}, {"today", std::string(today)}, {"records", records}};
}

Result<json> drill_contact_tree_json(store::Store& db, const std::string& org, std::string_view today) {
  std::optional<store::OrgDocument> doc;
  auto tree = latest_parsed<model::ContactTree>(db, org, model::PrepKind::kContactTree, model::parse_contact_tree,
                                                &doc);
  if (!tree) return tree.status();
  if (!*tree) return json(nullptr);
  const model::ContactTree& t = **tree;
  std::vector<const model::ContactEntry*> order = model::escalation_order(t);
  for (const auto& e : t.entries)
    if (e.escalation <= 0) order.push_back(&e);
  const auto stale = model::stale_entries(t, today);
  json entries = json::array();
  for (const auto* e : order) {
    json channels = json::array();
    for (const auto& c : e->channels) channels.push_back({{"kind", c.kind}, {"value", c.value}, {"note", c.note}});
    const auto* backup = e->backup.empty() ? nullptr : model::find_entry(t, e->backup);
    entries.push_back({{"id", e->id},
                       {"name", e->name},
                       {"function", e->function},
                       {"external", e->external},
                       {"organisation", e->organisation},
                       {"channels", channels},
                       {"backup", e->backup},
                       {"backup_name", backup ? backup->name : e->backup},
                       {"escalation", e->escalation},
                       {"last_confirmed", e->last_confirmed},
                       {"notes", e->notes},
                       {"stale", std::find(stale.begin(), stale.end(), e) != stale.end()}});
  }
  return json{{"no", doc->no},
              {"at", doc->created_at},
              {"stale_after_days", t.stale_after_days},
              {"entries", entries},
              {"stale_count", stale.size()}};
}

namespace {

// The caller and the organisation of a preparedness request, access decided.
struct PrepCall {
  Caller who;
  std::string org;
};

// 401 / 403 csrf / the audited 403 (action on Resource{org}) or the call.
std::variant<PrepCall, HttpResponse> prep_call(ApiContext& c, const HttpRequest& r, const RouteParams& p,
                                               Action action, bool changes_state) {
  auto got = caller(c, r, changes_state);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  PrepCall call{std::move(std::get<Caller>(got)), p.at("org")};
  Resource what;
  what.org = call.org;
  if (auto refusal = refuse_unless(call.who, action, what)) return *refusal;
  return call;
}

#define KUNREN_PREP_CALL(action, changes)                                     \
  auto got = prep_call(c, r, p, action, changes);                            \
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;     \
  PrepCall& call = std::get<PrepCall>(got);

std::variant<model::PrepKind, HttpResponse> kind_of(const RouteParams& p) {
  const std::string& name = p.at("kind");
  if (auto kind = model::parse_prep_kind(name)) return *kind;
  return HttpResponse::error(404, "not_found", fmt::format("no preparedness record kind '{}'", name), "kind");
}

#define KUNREN_PREP_KIND                                                      \
  auto kind_or = kind_of(p);                                                 \
  if (auto* refusal = std::get_if<HttpResponse>(&kind_or)) return *refusal; \
  const model::PrepKind kind = std::get<model::PrepKind>(kind_or);

std::string lang_of(const HttpRequest& r) { return r.query_param("lang") == "en" ? "en" : "ja"; }

json document_of(const store::OrgDocument& d) {
  json j = json::parse(d.content, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

// GET /api/v1/orgs/{org}/prepare
HttpResponse overview(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_PREP_CALL(Action::kViewPreparedness, false)
  auto out = prep_overview_json(*call.who.db, call.org, today_utc());
  if (!out) return HttpResponse::from_status(out.status());
  return HttpResponse::json(200, *out);
}

// GET /api/v1/orgs/{org}/prepare/{kind}
HttpResponse show(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_PREP_CALL(Action::kViewPreparedness, false)
  KUNREN_PREP_KIND
  auto latest = call.who.db->latest_org_document(call.org, model::to_string(kind));
  if (!latest) return HttpResponse::from_status(latest.status());
  json out = {{"org", call.org}, {"kind", model::to_string(kind)}};
  if (*latest) {
    out.update(prep_revision_json(**latest));
    out["document"] = document_of(**latest);
  } else {
    out.update({{"no", 0}, {"author", ""}, {"at", ""}, {"document", nullptr}});
    out["template"] = model::prep_template(kind, lang_of(r));
  }
  return HttpResponse::json(200, out);
}

// GET /api/v1/orgs/{org}/prepare/{kind}/revisions
HttpResponse history(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_PREP_CALL(Action::kViewPreparedness, false)
  KUNREN_PREP_KIND
  auto all = call.who.db->org_document_history(call.org, model::to_string(kind));
  if (!all) return HttpResponse::from_status(all.status());
  json list = json::array();
  for (auto it = all->rbegin(); it != all->rend(); ++it) list.push_back(prep_revision_json(*it));  // newest first
  return HttpResponse::json(200, {{"org", call.org}, {"kind", model::to_string(kind)}, {"revisions", list}});
}

// GET /api/v1/orgs/{org}/prepare/{kind}/revisions/{no}
HttpResponse revision(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_PREP_CALL(Action::kViewPreparedness, false)
  KUNREN_PREP_KIND
  int no = 0;
  try {
    std::size_t used = 0;
    no = std::stoi(p.at("no"), &used);
    if (used != p.at("no").size()) no = 0;
  } catch (const std::exception&) {
    no = 0;
  }
  if (no < 1) return HttpResponse::error(404, "not_found", "revision numbers start at 1", "no");
  auto doc = call.who.db->get_org_document(call.org, model::to_string(kind), no);
  if (!doc) return HttpResponse::from_status(doc.status());
  json out = {{"org", call.org}, {"kind", model::to_string(kind)}};
  out.update(prep_revision_json(*doc));
  out["document"] = document_of(*doc);
  return HttpResponse::json(200, out);
}

// PUT /api/v1/orgs/{org}/prepare/{kind} {"base_no": n, "document": {…}}
HttpResponse save(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_PREP_CALL(Action::kEditPreparedness, true)
  KUNREN_PREP_KIND
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  const json base = body.value("base_no", json());
  if (!base.is_number_integer() || base.get<long long>() < 0 || base.get<long long>() > 1'000'000'000)
    return HttpResponse::error(422, "bad_input", "'base_no' must be the number of the revision the edit started from (0: none)",
                               "base_no");
  const json document = body.value("document", json());
  if (!document.is_object()) return HttpResponse::error(422, "bad_input", "'document' must be an object", "document");
  auto canonical = model::canonical_prep_document(kind, document);
  if (!canonical) {
    const Status& st = canonical.status();
    const std::string& field = st.where().field;
    return HttpResponse::error(http_status_for(st.kind()),
                               st.kind() == ErrorKind::kBadInput ? "bad_input" : error_code_name(st.kind()), st.message(),
                               field.empty() ? std::string("document")
                                             : "document" + std::string(field.front() == '[' ? "" : ".") + field);
  }
  const int base_no = static_cast<int>(base.get<long long>());
  auto stored = call.who.db->append_org_document(call.org, model::to_string(kind), base_no,
                                                 model::canonical_json(*canonical),
                                                 store::Actor{"user:" + call.who.who.login});
  if (!stored) {
    const Status& st = stored.status();
    if (st.kind() != ErrorKind::kConflict) return HttpResponse::from_status(st);
    auto latest = call.who.db->latest_org_document(call.org, model::to_string(kind));
    const int latest_no = latest && *latest ? (*latest)->no : 0;
    HttpResponse stale = HttpResponse::error(
        409, "stale",
        fmt::format("someone else saved this record in the meantime (revision {} is now the latest, this edit "
                    "started from {}); reload it before saving",
                    latest_no, base_no),
        "base_no");
    json out = json::parse(stale.body);
    out["latest_no"] = latest_no;
    stale.body = out.dump();
    return stale;
  }
  json out = {{"org", call.org}, {"kind", model::to_string(kind)}};
  out.update(prep_revision_json(*stored));
  out["document"] = document_of(*stored);
  return HttpResponse::json(200, out);
}

}  // namespace

void add_prep_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/orgs/{org}/prepare", "prepare.overview",
             [&context](const HttpRequest& r, const RouteParams& p) { return overview(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/prepare/{kind}", "prepare.get",
             [&context](const HttpRequest& r, const RouteParams& p) { return show(context, r, p); });
  router.add("PUT", "/api/v1/orgs/{org}/prepare/{kind}", "prepare.save",
             [&context](const HttpRequest& r, const RouteParams& p) { return save(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/prepare/{kind}/revisions", "prepare.revisions",
             [&context](const HttpRequest& r, const RouteParams& p) { return history(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/prepare/{kind}/revisions/{no}", "prepare.revision",
             [&context](const HttpRequest& r, const RouteParams& p) { return revision(context, r, p); });
}

}  // namespace kunren::server
