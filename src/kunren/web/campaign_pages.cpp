// The coordinator's campaign page and the published results:
//
//   GET /campaigns/{id}          the campaign dashboard (view_submission_status):
//                                state and its actions, the submission status of
//                                every organisation, the live pooled results
//   GET /campaigns/{id}/live     the same page's live regions as an HTML fragment,
//                                fetched by campaign.js on every live event
//   GET /campaigns/{id}/results  the published pooled results with "my answer
//                                against everyone's" (view_published_results)
//
// The charts are the report's own (report::render_pie_svg and
// render_section_bars_svg), rendered here on the server, so the page, the
// HTML report and its printout show the same pictures. The pooled results
// never carry an organisation's name or id; comments appear under the
// pseudonym the report uses. The own organisation's answers are read for the
// caller's own organisation only.
#include <kunren/server/analysis_cache.hpp>
#include <kunren/web/pages.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <kunren/analysis/analysis.hpp>
#include <kunren/report/html_escape.hpp>
#include <kunren/report/svg_chart.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/campaign_status.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::Resource;

namespace {

std::string campaign_href(const std::string& id) { return "/campaigns/" + url_encode(id); }

std::string score_text(const std::optional<double>& score) {
  return score ? fmt::format("{:.2f}", *score) : std::string("—");
}

std::string percent_of(std::size_t part, std::size_t whole) {
  if (whole == 0) return "0%";
  return fmt::format("{}%", std::lround(100.0 * static_cast<double>(part) / static_cast<double>(whole)));
}

// --- the page's filters (query parameters; the script applies the same) -------

struct Filters {
  std::string section;    // a section id, or "" for all
  std::string highlight;  // strength | challenge | not_exercised | "" for all
  std::string view;       // pies | bars
  std::string status;     // the status table: a status code or ""
  std::string sort;       // the status table: name | industry | status | activity | revision
};

Filters filters_of(const HttpRequest& r) {
  Filters f;
  f.section = query_param(r, "section");
  f.highlight = query_param(r, "highlight");
  if (f.highlight != "strength" && f.highlight != "challenge" && f.highlight != "not_exercised") f.highlight.clear();
  f.view = query_param(r, "view") == "bars" ? "bars" : "pies";
  f.status = query_param(r, "status");
  const auto& codes = server::progress_codes();
  if (std::find(codes.begin(), codes.end(), f.status) == codes.end()) f.status.clear();
  f.sort = query_param(r, "sort");
  if (f.sort != "industry" && f.sort != "status" && f.sort != "activity" && f.sort != "revision") f.sort = "name";
  return f;
}

// --- the pooled results ---------------------------------------------------------

struct Pool {
  std::shared_ptr<const model::Checklist> checklist;
  std::shared_ptr<const analysis::Analysis> analysis;  // shared with the analysis cache
};

// The campaign's pooled results, from the process-wide analysis cache (a new
// submission, from any process, is seen at the next request).
Result<Pool> pooled(store::Store& db, const store::CampaignRecord& campaign, const std::string& lang) {
  auto checklist = store::campaign_checklist(db, campaign);
  if (!checklist) return checklist.status();
  auto cached = server::AnalysisCache::instance().analysis(db, campaign, lang);
  if (!cached) return cached.status();
  return Pool{*checklist, cached->analysis};
}

// The own organisation's submitted answers: item id → choice (absent: no answer).
using OwnAnswers = std::map<std::string, int>;

Result<OwnAnswers> own_answers(store::Store& db, const std::string& campaign, const std::string& org) {
  store::LatestQuery q;
  q.org = org;  // submitted only (the default)
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  OwnAnswers out;
  if (latest->empty()) return out;
  for (const store::Answer& a : latest->front().answers) {
    if (a.choice != 0) out[a.item] = a.choice;
  }
  return out;
}

const char* level_fill(model::Level level) {
  switch (level) {
    case model::Level::kGood: return "#2f7d66";
    case model::Level::kPartial: return "#dea13a";
    case model::Level::kPoor: return "#bf4f3b";
    case model::Level::kNa: return "#9ba3ad";
  }
  return "#9ba3ad";
}

constexpr model::Level k_levels[] = {model::Level::kGood, model::Level::kPartial, model::Level::kPoor,
                                     model::Level::kNa};

// Answers of one section by level (good, partial, poor, na) and unanswered.
struct LevelCounts {
  std::array<std::size_t, 4> by_level{};
  std::size_t unanswered = 0;
  std::size_t total() const { return by_level[0] + by_level[1] + by_level[2] + by_level[3] + unanswered; }
  std::optional<double> score() const {
    const std::size_t rated = by_level[0] + by_level[1] + by_level[2];
    if (rated == 0) return std::nullopt;
    return (static_cast<double>(by_level[0]) + 0.5 * static_cast<double>(by_level[1])) / static_cast<double>(rated);
  }
};

// A one-line 100%-stacked bar of level counts (decorative: the numbers are
// printed beside it). Built here from numbers only, no user text.
std::string level_bar_svg(const LevelCounts& c) {
  constexpr double k_width = 200, k_height = 14;
  std::string out = fmt::format(
      "<svg class=\"level-bar\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" aria-hidden=\"true\" "
      "focusable=\"false\" preserveAspectRatio=\"none\">",
      k_width, k_height);
  const std::size_t total = c.total();
  double x = 0;
  auto segment = [&](std::size_t n, const char* fill, const char* stroke) {
    if (n == 0 || total == 0) return;
    const double w = k_width * static_cast<double>(n) / static_cast<double>(total);
    out += fmt::format("<rect x=\"{:.1f}\" y=\"0\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" stroke=\"{}\"/>", x, w,
                       k_height, fill, stroke);
    x += w;
  };
  for (std::size_t i = 0; i < 4; ++i) segment(c.by_level[i], level_fill(k_levels[i]), "#ffffff");
  segment(c.unanswered, "#f4f5f7", "#b3bac2");
  if (total == 0) out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#f4f5f7\"/>", k_width, k_height);
  out += "</svg>";
  return out;
}

// The swatch of a legend row: a small SVG square (no style attribute).
std::string swatch_svg(const std::string& fill) {
  return fmt::format(
      "<svg class=\"swatch\" viewBox=\"0 0 12 12\" width=\"12\" height=\"12\" aria-hidden=\"true\" focusable=\"false\">"
      "<rect x=\"0.5\" y=\"0.5\" width=\"11\" height=\"11\" rx=\"2\" fill=\"{}\" stroke=\"#8a939d\" stroke-width=\"0.6\"/></svg>",
      report::html_escape(fill));
}

struct Mine {
  std::string org_name;
  OwnAnswers answers;
};

// The data of partials/results_body.mustache.
json results_json(const Pool& pool, const std::string& lang, const Filters& f, const Mine* mine) {
  const analysis::Analysis& a = *pool.analysis;
  json out;
  out["n"] = a.organizations;
  out["has_results"] = a.organizations > 0;
  out["item_count"] = a.items.size();
  out["strength_count"] = a.strengths.size();
  out["challenge_count"] = a.challenges.size();
  out["not_exercised_count"] = a.not_exercised.size();
  out["view_bars"] = f.view == "bars";
  out["view_pies"] = f.view != "bars";

  auto ranked = [&](const std::vector<std::size_t>& list) {
    json rows = json::array();
    for (std::size_t pos = 0; pos < list.size() && pos < 5; ++pos) {
      const auto& item = a.items[list[pos]];
      rows.push_back({{"id", item.id},
                      {"anchor", "item-" + report::html_id(item.id)},
                      {"text", item.text},
                      {"score", score_text(item.score)}});
    }
    return rows;
  };
  out["strengths"] = ranked(a.strengths);
  out["challenges"] = ranked(a.challenges);
  out["has_strengths"] = !a.strengths.empty();
  out["has_challenges"] = !a.challenges.empty();
  out["has_more_strengths"] = a.strengths.size() > 5;
  out["has_more_challenges"] = a.challenges.size() > 5;
  out["more_strengths"] = a.strengths.size() > 5 ? fill(text(lang, "results.more"),
                                                         {{"n", std::to_string(a.strengths.size() - 5)}})
                                                  : std::string();
  out["more_challenges"] = a.challenges.size() > 5 ? fill(text(lang, "results.more"),
                                                           {{"n", std::to_string(a.challenges.size() - 5)}})
                                                    : std::string();

  const std::string no_answer_fmt = text(lang, "results.no_answer");
  const std::string pseudonym_fmt = text(lang, "results.pseudonym");
  const std::string comments_fmt = text(lang, "results.comments");
  json sections = json::array();
  json mine_rows = json::array();
  bool any_visible = false;
  for (std::size_t si = 0; si < a.sections.size(); ++si) {
    const analysis::SectionResult& s = a.sections[si];
    json items = json::array();
    bool any_item_visible = false;
    LevelCounts own_counts, pool_counts;
    for (std::size_t idx : s.items) {
      const analysis::ItemResult& item = a.items[idx];
      const std::string highlight = analysis::to_string(item.highlight);
      const bool hidden = !f.highlight.empty() && f.highlight != highlight;
      any_item_visible = any_item_visible || !hidden;
      int own = 0;
      if (mine) {
        auto it = mine->answers.find(item.id);
        if (it != mine->answers.end()) own = it->second;
      }
      json choices = json::array();
      std::string own_text;
      for (std::size_t i = 0; i < item.choices.size(); ++i) {
        const auto& c = item.choices[i];
        const bool is_mine = mine && c.no == own;
        if (is_mine) own_text = fmt::format("{}. {}", c.no, c.label);
        choices.push_back({{"no", c.no},
                           {"label", c.label},
                           {"level_label", report::level_label(c.level, lang)},
                           {"show_level", c.label != report::level_label(c.level, lang)},
                           {"level_note", fill(text(lang, "results.level_note"), {{"level", report::level_label(c.level, lang)}})},
                           {"count", c.count},
                           {"percent", c.percent},
                           {"zero", c.percent == 0},
                           {"swatch", swatch_svg(report::choice_fill(item, i))},
                           {"is_mine", is_mine}});
        const std::size_t level = static_cast<std::size_t>(c.level);
        pool_counts.by_level[level] += c.count;
        if (is_mine) ++own_counts.by_level[level];
      }
      pool_counts.unanswered += item.unanswered;
      if (mine && own == 0) {
        ++own_counts.unanswered;
        own_text = text(lang, "results.mine_unanswered");
      }
      json comments = json::array();
      for (const auto& q : item.comments) {
        // Published excerpts carry their quote id, never a pseudonym.
        comments.push_back(
            {{"org", q.id.empty() ? fill(pseudonym_fmt, {{"code", q.org}}) : q.id}, {"text", q.text}});
      }
      items.push_back({{"id", item.id},
                       {"anchor", "item-" + report::html_id(item.id)},
                       {"text", item.text},
                       {"highlight", highlight.empty() ? "none" : highlight},
                       {"has_highlight", !highlight.empty()},
                       {"highlight_label", report::highlight_label(item.highlight, lang)},
                       {"score", score_text(item.score)},
                       {"n", item.n},
                       {"unanswered_text", item.unanswered > 0
                                               ? fill(no_answer_fmt, {{"n", std::to_string(item.unanswered)}})
                                               : std::string()},
                       {"pie", report::render_pie_svg(item, lang, report::SvgMode::kInline)},
                       {"choices", choices},
                       {"has_mine", mine != nullptr},
                       {"mine_text", own_text},
                       {"comments", comments},
                       {"has_comments", !comments.empty()},
                       {"comments_label", fill(comments_fmt, {{"n", std::to_string(comments.size())}})},
                       {"hidden", hidden}});
    }
    const bool section_hidden = (!f.section.empty() && f.section != s.id) || (f.view != "bars" && !any_item_visible);
    any_visible = any_visible || !section_hidden;
    const std::string anchor = "sec-" + report::html_id(s.id);
    sections.push_back({{"id", s.id},
                        {"anchor", anchor},
                        {"number", si + 1},
                        {"title", s.title},
                        {"category_label", text(lang, s.category == model::Category::kOverall ? "results.overall" : "results.implementation")},
                        {"score", score_text(s.score)},
                        {"na_share", percent_of(static_cast<std::size_t>(std::lround(s.na_share * 1000)), 1000)},
                        {"item_count", s.items.size()},
                        {"bars", s.items.empty() ? std::string()
                                                 : report::render_section_bars_svg(a, s, lang, report::SvgMode::kInline)},
                        {"items", items},
                        {"hidden", section_hidden}});
    if (mine) {
      auto counts_json = [&](const LevelCounts& c, bool as_percent) {
        json parts = json::array();
        for (std::size_t i = 0; i < 4; ++i) {
          parts.push_back({{"label", report::level_label(k_levels[i], lang)},
                           {"value", as_percent ? percent_of(c.by_level[i], c.total()) : std::to_string(c.by_level[i])},
                           {"level", model::to_string(k_levels[i])}});
        }
        if (c.unanswered > 0) {
          parts.push_back({{"label", text(lang, "results.unanswered_part")},
                           {"value", as_percent ? percent_of(c.unanswered, c.total()) : std::to_string(c.unanswered)},
                           {"level", "unanswered"}});
        }
        return parts;
      };
      mine_rows.push_back({{"number", si + 1},
                           {"title", s.title},
                           {"anchor", anchor},
                           {"own_bar", level_bar_svg(own_counts)},
                           {"own_parts", counts_json(own_counts, false)},
                           {"own_score", score_text(own_counts.score())},
                           {"all_bar", level_bar_svg(pool_counts)},
                           {"all_parts", counts_json(pool_counts, true)},
                           {"all_score", score_text(s.score)}});
    }
  }
  out["sections"] = sections;
  out["no_match"] = !any_visible;
  out["has_mine"] = mine != nullptr;
  if (mine) {
    json legend = json::array();
    for (model::Level level : k_levels) {
      legend.push_back({{"label", report::level_label(level, lang)}, {"swatch", swatch_svg(level_fill(level))}});
    }
    legend.push_back({{"label", text(lang, "results.unanswered_part")}, {"swatch", swatch_svg("#f4f5f7")}});
    out["level_legend"] = legend;
    out["mine_rows"] = mine_rows;
    out["mine_lead"] = fill(text(lang, "results.mine_lead"),
                            {{"org", mine->org_name}, {"n", std::to_string(a.organizations)}});
  }
  return out;
}

// The toolbar's choices (sections of the checklist, highlights, views).
json toolbar_json(const Pool& pool, const std::string& lang, const Filters& f, const std::string& campaign_id,
                  bool downloads) {
  json sections = json::array();
  for (std::size_t i = 0; i < pool.analysis->sections.size(); ++i) {
    const auto& s = pool.analysis->sections[i];
    sections.push_back({{"id", s.id}, {"label", fmt::format("{}. {}", i + 1, s.title)}, {"selected", f.section == s.id}});
  }
  json highlights = json::array();
  for (const char* h : {"strength", "challenge", "not_exercised"}) {
    highlights.push_back({{"id", h}, {"label", text(lang, "results.highlight_" + std::string(h))}, {"selected", f.highlight == h}});
  }
  json files = json::array();
  if (downloads) {
    const std::string base = "/api/v1/campaigns/" + url_encode(campaign_id) + "/report?format=";
    for (const char* format : {"html", "csv", "json"}) {
      files.push_back({{"label", text(lang, "results.download_" + std::string(format))},
                       {"ja", base + format + "&lang=ja"},
                       {"en", base + format + "&lang=en"}});
    }
  }
  return {{"sections", sections},
          {"highlights", highlights},
          {"view_bars", f.view == "bars"},
          {"view_pies", f.view != "bars"},
          {"downloads", files},
          {"has_downloads", downloads}};
}

// --- the coordinator's campaign page -----------------------------------------------

struct StateAction {
  const char* id;       // open | close | reopen | publish
  store::CampaignState to;
  bool danger;
};

// The state row: chip, facts, the actions with their confirmation dialogs.
json state_json(const store::CampaignRecord& c, const server::CampaignProgress& progress, const std::string& lang,
                bool may_change) {
  const std::string n = std::to_string(progress.submitted_orgs());
  const std::string k = std::to_string(c.min_group);
  const std::vector<std::pair<std::string, std::string>> values = {
      {"n", n}, {"k", k}, {"total", std::to_string(progress.orgs.size())}};
  const bool enough = progress.submitted_orgs() >= static_cast<std::size_t>(c.min_group);
  std::vector<StateAction> shown;
  switch (c.state) {
    case store::CampaignState::kDraft: shown = {{"open", store::CampaignState::kOpen, false}}; break;
    case store::CampaignState::kOpen:
      shown = {{"close", store::CampaignState::kClosed, false}, {"publish", store::CampaignState::kPublished, false}};
      break;
    case store::CampaignState::kClosed:
      shown = {{"reopen", store::CampaignState::kOpen, false}, {"publish", store::CampaignState::kPublished, false}};
      break;
    case store::CampaignState::kPublished: break;
  }
  json actions = json::array();
  for (const StateAction& a : shown) {
    const std::string id = a.id;
    std::string reason;
    if (!may_change) {
      reason = text(lang, "campaign.why_not_coordinator");
    } else if (!store::campaign_transition_allowed(c.state, a.to)) {
      reason = text(lang, "campaign.why_publish_open");
    } else if (a.to == store::CampaignState::kPublished && !enough) {
      reason = fill(text(lang, "campaign.why_publish_k"), values);
    }
    json dialog_body = json::array({fill(text(lang, "campaign.dlg_" + id + "_body"), values)});
    if (a.to == store::CampaignState::kPublished) dialog_body.push_back(text(lang, "campaign.dlg_publish_more"));
    actions.push_back({{"id", id},
                       {"to", store::to_string(a.to)},
                       {"label", text(lang, "campaign.act_" + id)},
                       {"enabled", reason.empty()},
                       {"reason", reason},
                       {"primary", a.to == store::CampaignState::kPublished || a.to == store::CampaignState::kOpen},
                       {"dialog_title", text(lang, "campaign.dlg_" + id + "_title")},
                       {"dialog_body", dialog_body},
                       {"confirm", text(lang, "campaign.act_" + id)}});
  }
  json coordinators = json::array();
  for (const auto& login : c.coordinators) coordinators.push_back(login);
  return {{"state", store::to_string(c.state)},
          {"state_label", text(lang, std::string("state.") + store::to_string(c.state))},
          {"state_note", text(lang, "campaign.state_note_" + std::string(store::to_string(c.state)))},
          {"checklist", c.checklist_id + " v" + c.checklist_version},
          {"period", c.opens_on.empty() && c.closes_on.empty() ? text(lang, "campaign.no_period")
                                                                : c.opens_on + " – " + c.closes_on},
          {"min_group", fill(text(lang, "campaign.min_group_value"), values)},
          {"coordinators", coordinators},
          {"all_coordinators", c.coordinators.empty()},
          {"actions", actions},
          {"has_actions", !actions.empty()}};
}

// The status region: counters and the table of organisations.
json status_json(const store::CampaignRecord& c, const server::CampaignProgress& progress, const std::string& lang,
                 const Filters& f) {
  json counters = json::array();
  const std::map<std::string, std::size_t> totals = {{"submitted", progress.submitted},
                                                     {"draft_after_submit", progress.draft_after_submit},
                                                     {"draft", progress.draft},
                                                     {"not_started", progress.not_started}};
  for (const std::string& code : server::progress_codes()) {
    counters.push_back({{"code", code},
                        {"label", text(lang, "status." + code)},
                        {"count", totals.at(code)},
                        {"selected", f.status == code}});
  }
  std::vector<const server::OrgProgress*> rows;
  for (const auto& p : progress.orgs) {
    if (f.status.empty() || p.status == f.status) rows.push_back(&p);
  }
  auto rank = [](const std::string& code) {
    const auto& codes = server::progress_codes();
    return std::find(codes.begin(), codes.end(), code) - codes.begin();
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const server::OrgProgress* x, const server::OrgProgress* y) {
    if (f.sort == "industry") return x->industry < y->industry;
    if (f.sort == "status") return rank(x->status) < rank(y->status);
    if (f.sort == "activity") return x->last_activity > y->last_activity;  // newest first
    if (f.sort == "revision") return x->latest_revision > y->latest_revision;
    return x->name < y->name;
  });
  json table = json::array();
  for (const server::OrgProgress* p : rows) {
    table.push_back({{"id", p->id},
                     {"name", p->name.empty() ? p->id : p->name},
                     {"industry", p->industry},
                     {"status", p->status},
                     {"status_rank", rank(p->status)},
                     {"status_label", text(lang, "status." + p->status)},
                     {"activity_date", p->last_activity.substr(0, 10)},
                     {"activity_time", p->last_activity.size() >= 16 ? p->last_activity.substr(11, 5) : std::string()},
                     {"has_activity", !p->last_activity.empty()},
                     {"activity_raw", p->last_activity},
                     {"revision", p->latest_revision == 0 ? std::string("—") : std::to_string(p->latest_revision)},
                     {"revision_raw", p->latest_revision},
                     {"submissions", p->submissions}});
  }
  json columns = json::array();
  for (const char* col : {"name", "industry", "status", "activity", "revision"}) {
    columns.push_back({{"id", col},
                       {"label", text(lang, "campaign.col_" + std::string(col))},
                       {"sorted", f.sort == col},
                       {"aria_sort", f.sort == col ? (std::string(col) == "activity" || std::string(col) == "revision"
                                                          ? "descending"
                                                          : "ascending")
                                                   : "none"},
                       {"num", std::string(col) == "revision" || std::string(col) == "activity"}});
  }
  const std::vector<std::pair<std::string, std::string>> values = {
      {"n", std::to_string(progress.submitted_orgs())},
      {"k", std::to_string(c.min_group)},
      {"total", std::to_string(progress.orgs.size())}};
  const bool enough = progress.submitted_orgs() >= static_cast<std::size_t>(c.min_group);
  return {{"total", progress.orgs.size()},
          {"of_total", fill(text(lang, "campaign.of_total"), values)},
          {"counters", counters},
          {"rows", table},
          {"has_rows", !table.empty()},
          {"columns", columns},
          {"k_progress", fill(text(lang, "campaign.k_progress"), values)},
          {"k_reached", enough},
          {"status_all", f.status.empty()}};
}

