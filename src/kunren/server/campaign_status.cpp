#include <kunren/server/campaign_status.hpp>

#include <map>

namespace kunren::server {

using nlohmann::json;

const std::vector<std::string>& progress_codes() {
  static const std::vector<std::string> k_codes = {"submitted", "draft_after_submit", "draft", "not_started"};
  return k_codes;
}

Result<CampaignProgress> campaign_progress(store::Store& db, const std::string& campaign) {
  auto orgs = db.list_orgs();
  if (!orgs) return orgs.status();
  store::LatestQuery any;
  any.state = std::nullopt;
  any.with_answers = false;
  auto latest = db.latest_revisions(campaign, any);
  if (!latest) return latest.status();
  store::LatestQuery sub;
  sub.with_answers = false;
  auto submitted = db.latest_revisions(campaign, sub);
  if (!submitted) return submitted.status();

  std::map<std::string, const store::Revision*> latest_of, submitted_of;
  for (const auto& r : *latest) latest_of[r.org] = &r;
  for (const auto& r : *submitted) submitted_of[r.org] = &r;

  CampaignProgress out;
  out.orgs.reserve(orgs->size());
  for (const auto& org : *orgs) {
    OrgProgress p;
    p.id = org.id;
    p.name = org.name;
    p.industry = org.industry;
    auto l = latest_of.find(org.id);
    auto s = submitted_of.find(org.id);
    if (l == latest_of.end()) {
      ++out.not_started;
    } else {
      p.last_activity = l->second->created_at;
      p.latest_revision = l->second->no;
      if (l->second->state == store::RevisionState::kSubmitted) {
        p.status = "submitted";
        ++out.submitted;
      } else if (s != submitted_of.end()) {
        p.status = "draft_after_submit";
        ++out.draft_after_submit;
      } else {
        p.status = "draft";
        ++out.draft;
      }
    }
    if (s != submitted_of.end()) {
      if (s->second->no == 1) {
        p.submissions = 1;  // its first revision is its only submitted one so far
      } else {
        auto history = db.revision_history(campaign, org.id);
        if (!history) return history.status();
        for (const auto& r : *history) p.submissions += r.state == store::RevisionState::kSubmitted ? 1 : 0;
      }
    }
    out.orgs.push_back(std::move(p));
  }
  return out;
}

json progress_json(const store::CampaignRecord& campaign, const CampaignProgress& progress) {
  json orgs = json::array();
  for (const auto& p : progress.orgs) {
    orgs.push_back({{"id", p.id},
                    {"name", p.name},
                    {"industry", p.industry},
                    {"status", p.status},
                    {"last_activity", p.last_activity.empty() ? json(nullptr) : json(p.last_activity)},
                    {"latest_revision", p.latest_revision == 0 ? json(nullptr) : json(p.latest_revision)},
                    {"submissions", p.submissions}});
  }
  json totals = {{"organizations", progress.orgs.size()},
                 {"submitted", progress.submitted},
                 {"draft_after_submit", progress.draft_after_submit},
                 {"draft", progress.draft},
                 {"not_started", progress.not_started},
                 {"submitted_orgs", progress.submitted_orgs()}};
  return {{"campaign", campaign.id},
          {"state", store::to_string(campaign.state)},
          {"min_group", campaign.min_group},
          {"min_group_reached", progress.submitted_orgs() >= static_cast<std::size_t>(campaign.min_group)},
          {"totals", totals},
          {"organizations", orgs}};
}

}  // namespace kunren::server
