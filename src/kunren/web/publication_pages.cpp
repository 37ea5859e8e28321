// The coordinator's review before publishing:
//
//   GET /campaigns/{id}/publish   what the campaign publishes now: the facts
//                                 (organisations, k, excerpts), the settings
//                                 (TLP, word list), the statement of what
//                                 disclosure control did, and every comment
//                                 excerpt as published beside the text as
//                                 written, each with "leave out"
//
// Access: Action::kManagePublication (the campaign's coordinators); the
// audited 403 page otherwise. web/static/publish.js saves the settings (the
// exclusions included) with PUT /api/v1/campaigns/{id}/publication and the
// revision the page was rendered at, and publishes through the state API.
#include <kunren/web/pages.hpp>

#include <map>

#include <fmt/format.h>

#include <kunren/server/api.hpp>
#include <kunren/report/disclosure_text.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::Resource;

namespace {

// The published text split into plain runs and placeholders, so the page can
// mark what was redacted without trusting any HTML in it.
json runs_of(const std::string& text) {
  json runs = json::array();
  std::size_t pos = 0;
  auto push = [&](std::string part, bool mark) {
    if (!part.empty()) runs.push_back({{"text", std::move(part)}, {"mark", mark}});
  };
  while (pos < text.size()) {
    // Japanese placeholders are ［…］ (U+FF3B … U+FF3D), English ones […].
    const std::size_t ja = text.find("\xEF\xBC\xBB", pos);
    const std::size_t en = text.find('[', pos);
    const std::size_t open = std::min(ja, en);
    if (open == std::string::npos) break;
    const bool is_ja = open == ja;
    const std::size_t close = is_ja ? text.find("\xEF\xBC\xBD", open) : text.find(']', open);
    if (close == std::string::npos) break;
    const std::size_t end = close + (is_ja ? 3 : 1);
    push(text.substr(pos, open - pos), false);
    push(text.substr(open, end - open), true);
    pos = end;
  }
  push(text.substr(pos), false);
  return runs;
}

HttpResponse publish_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return status_page(r, &who, campaign.status());
  if (auto refused = refuse_page_unless(r, who, Action::kManagePublication, Resource::of(*campaign))) return *refused;
  const std::string lang = request_lang(r);
  auto review = server::publication_review(*who.db, *campaign, lang, store::Actor{"user:" + who.who.login});
  if (!review) return status_page(r, &who, review.status());

  std::map<std::string, std::string> item_text;
  for (const auto& it : review->analysis.items) item_text[it.id] = it.text;
  json quotes = json::array();
  std::size_t excluded = 0;
  for (const auto& q : review->result.quotes) {
    json kinds = json::array();
    for (const auto& [kind, n] : q.redactions) {
      kinds.push_back(fmt::format("{} ×{}", text(lang, "publish.kind." + kind), n));
    }
    if (q.excluded) ++excluded;
    quotes.push_back({{"id", q.id},
                      {"item", q.item},
                      {"item_text", item_text[q.item]},
                      {"runs", runs_of(q.redacted)},
                      {"original", q.original},
                      {"kinds", kinds},
                      {"has_kinds", !kinds.empty()},
                      {"excluded", q.excluded}});
  }
  const auto& s = review->settings;
  json tlps = json::array();
  tlps.push_back({{"value", ""}, {"label", text(lang, "publish.tlp_none")}, {"selected", s.tlp.empty()}});
  for (const char* t : {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}) {
    tlps.push_back({{"value", t}, {"label", std::string("TLP:") + t}, {"selected", s.tlp == t}});
  }
  json statement = json::array();
  if (review->publishable) {
    for (const auto& line : report::disclosure_statement(review->analysis, lang)) statement.push_back(line);
  }
  const std::string api = "/api/v1/campaigns/" + url_encode(campaign->id);
  json data;
  data["campaign"] = campaign_summary(*campaign, lang);
  data["campaign_href"] = "/campaigns/" + url_encode(campaign->id);
  data["results_href"] = "/campaigns/" + url_encode(campaign->id) + "/results";
  data["download_html"] = api + "/report?format=html&lang=" + lang;
  data["download_xlsx"] = api + "/report?format=xlsx&lang=" + lang;
  data["download_json"] = api + "/report?format=json&lang=" + lang;
  data["segments_href"] = api + "/segments?by=industry,size&format=html&lang=" + lang;
  data["organizations"] = review->analysis.organizations;
  data["min_group"] = campaign->min_group;
  data["publishable"] = review->publishable;
  data["reason"] = review->reason;
  data["quotes"] = quotes;
  data["quote_count"] = quotes.size() - excluded;
  data["excluded_count"] = excluded;
  data["no_quotes"] = quotes.empty();
  data["tlps"] = tlps;
  data["words"] = s.words;
  data["statement"] = statement;
  data["has_statement"] = !statement.empty();
  data["revision"] = s.no > 1 || !s.words.empty() || !s.tlp.empty() || !s.excluded.empty()
                         ? fill(text(lang, "publish.revision"),
                                {{"no", std::to_string(s.no)}, {"author", author_name(s.author)}, {"at", wall_time(s.updated_at) + " UTC"}})
                         : text(lang, "publish.revision_none");
  std::string unknown;
  for (const auto& id : review->result.unknown_excluded) unknown += (unknown.empty() ? "" : ", ") + id;
  data["unknown_excluded"] = unknown.empty() ? std::string() : fill(text(lang, "publish.unknown_excluded"), {{"ids", unknown}});
  data["published"] = campaign->state == store::CampaignState::kPublished;
  data["can_publish"] = campaign->state == store::CampaignState::kClosed && review->publishable &&
                        static_cast<bool>(server::authorize(who.who, Action::kChangeCampaignState, Resource::of(*campaign)));
  data["not_closed"] = campaign->state == store::CampaignState::kOpen || campaign->state == store::CampaignState::kDraft;
  data["context_json"] = script_json({{"api", api}, {"base_no", s.no}});

  Page page;
  page.name = "publish";
  page.title = fill(text(lang, "publish.title"), {{"campaign", campaign->title.empty() ? campaign->id : campaign->title}});
  page.data = std::move(data);
  page.scripts = {"publish.js"};
  page.styles = {"campaign.css", "publish.css"};
  page.script_texts = {"publish"};
  page.wide = true;
  HttpResponse res = render_page(r, &who, page);
  res.headers.emplace_back("Cache-Control", "no-store");  // comments as written
  return res;
}

}  // namespace

void add_publication_pages(Router& router, ApiContext& context) {
  router.add("GET", "/campaigns/{id}/publish", "page.campaign_publish",
             [&context](const HttpRequest& r, const RouteParams& p) { return publish_page(context, r, p); });
}

}  // namespace kunren::web
