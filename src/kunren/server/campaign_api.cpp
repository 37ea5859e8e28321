// Campaign routes: the list of campaigns a user may see, the pooled results,
// and the coordinator's routes for one campaign — its state (open, close,
// reopen, publish), the submission status of every organisation, the report
// downloads and the live event stream (docs/api.md "Coordinator").
#include <kunren/server/api.hpp>

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/analysis/analysis.hpp>
#include <kunren/report/csv_report.hpp>
#include <kunren/report/html_report.hpp>
#include <kunren/report/json_report.hpp>
#include <kunren/report/xlsx_report.hpp>
#include <kunren/server/analysis_cache.hpp>
#include <kunren/server/api_support.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/campaign_status.hpp>
#include <kunren/server/events.hpp>
#include <kunren/store/bundle.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/web/i18n.hpp>

namespace kunren::server {

using nlohmann::json;

namespace {

HttpResponse list_campaigns(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto campaigns = who.db->list_campaigns();
  if (!campaigns) return HttpResponse::from_status(campaigns.status());
  json out = json::array();
  for (const auto& campaign : *campaigns) {
    if (authorize(who.who, Action::kViewCampaign, Resource::of(campaign))) out.push_back(campaign_json(campaign));
  }
  return HttpResponse::json(200, {{"campaigns", out}});
}

// nullopt when the caller may see the pooled results of `campaign` through
// `action` (kViewPublishedResults or kDownloadReport): live for those who run
// the campaign, published ones for an organisation of the caller's that took
// part, and for observers. Else the audited 403.
std::optional<HttpResponse> refuse_pooled_unless(const Caller& who, const store::CampaignRecord& campaign,
                                                 Action action) {
  const Resource what = Resource::of(campaign);
  // Those who run the campaign read the results live.
  if (action == Action::kViewPublishedResults && authorize(who.who, Action::kViewLiveResults, what)) return std::nullopt;
  if (authorize(who.who, action, what)) return std::nullopt;  // coordinators (downloads), observers once published
  std::string first_org;
  bool first_participated = false;
  for (const std::string& org : who.who.orgs) {
    auto took_part = participated(*who.db, campaign.id, org);
    if (!took_part) return HttpResponse::from_status(took_part.status());
    if (authorize(who.who, action, Resource::of(campaign, org, *took_part))) return std::nullopt;
    if (first_org.empty()) {
      first_org = org;
      first_participated = *took_part;
    }
  }
  return refuse_unless(who, action, Resource::of(campaign, first_org, first_participated));
}

HttpResponse campaign_results(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_pooled_unless(who, campaign, Action::kViewPublishedResults)) return *refusal;
  // Computed once per state of the campaign (analysis_cache.hpp); a client
  // that has this state already gets 304.
  auto results = AnalysisCache::instance().results_json(*who.db, campaign, r.query_param("lang"));
  if (!results) return HttpResponse::from_status(results.status());
  HttpResponse ok;
  if (!results->etag.empty()) {
    ok.headers.emplace_back("ETag", results->etag);
    ok.headers.emplace_back("Cache-Control", "private, no-cache");
    const std::string_view seen = r.header("if-none-match");
    if (seen == "*" || seen.find(results->etag) != std::string_view::npos) {
      ok.status = 304;
      return ok;
    }
  }
  ok.body = *results->body;
  return ok;
}

// POST /api/v1/campaigns/{id}/state {"state": "open" | "closed" | "published"}
HttpResponse set_state(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kChangeCampaignState, Resource::of(campaign))) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  const json state = body.value("state", json());
  auto to = state.is_string() ? store::parse_campaign_state(state.get<std::string>()) : std::nullopt;
  if (!to || *to == store::CampaignState::kDraft) {
    return HttpResponse::error(422, "bad_input", "'state' must be \"open\", \"closed\" or \"published\"", "state");
  }
  Status changed = who.db->set_campaign_state(campaign.id, *to, store::Actor{"user:" + who.who.login});
  if (!changed.is_ok()) return HttpResponse::from_status(changed);
  auto updated = who.db->get_campaign(campaign.id);
  if (!updated) return HttpResponse::from_status(updated.status());
  if (c.events) c.events->publish("campaign:" + campaign.id, "campaign", json{{"state", store::to_string(*to)}});
  return HttpResponse::json(200, {{"campaign", campaign_json(*updated)}});
}

// GET /api/v1/campaigns/{id}/status
HttpResponse submission_status(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kViewSubmissionStatus, Resource::of(campaign))) return *refusal;
  auto progress = campaign_progress(*who.db, campaign.id);
  if (!progress) return HttpResponse::from_status(progress.status());
  return HttpResponse::json(200, progress_json(campaign, *progress));
}

// The id as a safe file name part: [A-Za-z0-9._-], anything else '_'.
std::string file_part(std::string_view id) {
  std::string out;
  for (unsigned char ch : id) out += std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-' ? static_cast<char>(ch) : '_';
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  return out.empty() ? "campaign" : out;
}

