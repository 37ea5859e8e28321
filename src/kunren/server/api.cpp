#include <kunren/server/api.hpp>
#include <kunren/server/api_support.hpp>

#include <algorithm>
#include <map>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/analysis/analysis.hpp>
#include <kunren/report/json_report.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/store/bundle.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/password.hpp>

namespace kunren::server {

using nlohmann::json;

Result<store::Store*> thread_store(const std::string& url) {
  thread_local std::map<std::string, std::unique_ptr<store::Store>> stores;
  auto it = stores.find(url);
  if (it == stores.end()) {
    auto opened = store::open_store(url);
    if (!opened) return opened.status();
    it = stores.emplace(url, std::move(opened).value()).first;
  }
  return it->second.get();
}

std::string session_cookie(const ApiContext& c, const std::string& value, bool expire) {
  std::string cookie = fmt::format("{}={}; Path=/; HttpOnly; SameSite=Lax", k_session_cookie, value);
  if (expire) cookie += "; Max-Age=0";
  if (c.secure_cookies) cookie += "; Secure";
  return cookie;
}

json roles_json(const std::vector<store::Role>& roles) {
  json out = json::array();
  for (auto r : roles) out.push_back(store::to_string(r));
  return out;
}

std::optional<Session> current_session(ApiContext& c, const HttpRequest& r) {
  const std::string id = r.cookie(k_session_cookie);
  if (id.empty()) return std::nullopt;
  return c.sessions.find(id, Clock::now());
}

std::optional<HttpResponse> refuse_cross_site(const HttpRequest& r) {
  const std::string_view site = r.header("sec-fetch-site");
  if (site == "cross-site" || site == "same-site") {
    return HttpResponse::error(403, "csrf", "a request from another site may not change anything here",
                               "Sec-Fetch-Site");
  }
  if (r.header("origin") == "null") {
    return HttpResponse::error(403, "csrf", "a request from an opaque origin may not change anything here", "Origin");
  }
  return std::nullopt;
}

HttpResponse not_signed_in() {
  return HttpResponse::error(401, "not_signed_in", "sign in first (POST /api/v1/session)");
}

std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::variant<json, HttpResponse> json_body(const HttpRequest& r) {
  const std::string_view type = r.header("content-type");
  if (type.substr(0, 16) != "application/json") {
    return HttpResponse::error(415, "unsupported_media_type", "send the body as application/json", "Content-Type");
  }
  // Copying or printing a JSON value recurses once per level: a body nested
  // a few hundred thousand levels deep (it fits in 1 MiB) would overflow an
  // I/O thread's stack in any handler that copies part of it. No request of
  // the API comes near this depth.
  if (json_depth(r.body) > k_max_json_depth) {
    return HttpResponse::error(400, "bad_json",
                               fmt::format("the body is nested deeper than {} levels", k_max_json_depth));
  }
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return HttpResponse::error(400, "bad_json", "the body is not valid JSON");
  if (!body.is_object()) return HttpResponse::error(422, "bad_input", "the body must be a JSON object");
  return body;
}

namespace {

HttpResponse sign_in(ApiContext& c, const HttpRequest& r) {
  // Signing a browser in to the attacker's account (login CSRF) is refused
  // like any other cross-site change.
  if (auto refusal = refuse_cross_site(r)) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  for (const char* field : {"login", "password"}) {
    if (!body.contains(field) || !body[field].is_string() || body[field].get_ref<const std::string&>().empty()) {
      return HttpResponse::error(422, "bad_input", fmt::format("'{}' must be a non-empty string", field), field);
    }
  }
  auto db = thread_store(c.db_url);
  if (!db) return HttpResponse::from_status(db.status());
  const std::string login = body["login"].get<std::string>();
  SignInOutcome outcome =
      c.authenticator->sign_in(**db, login, body["password"].get_ref<const std::string&>(), r.remote_address, Clock::now());
  switch (outcome.code) {
    case SignInCode::kOk: break;
    case SignInCode::kInvalidCredentials: return HttpResponse::error(401, "invalid_credentials", outcome.message);
    case SignInCode::kDisabled: return HttpResponse::error(403, "account_disabled", outcome.message);
    case SignInCode::kThrottled: {
      HttpResponse refused = HttpResponse::error(429, "too_many_attempts", outcome.message);
      refused.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, outcome.retry_after.count())));
      return refused;
    }
    case SignInCode::kError: return HttpResponse::from_status(outcome.status);
  }
  // A session the browser had before signing in is ended: the new one has a
  // new id (no session fixation).
  if (const std::string old = r.cookie(k_session_cookie); !old.empty()) c.sessions.destroy(old);
  const Session& s = *outcome.session;
  auto user = (*db)->get_user(s.login);
  if (!user) return HttpResponse::from_status(user.status());
  HttpResponse ok = HttpResponse::json(200, {{"login", user->login},
                                             {"display_name", user->display_name},
                                             {"roles", roles_json(user->roles)},
                                             {"organizations", user->orgs},
                                             {"csrf_token", s.csrf_token}});
  ok.headers.emplace_back("Set-Cookie", session_cookie(c, s.id, false));
  return ok;
}

}  // namespace

std::variant<CampaignCall, HttpResponse> campaign_call(ApiContext& c, const HttpRequest& r, const RouteParams& p,
                                                       bool changes_state) {
  auto got = caller(c, r, changes_state);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  return CampaignCall{std::move(who), std::move(campaign).value()};
}

