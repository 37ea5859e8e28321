// The administrator's routes (docs/api.md, "Administration"): users with
// their roles, organisation memberships, passwords and the disabled flag;
// organisations; the audit log. Every route is for the admin role only
// (Action::kManageUsers / kManageOrgs / kViewAuditLog); every other caller
// gets 403, audited as "auth.refused".
//
// Input rules are those of the CLI (`kunren user add`, `kunren org add`):
// logins of 1–64 letters, digits, '.', '_', '-' or '@'; organisation ids of
// 1–200 bytes of text without control characters or spaces at either end;
// the password policy of util/password.hpp. Everything is checked before
// anything is written, and each change is one store call (one transaction
// with its audit entry). Unknown fields are refused, so a typo never passes
// silently.
//
// Lock-out protection: an administrator cannot disable themselves, remove
// their own admin role or set their own password here (the account page asks
// for the current one), and the last enabled administrator cannot lose the
// role or be disabled. Disabling a user or setting their password ends every
// session of that user.
#include <kunren/server/admin_support.hpp>
#include <kunren/server/api.hpp>
#include <kunren/server/api_support.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <set>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/server/authorize.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/util/password.hpp>

namespace kunren::server {

using nlohmann::json;

namespace admin {

json user_json(const store::User& user) {
  return {{"login", user.login},
          {"display_name", user.display_name},
          {"roles", roles_json(user.roles)},
          {"organizations", user.orgs},
          {"disabled", user.disabled},
          {"has_password", !user.password_hash.empty()},
          {"created_at", user.created_at}};
}

json org_json(const store::OrgRecord& org) {
  return {{"id", org.id},
          {"name", org.name},
          {"industry", org.industry},
          {"size", org.size},
          {"pseudonym", org.pseudonym},
          {"created_at", org.created_at}};
}

namespace {

Status bad(const std::string& message, const std::string& field) {
  return Status::bad_input(message, Location{{}, 0, 0, field});
}

// A whole number in [min, max] written in decimal digits only.
std::optional<std::int64_t> whole_number(const std::string& text, std::int64_t min, std::int64_t max) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  const std::int64_t value = std::stoll(text);
  if (value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace

Result<AuditFilter> audit_filter_from(const HttpRequest& r) {
  AuditFilter f;
  for (auto [name, target] : {std::pair{"object_type", &f.object_type}, std::pair{"object_id", &f.object_id},
                              std::pair{"actor", &f.actor}, std::pair{"action", &f.action}}) {
    std::string value = r.query_param(name);
    if (value.size() > 200) return bad(fmt::format("'{}' is longer than 200 bytes", name), name);
    if (Status s = store::check_text(value, fmt::format("'{}'", name)); !s.is_ok()) return bad(s.message(), name);
    *target = std::move(value);
  }
  if (const std::string limit = r.query_param("limit"); !limit.empty()) {
    auto n = whole_number(limit, 1, static_cast<std::int64_t>(k_audit_max_limit));
    if (!n) return bad(fmt::format("'limit' must be a whole number from 1 to {}", k_audit_max_limit), "limit");
    f.limit = static_cast<std::size_t>(*n);
  }
  if (const std::string before = r.query_param("before_id"); !before.empty()) {
    auto n = whole_number(before, 1, std::numeric_limits<std::int64_t>::max());
    if (!n) return bad("'before_id' must be a positive whole number (an entry id)", "before_id");
    f.before_id = *n;
  }
  return f;
}

bool audit_matches(const AuditFilter& f, const store::AuditEntry& e) {
  if (!f.object_type.empty() && e.object_type != f.object_type) return false;
  if (!f.object_id.empty() && e.object_id != f.object_id) return false;
  if (!f.actor.empty() && e.actor != f.actor) {
    const std::size_t colon = e.actor.find(':');
    if (f.actor.find(':') != std::string::npos || colon == std::string::npos ||
        std::string_view(e.actor).substr(colon + 1) != f.actor) {
      return false;
    }
  }
  if (!f.action.empty() && e.action != f.action) {
    if (e.action.size() <= f.action.size() || e.action.compare(0, f.action.size(), f.action) != 0 ||
        e.action[f.action.size()] != '.') {
      return false;
    }
  }
  return true;
}

Result<AuditPage> audit_page(store::Store& db, const AuditFilter& f) {
  store::AuditQuery q;
  q.object_type = f.object_type;
  q.object_id = f.object_id;
  // The store keeps the newest `limit` entries of the type and id (oldest
  // first). Read a batch, walk it newest first, and read a larger one while
  // the page is not full and older entries may remain.
  std::size_t batch = f.limit + 1;
  for (;;) {
    q.limit = batch;
    auto got = db.list_audit(q);
    if (!got) return got.status();
    const bool whole_log = got->size() < batch;
    AuditPage page;
    std::vector<std::int64_t> newer;  // matching ids at or after before_id, newest first
    bool more = false;
    for (auto it = got->rbegin(); it != got->rend(); ++it) {
      if (!audit_matches(f, *it)) continue;
      if (f.before_id > 0 && it->id >= f.before_id) {
        newer.push_back(it->id);
        continue;
      }
      if (page.entries.size() == f.limit) {
        more = true;
        break;
      }
      page.entries.push_back(*it);
    }
    if (more || whole_log) {
      if (more) page.older_before_id = page.entries.back().id;
      if (!newer.empty()) {
        // The newer page holds the `limit` entries just after this one.
        page.newer_before_id = newer.size() <= f.limit ? 0 : newer[newer.size() - f.limit] + 1;
      }
      return page;
    }
    batch *= 4;
  }
}

}  // namespace admin

namespace {

using admin::org_json;
using admin::user_json;

store::Actor actor_of(const Caller& who) { return store::Actor{"user:" + who.user.login}; }

// One percent-encoded path segment (for Location headers).
std::string segment(std::string_view text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) != 0 || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == '@') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += k_hex[ch >> 4];
      out += k_hex[ch & 15];
    }
  }
  return out;
}

