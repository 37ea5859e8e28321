// Where every organisation stands in a campaign: the coordinator's
// submission status, shared by GET /api/v1/campaigns/{id}/status and the
// campaign page (web/campaign_pages.cpp), so both say the same thing.
//
// Which organisations: every organisation registered in the store. There is
// no per-campaign invitation list yet, so an organisation that never touched
// the campaign shows as "not_started".
//
// Status of one organisation (the same rule as web::org_status):
//   not_started         no revision at all
//   draft               only drafts so far
//   submitted           its latest revision is submitted
//   draft_after_submit  it submitted once and has saved a draft since
// Thread safety: functions of their arguments; the Store is used by the
// calling thread only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/store/store.hpp>

namespace kunren::server {

struct OrgProgress {
  std::string id;
  std::string name;
  std::string industry;
  std::string status = "not_started";  // see above
  store::Timestamp last_activity;      // time of its latest revision; "" if none
  int latest_revision = 0;             // number of its latest revision; 0 if none
  int submissions = 0;                 // how many of its revisions are submitted ones
};

struct CampaignProgress {
  std::vector<OrgProgress> orgs;  // every organisation of the store, by id
  std::size_t not_started = 0;
  std::size_t draft = 0;
  std::size_t submitted = 0;
  std::size_t draft_after_submit = 0;
  // Organisations with a submitted revision: what counts towards min_group
  // (and what the pooled results are made of).
  std::size_t submitted_orgs() const { return submitted + draft_after_submit; }
};

// Two reads of the latest revisions (any state, submitted) without answers,
// plus one history read per organisation that saved more than once after a
// submission (to count its submissions).
Result<CampaignProgress> campaign_progress(store::Store& db, const std::string& campaign);

// The status codes in display order.
const std::vector<std::string>& progress_codes();

// The JSON of GET /api/v1/campaigns/{id}/status (docs/api.md "Coordinator").
nlohmann::json progress_json(const store::CampaignRecord& campaign, const CampaignProgress& progress);

}  // namespace kunren::server
