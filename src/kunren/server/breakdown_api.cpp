// The analyses coordinators ask for, over HTTP (docs/api.md "Breakdowns"),
// rendered by report/breakdown_report.hpp exactly as `kunren analyze --by`,
// `--crosstab`, `kunren report peer` and `report org-campaigns` render them:
//
//   GET /api/v1/campaigns/{id}/segments?by=industry[,size]&format=json|html
//   GET /api/v1/campaigns/{id}/crosstab?a=ITEM&b=ITEM&format=json|html|csv
//   GET /api/v1/campaigns/{id}/peer/{org}?format=json|html
//   GET /api/v1/orgs/{org}/campaigns?format=json|html
//
// Access: segments and cross-tabs are pooled results — those who may see
// the campaign's results (its coordinators live; after publication the
// organisations that took part and observers). A peer comparison and an
// organisation's answers across campaigns name the organisation: its own
// members once the campaign is published (peer) or for each campaign whose
// submissions they may see, and the campaign's coordinators. k is the
// campaign's; the TLP is the campaign's publication setting.
#include <kunren/server/api.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <kunren/analysis/campaign_trend.hpp>
#include <kunren/analysis/crosstab.hpp>
#include <kunren/analysis/peer.hpp>
#include <kunren/analysis/segments.hpp>
#include <kunren/report/breakdown_report.hpp>
#include <kunren/server/api_support.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/store/publication.hpp>

namespace kunren::server {

using nlohmann::json;

namespace {

struct Loaded {
  std::shared_ptr<const model::Checklist> checklist;
  model::ResponseSet responses;
  report::BreakdownOptions options;
  std::uint32_t k = 3;
};

Result<Loaded> load(Caller& who, const store::CampaignRecord& campaign, const HttpRequest& r) {
  Loaded l;
  auto checklist = store::campaign_checklist(*who.db, campaign);
  if (!checklist) return checklist.status();
  l.checklist = *checklist;
  auto responses = store::submitted_responses(*who.db, campaign.id, **checklist);
  if (!responses) return responses.status();
  l.responses = std::move(responses).value();
  auto settings = store::publication_settings(*who.db, campaign.id, store::Actor{"user:" + who.who.login});
  if (!settings) return settings.status();
  l.options.lang = r.query_param("lang") == "en" ? "en" : "ja";
  l.options.tlp = settings->tlp;
  l.options.title = campaign.title;
  l.k = static_cast<std::uint32_t>(std::max(1, campaign.min_group));
  return l;
}

// nullopt when the caller may see the campaign's pooled results.
std::optional<HttpResponse> refuse_pooled(const Caller& who, const store::CampaignRecord& c) {
  const Resource what = Resource::of(c);
  if (authorize(who.who, Action::kViewLiveResults, what) || authorize(who.who, Action::kViewPublishedResults, what)) {
    return std::nullopt;
  }
  auto org = participating_org(who, c);
  if (!org) return HttpResponse::from_status(org.status());
  if (!org->empty()) return std::nullopt;
  return refuse_unless(who, Action::kViewPublishedResults, what);
}

HttpResponse rendered(std::string body, const std::string& format) {
  HttpResponse res;
  res.body = std::move(body);
  if (format == "html") {
    res.content_type = "text/html; charset=utf-8";
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
  } else if (format == "csv") {
    res.content_type = "text/csv; charset=utf-8";
  } else {
    res.content_type = "application/json";
  }
  return res;
}

std::optional<HttpResponse> bad_format(const std::string& format, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (format == a) return std::nullopt;
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return HttpResponse::error(422, "bad_input", "'format' must be one of " + list, "format");
}

HttpResponse segments(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_pooled(who, campaign)) return *refusal;
  const std::string format = r.query_param("format").empty() ? "json" : r.query_param("format");
  if (auto bad = bad_format(format, {"json", "html"})) return *bad;
  std::vector<std::string> by;
  std::string list = r.query_param("by");
  if (list.empty()) list = "industry";
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string part = list.substr(start, comma - start);
    if (part != "industry" && part != "size") {
      return HttpResponse::error(400, "bad_request", "'by' must be industry, size or both (industry,size)", "by");
    }
    by.push_back(part);
    start = comma + 1;
  }
  auto l = load(who, campaign, r);
  if (!l) return HttpResponse::from_status(l.status());
  analysis::AnalysisOptions options;
  options.lang = l->options.lang;
  auto report = analysis::analyze_segments(*l->checklist, l->responses, by, l->k, options);
  if (!report) return HttpResponse::from_status(report.status());
  return rendered(format == "html" ? report::render_segments_html(*report, l->options)
                                   : report::render_segments_json(*report, l->options),
                  format);
}

HttpResponse crosstab(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_pooled(who, campaign)) return *refusal;
  const std::string format = r.query_param("format").empty() ? "json" : r.query_param("format");
  if (auto bad = bad_format(format, {"json", "html", "csv"})) return *bad;
  const std::string a = r.query_param("a"), b = r.query_param("b");
  if (a.empty() || b.empty()) return HttpResponse::error(400, "bad_request", "give two items: ?a=ITEM&b=ITEM", a.empty() ? "a" : "b");
  auto l = load(who, campaign, r);
  if (!l) return HttpResponse::from_status(l.status());
  auto t = analysis::crosstab(*l->checklist, l->responses, a, b, l->k, l->options.lang);
  if (!t) {
    // Unknown items are the query's fault.
    if (t.status().kind() == ErrorKind::kBadInput) return HttpResponse::error(400, "bad_request", t.status().message(), "a");
    return HttpResponse::from_status(t.status());
  }
  return rendered(format == "html"  ? report::render_crosstab_html(*t, l->options)
                  : format == "csv" ? report::render_crosstab_csv(*t, l->options)
                                    : report::render_crosstab_json(*t, l->options),
                  format);
}

