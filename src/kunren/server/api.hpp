// The JSON API under /api/v1 (docs/api.md): handlers that turn requests into
// store calls, each deciding access through authorize() (authorize.hpp).
// So far: signing in and out, "who am I", the campaigns a user may see, the
// pooled results, and an organisation's draft and its submission.
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

#include <kunren/server/auth.hpp>
#include <kunren/server/router.hpp>
#include <kunren/store/store.hpp>

namespace kunren::server {

inline constexpr const char* k_session_cookie = "kunren_session";

struct ApiContext {
  std::string db_url;           // each I/O thread opens its own Store on it
  bool secure_cookies = false;  // behind TLS: cookies get Secure (default off)
  SessionManager sessions;
  std::unique_ptr<Authenticator> authenticator;  // REQUIRES: set before serving
};

// This thread's Store on `url`, opened on first use (then kept).
Result<store::Store*> thread_store(const std::string& url);

// POST /api/v1/session, DELETE /api/v1/session, GET /api/v1/me.
void add_session_routes(Router& router, ApiContext& context);

// GET /api/v1/campaigns, GET /api/v1/campaigns/{id}/results,
// GET|PUT /api/v1/campaigns/{id}/evaluations/{org} (the draft),
// POST /api/v1/campaigns/{id}/evaluations/{org}/submit.
void add_campaign_routes(Router& router, ApiContext& context);

}  // namespace kunren::server
