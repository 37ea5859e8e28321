// The campaign bundle file, `kunren.bundle/1`: everything needed to rebuild
// one campaign in another store (`kunren export` / `kunren import-bundle`).
// It holds organisations' names and every revision's answers and comments, so
// it is as sensitive as the database itself; it never holds users (only the
// logins of the campaign's coordinators), password hashes or the audit log.
//
//   {"schema": "kunren.bundle/1", "exported_at": TIME, "generator": "kunren 0.1.0",
//    "campaign":  {"id", "title", "checklist_id", "checklist_version", "opens_on",
//                  "closes_on", "min_group", "state", "created_at", "updated_at",
//                  "coordinators": [LOGIN…]},
//    "checklist": {"id", "version", "sha256", "builtin", "registered_at",
//                  "content": {…the checklist in its JSON file form…}},
//    "organizations": [{"id", "name", "industry", "size", "pseudonym", "created_at"}],
//    "imports":   [{"id", "filename", "sha256", "actor", "at", "revisions", "unchanged"}],
//    "revisions": [{"org", "no", "state", "author", "created_at", "import",
//                   "answers": [{"item", "choice", "comment"?, "review"?, "evidence"?}]}]}
//
// Fields added after the first bundles were written, optional when read so
// that those still import: "coordinators" (absent = none listed), "review"
// (written only when true; absent = not marked) and "evidence" (the drill
// links of an answer, store::Answer::evidence, as a JSON array; written only
// when there are any; absent, null or [] = none). The coordinators
// are logins only: a bundle carries no users (see Store::restore_campaign).
//
// Reading checks the structure (every problem named by line:column and a
// path such as "revisions[12].answers[3].choice") and that the checklist
// content still hashes to its recorded sha256, so a bundle edited by hand or
// damaged in transit is refused rather than half-trusted. The JSON is read by
// nlohmann's parser, which is robust against malformed input (the yaml-cpp
// guard of io/yaml_document.hpp is not needed here).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::store {

// Bundles larger than this are refused before parsing (a 10,000-organisation
// campaign is ~40 MB).
inline constexpr std::size_t k_max_bundle_bytes = std::size_t{512} << 20;

std::string write_bundle(const CampaignBundle& bundle, const Timestamp& exported_at);
// One revision as the bundle writes it (also `kunren campaign revisions --format json`).
nlohmann::ordered_json revision_json(const Revision& revision);
Result<CampaignBundle> read_bundle(std::string_view text, std::string_view filename);

}  // namespace kunren::store
