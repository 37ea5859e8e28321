// Offline submission packages on the web (docs/api.md "Offline packages"):
//
//   POST /api/v1/campaigns/{id}/packages?filename=NAME   the raw package
//        bytes (Content-Type application/octet-stream); 201 with the outcome
//        when imported (a new revision, or recorded as unchanged), 200 for
//        bytes imported before (nothing written), 409 for a replayed older
//        package or a campaign that is not open, 422 for a damaged, unsigned
//        or foreign package naming the field, 413 over the size limit
//   GET  /api/v1/campaigns/{id}/packages                 the packages imported
//
// Both for the campaign's coordinators and the administrators
// (Action::kImportPackage). The checks are store/packages.hpp's, the same as
// `kunren package import`; a package for another campaign than the URL's is
// refused (422 on manifest.campaign), so coordinating one campaign never
// lets a package into another.
#include <kunren/server/api.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/server/api_support.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/events.hpp>
#include <kunren/server/package_support.hpp>
#include <kunren/store/packages.hpp>

namespace kunren::server {

using nlohmann::json;

namespace {

// The upload's name as people gave it: the last path component, at most 200
// bytes, no control characters; "upload.kunren" when none.
std::string upload_name(const std::string& given) {
  std::string name = given.substr(given.find_last_of("/\\") == std::string::npos ? 0 : given.find_last_of("/\\") + 1);
  std::string out;
  for (unsigned char ch : name) out += ch < 0x20 || ch == 0x7f ? '_' : static_cast<char>(ch);
  if (out.size() > 200) out.resize(200);
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();  // cut UTF-8 whole
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  return out.empty() ? "upload.kunren" : out;
}

HttpResponse upload_package(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kImportPackage, Resource::of(campaign))) return *refusal;
  const std::string_view type = r.header("content-type");
  if (type.substr(0, 24) != "application/octet-stream")
    return HttpResponse::error(415, "unsupported_media_type",
                               "send the package file's bytes as application/octet-stream", "Content-Type");
  if (r.body.size() > k_max_package_upload)
    return HttpResponse::error(
        413, "too_large", fmt::format("the package is {} bytes; the limit is {}", r.body.size(), k_max_package_upload));
  // A package is JSON a few levels deep; a deeply nested file would overflow
  // the stack of whatever prints or copies part of it while judging it.
  if (json_depth(r.body) > k_max_json_depth)
    return HttpResponse::error(422, "bad_input",
                               fmt::format("not a Kunren package: nested deeper than {} levels", k_max_json_depth),
                               "package");
  const std::string filename = upload_name(r.query_param("filename"));
  auto outcome =
      store::import_package_file(*who.db, r.body, filename, store::Actor{"user:" + who.who.login}, campaign.id);
  if (!outcome) {
    const Status& st = outcome.status();
    return HttpResponse::error(http_status_for(st.kind()), error_code_name(st.kind()),
                               fmt::format("{}: {}", filename, st.message()), st.where().field);
  }
  const auto& res = outcome->result;
  const auto& m = outcome->package.manifest;
  std::string outcome_code = res.duplicate ? "duplicate" : res.created ? "revision" : "unchanged";
  json body = {{"outcome", outcome_code},
               {"duplicate", res.duplicate},
               {"created", res.created},
               {"campaign", m.campaign},
               {"org", m.org},
               {"answers", outcome->answers},
               {"drills", outcome->drills},
               {"package", package_record_json(res.record)}};
  if (res.created && c.events) {
    // The same event as a submission in the form, so the live pages update.
    int no = 0;
    if (auto history = who.db->revision_history(campaign.id, m.org)) {
      for (const auto& rev : *history)
        if (rev.id == res.record.revision_id) no = rev.no;
    }
    c.events->publish("campaign:" + campaign.id, "revision",
                      json{{"org", m.org}, {"state", "submitted"}, {"revision", no}}.dump());
  }
  return HttpResponse::json(res.duplicate ? 200 : 201, body);
}

HttpResponse list_packages(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kImportPackage, Resource::of(campaign))) return *refusal;
  auto list = who.db->list_packages(campaign.id);
  if (!list) return HttpResponse::from_status(list.status());
  json out = json::array();
  for (const auto& rec : *list) out.push_back(package_record_json(rec));
  return HttpResponse::json(200, {{"packages", out}});
}

}  // namespace

void add_package_routes(Router& router, ApiContext& context) {
  router.add("POST", "/api/v1/campaigns/{id}/packages", "campaign.packages.upload",
             [&context](const HttpRequest& r, const RouteParams& p) { return upload_package(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/packages", "campaign.packages.list",
             [&context](const HttpRequest& r, const RouteParams& p) { return list_packages(context, r, p); });
}

}  // namespace kunren::server