std::variant<Caller, HttpResponse> caller(ApiContext& c, const HttpRequest& r, bool changes_state) {
  auto session = current_session(c, r);
  if (!session) return not_signed_in();
  if (changes_state && !SessionManager::csrf_ok(*session, r.header("x-csrf-token"))) {
    return HttpResponse::error(403, "csrf", "the X-CSRF-Token header is missing or wrong", "X-CSRF-Token");
  }
  if (changes_state) {
    if (auto refusal = refuse_cross_site(r)) return *refusal;
  }
  auto db = thread_store(c.db_url);
  if (!db) return HttpResponse::from_status(db.status());
  auto user = (*db)->get_user(session->login);
  // A store that cannot answer (database down, disk trouble) says nothing
  // about the user: refuse this request (5xx), keep the session.
  if (!user && user.status().kind() != ErrorKind::kNotFound && user.status().kind() != ErrorKind::kBadInput)
    return HttpResponse::from_status(user.status());
  if (!user || user->disabled) {
    // Removed or disabled since signing in: the session ends here.
    c.sessions.destroy(session->id);
    return not_signed_in();
  }
  c.sessions.touch(session->id, Clock::now());
  Principal who = principal_of(*user);
  return Caller{*db, *session, std::move(user).value(), std::move(who)};
}

namespace {

HttpResponse sign_out(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  c.sessions.destroy(std::get<Caller>(got).session.id);
  HttpResponse done;
  done.status = 204;
  done.headers.emplace_back("Set-Cookie", session_cookie(c, "", true));
  return done;
}

HttpResponse me(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  const store::User& user = std::get<Caller>(got).user;
  return HttpResponse::json(200, {{"login", user.login},
                                  {"display_name", user.display_name},
                                  {"roles", roles_json(user.roles)},
                                  {"organizations", user.orgs}});
}

// --- campaigns and evaluations -------------------------------------------------------

// PUT /api/v1/me/password {"current_password", "new_password"}: the current
// password is checked through the Authenticator (throttled and audited like
// a sign-in); then every session of the user ends, and this browser gets a
// new one (cookie and CSRF token in the answer), so a stolen session dies.
HttpResponse change_password(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  if (auto refusal = refuse_unless(who, Action::kChangeOwnPassword, {})) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  for (const char* field : {"current_password", "new_password"}) {
    if (!body.contains(field) || !body[field].is_string()) {
      return HttpResponse::error(422, "bad_input", fmt::format("'{}' must be a string", field), field);
    }
  }
  const std::string& fresh = body["new_password"].get_ref<const std::string&>();
  if (Status policy = util::check_password_policy(fresh); !policy.is_ok()) {
    return HttpResponse::error(422, "bad_input", policy.message(), "new_password");
  }
  SignInOutcome check = c.authenticator->sign_in(*who.db, who.user.login, body["current_password"].get<std::string>(),
                                                 r.remote_address, Clock::now());
  switch (check.code) {
    case SignInCode::kOk: break;
    case SignInCode::kInvalidCredentials:
      return HttpResponse::error(422, "wrong_password", "the current password is wrong", "current_password");
    case SignInCode::kThrottled: {
      HttpResponse refused = HttpResponse::error(429, "too_many_attempts", check.message);
      refused.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, check.retry_after.count())));
      return refused;
    }
    case SignInCode::kDisabled: return HttpResponse::error(403, "account_disabled", check.message);
    case SignInCode::kError: return HttpResponse::from_status(check.status);
  }
  auto hash = util::hash_password(fresh);
  if (!hash) return HttpResponse::from_status(hash.status());
  if (Status s = who.db->set_password_hash(who.user.login, *hash, store::Actor{"user:" + who.user.login}); !s.is_ok()) {
    return HttpResponse::from_status(s);
  }
  c.sessions.destroy_all_for(who.user.login);
  const Session s = c.sessions.create(who.user.login, Clock::now());
  HttpResponse ok = HttpResponse::json(200, {{"login", who.user.login}, {"csrf_token", s.csrf_token}});
  ok.headers.emplace_back("Set-Cookie", session_cookie(c, s.id, false));
  return ok;
}

}  // namespace

std::optional<HttpResponse> refuse_unless(const Caller& who, Action action, const Resource& what) {
  Decision d = authorize(who.who, action, what);
  if (d) return std::nullopt;
  (void)audit_refusal(*who.db, who.who, action, what, d);
  return HttpResponse::error(403, "forbidden", d.reason);
}

json campaign_json(const store::CampaignRecord& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"state", store::to_string(c.state)},
          {"checklist_id", c.checklist_id},
          {"checklist_version", c.checklist_version},
          {"opens_on", c.opens_on},
          {"closes_on", c.closes_on},
          {"min_group", c.min_group},
          {"coordinators", c.coordinators}};
}

Result<bool> participated(store::Store& db, const std::string& campaign, const std::string& org) {
  store::LatestQuery q;
  q.org = org;
  q.with_answers = false;
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  return !latest->empty();
}

Result<std::string> participating_org(const Caller& who, const store::CampaignRecord& campaign) {
  for (const std::string& org : who.who.orgs) {
    auto took_part = participated(*who.db, campaign.id, org);
    if (!took_part) return took_part.status();
    if (authorize(who.who, Action::kViewPublishedResults, Resource::of(campaign, org, *took_part))) return org;
  }
  return std::string();
}


void add_session_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/session", "session.create",
             [&context](const HttpRequest& r, const RouteParams&) { return sign_in(context, r); });
  router.add("DELETE", "/api/v1/session", "session.delete",
             [&context](const HttpRequest& r, const RouteParams&) { return sign_out(context, r); });
  router.add("GET", "/api/v1/me", "session.me",
             [&context](const HttpRequest& r, const RouteParams&) { return me(context, r); });
  router.add("PUT", "/api/v1/me/password", "session.change_password",
             [&context](const HttpRequest& r, const RouteParams&) { return change_password(context, r); });
}

}  // namespace kunren::server
