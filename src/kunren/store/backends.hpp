// The constructors behind open_store(), one per backend, and the rules every
// backend applies the same way (so that the fake and the SQL stores cannot
// drift apart on what a valid revision is or when two answer sets are equal).
// Internal to store/: other folders go through store.hpp.
// Thread safety: the functions are pure, except the checklist cache, which is
// guarded by a mutex.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/store/store.hpp>

namespace kunren::store {

// memory_store.cpp: the in-process fake (no file, no persistence).
std::unique_ptr<Store> make_memory_store();
// sqlite_store.cpp: `path` is a file name; `url` is what the user wrote.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const std::string& url,
                                                 const OpenOptions& options);
// postgres_store.cpp: `url` is a libpq connection URI.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const OpenOptions& options);

// The parsed checklist of a stored record, cached by sha256 for the life of
// the process (parsing the built-in one takes ~12 ms).
Result<std::shared_ptr<const model::Checklist>> checklist_of(const ChecklistRecord& record);

// Answers sorted by item id: the form stored and compared.
std::vector<Answer> normalized_answers(std::vector<Answer> answers);

// Checks one revision against its campaign's checklist: every item known,
// no item twice, choice in 0..k (0 only with a comment), comments valid
// UTF-8 without control characters other than tab and newline. BadInput
// naming the organisation and item otherwise.
Status check_new_revision(const model::Checklist& checklist, const NewRevision& revision);

// The reason a campaign in `from` may not move to `to`, for a Conflict.
std::string transition_refusal(const std::string& campaign, CampaignState from, CampaignState to);

}  // namespace kunren::store
