// The JSON API under /api/v1 (docs/api.md): handlers that turn requests into
// store calls, each deciding access through authorize() (authorize.hpp).
// api.cpp holds signing in and out and "who am I"; the other route families
// have a file each (declared below); web/routes.hpp adds them all.
//
// Sessions travel in the cookie `kunren_session` (HttpOnly, SameSite=Lax,
// Path=/, Secure when served behind TLS); every state-changing request except
// signing in must also carry the session's CSRF token in `X-CSRF-Token`.
// Thread safety: handlers run on every I/O thread at once. The context's
// SessionManager and Authenticator are thread-safe; each thread opens its own
// Store (a Store is used by one thread at a time).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <kunren/analysis/analysis.hpp>
#include <kunren/analysis/publish.hpp>
#include <kunren/server/auth.hpp>
#include <kunren/server/router.hpp>
#include <kunren/store/publication.hpp>
#include <kunren/store/store.hpp>

namespace kunren::server {

class EventHub;  // events.hpp
}  // namespace kunren::server
namespace kunren::exercise {
class ExerciseRegistry;  // exercise/live.hpp
}
namespace kunren::server {

inline constexpr const char* k_session_cookie = "kunren_session";

struct ApiContext {
  std::string db_url;           // each I/O thread opens its own Store on it
  bool secure_cookies = false;  // behind TLS: cookies get Secure (default off)
  SessionManager sessions;
  std::unique_ptr<Authenticator> authenticator;  // REQUIRES: set before serving
  // Live events for the pages (SSE): handlers publish "campaign:<id>" events
  // on every save, submission and state change. Null = no live events.
  EventHub* events = nullptr;
  // Live drills (exercise routes): loaded on first use, their clocks run by
  // a periodic job of the server. Null = drills are not served (503).
  exercise::ExerciseRegistry* exercises = nullptr;
};

// This thread's Store on `url`, opened on first use (then kept).
Result<store::Store*> thread_store(const std::string& url);

// POST /api/v1/session, DELETE /api/v1/session, GET /api/v1/me,
// PUT /api/v1/me/password.
void add_session_routes(Router& router, ApiContext& context);

// campaign_api.cpp: GET /api/v1/campaigns, GET /api/v1/campaigns/{id}/results,
// and the coordinator's routes for a campaign.
void add_campaign_routes(Router& router, ApiContext& context);

// evaluation_api.cpp: GET|PUT /api/v1/campaigns/{id}/evaluations/{org} (the
// draft), POST /api/v1/campaigns/{id}/evaluations/{org}/submit, revisions.
void add_evaluation_routes(Router& router, ApiContext& context);

// admin_api.cpp: users, roles, organisations, the audit log.
void add_admin_routes(Router& router, ApiContext& context);

// exercise_api.cpp: drills under /api/v1/exercises (docs/api.md "Drills").
void add_exercise_routes(Router& router, ApiContext& context);

// improve_api.cpp: after the drill (docs/api.md "After the drill"): proposed
// answers and accepting them, the after-action report, the CERT draft, and
// an organisation's plan CSV, trend and contradictions.
void add_improve_routes(Router& router, ApiContext& context);

// prep_api.cpp: an organisation's preparedness records under
// /api/v1/orgs/{org}/prepare (docs/api.md "Preparedness records").
void add_prep_routes(Router& router, ApiContext& context);

// package_api.cpp: signed offline submission packages of a campaign —
// POST|GET /api/v1/campaigns/{id}/packages (docs/api.md "Offline packages").
void add_package_routes(Router& router, ApiContext& context);

// breakdown_api.cpp: segments, cross-tabs, peer comparison and an
// organisation's answers across campaigns (docs/api.md "Breakdowns").
void add_breakdown_routes(Router& router, ApiContext& context);

// publication_api.cpp: a campaign's publication settings and the review of
// what it publishes (docs/api.md "Publishing"); the review is shared with the
// publishing page.
void add_publication_routes(Router& router, ApiContext& context);

// What a campaign would publish now, for the coordinator's review: the
// settings, the published analysis and every comment excerpt as written and
// as published; publishable is false (with the reason) below k.
struct PublicationReview {
  store::PublicationSettings settings;
  analysis::Analysis analysis;
  analysis::PublishResult result;
  bool publishable = true;
  std::string reason;
};
Result<PublicationReview> publication_review(store::Store& db, const store::CampaignRecord& campaign,
                                             const std::string& lang, const store::Actor& actor);
nlohmann::json review_json(const PublicationReview& review, const store::CampaignRecord& campaign,
                           const std::string& lang);
nlohmann::json publication_json(const store::PublicationSettings& s, const store::CampaignRecord& c);

}  // namespace kunren::server
