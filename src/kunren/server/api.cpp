#include <kunren/server/api.hpp>

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

namespace {

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

// The signed-in session of this request, if any (expiry checked).
std::optional<Session> current_session(ApiContext& c, const HttpRequest& r) {
  const std::string id = r.cookie(k_session_cookie);
  if (id.empty()) return std::nullopt;
  return c.sessions.find(id, Clock::now());
}

HttpResponse not_signed_in() {
  return HttpResponse::error(401, "not_signed_in", "sign in first (POST /api/v1/session)");
}

// A JSON object body, or the response that refuses it.
std::variant<json, HttpResponse> json_body(const HttpRequest& r) {
  const std::string_view type = r.header("content-type");
  if (type.substr(0, 16) != "application/json") {
    return HttpResponse::error(415, "unsupported_media_type", "send the body as application/json", "Content-Type");
  }
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return HttpResponse::error(400, "bad_json", "the body is not valid JSON");
  if (!body.is_object()) return HttpResponse::error(422, "bad_input", "the body must be a JSON object");
  return body;
}

HttpResponse sign_in(ApiContext& c, const HttpRequest& r) {
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

// The signed-in user of this request as a Principal, with their Store; or
// the 401 that answers the request.
struct Caller {
  store::Store* db = nullptr;
  Session session;
  store::User user;
  Principal who;
};
std::variant<Caller, HttpResponse> caller(ApiContext& c, const HttpRequest& r, bool changes_state) {
  auto session = current_session(c, r);
  if (!session) return not_signed_in();
  if (changes_state && !SessionManager::csrf_ok(*session, r.header("x-csrf-token"))) {
    return HttpResponse::error(403, "csrf", "the X-CSRF-Token header is missing or wrong", "X-CSRF-Token");
  }
  auto db = thread_store(c.db_url);
  if (!db) return HttpResponse::from_status(db.status());
  auto user = (*db)->get_user(session->login);
  if (!user || user->disabled) {
    // Removed or disabled since signing in: the session ends here.
    c.sessions.destroy(session->id);
    return not_signed_in();
  }
  c.sessions.touch(session->id, Clock::now());
  Principal who = principal_of(*user);
  return Caller{*db, *session, std::move(user).value(), std::move(who)};
}

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

// Refuses with 403 (audited) unless `action` on `what` is allowed.
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
          {"min_group", c.min_group}};
}

HttpResponse list_campaigns(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaigns = who.db->list_campaigns();
  if (!campaigns) return HttpResponse::from_status(campaigns.status());
  json out = json::array();
  for (const auto& campaign : *campaigns) {
    if (authorize(who.who, Action::kViewCampaign, Resource::of(campaign))) out.push_back(campaign_json(campaign));
  }
  return HttpResponse::json(200, {{"campaigns", out}});
}

// Whether `org` has a submitted revision in the campaign.
Result<bool> participated(store::Store& db, const std::string& campaign, const std::string& org) {
  store::LatestQuery q;
  q.org = org;
  q.with_answers = false;
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  return !latest->empty();
}

HttpResponse campaign_results(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  // Live results for those who run the campaign; otherwise the published
  // ones, for an organisation of the caller's that took part.
  Resource what = Resource::of(*campaign);
  bool allowed = static_cast<bool>(authorize(who.who, Action::kViewLiveResults, what));
  for (std::size_t i = 0; !allowed && i < who.who.orgs.size(); ++i) {
    auto took_part = participated(*who.db, campaign->id, who.who.orgs[i]);
    if (!took_part) return HttpResponse::from_status(took_part.status());
    allowed = static_cast<bool>(
        authorize(who.who, Action::kViewPublishedResults, Resource::of(*campaign, who.who.orgs[i], *took_part)));
  }
  if (!allowed) {
    if (auto refusal = refuse_unless(who, Action::kViewPublishedResults, what)) return *refusal;
  }
  auto checklist = store::campaign_checklist(*who.db, *campaign);
  if (!checklist) return HttpResponse::from_status(checklist.status());
  auto responses = store::submitted_responses(*who.db, campaign->id, **checklist);
  if (!responses) return HttpResponse::from_status(responses.status());
  analysis::AnalysisOptions options;
  options.lang = r.query.find("lang=en") != std::string::npos ? "en" : "ja";
  HttpResponse ok;
  ok.body = report::render_json(analysis::analyze(**checklist, std::move(responses).value(), options));
  return ok;
}

// {"campaign", "org", "revision": {…} | null} for the latest revision in any state.
HttpResponse evaluation_json(store::Store& db, const std::string& campaign, const std::string& org, int status) {
  store::LatestQuery q;
  q.state = std::nullopt;
  q.org = org;
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return HttpResponse::from_status(latest.status());
  json revision = latest->empty() ? json(nullptr) : json(store::revision_json(latest->front()));
  return HttpResponse::json(status, {{"campaign", campaign}, {"org", org}, {"revision", revision}});
}