HttpResponse bad_field(const std::string& field, const std::string& message) {
  return HttpResponse::error(422, "bad_input", message, field);
}

// 422 for the first field of `body` not in `allowed` (a typo never passes).
std::optional<HttpResponse> unknown_field(const json& body, std::initializer_list<const char*> allowed,
                                          const char* hint_field = nullptr, const char* hint = nullptr) {
  for (const auto& [key, value] : body.items()) {
    // (The binding is captured by name: clang before 16 cannot capture a structured binding.)
    const std::string& name = key;
    if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; }) != allowed.end()) {
      continue;
    }
    if (hint_field != nullptr && key == hint_field) return bad_field(key, hint);
    return bad_field(key, fmt::format("unknown field '{}'", key));
  }
  return std::nullopt;
}

// Same rule as `kunren user add`.
bool valid_login(const std::string& login) { return login.size() <= 64 && store::is_login(login); }

// Same rule as `kunren org add`.
bool valid_org_id(const std::string& id) {
  return !id.empty() && id.size() <= 200 && id.front() != ' ' && id.back() != ' ' &&
         store::check_text(id, "id").is_ok();
}

// An optional string field: nullopt if absent; a 422 if it is not a string,
// is longer than `max_bytes`, or holds control characters.
std::variant<std::optional<std::string>, HttpResponse> text_field(const json& body, const char* field,
                                                                  std::size_t max_bytes) {
  if (!body.contains(field)) return std::optional<std::string>();
  const json& v = body[field];
  if (!v.is_string()) return bad_field(field, fmt::format("'{}' must be a string", field));
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) return bad_field(field, fmt::format("'{}' is longer than {} bytes", field, max_bytes));
  if (Status st = store::check_text(s, fmt::format("'{}'", field)); !st.is_ok()) return bad_field(field, st.message());
  return std::optional<std::string>(s);
}

std::variant<std::vector<store::Role>, HttpResponse> roles_field(const json& v) {
  if (!v.is_array()) return bad_field("roles", "'roles' must be an array of role names");
  std::vector<store::Role> roles;
  for (const json& name : v) {
    std::optional<store::Role> role = name.is_string() ? store::parse_role(name.get<std::string>()) : std::nullopt;
    if (!role) {
      return bad_field("roles", fmt::format("unknown role {}; roles are admin, coordinator, evaluator, facilitator, "
                                            "participant and observer",
                                            name.dump()));
    }
    roles.push_back(*role);
  }
  return store::normalized_roles(std::move(roles));
}

