// Shared by the preparedness API (prep_api.cpp), its pages
// (web/prep_pages.cpp) and the drill routes that show an organisation's
// contact tree (exercise_api.cpp, web/exercise_pages.cpp): reading an
// organisation's latest preparedness records from the store and the JSON
// shapes docs/api.md "Preparedness records" describes. Access is decided by
// the callers (authorize() with kViewPreparedness / kEditPreparedness, or
// kTakePart inside a drill); nothing here checks it.
// Thread safety: as api.hpp — call from the I/O thread handling the request.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <kunren/model/preparedness.hpp>
#include <kunren/store/store.hpp>

namespace kunren::server {

// Today's date in UTC, "YYYY-MM-DD" (what staleness and overdue items count from).
std::string today_utc();

// {"no", "author", "at"} of one stored revision.
nlohmann::json prep_revision_json(const store::OrgDocument& d);

// The hub's picture of `org`: {"org": {"id", "name"}, "today", "records":
// [{"kind", "no" (0: none), "author", "at", …}]} for every kind in
// model::all_prep_kinds() order; the contact tree's entry adds
// "stale_entries" (count) and "stale" ([{"id", "name", "last_confirmed"}]),
// the improvement plan's adds "overdue_items" (count) and "open_items".
// NotFound for an unknown organisation.
Result<nlohmann::json> prep_overview_json(store::Store& db, const std::string& org, std::string_view today);

// The organisation's latest contact tree as a drill shows it, or null when
// it has none (or it no longer parses): {"no", "at", "stale_after_days",
// "entries": [{"id", "name", "function", "external", "organisation",
// "channels": [{"kind", "value", "note"}], "backup", "backup_name",
// "escalation", "last_confirmed", "notes", "stale"}], "stale_count"} —
// entries in escalation order first, then the rest in tree order.
Result<nlohmann::json> drill_contact_tree_json(store::Store& db, const std::string& org, std::string_view today);

}  // namespace kunren::server
