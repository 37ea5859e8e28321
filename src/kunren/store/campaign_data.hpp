// Between the store's records and the model the analysis works on: turning an
// imported ResponseSet into revisions, and a campaign's latest submitted
// revisions back into a ResponseSet, so that `analyze --campaign` and
// `analyze --responses` run the very same analysis and renderers.
// Thread safety: functions of their arguments; the Store is used by the
// calling thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/store/store.hpp>

namespace kunren::store {

// The stored form of a checklist (canonical JSON and its SHA-256).
ChecklistRecord checklist_record(const model::Checklist& checklist, bool builtin);

// Registers `checklist` if needed (idempotent) and returns its record.
Result<ChecklistRecord> register_checklist(Store& store, const model::Checklist& checklist, bool builtin,
                                           const Actor& actor);

// The checklist a campaign answers, parsed. Each call reads the stored
// record (one query); the parse happens once per process and content
// (checklist_of keeps the parsed checklists by SHA-256) — the first one is
// the expensive part (yaml-cpp; some 10^8 instructions for the built-in
// 75-item checklist), every later call finds it in that cache.
Result<std::shared_ptr<const model::Checklist>> campaign_checklist(Store& store, const CampaignRecord& campaign);

// One submitted revision per organisation of `responses`, including one that
// answered nothing: the file listed it (in the orgs file or as a blank row),
// so it counts in n exactly as `analyze --responses` counts it. Several
// comments on one cell are joined by newlines.
std::vector<NewRevision> revisions_from_responses(const model::Checklist& checklist,
                                                  const model::ResponseSet& responses);

// The campaign's latest submitted revision of every organisation (at or
// before `as_of`, empty = now) as a ResponseSet: organisations by id, with
// their stored pseudonyms; n is the number of organisations that submitted.
// Only choices and comments are read: the review flag of an answer changes
// nothing in the analysis (an item marked for review without an answer
// counts as unanswered).
Result<model::ResponseSet> submitted_responses(Store& store, const std::string& campaign,
                                               const model::Checklist& checklist, const Timestamp& as_of = {});

}  // namespace kunren::store