// Everything the dashboard's live regions show (partials campaign_state,
// campaign_status, results_body).
Result<json> dashboard_json(const server::Caller& who, const store::CampaignRecord& c, const std::string& lang,
                            const Filters& f, Pool* pool_out, bool with_results = true) {
  auto progress = server::campaign_progress(*who.db, c.id);
  if (!progress) return progress.status();
  const Resource what = Resource::of(c);
  json data;
  data["campaign"] = campaign_summary(c, lang);
  data["href"] = campaign_href(c.id);
  data["state"] = state_json(c, *progress, lang, static_cast<bool>(server::authorize(who.who, Action::kChangeCampaignState, what)));
  data["status"] = status_json(c, *progress, lang, f);
  const bool live = with_results && static_cast<bool>(server::authorize(who.who, Action::kViewLiveResults, what));
  data["live_results"] = live;
  if (live) {
    const std::vector<std::pair<std::string, std::string>> values = {
        {"n", std::to_string(progress->submitted_orgs())}, {"k", std::to_string(c.min_group)}};
    // The pooled results are the published ones (store/publication.hpp):
    // below k there are none to show, not even to the coordinator here.
    auto pool = pooled(*who.db, c, lang);
    if (!pool && pool.status().kind() != ErrorKind::kConflict) return pool.status();
    json results = pool ? results_json(*pool, lang, f, nullptr) : json{{"has_results", false}};
    results["below_k"] = progress->submitted_orgs() < static_cast<std::size_t>(c.min_group);
    results["withheld"] = !pool && progress->submitted_orgs() > 0;
    results["below_k_text"] = fill(text(lang, "campaign.below_k"), values);
    results["preliminary"] = c.state != store::CampaignState::kPublished;
    data["results"] = results;
    if (pool && pool_out) *pool_out = std::move(pool).value();
  }
  if (server::authorize(who.who, Action::kManagePublication, what)) {
    data["state"]["publish_href"] = campaign_href(c.id) + "/publish";
  }
  if (server::authorize(who.who, Action::kImportPackage, what)) {
    data["state"]["packages_href"] = campaign_href(c.id) + "/packages";
  }
  return data;
}