// Organisation ids that must all exist (422 naming "organizations" otherwise).
std::variant<std::vector<std::string>, HttpResponse> orgs_field(store::Store& db, const json& v) {
  if (!v.is_array()) return bad_field("organizations", "'organizations' must be an array of organisation ids");
  std::vector<std::string> ids;
  for (const json& id : v) {
    if (!id.is_string()) return bad_field("organizations", "'organizations' must be an array of organisation ids");
    ids.push_back(id.get<std::string>());
  }
  ids = store::normalized_ids(std::move(ids));
  if (ids.empty()) return ids;
  auto all = db.list_orgs();
  if (!all) return HttpResponse::from_status(all.status());
  std::set<std::string> known;
  for (const auto& o : *all) known.insert(o.id);
  for (const auto& id : ids) {
    if (known.count(id) == 0) {
      return bad_field("organizations", fmt::format("organisation '{}' does not exist", id));
    }
  }
  return ids;
}

bool holds(const std::vector<store::Role>& roles, store::Role role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// The signed-in admin for a route, or the answer (401, 403 csrf, 403 refused).
std::variant<Caller, HttpResponse> admin_caller(ApiContext& c, const HttpRequest& r, bool changes_state, Action action) {
  auto got = caller(c, r, changes_state);
  if (std::holds_alternative<HttpResponse>(got)) return got;
  if (auto refusal = refuse_unless(std::get<Caller>(got), action, {})) return *refusal;
  return got;
}

// --- users ---------------------------------------------------------------------------

HttpResponse list_users(ApiContext& c, const HttpRequest& r) {
  auto got = admin_caller(c, r, false, Action::kManageUsers);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto users = who.db->list_users();
  if (!users) return HttpResponse::from_status(users.status());
  json out = json::array();
  for (const auto& u : *users) out.push_back(user_json(u));
  return HttpResponse::json(200, {{"users", out}});
}

HttpResponse get_user(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = admin_caller(c, r, false, Action::kManageUsers);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto user = who.db->get_user(p.at("login"));
  if (!user) return HttpResponse::from_status(user.status());
  return HttpResponse::json(200, user_json(*user));
}

HttpResponse create_user(ApiContext& c, const HttpRequest& r) {
  auto got = admin_caller(c, r, true, Action::kManageUsers);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  if (auto refusal = unknown_field(body, {"login", "display_name", "password", "roles", "organizations"})) {
    return *refusal;
  }
  if (!body.contains("login") || !body["login"].is_string()) return bad_field("login", "'login' must be a string");
  const std::string login = body["login"].get<std::string>();
  if (!valid_login(login)) {
    return bad_field("login", fmt::format("'{}' is not a valid login: use 1–64 letters, digits, '.', '_', '-' or '@'",
                                          login));
  }
  auto name = text_field(body, "display_name", 200);
  if (auto* refusal = std::get_if<HttpResponse>(&name)) return *refusal;
  std::string display_name = std::get<std::optional<std::string>>(name).value_or("");
  if (display_name.find_first_not_of(' ') == std::string::npos) display_name = login;
  std::string password;
  if (body.contains("password") && !body["password"].is_null()) {
    if (!body["password"].is_string()) return bad_field("password", "'password' must be a string");
    password = body["password"].get<std::string>();
    if (Status policy = util::check_password_policy(password); !policy.is_ok()) {
      return bad_field("password", policy.message());
    }
  }
  std::vector<store::Role> roles;
  if (body.contains("roles")) {
    auto checked = roles_field(body["roles"]);
    if (auto* refusal = std::get_if<HttpResponse>(&checked)) return *refusal;
    roles = std::get<std::vector<store::Role>>(checked);
  }
  std::vector<std::string> orgs;
  if (body.contains("organizations")) {
    auto checked = orgs_field(*who.db, body["organizations"]);
    if (auto* refusal = std::get_if<HttpResponse>(&checked)) return *refusal;
    orgs = std::get<std::vector<std::string>>(checked);
  }
  if (who.db->get_user(login)) {
    return HttpResponse::error(409, "exists", fmt::format("user '{}' exists already", login), "login");
  }
  store::User u;
  u.login = login;
  u.display_name = display_name;
  if (!password.empty()) {
    auto hash = util::hash_password(password);
    if (!hash) return HttpResponse::from_status(hash.status());
    u.password_hash = std::move(hash).value();
  }
  u.roles = roles;
  u.orgs = orgs;
  if (Status s = who.db->create_user(u, actor_of(who)); !s.is_ok()) {
    if (s.kind() == ErrorKind::kConflict) return HttpResponse::error(409, "exists", s.message(), "login");
    return HttpResponse::from_status(s);
  }
  auto created = who.db->get_user(login);
  if (!created) return HttpResponse::from_status(created.status());
  HttpResponse res = HttpResponse::json(201, user_json(*created));
  res.headers.emplace_back("Location", "/api/v1/users/" + segment(login));
  return res;
}

HttpResponse lockout(const std::string& code, const std::string& message, const std::string& field) {
  return HttpResponse::error(409, code, message, field);
}

// Whether `login` is the only enabled administrator.
Result<bool> last_enabled_admin(store::Store& db, const std::string& login) {
  auto users = db.list_users();
  if (!users) return users.status();
  for (const auto& u : *users) {
    if (u.login != login && !u.disabled && holds(u.roles, store::Role::kAdmin)) return false;
  }
  return true;
}

HttpResponse update_user(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = admin_caller(c, r, true, Action::kManageUsers);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  if (auto refusal = unknown_field(body, {"roles", "organizations", "disabled"}, "password",
                                   "set a password with POST /api/v1/users/{login}/password")) {
    return *refusal;
  }
  const bool changes_access = body.contains("roles") || body.contains("organizations");
  if (!changes_access && !body.contains("disabled")) {
    return bad_field("", "nothing to change: give roles, organizations or disabled");
  }
  if (changes_access && body.contains("disabled")) {
    // Each is one transaction; together they would be two.
    return bad_field("disabled", "change roles or organizations and 'disabled' in separate requests");
  }
  auto user = who.db->get_user(p.at("login"));
  if (!user) return HttpResponse::from_status(user.status());
  const bool self = user->login == who.user.login;
  const bool admin_now = holds(user->roles, store::Role::kAdmin);

  if (body.contains("disabled")) {
    if (!body["disabled"].is_boolean()) return bad_field("disabled", "'disabled' must be true or false");
    const bool disabled = body["disabled"].get<bool>();
    std::size_t ended = 0;
    if (disabled) {
      if (self) return lockout("own_account", "you cannot disable your own account", "disabled");
      if (admin_now && !user->disabled) {
        auto last = last_enabled_admin(*who.db, user->login);
        if (!last) return HttpResponse::from_status(last.status());
        if (*last) {
          return lockout("last_admin",
                         fmt::format("'{}' is the last enabled administrator and cannot be disabled", user->login),
                         "disabled");
        }
      }
    }
    if (disabled != user->disabled) {
      if (Status s = who.db->set_user_disabled(user->login, disabled, actor_of(who)); !s.is_ok()) {
        return HttpResponse::from_status(s);
      }
    }
    if (disabled) ended = c.sessions.destroy_all_for(user->login);
    auto now = who.db->get_user(user->login);
    if (!now) return HttpResponse::from_status(now.status());
    json out = user_json(*now);
    out["sessions_ended"] = ended;
    return HttpResponse::json(200, out);
  }

  std::vector<store::Role> roles = user->roles;
  if (body.contains("roles")) {
    auto checked = roles_field(body["roles"]);
    if (auto* refusal = std::get_if<HttpResponse>(&checked)) return *refusal;
    roles = std::get<std::vector<store::Role>>(checked);
  }
  std::vector<std::string> orgs = user->orgs;
  if (body.contains("organizations")) {
    auto checked = orgs_field(*who.db, body["organizations"]);
    if (auto* refusal = std::get_if<HttpResponse>(&checked)) return *refusal;
    orgs = std::get<std::vector<std::string>>(checked);
  }
  if (admin_now && !holds(roles, store::Role::kAdmin)) {
    if (self) return lockout("own_account", "you cannot remove your own administrator role", "roles");
    if (!user->disabled) {
      auto last = last_enabled_admin(*who.db, user->login);
      if (!last) return HttpResponse::from_status(last.status());
      if (*last) {
        return lockout("last_admin",
                       fmt::format("'{}' is the last enabled administrator and must keep the role", user->login),
                       "roles");
      }
    }
  }
  if (roles != user->roles || orgs != user->orgs) {
    if (Status s = who.db->set_user_access(user->login, roles, orgs, actor_of(who)); !s.is_ok()) {
      if (s.kind() == ErrorKind::kNotFound && s.message().find("organi") != std::string::npos) {
        return bad_field("organizations", s.message());  // removed in the meantime
      }
      return HttpResponse::from_status(s);
    }
  }
  auto now = who.db->get_user(user->login);
  if (!now) return HttpResponse::from_status(now.status());
  json out = user_json(*now);
  out["sessions_ended"] = 0;
  return HttpResponse::json(200, out);
}

HttpResponse set_password(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = admin_caller(c, r, true, Action::kManageUsers);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  if (auto refusal = unknown_field(body, {"password"})) return *refusal;
  if (!body.contains("password") || !body["password"].is_string()) {
    return bad_field("password", "'password' must be a string");
  }
  const std::string& password = body["password"].get_ref<const std::string&>();
  if (Status policy = util::check_password_policy(password); !policy.is_ok()) {
    return bad_field("password", policy.message());
  }
  auto user = who.db->get_user(p.at("login"));
  if (!user) return HttpResponse::from_status(user.status());
  if (user->login == who.user.login) {
    return lockout("own_account", "change your own password on your account page (PUT /api/v1/me/password)",
                   "password");
  }
  auto hash = util::hash_password(password);
  if (!hash) return HttpResponse::from_status(hash.status());
  if (Status s = who.db->set_password_hash(user->login, *hash, actor_of(who)); !s.is_ok()) {
    return HttpResponse::from_status(s);
  }
  const std::size_t ended = c.sessions.destroy_all_for(user->login);
  return HttpResponse::json(200, {{"login", user->login}, {"sessions_ended", ended}});
}

// --- organisations ----------------------------------------------------------------------

HttpResponse list_orgs(ApiContext& c, const HttpRequest& r) {
  auto got = admin_caller(c, r, false, Action::kManageOrgs);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto orgs = who.db->list_orgs();
  if (!orgs) return HttpResponse::from_status(orgs.status());
  json out = json::array();
  for (const auto& o : *orgs) out.push_back(org_json(o));
  return HttpResponse::json(200, {{"orgs", out}});
}

// name (required), industry and size of an organisation body.
std::variant<store::OrgRecord, HttpResponse> org_values(const json& body) {
  store::OrgRecord o;
  auto name = text_field(body, "name", 200);
  if (auto* refusal = std::get_if<HttpResponse>(&name)) return *refusal;
  o.name = std::get<std::optional<std::string>>(name).value_or("");
  if (o.name.find_first_not_of(' ') == std::string::npos) return bad_field("name", "'name' must not be empty");
  for (auto [field, target] : {std::pair{"industry", &o.industry}, std::pair{"size", &o.size}}) {
    auto value = text_field(body, field, 100);
    if (auto* refusal = std::get_if<HttpResponse>(&value)) return *refusal;
    *target = std::get<std::optional<std::string>>(value).value_or("");
  }
  return o;
}

constexpr const char* k_pseudonym_hint = "the pseudonym is assigned by Kunren and never changes";

HttpResponse create_org(ApiContext& c, const HttpRequest& r) {
  auto got = admin_caller(c, r, true, Action::kManageOrgs);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  if (auto refusal = unknown_field(body, {"id", "name", "industry", "size"}, "pseudonym", k_pseudonym_hint)) {
    return *refusal;
  }
  if (!body.contains("id") || !body["id"].is_string()) return bad_field("id", "'id' must be a string");
  const std::string id = body["id"].get<std::string>();
  if (!valid_org_id(id)) {
    return bad_field("id", fmt::format("'{}' is not a valid organisation id: 1–200 bytes of text without control "
                                       "characters or spaces at either end",
                                       id));
  }
  auto values = org_values(body);
  if (auto* refusal = std::get_if<HttpResponse>(&values)) return *refusal;
  store::OrgRecord o = std::get<store::OrgRecord>(values);
  o.id = id;
  if (who.db->get_org(id)) {
    return HttpResponse::error(409, "exists", fmt::format("organisation '{}' exists already", id), "id");
  }
  if (Status s = who.db->put_orgs({o}, actor_of(who)); !s.is_ok()) return HttpResponse::from_status(s);
  auto created = who.db->get_org(id);
  if (!created) return HttpResponse::from_status(created.status());
  HttpResponse res = HttpResponse::json(201, org_json(*created));
  res.headers.emplace_back("Location", "/api/v1/orgs/" + segment(id));
  return res;
}

HttpResponse update_org(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = admin_caller(c, r, true, Action::kManageOrgs);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  const std::string& id = p.at("id");
  if (auto refusal = unknown_field(body, {"id", "name", "industry", "size"}, "pseudonym", k_pseudonym_hint)) {
    return *refusal;
  }
  if (body.contains("id") && body["id"] != id) return bad_field("id", "the id of an organisation cannot be changed");
  auto values = org_values(body);
  if (auto* refusal = std::get_if<HttpResponse>(&values)) return *refusal;
  store::OrgRecord o = std::get<store::OrgRecord>(values);
  auto existing = who.db->get_org(id);
  if (!existing) return HttpResponse::from_status(existing.status());
  o.id = id;
  if (o.name != existing->name || o.industry != existing->industry || o.size != existing->size) {
    if (Status s = who.db->put_orgs({o}, actor_of(who)); !s.is_ok()) return HttpResponse::from_status(s);
  }
  auto now = who.db->get_org(id);
  if (!now) return HttpResponse::from_status(now.status());
  return HttpResponse::json(200, org_json(*now));
}

// --- the audit log ---------------------------------------------------------------------

json audit_json(const store::AuditEntry& e) {
  json detail = nullptr;
  if (!e.detail.empty()) {
    detail = json::parse(e.detail, nullptr, false);
    if (detail.is_discarded()) detail = e.detail;
  }
  return {{"id", e.id},           {"at", e.at},     {"actor", e.actor},         {"action", e.action},
          {"object_type", e.object_type}, {"object_id", e.object_id}, {"detail", detail}};
}

HttpResponse list_audit(ApiContext& c, const HttpRequest& r) {
  auto got = admin_caller(c, r, false, Action::kViewAuditLog);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto filter = admin::audit_filter_from(r);
  if (!filter) return HttpResponse::from_status(filter.status());
  auto page = admin::audit_page(*who.db, *filter);
  if (!page) return HttpResponse::from_status(page.status());
  json entries = json::array();
  for (const auto& e : page->entries) entries.push_back(audit_json(e));
  json out = {{"entries", entries}, {"limit", filter->limit}, {"older_before_id", nullptr}, {"newer_before_id", nullptr}};
  if (page->older_before_id) out["older_before_id"] = *page->older_before_id;
  if (page->newer_before_id) out["newer_before_id"] = *page->newer_before_id;
  return HttpResponse::json(200, out);
}

}  // namespace

