// The coordinator's publication settings and the full-text review of what a
// campaign publishes (docs/api.md "Publishing"):
//   GET  /api/v1/campaigns/{id}/publication          the settings
//   PUT  /api/v1/campaigns/{id}/publication          save them (base_no → 409 stale)
//   GET  /api/v1/campaigns/{id}/publication/review   every comment excerpt as written and as
//                                                    published, with what disclosure control did
// All three need manage_publication (the campaign's coordinators): the
// review shows comments as the organisations wrote them.
#include <kunren/server/api.hpp>

#include <nlohmann/json.hpp>

#include <kunren/analysis/analysis.hpp>
#include <kunren/report/disclosure_text.hpp>
#include <kunren/server/analysis_cache.hpp>
#include <kunren/server/api_support.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/store/publication.hpp>

namespace kunren::server {

using nlohmann::json;

json publication_json(const store::PublicationSettings& s, const store::CampaignRecord& c) {
  return {{"no", s.no},
          {"tlp", s.tlp},
          {"words", s.words},
          {"excluded", s.excluded},
          {"min_group", c.min_group},
          {"author", s.author},
          {"updated_at", s.updated_at}};
}

Result<PublicationReview> publication_review(store::Store& db, const store::CampaignRecord& campaign,
                                             const std::string& lang, const store::Actor& actor) {
  PublicationReview out;
  auto settings = store::publication_settings(db, campaign.id, actor);
  if (!settings) return settings.status();
  out.settings = *settings;
  auto checklist = store::campaign_checklist(db, campaign);
  if (!checklist) return checklist.status();
  auto responses = store::submitted_responses(db, campaign.id, **checklist);
  if (!responses) return responses.status();
  analysis::AnalysisOptions options;
  options.lang = lang;
  out.analysis = analysis::analyze(**checklist, std::move(responses).value(), options);
  auto published = store::publish_campaign(db, campaign, *settings, out.analysis, lang);
  if (!published) {
    if (published.status().kind() != ErrorKind::kConflict) return published.status();
    out.publishable = false;
    out.reason = published.status().message();
    return out;
  }
  out.result = std::move(published).value();
  return out;
}

json review_json(const PublicationReview& review, const store::CampaignRecord& campaign, const std::string& lang) {
  std::map<std::string, std::string> item_text;
  for (const auto& it : review.analysis.items) item_text[it.id] = it.text;
  json quotes = json::array();
  for (const auto& q : review.result.quotes) {
    json kinds = json::object();
    for (const auto& [kind, n] : q.redactions) kinds[kind] = n;
    quotes.push_back({{"id", q.id},
                      {"item", q.item},
                      {"item_text", item_text[q.item]},
                      {"original", q.original},
                      {"redacted", q.redacted},
                      {"redactions", kinds},
                      {"excluded", q.excluded}});
  }
  return {{"publication", publication_json(review.settings, campaign)},
          {"organizations", review.analysis.organizations},
          {"publishable", review.publishable},
          {"reason", review.reason},
          {"disclosure", review.publishable ? report::disclosure_json(review.analysis, lang) : json(nullptr)},
          {"quotes", quotes},
          {"unknown_excluded", review.result.unknown_excluded}};
}

namespace {

store::Actor actor_of(const Caller& who) { return store::Actor{"user:" + who.who.login}; }

HttpResponse get_publication(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kManagePublication, Resource::of(campaign))) return *refusal;
  auto settings = store::publication_settings(*who.db, campaign.id, actor_of(who));
  if (!settings) return HttpResponse::from_status(settings.status());
  return HttpResponse::json(200, {{"publication", publication_json(*settings, campaign)}});
}

HttpResponse put_publication(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kManagePublication, Resource::of(campaign))) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  const json base = body.value("base_no", json());
  if (!base.is_number_integer() || base.get<std::int64_t>() < 0) {
    return HttpResponse::error(422, "bad_input", "'base_no' must be the revision the settings were loaded at (0 or more)",
                               "base_no");
  }
  auto text_field = [&](const char* name, std::string& out) -> std::optional<HttpResponse> {
    const json v = body.value(name, json(""));
    if (!v.is_string()) return HttpResponse::error(422, "bad_input", std::string("'") + name + "' must be text", name);
    out = v.get<std::string>();
    return std::nullopt;
  };
  std::string tlp, words;
  if (auto bad = text_field("tlp", tlp)) return *bad;
  if (auto bad = text_field("words", words)) return *bad;
  std::vector<std::string> excluded;
  const json list = body.value("excluded", json::array());
  if (!list.is_array()) return HttpResponse::error(422, "bad_input", "'excluded' must be a list of quote ids", "excluded");
  for (const auto& e : list) {
    if (!e.is_string()) return HttpResponse::error(422, "bad_input", "'excluded' must be a list of quote ids", "excluded");
    excluded.push_back(e.get<std::string>());
  }
  for (const auto& [key, value] : body.items()) {
    (void)value;
    if (key != "base_no" && key != "tlp" && key != "words" && key != "excluded") {
      return HttpResponse::error(422, "bad_input", "unknown field '" + key + "'", key);
    }
  }
  auto saved = store::save_publication_settings(*who.db, campaign.id, static_cast<int>(base.get<std::int64_t>()), tlp,
                                                words, std::move(excluded), actor_of(who));
  if (!saved) return HttpResponse::from_status(saved.status());
  return HttpResponse::json(200, {{"publication", publication_json(*saved, campaign)}});
}

HttpResponse get_review(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kManagePublication, Resource::of(campaign))) return *refusal;
  const std::string lang = r.query_param("lang") == "en" ? "en" : "ja";
  auto review = publication_review(*who.db, campaign, lang, actor_of(who));
  if (!review) return HttpResponse::from_status(review.status());
  HttpResponse res = HttpResponse::json(200, review_json(*review, campaign, lang));
  res.headers.emplace_back("Cache-Control", "no-store");  // comments as written
  return res;
}

}  // namespace

void add_publication_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/campaigns/{id}/publication", "campaign.publication.get",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_publication(context, r, p); });
  router.add("PUT", "/api/v1/campaigns/{id}/publication", "campaign.publication.put",
             [&context](const HttpRequest& r, const RouteParams& p) { return put_publication(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/publication/review", "campaign.publication.review",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_review(context, r, p); });
}

}  // namespace kunren::server
