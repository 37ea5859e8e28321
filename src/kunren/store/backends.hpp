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

#include <nlohmann/json.hpp>

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

// --- rules.cpp: checks and messages every backend shares ---------------------------

bool is_date(const std::string& s);   // "YYYY-MM-DD" (digits in place; the calendar is not checked)
bool is_login(const std::string& s);  // [A-Za-z0-9._@-]+
std::vector<Role> normalized_roles(std::vector<Role> roles);            // sorted, unique
std::vector<std::string> normalized_ids(std::vector<std::string> ids);  // sorted, unique
nlohmann::json role_names(const std::vector<Role>& roles);              // ["admin", …] for audit details
// BadInput for an empty id, min_group < 1 or a period that is not YYYY-MM-DD.
Status campaign_values_ok(const CampaignRecord& c);
// BadInput unless sha256 is the hash of the content and the content is a
// checklist with the record's id and version.
Status checklist_record_ok(const ChecklistRecord& r);
Status org_not_found(const std::string& id);
Status campaign_not_found(const std::string& id);
Status user_not_found(const std::string& login);
Status checklist_not_found(const std::string& id, const std::string& version);

}  // namespace kunren::store
