// Shared pieces of the API and page handlers (internal to src/kunren/server
// and src/kunren/web): who is calling, the one authorisation gate with its
// audited refusal, JSON bodies, and the JSON shapes several routes return.
// Every handler that acts for a signed-in user starts with caller() and
// decides access with refuse_unless() (or authorize() for filtering lists).
// Thread safety: as api.hpp — call from the I/O thread handling the request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/server/api.hpp>
#include <kunren/server/authorize.hpp>

namespace kunren::server {

// The signed-in user of a request as a Principal, with this thread's Store.
struct Caller {
  store::Store* db = nullptr;
  Session session;
  store::User user;
  Principal who;
};

// The signed-in caller of `r`, or the response that answers the request:
// 401 without a valid session (a removed or disabled user's session ends
// here), 403 "csrf" when `changes_state` and X-CSRF-Token does not match.
// Touches the session (idle expiry counts from now).
std::variant<Caller, HttpResponse> caller(ApiContext& c, const HttpRequest& r, bool changes_state);

// The caller's campaign: the signed-in caller (as caller()) and the campaign
// named by the route's {id}, or the response to send instead (401, 403
// csrf, 404).
struct CampaignCall {
  Caller who;
  store::CampaignRecord campaign;
};
std::variant<CampaignCall, HttpResponse> campaign_call(ApiContext& c, const HttpRequest& r, const RouteParams& p,
                                                       bool changes_state);

// The session of `r`, if any (expiry checked; not touched).
std::optional<Session> current_session(ApiContext& c, const HttpRequest& r);

// nullopt when `action` on `what` is allowed; else the 403 answer, with the
// refusal written to the audit log.
std::optional<HttpResponse> refuse_unless(const Caller& who, Action action, const Resource& what);

// A JSON object body (Content-Type application/json), or 415 / 400 / 422;
// 400 also for a body nested deeper than k_max_json_depth (a deep value
// would overflow the stack of a handler that copies it).
inline constexpr std::size_t k_max_json_depth = 64;
std::variant<nlohmann::json, HttpResponse> json_body(const HttpRequest& r);
// The deepest nesting of arrays and objects in JSON text (brackets inside
// strings do not count); the text need not be valid.
std::size_t json_depth(std::string_view text);

// Cross-site request refusal, beside the CSRF token (defence in depth, and
// the only defence for signing in, which has no token yet): 403 "csrf" when
// the browser says the request comes from another site (Sec-Fetch-Site
// cross-site or same-site) or from an opaque origin (Origin: null). Origin
// is not compared with Host: a reverse proxy may rewrite Host. nullopt when
// neither holds (a client that sends neither header is not refused here).
std::optional<HttpResponse> refuse_cross_site(const HttpRequest& r);

// Whether `org` has a submitted revision in `campaign`.
Result<bool> participated(store::Store& db, const std::string& campaign, const std::string& org);

// The first of the caller's organisations allowed to see the published
// results of `campaign` (took part, campaign published), or "" if none.
Result<std::string> participating_org(const Caller& who, const store::CampaignRecord& campaign);

// {"id","title","state","checklist_id","checklist_version","opens_on","closes_on","min_group"}
nlohmann::json campaign_json(const store::CampaignRecord& c);
nlohmann::json roles_json(const std::vector<store::Role>& roles);

// The Set-Cookie value for the session cookie (`expire` clears it).
std::string session_cookie(const ApiContext& c, const std::string& value, bool expire);

HttpResponse not_signed_in();

}  // namespace kunren::server
