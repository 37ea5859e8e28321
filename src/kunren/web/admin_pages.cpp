// The administrator's pages: /admin/users, /admin/orgs and /admin/audit.
// Each is rendered whole on the server (tables, filters, paging), so it reads
// well before any script runs; the scripts (admin.js and one per page) add
// the dialogs that change things through the JSON API (server/admin_api.cpp).
// Access: the same actions as the API (kManageUsers, kManageOrgs,
// kViewAuditLog: admins only); a refusal is the audited 403 page.
#include <kunren/web/pages.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include <kunren/server/admin_support.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/util/password.hpp>
#include <kunren/web/i18n.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;

namespace {

// `text` with each "{name}" replaced by its value.
// ASCII lower case (Japanese text is left as it is), for the search box.
std::string folded(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "2026-11-26T09:20:03.123456Z" → "2026-11-26 09:20:03".
std::string short_time(const std::string& at) {
  if (at.size() < 19) return at;
  std::string s = at.substr(0, 19);
  s[10] = ' ';
  return s;
}

// Runs the page handler for a signed-in caller allowed `action`.
template <typename Body>
HttpResponse admin_page(ApiContext& c, const HttpRequest& r, Action action, Body body) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  if (auto refused = refuse_page_unless(r, who, action, {})) return *refused;
  return body(who, request_lang(r));
}

// --- /admin/users ---------------------------------------------------------------------

HttpResponse users_page(ApiContext& c, const HttpRequest& r) {
  return admin_page(c, r, Action::kManageUsers, [&](Caller& who, const std::string& lang) {
    auto users = who.db->list_users();
    if (!users) return status_page(r, &who, users.status());
    auto orgs = who.db->list_orgs();
    if (!orgs) return status_page(r, &who, orgs.status());
    std::map<std::string, std::string> org_names;
    for (const auto& o : *orgs) org_names.emplace(o.id, o.name);

    const std::string q = query_param(r, "q");
    const std::string needle = folded(q);
    json rows = json::array();
    for (const auto& u : *users) {
      json roles = json::array();
      std::string search = u.login + " " + u.display_name;
      for (auto role : u.roles) {
        const std::string code = store::to_string(role);
        const std::string label = text(lang, "role." + code);
        roles.push_back({{"code", code}, {"label", label}});
        search += " " + code + " " + label;
      }
      json member_of = json::array();
      for (const auto& id : u.orgs) {
        auto it = org_names.find(id);
        const std::string name = it == org_names.end() ? id : it->second;
        member_of.push_back({{"id", id}, {"name", name}, {"same", name == id}});
        search += " " + id + " " + name;
      }
      search = folded(search);
      const bool shown = needle.empty() || search.find(needle) != std::string::npos;
      const char* status = u.disabled ? "disabled" : (u.password_hash.empty() ? "no_password" : "enabled");
      rows.push_back({{"login", u.login},
                      {"display_name", u.display_name},
                      {"roles", roles},
                      {"orgs", member_of},
                      {"status", status},
                      {"status_label", text(lang, std::string("admin.users.") + status)},
                      {"disabled", u.disabled},
                      {"created", u.created_at.substr(0, 10)},
                      {"self", u.login == who.user.login},
                      {"search", search},
                      {"hidden", !shown},
                      {"edit_label", fill(text(lang, "admin.users.edit_label"), {{"login", u.login}})}});
    }
    const std::size_t shown = static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [](const json& row) { return !row["hidden"].get<bool>(); }));

    json role_choices = json::array();
    for (auto role : store::all_roles()) {
      const std::string code = store::to_string(role);
      role_choices.push_back({{"code", code},
                              {"label", text(lang, "role." + code)},
                              {"hint", text(lang, "admin.users.role_hint." + code)},
                              {"admin", role == store::Role::kAdmin}});
    }
    json org_choices = json::array();
    for (const auto& o : *orgs) {
      org_choices.push_back({{"id", o.id}, {"name", o.name}, {"same", o.name == o.id},
                             {"search", folded(o.id + " " + o.name + " " + o.industry)}});
    }

    Page page;
    page.name = "admin_users";
    page.title = text(lang, "admin.users.title");
    page.wide = true;
    page.data = {{"users", rows},
                 {"q", q},
                 {"searching", !q.empty()},
                 {"none_match", shown == 0 && !rows.empty()},
                 {"no_users", rows.empty()},
                 {"count_text", fill(text(lang, "admin.users.count"),
                                     {{"shown", std::to_string(shown)}, {"total", std::to_string(rows.size())}})},
                 {"role_choices", role_choices},
                 {"org_choices", org_choices},
                 {"no_orgs", org_choices.empty()},
                 {"min_length", util::k_min_password_length}};
    page.scripts = {"admin.js", "admin_users.js"};
    page.styles = {"admin.css"};
    page.script_texts = {"admin"};
    return render_page(r, &who, page);
  });
}