HttpResponse get_evaluation(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  if (auto refusal = refuse_unless(who, Action::kViewDraft, Resource::of(*campaign, p.at("org")))) return *refusal;
  return evaluation_json(*who.db, campaign->id, p.at("org"), 200);
}

// {"answers": [{"item": "IMP-P0-01", "choice": 2, "comment": "…"}, …]}
std::variant<std::vector<store::Answer>, HttpResponse> answers_of(const json& body) {
  if (!body.contains("answers") || !body["answers"].is_array()) {
    return HttpResponse::error(422, "bad_input", "'answers' must be an array", "answers");
  }
  std::vector<store::Answer> answers;
  std::size_t i = 0;
  for (const auto& a : body["answers"]) {
    const std::string field = fmt::format("answers[{}]", i++);
    if (!a.is_object() || !a.contains("item") || !a["item"].is_string()) {
      return HttpResponse::error(422, "bad_input", "each answer needs an 'item' string", field + ".item");
    }
    store::Answer answer;
    answer.item = a["item"].get<std::string>();
    if (a.contains("choice") && !a["choice"].is_null()) {
      if (!a["choice"].is_number_integer() || a["choice"].get<long long>() < 1 || a["choice"].get<long long>() > 255) {
        return HttpResponse::error(422, "bad_input", "'choice' must be a choice number or null", field + ".choice");
      }
      answer.choice = static_cast<std::uint8_t>(a["choice"].get<int>());
    }
    if (a.contains("comment") && !a["comment"].is_null()) {
      if (!a["comment"].is_string()) return HttpResponse::error(422, "bad_input", "'comment' must be text", field + ".comment");
      answer.comment = a["comment"].get<std::string>();
    }
    if (answer.choice == 0 && answer.comment.empty()) continue;  // nothing to keep for this item
    answers.push_back(std::move(answer));
  }
  return answers;
}

HttpResponse put_evaluation(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  if (auto refusal = refuse_unless(who, Action::kEditDraft, Resource::of(*campaign, p.at("org")))) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  auto answers = answers_of(std::get<json>(parsed));
  if (auto* refusal = std::get_if<HttpResponse>(&answers)) return *refusal;
  store::NewRevision draft{p.at("org"), store::RevisionState::kDraft, std::move(std::get<std::vector<store::Answer>>(answers))};
  auto appended = who.db->append_revisions(campaign->id, {draft}, nullptr, store::Actor{"user:" + who.who.login});
  if (!appended) return HttpResponse::from_status(appended.status());
  return evaluation_json(*who.db, campaign->id, p.at("org"), 200);
}

HttpResponse submit_evaluation(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  if (auto refusal = refuse_unless(who, Action::kSubmitEvaluation, Resource::of(*campaign, p.at("org")))) {
    return *refusal;
  }
  store::LatestQuery q;
  q.state = std::nullopt;
  q.org = p.at("org");
  auto latest = who.db->latest_revisions(campaign->id, q);
  if (!latest) return HttpResponse::from_status(latest.status());
  if (latest->empty() || latest->front().state != store::RevisionState::kDraft) {
    return HttpResponse::error(409, "conflict", latest->empty() ? "there is no draft to submit"
                                                               : "the latest revision is already submitted");
  }
  // The draft's answers become a new, submitted (and from then on immutable) revision.
  store::NewRevision submitted{q.org, store::RevisionState::kSubmitted, latest->front().answers};
  auto appended = who.db->append_revisions(campaign->id, {submitted}, nullptr, store::Actor{"user:" + who.who.login});
  if (!appended) return HttpResponse::from_status(appended.status());
  return evaluation_json(*who.db, campaign->id, q.org, 200);
}

}  // namespace

void add_campaign_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/campaigns", "campaign.list",
             [&context](const HttpRequest& r, const RouteParams&) { return list_campaigns(context, r); });
  router.add("GET", "/api/v1/campaigns/{id}/results", "campaign.results",
             [&context](const HttpRequest& r, const RouteParams& p) { return campaign_results(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/evaluations/{org}", "evaluation.get",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_evaluation(context, r, p); });
  router.add("PUT", "/api/v1/campaigns/{id}/evaluations/{org}", "evaluation.save_draft",
             [&context](const HttpRequest& r, const RouteParams& p) { return put_evaluation(context, r, p); });
  router.add("POST", "/api/v1/campaigns/{id}/evaluations/{org}/submit", "evaluation.submit",
             [&context](const HttpRequest& r, const RouteParams& p) { return submit_evaluation(context, r, p); });
}

void add_session_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/session", "session.create",
             [&context](const HttpRequest& r, const RouteParams&) { return sign_in(context, r); });
  router.add("DELETE", "/api/v1/session", "session.delete",
             [&context](const HttpRequest& r, const RouteParams&) { return sign_out(context, r); });
  router.add("GET", "/api/v1/me", "session.me",
             [&context](const HttpRequest& r, const RouteParams&) { return me(context, r); });
}

}  // namespace kunren::server