std::string live_time() {
  const std::string now = store::now_utc();
  return now.substr(11, 8);
}

// GET /campaigns/{id}
HttpResponse campaign_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return status_page(r, &who, campaign.status());
  const Resource what = Resource::of(*campaign);
  if (!server::authorize(who.who, Action::kViewSubmissionStatus, what)) {
    // Not a coordinator of it: send an organisation's user where they may go.
    auto org = server::participating_org(who, *campaign);
    if (!org) return status_page(r, &who, org.status());
    if (!org->empty() || server::authorize(who.who, Action::kViewPublishedResults, what)) {
      return redirect(campaign_href(campaign->id) + "/results");
    }
    for (const std::string& own : who.who.orgs) {
      if (server::authorize(who.who, Action::kViewDraft, Resource::of(*campaign, own))) {
        return redirect(campaign_href(campaign->id) + "/evaluations/" + url_encode(own));
      }
    }
    if (auto refused = refuse_page_unless(r, who, Action::kViewSubmissionStatus, what)) return *refused;
  }
  const std::string lang = request_lang(r);
  const Filters f = filters_of(r);
  Pool pool;
  auto data = dashboard_json(who, *campaign, lang, f, &pool);
  if (!data) return status_page(r, &who, data.status());
  // No toolbar without published results (below k there are none).
  if ((*data)["live_results"].get<bool>() && pool.analysis) {
    (*data)["toolbar"] = toolbar_json(pool, lang, f, campaign->id,
                                      static_cast<bool>(server::authorize(who.who, Action::kDownloadReport, what)));
  }
  (*data)["view"] = f.view;
  (*data)["events_url"] = "/api/v1/campaigns/" + url_encode(campaign->id) + "/events";
  (*data)["live_url"] = campaign_href(campaign->id) + "/live";
  (*data)["updated_at"] = live_time();
  Page page;
  page.name = "campaign";
  page.title = campaign->title.empty() ? campaign->id : campaign->title;
  page.data = std::move(data).value();
  page.scripts = {"results.js", "campaign.js"};
  page.styles = {"results.css", "campaign.css"};
  page.script_texts = {"campaign", "results", "state"};
  page.wide = true;
  return render_page(r, &who, page);
}