// --- /admin/orgs ------------------------------------------------------------------------

HttpResponse orgs_page(ApiContext& c, const HttpRequest& r) {
  return admin_page(c, r, Action::kManageOrgs, [&](Caller& who, const std::string& lang) {
    auto orgs = who.db->list_orgs();
    if (!orgs) return status_page(r, &who, orgs.status());
    auto users = who.db->list_users();
    if (!users) return status_page(r, &who, users.status());
    std::map<std::string, int> members;
    for (const auto& u : *users) {
      for (const auto& id : u.orgs) ++members[id];
    }
    const std::string q = query_param(r, "q");
    const std::string needle = folded(q);
    std::set<std::string> industries, sizes;
    json rows = json::array();
    for (const auto& o : *orgs) {
      const std::string search = folded(o.id + " " + o.name + " " + o.industry + " " + o.size + " " + o.pseudonym);
      const bool shown = needle.empty() || search.find(needle) != std::string::npos;
      if (!o.industry.empty()) industries.insert(o.industry);
      if (!o.size.empty()) sizes.insert(o.size);
      rows.push_back({{"id", o.id},
                      {"name", o.name},
                      {"industry", o.industry},
                      {"size", o.size},
                      {"pseudonym", o.pseudonym},
                      {"created", o.created_at.substr(0, 10)},
                      {"members", members[o.id]},
                      {"members_href", "/admin/users?q=" + url_encode(o.id)},
                      {"search", search},
                      {"hidden", !shown},
                      {"edit_label", fill(text(lang, "admin.orgs.edit_label"), {{"name", o.name}})}});
    }
    const std::size_t shown = static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [](const json& row) { return !row["hidden"].get<bool>(); }));
    Page page;
    page.name = "admin_orgs";
    page.title = text(lang, "admin.orgs.title");
    page.wide = true;
    page.data = {{"orgs", rows},
                 {"q", q},
                 {"searching", !q.empty()},
                 {"none_match", shown == 0 && !rows.empty()},
                 {"no_orgs", rows.empty()},
                 {"count_text", fill(text(lang, "admin.orgs.count"),
                                     {{"shown", std::to_string(shown)}, {"total", std::to_string(rows.size())}})},
                 {"industries", json(industries)},
                 {"sizes", json(sizes)}};
    page.scripts = {"admin.js", "admin_orgs.js"};
    page.styles = {"admin.css"};
    page.script_texts = {"admin"};
    return render_page(r, &who, page);
  });
}

// --- /admin/audit -----------------------------------------------------------------------

// A detail value as people read it: text as it is, lists joined, the rest as JSON.
std::string readable(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const json& item : v) out += (out.empty() ? "" : ", ") + readable(item);
    return out.empty() ? "—" : out;
  }
  if (v.is_null()) return "—";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

json detail_pairs(const std::string& detail) {
  json pairs = json::array();
  if (detail.empty()) return pairs;
  json parsed = json::parse(detail, nullptr, false);
  if (parsed.is_object()) {
    for (const auto& [key, value] : parsed.items()) pairs.push_back({{"key", key}, {"value", readable(value)}});
  } else {
    pairs.push_back({{"key", "detail"}, {"value", detail}});
  }
  return pairs;
}

// The audit page's link with the current filters and `before_id` (0: none).
std::string audit_href(const server::admin::AuditFilter& f, std::int64_t before_id) {
  std::string query;
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + url_encode(value);
  };
  add("object_type", f.object_type);
  add("object_id", f.object_id);
  add("actor", f.actor);
  add("action", f.action);
  if (f.limit != server::admin::k_audit_default_limit) add("limit", std::to_string(f.limit));
  if (before_id > 0) add("before_id", std::to_string(before_id));
  return "/admin/audit" + query;
}

// The audit actions Kunren writes, for the filter's suggestions.
const std::vector<std::string>& known_actions() {
  static const std::vector<std::string> actions = {
      "auth.refused",    "auth.sign_in",      "auth.sign_in_failed", "auth.throttled", "campaign.coordinators",
      "campaign.create", "campaign.export",   "campaign.restore",    "campaign.state", "checklist.put",
      "org.put",         "revision.append",   "revision.import",     "user.access",    "user.create",
      "user.disabled",   "user.password"};
  return actions;
}

std::string action_label(const std::string& lang, const std::string& action) {
  std::string key = action;
  std::replace(key.begin(), key.end(), '.', '_');
  const std::string dotted = "admin.audit.action_names." + key;
  std::string label = text(lang, dotted);
  return label == dotted ? std::string() : label;
}

