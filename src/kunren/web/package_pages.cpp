// The coordinator's page of a campaign's offline packages:
//
//   GET /campaigns/{id}/packages   the packages imported so far (organisation,
//                                  when the plant made it, signing key, the
//                                  revision it created or "unchanged", who
//                                  imported it and when) and an upload input
//
// Access: Action::kImportPackage (the campaign's coordinators, admins); the
// audited 403 page otherwise. web/static/packages.js posts the chosen file's
// bytes to POST /api/v1/campaigns/{id}/packages (server/package_api.cpp) with
// the CSRF header, shows the outcome or the error naming the field, and
// reloads the list.
#include <kunren/web/pages.hpp>

#include <map>

#include <fmt/format.h>

#include <kunren/server/authorize.hpp>
#include <kunren/server/package_support.hpp>
#include <kunren/web/i18n.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::Resource;

namespace {

HttpResponse packages_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return status_page(r, &who, campaign.status());
  if (auto refused = refuse_page_unless(r, who, Action::kImportPackage, Resource::of(*campaign))) return *refused;
  const std::string lang = request_lang(r);
  auto list = who.db->list_packages(campaign->id);
  if (!list) return status_page(r, &who, list.status());
  auto orgs = who.db->list_orgs();
  if (!orgs) return status_page(r, &who, orgs.status());
  std::map<std::string, std::string> names;
  for (const auto& o : *orgs) names[o.id] = o.name;

  // Revision numbers of the revisions the packages made, per organisation.
  std::map<std::int64_t, int> revision_no;
  for (const auto& rec : *list) {
    if (rec.revision_id == 0 || revision_no.count(rec.revision_id)) continue;
    auto history = who.db->revision_history(campaign->id, rec.org);
    if (!history) return status_page(r, &who, history.status());
    for (const auto& rev : *history) revision_no[rev.id] = rev.no;
  }
  json rows = json::array();
  for (auto it = list->rbegin(); it != list->rend(); ++it) {  // newest first
    const auto& rec = *it;
    json row = server::package_record_json(rec);
    row["org_name"] = names.count(rec.org) ? names[rec.org] : rec.org;
    row["created"] = wall_time(rec.created_at);
    row["imported"] = wall_time(rec.imported_at);
    row["imported_by_name"] = author_name(rec.imported_by);
    row["outcome"] =
        rec.revision_id == 0
            ? text(lang, "packages.unchanged")
            : fill(text(lang, "packages.revision_no"),
                   {{"no", std::to_string(revision_no.count(rec.revision_id) ? revision_no[rec.revision_id] : 0)}});
    row["sha_short"] = rec.sha256.substr(0, 12);
    rows.push_back(std::move(row));
  }
  Page page;
  page.name = "packages";
  page.title =
      fill(text(lang, "packages.title"), {{"campaign", campaign->title.empty() ? campaign->id : campaign->title}});
  page.data = {{"campaign", campaign_summary(*campaign, lang)},
               {"packages", rows},
               {"empty", rows.empty()},
               {"open", campaign->state == store::CampaignState::kOpen},
               {"upload_url", "/api/v1/campaigns/" + url_encode(campaign->id) + "/packages"},
               {"campaign_href", "/campaigns/" + url_encode(campaign->id)},
               {"file_hint",
                fill(text(lang, "packages.file_hint"), {{"kb", std::to_string(server::k_max_package_upload / 1024)}})}};
  page.scripts = {"packages.js"};
  page.styles = {"packages.css"};
  page.script_texts = {"packages"};
  return render_page(r, &who, page);
}

}  // namespace

void add_package_pages(Router& router, ApiContext& context) {
  router.add("GET", "/campaigns/{id}/packages", "page.campaign_packages",
             [&context](const HttpRequest& r, const RouteParams& p) { return packages_page(context, r, p); });
}

}  // namespace kunren::web