HttpResponse peer(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  const std::string org = p.at("org");
  auto took_part = participated(*who.db, campaign.id, org);
  if (!took_part) return HttpResponse::from_status(took_part.status());
  // The campaign's coordinators, or the organisation's own members once
  // the pooled results are theirs to see.
  if (!authorize(who.who, Action::kViewLiveResults, Resource::of(campaign))) {
    if (auto refusal = refuse_unless(who, Action::kViewPublishedResults, Resource::of(campaign, org, *took_part))) {
      return *refusal;
    }
  }
  const std::string format = r.query_param("format").empty() ? "json" : r.query_param("format");
  if (auto bad = bad_format(format, {"json", "html"})) return *bad;
  auto l = load(who, campaign, r);
  if (!l) return HttpResponse::from_status(l.status());
  analysis::AnalysisOptions options;
  options.lang = l->options.lang;
  auto report = analysis::peer_report(*l->checklist, l->responses, org, l->k, options);
  if (!report) return HttpResponse::from_status(report.status());
  HttpResponse res = rendered(format == "html" ? report::render_peer_html(*report, l->options)
                                               : report::render_peer_json(*report, l->options),
                              format);
  res.headers.emplace_back("Cache-Control", "private, no-store");
  return res;
}

HttpResponse org_campaigns(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  const std::string org = p.at("org");
  auto record = who.db->get_org(org);
  if (!record) return HttpResponse::from_status(record.status());
  const std::string format = r.query_param("format").empty() ? "json" : r.query_param("format");
  if (auto bad = bad_format(format, {"json", "html"})) return *bad;
  const std::string lang = r.query_param("lang") == "en" ? "en" : "ja";
  auto all = who.db->list_campaigns();
  if (!all) return HttpResponse::from_status(all.status());
  std::stable_sort(all->begin(), all->end(), [](const auto& x, const auto& y) {
    return std::pair(x.opens_on, x.created_at) < std::pair(y.opens_on, y.created_at);
  });
  struct One {
    store::CampaignRecord record;
    std::shared_ptr<const model::Checklist> checklist;
    model::ResponseSet responses;
  };
  std::vector<One> loaded;
  std::optional<store::CampaignRecord> first;
  for (const auto& campaign : *all) {
    if (!first) first = campaign;
    // The organisation's own submissions: its members and the campaign's coordinators.
    if (!authorize(who.who, Action::kViewSubmissions, Resource::of(campaign, org))) continue;
    auto checklist = store::campaign_checklist(*who.db, campaign);
    if (!checklist) return HttpResponse::from_status(checklist.status());
    store::LatestQuery q;
    q.org = org;
    auto own = who.db->latest_revisions(campaign.id, q);
    if (!own) return HttpResponse::from_status(own.status());
    if (own->empty()) continue;
    auto responses = store::submitted_responses(*who.db, campaign.id, **checklist);
    if (!responses) return HttpResponse::from_status(responses.status());
    loaded.push_back({campaign, *checklist, std::move(responses).value()});
  }
  if (loaded.empty()) {
    // Nothing the caller may see: say so as the refusal it is (audited),
    // unless the caller evaluates this organisation and it simply has not
    // submitted anything yet. Facilitators, participants and observers have
    // no checklist rights.
    const bool member = std::find(who.who.orgs.begin(), who.who.orgs.end(), org) != who.who.orgs.end();
    const bool evaluator =
        std::find(who.who.roles.begin(), who.who.roles.end(), store::Role::kEvaluator) != who.who.roles.end();
    if (!(member && evaluator)) {
      if (!first) return HttpResponse::error(403, "forbidden", "no campaign whose submissions you may see");
      if (auto refusal = refuse_unless(who, Action::kViewSubmissions, Resource::of(*first, org))) return *refusal;
    }
  }
  std::vector<analysis::CampaignInput> inputs;
  for (const auto& one : loaded) {
    inputs.push_back(analysis::CampaignInput{one.record.id, one.record.title, one.checklist.get(), &one.responses, 1});
  }
  auto t = analysis::org_campaigns(inputs, org, lang);
  t.org_name = record->name;
  report::BreakdownOptions o;
  o.lang = lang;
  HttpResponse res = rendered(format == "html" ? report::render_org_campaigns_html(t, o)
                                               : report::render_org_campaigns_json(t, o),
                              format);
  res.headers.emplace_back("Cache-Control", "private, no-store");
  return res;
}

}  // namespace

void add_breakdown_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/campaigns/{id}/segments", "campaign.segments",
             [&context](const HttpRequest& r, const RouteParams& p) { return segments(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/crosstab", "campaign.crosstab",
             [&context](const HttpRequest& r, const RouteParams& p) { return crosstab(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/peer/{org}", "campaign.peer",
             [&context](const HttpRequest& r, const RouteParams& p) { return peer(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/campaigns", "org.campaigns",
             [&context](const HttpRequest& r, const RouteParams& p) { return org_campaigns(context, r, p); });
}

}  // namespace kunren::server
