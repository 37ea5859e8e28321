// What the administrator's API (admin_api.cpp) and pages (web/admin_pages.cpp)
// share: the JSON shapes of users and organisations, and the audit log query
// with its filters and newest-first paging. Internal to src/kunren/server and
// src/kunren/web; implemented in admin_api.cpp.
//
// Secrets: user_json() never carries the password hash (only whether there is
// one), and the audit entries come from the store, which never writes one.
// Thread safety: pure functions over values and the calling thread's Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/server/http.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::server::admin {

// {"login","display_name","roles","organizations","disabled","has_password","created_at"}
nlohmann::json user_json(const store::User& user);
// {"id","name","industry","size","pseudonym","created_at"}
nlohmann::json org_json(const store::OrgRecord& org);

inline constexpr std::size_t k_audit_default_limit = 100;
inline constexpr std::size_t k_audit_max_limit = 1000;

// GET /api/v1/audit and /admin/audit: every filter is optional.
struct AuditFilter {
  std::string object_type;  // exact
  std::string object_id;    // exact
  std::string actor;        // exact ("user:hanako"), or the name after the ':' ("hanako")
  std::string action;       // exact ("auth.refused"), or a family before the '.' ("user")
  std::size_t limit = k_audit_default_limit;  // 1..k_audit_max_limit
  std::int64_t before_id = 0;                 // only entries with a smaller id; 0 = from the newest
};

// The filter from the request's query string. BadInput naming the parameter
// (limit, before_id, or a text filter with control characters or over 200
// bytes) otherwise.
Result<AuditFilter> audit_filter_from(const HttpRequest& r);

bool audit_matches(const AuditFilter& f, const store::AuditEntry& e);

struct AuditPage {
  std::vector<store::AuditEntry> entries;  // newest first, at most limit
  // before_id of the next older page; nullopt when there is none.
  std::optional<std::int64_t> older_before_id;
  // before_id of the newer page (0: the newest page, without before_id);
  // nullopt when this is the newest page.
  std::optional<std::int64_t> newer_before_id;
};

// One page of the audit log. Reads the newest entries of the object type
// and id from the store in growing batches until the page is full, so the
// first pages cost little however long the log is.
Result<AuditPage> audit_page(store::Store& db, const AuditFilter& f);

}  // namespace kunren::server::admin