HttpResponse audit_page(ApiContext& c, const HttpRequest& r) {
  return admin_page(c, r, Action::kViewAuditLog, [&](Caller& who, const std::string& lang) {
    Page page;
    page.name = "admin_audit";
    page.title = text(lang, "admin.audit.title");
    page.wide = true;
    page.styles = {"admin.css"};
    // Filters and paging are plain links and a GET form: no script.

    json actions = json::array();
    for (const auto& a : known_actions()) actions.push_back({{"code", a}, {"label", action_label(lang, a)}});
    json limits = json::array();
    auto filter = server::admin::audit_filter_from(r);
    const std::size_t limit = filter ? filter->limit : server::admin::k_audit_default_limit;
    for (std::size_t n : {50, 100, 200, 500, 1000}) {
      limits.push_back({{"value", n}, {"selected", n == limit}});
    }
    page.data = {{"known_actions", actions},
                 {"limits", limits},
                 {"object_types", json::array({"campaign", "evaluation", "org", "user", "checklist"})}};
    const server::admin::AuditFilter shown = filter ? *filter : server::admin::AuditFilter{};
    page.data["filter"] = {{"object_type", query_param(r, "object_type")},
                           {"object_id", query_param(r, "object_id")},
                           {"actor", query_param(r, "actor")},
                           {"action", query_param(r, "action")}};
    const bool filtered = !shown.object_type.empty() || !shown.object_id.empty() || !shown.actor.empty() ||
                          !shown.action.empty();
    page.data["filtered"] = filtered;
    server::admin::AuditFilter refusals;
    refusals.action = "auth.refused";
    page.data["refusals_href"] = audit_href(refusals, 0);
    page.data["refusals_current"] = shown.action == "auth.refused" && shown.object_type.empty() &&
                                    shown.object_id.empty() && shown.actor.empty();
    if (!filter) {
      page.data["error"] = fmt::format("{} ({})", text(lang, "admin.audit.bad_filter"), filter.status().message());
      page.data["entries"] = json::array();
      return render_page(r, &who, page, 422);
    }
    auto got = server::admin::audit_page(*who.db, *filter);
    if (!got) return status_page(r, &who, got.status());

    json entries = json::array();
    for (const auto& e : got->entries) {
      server::admin::AuditFilter by_actor;
      by_actor.actor = e.actor;
      server::admin::AuditFilter by_object;
      by_object.object_type = e.object_type;
      by_object.object_id = e.object_id;
      entries.push_back({{"id", e.id},
                         {"at", short_time(e.at)},
                         {"at_full", e.at},
                         {"actor", e.actor},
                         {"actor_href", audit_href(by_actor, 0)},
                         {"action", e.action},
                         {"action_label", action_label(lang, e.action)},
                         {"has_action_label", !action_label(lang, e.action).empty()},
                         {"refused", e.action == "auth.refused"},
                         {"object_type", e.object_type},
                         {"object_id", e.object_id},
                         {"has_object", !e.object_type.empty() || !e.object_id.empty()},
                         {"object_href", audit_href(by_object, 0)},
                         {"has_object_id", !e.object_id.empty()},
                         {"detail", detail_pairs(e.detail)},
                         {"has_detail", !e.detail.empty()}});
    }
    page.data["entries"] = entries;
    page.data["empty"] = entries.empty();
    if (!got->entries.empty()) {
      page.data["showing"] = fill(text(lang, "admin.audit.showing"),
                                  {{"n", std::to_string(got->entries.size())},
                                   {"first", std::to_string(got->entries.front().id)},
                                   {"last", std::to_string(got->entries.back().id)}});
    }
    page.data["has_paging"] = got->older_before_id.has_value() || got->newer_before_id.has_value();
    if (got->newer_before_id) {
      page.data["newer_href"] = audit_href(*filter, *got->newer_before_id);
      if (*got->newer_before_id != 0) page.data["newest_href"] = audit_href(*filter, 0);
    }
    if (got->older_before_id) page.data["older_href"] = audit_href(*filter, *got->older_before_id);
    return render_page(r, &who, page);
  });
}

}  // namespace

void add_admin_pages(Router& router, ApiContext& context) {
  router.add("GET", "/admin/users", "page.admin.users",
             [&context](const HttpRequest& r, const RouteParams&) { return users_page(context, r); });
  router.add("GET", "/admin/orgs", "page.admin.orgs",
             [&context](const HttpRequest& r, const RouteParams&) { return orgs_page(context, r); });
  router.add("GET", "/admin/audit", "page.admin.audit",
             [&context](const HttpRequest& r, const RouteParams&) { return audit_page(context, r); });
}

}  // namespace kunren::web
