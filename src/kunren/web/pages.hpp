// The web pages of `kunren serve`: HTML rendered on the server from Mustache
// templates (templates.hpp) in Japanese or English (i18n.hpp), with small
// scripts (web/static/*.js, no inline script: the CSP forbids it) that call
// the JSON API for everything that changes state. Pages read through the same
// Store and decide access through the same authorize() as the API, so a
// page never shows what the API would refuse.
//
// Every page is rendered into one layout (web/templates/layout.mustache):
// skip link, top bar with the navigation the user's roles allow, language
// switch, the user's name and sign-out, then the page body. The layout hands
// scripts the session's CSRF token (<meta name="csrf-token">) and the texts
// they need (<script type="application/json" id="i18n">).
//
// Language: ?lang=en|ja (also remembered in the cookie kunren_lang), else the
// cookie, else Japanese. A page asked for without a session redirects (303)
// to /login?next=PATH; a refusal is a 403 page (audited like the API's).
//
// The page families are added by separate files, each with its own
// add_*_pages(Router&, ApiContext&): base (this file: /, /login, /account,
// /campaigns, /static/…), evaluator, coordinator and results, admin, drills.
// Thread safety: as api.hpp.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/server/api_support.hpp>

namespace kunren::web {

using server::ApiContext;
using server::Caller;
using server::HttpRequest;
using server::HttpResponse;
using server::RouteParams;
using server::Router;

// "ja" or "en" for this request (see above).
std::string request_lang(const HttpRequest& r);

// The signed-in caller for a page, or the response to send instead: a 303
// to /login?next=<this path> without a session.
std::variant<Caller, HttpResponse> page_caller(ApiContext& c, const HttpRequest& r);

struct Page {
  std::string name;   // body template, also <body data-page="…">
  std::string title;  // already in the page's language
  nlohmann::json data = nlohmann::json::object();  // for the body template; `t` and `lang` are added
  std::vector<std::string> scripts;                // web/static names loaded after app.js
  std::vector<std::string> styles;                 // web/static style sheets after app.css
  std::vector<std::string> script_texts;           // i18n subtrees handed to scripts, e.g. {"evaluation"}
  bool wide = false;                               // full-width main column (dashboards)
};

// The full HTML page for `who` (null on /login). 200 unless `status` says otherwise.
HttpResponse render_page(const HttpRequest& r, const Caller* who, const Page& page, int status = 200);

// An HTML error page (403, 404, 409, …) in the layout, with `message`.
HttpResponse error_page(const HttpRequest& r, const Caller* who, int status, const std::string& message);

// The page's answer for a failed store call (status by error kind).
HttpResponse status_page(const HttpRequest& r, const Caller* who, const Status& status);

// nullopt when allowed; else the 403 page, the refusal audited.
std::optional<HttpResponse> refuse_page_unless(const HttpRequest& r, const Caller& who, server::Action action,
                                               const server::Resource& what);

// 303 See Other to a local path.
HttpResponse redirect(const std::string& location);

// A "next" parameter that is safe to redirect to: a local absolute path
// ("/…", not "//…" nor "/\…"), else "/".
std::string safe_next(const std::string& next);

// One query parameter, percent-decoded, or "" (HttpRequest::query_param).
inline std::string query_param(const HttpRequest& r, std::string_view name) { return r.query_param(name); }

// Percent-encodes one path segment or query value.
std::string url_encode(std::string_view text);

// `text` (a message of web/i18n) with every "{name}" replaced by its value.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

// A drill's page, "/exercises/{id}", and its API, "/api/v1/exercises/{id}".
std::string exercise_href(const std::string& id);
std::string api_href(const std::string& id);

// "2026-11-26T16:23:05.123456Z" → "2026-11-26 16:23" (UTC, as stored).
std::string wall_time(const std::string& at);
// "user:eva" → "eva": an audit actor or revision author as people read it.
std::string author_name(const std::string& author);

// A campaign as the pages show it: campaign_json plus "href" (its page),
// "state_label" and "period" in `lang`.
nlohmann::json campaign_summary(const store::CampaignRecord& campaign, const std::string& lang);

// Where one organisation stands in a campaign.
struct OrgStatus {
  std::string code = "not_started";  // not_started | draft | submitted | draft_after_submit
  std::string last_activity;         // time of its latest revision, "" if none
  int latest_no = 0;                 // number of its latest revision, 0 if none
  bool submitted = false;            // has a submitted revision
};
Result<OrgStatus> org_status(store::Store& db, const std::string& campaign, const std::string& org);

// Start-up check: templates parse and texts are complete.
Status check_web_assets();

// pages.cpp: /, /login, /account, /campaigns, /static/{file}.
void add_base_pages(Router& router, ApiContext& context);
// evaluation_pages.cpp: the evaluation form, its history and print view.
void add_evaluation_pages(Router& router, ApiContext& context);
// campaign_pages.cpp: the coordinator's campaign page and the pooled results.
void add_campaign_pages(Router& router, ApiContext& context);
// admin_pages.cpp: users, organisations, the audit log.
void add_admin_pages(Router& router, ApiContext& context);
// exercise_pages.cpp: the drill list, the facilitator's console, the
// participant's view and the review after the drill.
void add_exercise_pages(Router& router, ApiContext& context);
// improve_pages.cpp: after the drill — the after-action report with the
// editable improvement plan, the proposed answers, the CERT draft preview —
// and the organisation's page (drills, plan, contradictions, trend).
void add_improve_pages(Router& router, ApiContext& context);
// prep_pages.cpp: an organisation's preparedness records — the hub, an
// editor per kind, the history of one.
void add_prep_pages(Router& router, ApiContext& context);
// package_pages.cpp: a campaign's offline submission packages — the list and
// the upload input (coordinators, admins).
void add_package_pages(Router& router, ApiContext& context);

// publication_pages.cpp: the coordinator's review before publishing (TLP,
// word list, every comment excerpt as written and as published).
void add_publication_pages(Router& router, ApiContext& context);

}  // namespace kunren::web