std::string rfc5987(std::string_view text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += k_hex[ch >> 4];
      out += k_hex[ch & 15];
    }
  }
  return out;
}

// GET /api/v1/campaigns/{id}/report?format=html|csv|json&lang=ja|en
HttpResponse download_report(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_pooled_unless(who, campaign, Action::kDownloadReport)) return *refusal;
  std::string format = r.query_param("format");
  if (format.empty()) format = "html";
  if (format != "html" && format != "csv" && format != "json" && format != "xlsx") {
    return HttpResponse::error(422, "bad_input", "'format' must be html, csv, json or xlsx", "format");
  }
  std::string lang = r.query_param("lang");
  if (lang.empty()) lang = "ja";
  if (lang != "ja" && lang != "en") return HttpResponse::error(422, "bad_input", "'lang' must be ja or en", "lang");

  // The published analysis (store/publication.hpp): below k nothing (409),
  // comments redacted, the campaign's TLP marking on every page and sheet.
  auto cached = AnalysisCache::instance().analysis(*who.db, campaign, lang);
  if (!cached) return HttpResponse::from_status(cached.status());
  const analysis::Analysis& result = *cached->analysis;

  const store::Timestamp now = store::now_utc();
  HttpResponse res;
  if (format == "html") {
    report::HtmlOptions h;
    h.lang = lang;
    h.title = campaign.title.empty() ? std::string() : campaign.title;
    if (campaign.state != store::CampaignState::kPublished) {
      // A coordinator's download before publication says so on its face.
      if (h.title.empty()) h.title = result.checklist_title;
      h.title += web::text(lang, "campaign.report_preliminary_suffix");
    }
    h.generated_at = now.substr(0, 10) + " " + now.substr(11, 5) + " UTC";
    res.body = report::render_html_report(result, h);
    res.content_type = "text/html; charset=utf-8";
    // The report is one self-contained file with an inline <style> and no
    // script: allow exactly that, nothing else.
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
  } else if (format == "xlsx") {
    report::XlsxOptions x;
    x.lang = lang;
    x.title = campaign.title;
    if (campaign.state != store::CampaignState::kPublished) {
      if (x.title.empty()) x.title = result.checklist_title;
      x.title += web::text(lang, "campaign.report_preliminary_suffix");
    }
    x.generated_at = now.substr(0, 10) + " " + now.substr(11, 5) + " UTC";
    auto bytes = report::render_xlsx(result, x);
    if (!bytes) return HttpResponse::from_status(bytes.status());
    res.body = std::move(bytes).value();
    res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else if (format == "csv") {
    res.body = report::render_csv(result);  // UTF-8 with BOM and CRLF, as `kunren analyze --format csv`
    res.content_type = "text/csv; charset=utf-8";
  } else {
    res.body = report::render_json(result);
  }
  const std::string name = fmt::format("kunren-{}-{}-{}.{}", campaign.id, now.substr(0, 10), lang, format);
  res.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}",
                  fmt::format("kunren-{}-{}-{}.{}", file_part(campaign.id), now.substr(0, 10), lang, format),
                  rfc5987(name)));
  // Who took the pooled results away, and when (nothing else is written).
  store::AuditEntry e;
  e.actor = "user:" + who.who.login;
  e.action = "report.download";
  e.object_type = "campaign";
  e.object_id = campaign.id;
  e.detail = json{{"format", format}, {"lang", lang}, {"state", store::to_string(campaign.state)},
                  {"organizations", result.organizations}}
                 .dump(-1, ' ', false, json::error_handler_t::replace);
  if (Status audited = who.db->append_audit(e); !audited.is_ok()) return HttpResponse::from_status(audited);
  return res;
}

// GET /api/v1/campaigns/{id}/events: the live stream of topic "campaign:{id}".
HttpResponse campaign_events(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kViewLiveResults, Resource::of(campaign))) return *refusal;
  if (!c.events) {
    HttpResponse off = HttpResponse::error(503, "unavailable", "live events are not enabled on this server");
    off.headers.emplace_back("Retry-After", "60");
    return off;
  }
  return HttpResponse::event_stream(c.events->subscribe("campaign:" + campaign.id, r.header("last-event-id")));
}

}  // namespace

void add_campaign_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/campaigns", "campaign.list",
             [&context](const HttpRequest& r, const RouteParams&) { return list_campaigns(context, r); });
  router.add("GET", "/api/v1/campaigns/{id}/results", "campaign.results",
             [&context](const HttpRequest& r, const RouteParams& p) { return campaign_results(context, r, p); });
  router.add("POST", "/api/v1/campaigns/{id}/state", "campaign.set_state",
             [&context](const HttpRequest& r, const RouteParams& p) { return set_state(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/status", "campaign.status",
             [&context](const HttpRequest& r, const RouteParams& p) { return submission_status(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/report", "campaign.report",
             [&context](const HttpRequest& r, const RouteParams& p) { return download_report(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/events", "campaign.events",
             [&context](const HttpRequest& r, const RouteParams& p) { return campaign_events(context, r, p); });
}

}  // namespace kunren::server