// GET /campaigns/{id}/live[?parts=status]: the dashboard's live regions, for
// campaign.js; with parts=status only the state and the status (a draft saved
// changes nothing in the pooled results, which are the bulk of the page).
// Answers like the API when refused (401 / 403 in the error shape): a script
// asks for it, not a person.
HttpResponse campaign_live(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = server::caller(c, r, false);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  if (auto refused = server::refuse_unless(who, Action::kViewSubmissionStatus, Resource::of(*campaign))) return *refused;
  const std::string lang = request_lang(r);
  auto data = dashboard_json(who, *campaign, lang, filters_of(r), nullptr, query_param(r, "parts") != "status");
  if (!data) return HttpResponse::from_status(data.status());
  (*data)["t"] = strings(lang);
  (*data)["lang"] = lang;
  (*data)["updated_at"] = live_time();
  HttpResponse res;
  res.content_type = "text/html; charset=utf-8";
  res.body = render_template("campaign_live", *data);
  return res;
}

// --- the published results ------------------------------------------------------------

// GET /campaigns/{id}/results[?org=ID]
HttpResponse results_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return status_page(r, &who, campaign.status());
  const std::string lang = request_lang(r);
  const Resource what = Resource::of(*campaign);

  // Whose answers to set against everyone's: ?org= if it is one of the
  // caller's and may see the results, else the first such organisation.
  std::string own;
  const std::string asked = query_param(r, "org");
  if (!asked.empty()) {
    bool took_part = false;
    if (std::find(who.who.orgs.begin(), who.who.orgs.end(), asked) != who.who.orgs.end()) {
      auto part = server::participated(*who.db, campaign->id, asked);
      if (!part) return status_page(r, &who, part.status());
      took_part = *part;
    }
    if (auto refused = refuse_page_unless(r, who, Action::kViewPublishedResults, Resource::of(*campaign, asked, took_part))) {
      return *refused;
    }
    own = asked;
  } else {
    auto org = server::participating_org(who, *campaign);
    if (!org) return status_page(r, &who, org.status());
    own = *org;
  }
  if (own.empty() && !server::authorize(who.who, Action::kViewPublishedResults, what)) {
    // Refused: audited like every refusal; the page says why in words.
    std::string first;
    bool first_part = false;
    if (!who.who.orgs.empty()) {
      first = who.who.orgs.front();
      auto part = server::participated(*who.db, campaign->id, first);
      if (!part) return status_page(r, &who, part.status());
      first_part = *part;
    }
    const Resource asked_for = Resource::of(*campaign, first, first_part);
    (void)server::refuse_unless(who, Action::kViewPublishedResults, asked_for);
    // Someone who will see the results once they are published (a
    // coordinator of it, an observer, an evaluator whose organisation
    // submits) is told when; anybody else gets the plain refusal.
    Resource once_published = Resource::of(*campaign, first, true);
    once_published.campaign_state = store::CampaignState::kPublished;
    if (campaign->state != store::CampaignState::kPublished &&
        server::authorize(who.who, Action::kViewPublishedResults, once_published)) {
      Page page;
      page.name = "results_pending";
      page.title = text(lang, "results.pending_title");
      page.styles = {"results.css"};
      page.data = {{"campaign", campaign_summary(*campaign, lang)},
                   {"dashboard", static_cast<bool>(server::authorize(who.who, Action::kViewSubmissionStatus, what))},
                   {"dashboard_href", campaign_href(campaign->id)}};
      return render_page(r, &who, page, 409);
    }
    return error_page(r, &who, 403, text(lang, "results.not_participant"));
  }

  auto pool = pooled(*who.db, *campaign, lang);
  if (!pool) return status_page(r, &who, pool.status());
  std::optional<Mine> mine;
  json own_orgs = json::array();
  if (!own.empty()) {
    auto answers = own_answers(*who.db, campaign->id, own);
    if (!answers) return status_page(r, &who, answers.status());
    auto record = who.db->get_org(own);
    mine = Mine{record ? record->name : own, std::move(answers).value()};
    // The caller's other organisations that took part, to switch between them.
    for (const std::string& org : who.who.orgs) {
      auto part = server::participated(*who.db, campaign->id, org);
      if (!part) return status_page(r, &who, part.status());
      if (!server::authorize(who.who, Action::kViewPublishedResults, Resource::of(*campaign, org, *part))) continue;
      auto rec = who.db->get_org(org);
      own_orgs.push_back({{"id", org},
                          {"name", rec ? rec->name : org},
                          {"current", org == own},
                          {"href", campaign_href(campaign->id) + "/results?org=" + url_encode(org)}});
    }
  }
  const Filters f = filters_of(r);
  json data;
  data["campaign"] = campaign_summary(*campaign, lang);
  data["results"] = results_json(*pool, lang, f, mine ? &*mine : nullptr);
  const bool downloads = !own.empty() ? static_cast<bool>(server::authorize(
                                            who.who, Action::kDownloadReport, Resource::of(*campaign, own, true)))
                                      : static_cast<bool>(server::authorize(who.who, Action::kDownloadReport, what));
  data["toolbar"] = toolbar_json(*pool, lang, f, campaign->id, downloads);
  data["view"] = f.view;
  data["own_orgs"] = own_orgs;
  data["several_orgs"] = own_orgs.size() > 1;
  data["dashboard"] = static_cast<bool>(server::authorize(who.who, Action::kViewSubmissionStatus, what));
  data["dashboard_href"] = campaign_href(campaign->id);
  Page page;
  page.name = "results";
  page.title = (campaign->title.empty() ? campaign->id : campaign->title) + " — " +
               text(lang, "results.title_suffix");
  page.data = std::move(data);
  page.scripts = {"results.js"};
  page.styles = {"results.css"};
  page.script_texts = {"results"};
  page.wide = true;
  return render_page(r, &who, page);
}

}  // namespace

void add_campaign_pages(Router& router, ApiContext& context) {
  router.add("GET", "/campaigns/{id}", "page.campaign",
             [&context](const HttpRequest& r, const RouteParams& p) { return campaign_page(context, r, p); });
  router.add("GET", "/campaigns/{id}/live", "page.campaign_live",
             [&context](const HttpRequest& r, const RouteParams& p) { return campaign_live(context, r, p); });
  router.add("GET", "/campaigns/{id}/results", "page.results",
             [&context](const HttpRequest& r, const RouteParams& p) { return results_page(context, r, p); });
}

}  // namespace kunren::web