void add_admin_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/users", "admin.users.list",
             [&context](const HttpRequest& r, const RouteParams&) { return list_users(context, r); });
  router.add("POST", "/api/v1/users", "admin.users.create",
             [&context](const HttpRequest& r, const RouteParams&) { return create_user(context, r); });
  router.add("GET", "/api/v1/users/{login}", "admin.users.get",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_user(context, r, p); });
  router.add("PATCH", "/api/v1/users/{login}", "admin.users.update",
             [&context](const HttpRequest& r, const RouteParams& p) { return update_user(context, r, p); });
  router.add("POST", "/api/v1/users/{login}/password", "admin.users.password",
             [&context](const HttpRequest& r, const RouteParams& p) { return set_password(context, r, p); });
  router.add("GET", "/api/v1/orgs", "admin.orgs.list",
             [&context](const HttpRequest& r, const RouteParams&) { return list_orgs(context, r); });
  router.add("POST", "/api/v1/orgs", "admin.orgs.create",
             [&context](const HttpRequest& r, const RouteParams&) { return create_org(context, r); });
  router.add("PUT", "/api/v1/orgs/{id}", "admin.orgs.update",
             [&context](const HttpRequest& r, const RouteParams& p) { return update_org(context, r, p); });
  router.add("GET", "/api/v1/audit", "admin.audit.list",
             [&context](const HttpRequest& r, const RouteParams&) { return list_audit(context, r); });
}

}  // namespace kunren::server
