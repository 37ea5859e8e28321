// The evaluator's pages (issue 4): an organisation's self-evaluation form,
// the history of its revisions with the differences between two of them,
// and a print view.
//
//   GET /campaigns/{id}/evaluations/{org}          the form (evaluation.mustache, evaluation.js)
//   GET /campaigns/{id}/evaluations/{org}/history  revisions and a diff (?from=N&to=M)
//   GET /campaigns/{id}/evaluations/{org}/print    A4 print view (?rev=N), a page of its own without navigation
//
// Access is decided as for the API (evaluation_api.cpp): kViewDraft shows the
// working evaluation, kEditDraft makes the form editable (a closed campaign
// shows it read-only), kSubmitEvaluation offers submitting. A coordinator
// (kViewSubmissions, not kViewDraft) sees the latest submitted revision and
// the submitted part of the history, never a draft. Anyone else gets the 403
// page, audited.
//
// Everything is rendered on the server and reads well without a script: the
// script adds autosave, filters, live progress and the submit dialog through
// the JSON API. Times are shown in UTC here and turned into the browser's
// local time by the scripts (<time datetime=… data-local>).
#include <kunren/web/pages.hpp>

#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include <kunren/model/checklist.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/web/assets.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::Resource;

namespace {

// `pattern` with each "{name}" replaced by its value (texts from the i18n files).
// {"iso": "2026-11-26T09:20:03.123456Z", "text": "2026-11-26 09:20 UTC"}; false when empty.
json time_json(const std::string& ts) {
  if (ts.size() < 16) return false;
  return {{"iso", ts}, {"text", ts.substr(0, 10) + " " + ts.substr(11, 5) + " UTC"}};
}

// "P0" for section "p0-prep": the part before the first '-' when short,
// else the section's position.
std::string section_code(const model::Section& s, std::size_t index) {
  const std::string head = s.id.substr(0, s.id.find('-'));
  if (!head.empty() && head.size() <= 3 && head != s.id) {
    std::string out;
    for (char c : head) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  return std::to_string(index + 1);
}

std::string rev_label(const std::string& lang, int no) {
  return fill(text(lang, "evaluation.revision_no"), {{"no", std::to_string(no)}});
}

std::string evaluation_href(const std::string& campaign, const std::string& org) {
  return "/campaigns/" + url_encode(campaign) + "/evaluations/" + url_encode(org);
}

// Who saved a revision, for people: a user's display name, an import's file.
class Authors {
 public:
  Authors(store::Store& db, std::string lang) : m_db(db), m_lang(std::move(lang)) {}
  std::string operator()(const std::string& author) {
    auto it = m_cache.find(author);
    if (it != m_cache.end()) return it->second;
    std::string label = author;
    if (author.rfind("user:", 0) == 0) {
      const std::string login = author.substr(5);
      auto user = m_db.get_user(login);
      label = user && !user->display_name.empty() && user->display_name != login
                  ? fmt::format("{} ({})", user->display_name, login)
                  : login;
    } else if (author.rfind("import:", 0) == 0) {
      label = text(m_lang, "evaluation.author_import") + ": " + author.substr(7);
    }
    return m_cache[author] = label;
  }

 private:
  store::Store& m_db;
  std::string m_lang;
  std::map<std::string, std::string> m_cache;
};

// What one request may see and do on one organisation's evaluation.
struct Access {
  store::CampaignRecord campaign;
  std::string org;
  std::string org_name;
  std::shared_ptr<const model::Checklist> checklist;
  bool drafts = false;      // kViewDraft: the working draft and draft revisions
  bool editable = false;    // kEditDraft
  bool can_submit = false;  // kSubmitEvaluation
};

enum class Need { kEvaluation, kHistory };

// The access of `who`, or the page to answer with (404, audited 403).
std::variant<Access, HttpResponse> access_of(Caller& who, const HttpRequest& r, const RouteParams& p, Need need) {
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return status_page(r, &who, campaign.status());
  const std::string& org = p.at("org");
  const Resource what = Resource::of(*campaign, org);
  Access a;
  a.drafts = static_cast<bool>(server::authorize(who.who, Action::kViewDraft, what));
  if (need == Need::kHistory || !a.drafts) {
    // The history is the submissions' history; without drafts a page shows submissions only.
    const Action action = need == Need::kHistory || server::authorize(who.who, Action::kViewSubmissions, what)
                              ? Action::kViewSubmissions
                              : Action::kViewDraft;
    if (auto refused = refuse_page_unless(r, who, action, what)) return *refused;
  }
  a.editable = static_cast<bool>(server::authorize(who.who, Action::kEditDraft, what));
  a.can_submit = static_cast<bool>(server::authorize(who.who, Action::kSubmitEvaluation, what));
  auto record = who.db->get_org(org);
  if (!record) return status_page(r, &who, record.status());
  a.org = org;
  a.org_name = record->name.empty() ? org : record->name;
  auto checklist = store::campaign_checklist(*who.db, *campaign);
  if (!checklist) return status_page(r, &who, checklist.status());
  a.checklist = *checklist;
  a.campaign = std::move(campaign).value();
  return a;
}

// The latest revision this access may see (draft or submitted), if any.
Result<std::optional<store::Revision>> latest_visible(store::Store& db, const Access& a) {
  store::LatestQuery q;
  q.state = a.drafts ? std::nullopt : std::optional(store::RevisionState::kSubmitted);
  q.org = a.org;
  auto latest = db.latest_revisions(a.campaign.id, q);
  if (!latest) return latest.status();
  if (latest->empty()) return std::optional<store::Revision>();
  return std::optional<store::Revision>(std::move(latest->front()));
}

// Every revision this access may see, by number.
Result<std::vector<store::Revision>> visible_history(store::Store& db, const Access& a) {
  auto all = db.revision_history(a.campaign.id, a.org);
  if (!all) return all.status();
  std::vector<store::Revision> out;
  for (auto& rev : *all) {
    if (a.drafts || rev.state == store::RevisionState::kSubmitted) out.push_back(std::move(rev));
  }
  return out;
}

// Answers by item id. The pointers point into `answers`: keep it alive (never a temporary).
std::map<std::string, const store::Answer*> by_item(const std::vector<store::Answer>& answers) {
  std::map<std::string, const store::Answer*> out;
  for (const auto& a : answers) out[a.item] = &a;
  return out;
}

// "2. 設備トラブル用のみ…" or the "not answered" text.
std::string choice_text(const model::Item& item, int choice, const std::string& lang) {
  if (choice < 1 || choice > static_cast<int>(item.choices.size())) return text(lang, "evaluation.item.unanswered");
  return fmt::format("{}. {}", choice, item.choices[choice - 1].label.text(lang));
}

// The form's sections and items, grouped by category, with progress.
json form_sections(const model::Checklist& checklist, const std::vector<store::Answer>& answers,
                   const std::string& lang, bool editable, int& answered_total, int& marked_total) {
  const auto answer_of = by_item(answers);
  json categories = json::array();
  std::string current_category;
  for (std::size_t si = 0; si < checklist.sections.size(); ++si) {
    const model::Section& s = checklist.sections[si];
    const std::string category = model::to_string(s.category);
    if (categories.empty() || current_category != category) {
      current_category = category;
      categories.push_back({{"id", category},
                            {"title", text(lang, "evaluation.form.category_" + category)},
                            {"sections", json::array()}});
    }
    json items = json::array();
    int answered = 0;
    for (const model::Item& item : checklist.items) {
      if (item.section_index != si) continue;
      auto found = answer_of.find(item.id);
      const store::Answer* a = found == answer_of.end() ? nullptr : found->second;
      const int chosen = a ? a->choice : 0;
      json choices = json::array();
      for (const model::Choice& ch : item.choices) {
        choices.push_back({{"no", ch.no},
                           {"input_id", fmt::format("choice-{}-{}", item.id, ch.no)},
                           {"label", ch.label.text(lang)},
                           {"level", model::to_string(ch.level)},
                           {"level_label", text(lang, std::string("evaluation.level.") + model::to_string(ch.level))},
                           {"checked", chosen == ch.no}});
      }
      answered += chosen != 0 ? 1 : 0;
      marked_total += a && a->review ? 1 : 0;
      items.push_back({{"id", item.id},
                       {"section", s.id},
                       {"text", item.text.text(lang)},
                       {"has_help", !item.help.empty()},
                       {"help", item.help.text(lang)},
                       {"choices", choices},
                       {"comment", a ? a->comment : std::string()},
                       {"has_comment", a && !a->comment.empty()},
                       {"review", a && a->review},
                       {"answered", chosen != 0},
                       {"editable", editable}});
    }
    answered_total += answered;
    const int total = static_cast<int>(items.size());
    categories.back()["sections"].push_back({{"id", s.id},
                                              {"anchor", "section-" + s.id},
                                              {"code", section_code(s, si)},
                                              {"title", s.title.text(lang)},
                                              {"answered", answered},
                                              {"total", total},
                                              {"complete", answered == total},
                                              {"items", items}});
  }
  return categories;
}

std::string readonly_reason(const Access& a, const std::string& lang) {
  if (!a.drafts) return text(lang, "evaluation.form.readonly_role");
  switch (a.campaign.state) {
    case store::CampaignState::kClosed: return text(lang, "evaluation.form.readonly_closed");
    case store::CampaignState::kPublished: return text(lang, "evaluation.form.readonly_published");
    default: return text(lang, "evaluation.form.readonly_other");
  }
}

// GET /campaigns/{id}/evaluations/{org}
HttpResponse form_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto access = access_of(who, r, p, Need::kEvaluation);
  if (auto* res = std::get_if<HttpResponse>(&access)) return *res;
  const Access& a = std::get<Access>(access);
  const std::string lang = request_lang(r);

  auto status = org_status(*who.db, a.campaign.id, a.org);
  if (!status) return status_page(r, &who, status.status());
  auto shown = latest_visible(*who.db, a);
  if (!shown) return status_page(r, &who, shown.status());
  const std::vector<store::Answer> none;
  const std::vector<store::Answer>& answers = *shown ? (*shown)->answers : none;

  int answered = 0, marked = 0;
  json categories = form_sections(*a.checklist, answers, lang, a.editable, answered, marked);
  const int total = static_cast<int>(a.checklist->items.size());
  const std::string href = evaluation_href(a.campaign.id, a.org);
  json status_json = {{"code", status->code},
                      {"label", text(lang, "status." + status->code)},
                      {"time", *shown ? time_json((*shown)->created_at) : json(false)},
                      {"revision", *shown ? rev_label(lang, (*shown)->no) : std::string()}};

  Page page;
  page.name = "evaluation";
  page.title = a.org_name + " — " + text(lang, "evaluation.form.heading");
  page.wide = true;
  page.scripts = {"evaluation-common.js", "evaluation.js"};
  page.styles = {"evaluation.css"};
  page.script_texts = {"evaluation", "status"};
  page.data = {{"campaign", campaign_summary(a.campaign, lang)},
               {"org", a.org},
               {"org_name", a.org_name},
               {"api", "/api/v1/campaigns/" + url_encode(a.campaign.id) + "/evaluations/" + url_encode(a.org)},
               // The revision the form's autosave is based on: the latest of any state.
               {"base", a.drafts ? status->latest_no : 0},
               {"editable", a.editable},
               {"can_submit", a.can_submit},
               {"readonly_reason", a.editable ? std::string() : readonly_reason(a, lang)},
               {"nothing_submitted", !a.drafts && !*shown},
               {"status", status_json},
               {"answered", answered},
               {"marked", marked},
               {"unanswered", total - answered},
               {"total", total},
               {"progress_text", fill(text(lang, "evaluation.form.answered_of"),
                                      {{"answered", std::to_string(answered)}, {"total", std::to_string(total)}})},
               {"categories", categories},
               {"history_href", href + "/history"},
               {"print_href", href + "/print"}};
  return render_page(r, &who, page);
}

// One changed item between two revisions.
json item_diff(const model::Item& item, const store::Answer* from, const store::Answer* to, const std::string& lang,
               const std::string& form_href) {
  const int c0 = from ? from->choice : 0, c1 = to ? to->choice : 0;
  const std::string m0 = from ? from->comment : std::string(), m1 = to ? to->comment : std::string();
  const bool r0 = from && from->review, r1 = to && to->review;
  if (c0 == c1 && m0 == m1 && r0 == r1) return nullptr;
  const std::string none = text(lang, "evaluation.history.empty_comment");
  json d = {{"id", item.id}, {"text", item.text.text(lang)}, {"href", form_href + "#item-" + item.id}};
  d["choice_changed"] = c0 != c1;
  d["choice_from"] = choice_text(item, c0, lang);
  d["choice_to"] = choice_text(item, c1, lang);
  d["comment_changed"] = m0 != m1;
  d["comment_from"] = m0.empty() ? none : m0;
  d["comment_to"] = m1.empty() ? none : m1;
  d["comment_from_empty"] = m0.empty();
  d["comment_to_empty"] = m1.empty();
  d["review_changed"] = r0 != r1;
  d["review_text"] = text(lang, r1 ? "evaluation.history.review_set" : "evaluation.history.review_cleared");
  return d;
}

int number_param(const HttpRequest& r, std::string_view name) {
  const std::string v = query_param(r, name);
  int n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size() && n > 0 ? n : 0;
}

// GET /campaigns/{id}/evaluations/{org}/history[?from=N&to=M]
HttpResponse history_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto access = access_of(who, r, p, Need::kHistory);
  if (auto* res = std::get_if<HttpResponse>(&access)) return *res;
  const Access& a = std::get<Access>(access);
  const std::string lang = request_lang(r);
  auto history = visible_history(*who.db, a);
  if (!history) return status_page(r, &who, history.status());
  const std::vector<store::Revision>& revs = *history;

  // Which two to compare: ?from=&to=, else the latest against the one before.
  const store::Revision* to = revs.empty() ? nullptr : &revs.back();
  const store::Revision* from = revs.size() < 2 ? nullptr : &revs[revs.size() - 2];
  bool unknown = false;
  const int want_from = number_param(r, "from"), want_to = number_param(r, "to");
  if (want_from || want_to) {
    const store::Revision *f = nullptr, *t = nullptr;
    for (const auto& rev : revs) {
      if (rev.no == want_from) f = &rev;
      if (rev.no == want_to) t = &rev;
    }
    if (f && t) {
      from = f;
      to = t;
    } else {
      unknown = true;
    }
  }

  const std::string href = evaluation_href(a.campaign.id, a.org);
  Authors authors(*who.db, lang);
  // Autosave makes many drafts: the list shows the latest ones, every
  // submission and the two compared, unless ?all=1.
  constexpr std::size_t k_recent = 30;
  const bool show_all = query_param(r, "all") == "1";
  std::size_t hidden = 0;
  json rows = json::array();
  for (auto it = revs.rbegin(); it != revs.rend(); ++it) {
    const bool recent = static_cast<std::size_t>(it - revs.rbegin()) < k_recent;
    if (!show_all && !recent && it->state != store::RevisionState::kSubmitted && &*it != from && &*it != to) {
      ++hidden;
      continue;
    }
    int answered = 0, commented = 0, marked = 0;
    for (const auto& ans : it->answers) {
      answered += ans.choice != 0 ? 1 : 0;
      commented += ans.comment.empty() ? 0 : 1;
      marked += ans.review ? 1 : 0;
    }
    const std::string state = store::to_string(it->state);
    rows.push_back({{"no", it->no},
                    {"label", rev_label(lang, it->no)},
                    {"state", state},
                    {"state_label", text(lang, "status." + state)},
                    {"author", authors(it->author)},
                    {"time", time_json(it->created_at)},
                    {"answered", answered},
                    {"commented", commented},
                    {"marked", marked},
                    {"is_from", from && from->no == it->no},
                    {"is_to", to && to->no == it->no},
                    {"print_href", href + "/print?rev=" + std::to_string(it->no)}});
  }

  json diff = false;
  if (from && to && from->no != to->no) {
    const auto a0 = by_item(from->answers), a1 = by_item(to->answers);
    json changes = json::array();
    for (const model::Item& item : a.checklist->items) {
      auto f = a0.find(item.id);
      auto t = a1.find(item.id);
      json d = item_diff(item, f == a0.end() ? nullptr : f->second, t == a1.end() ? nullptr : t->second, lang, href);
      if (!d.is_null()) changes.push_back(std::move(d));
    }
    diff = {{"title", fill(text(lang, "evaluation.history.diff_title"),
                           {{"from", rev_label(lang, from->no)}, {"to", rev_label(lang, to->no)}})},
            {"count", fill(text(lang, "evaluation.history.diff_count"), {{"n", std::to_string(changes.size())}})},
            {"changes", changes},
            {"none", changes.empty()}};
  }

  Page page;
  page.name = "evaluation_history";
  page.title = a.org_name + " — " + text(lang, "evaluation.history.title");
  page.wide = true;
  page.scripts = {"evaluation-common.js"};
  page.styles = {"evaluation.css"};
  page.script_texts = {"evaluation"};
  page.data = {{"campaign", campaign_summary(a.campaign, lang)},
               {"org_name", a.org_name},
               {"form_href", href},
               {"back_label", text(lang, a.editable ? "evaluation.history.back_edit" : "evaluation.history.back_view")},
               {"drafts", a.drafts},
               {"revisions", rows},
               {"show_all", show_all},
               {"hidden", hidden == 0 ? json(false)
                                      : json(fill(text(lang, "evaluation.history.hidden"), {{"n", std::to_string(hidden)}}))},
               {"all_href", href + "/history?all=1"},
               {"empty", revs.empty()},
               {"comparable", revs.size() >= 2},
               {"only_one", revs.size() == 1},
               {"same", from && to && from->no == to->no},
               {"unknown", unknown},
               {"diff", diff}};
  return render_page(r, &who, page);
}

// GET /campaigns/{id}/evaluations/{org}/print[?rev=N]: a document of its
// own (no navigation, no script needed), A4 portrait.
HttpResponse print_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto access = access_of(who, r, p, Need::kEvaluation);
  if (auto* res = std::get_if<HttpResponse>(&access)) return *res;
  const Access& a = std::get<Access>(access);
  const std::string lang = request_lang(r);

  std::optional<store::Revision> shown;
  if (const int want = number_param(r, "rev"); want > 0 || !query_param(r, "rev").empty()) {
    auto history = visible_history(*who.db, a);
    if (!history) return status_page(r, &who, history.status());
    for (auto& rev : *history) {
      if (rev.no == want) shown = std::move(rev);
    }
    if (!shown && !a.drafts) {
      // A draft under that number is not this caller's to see: refused (audited), as the API does.
      auto all = who.db->revision_history(a.campaign.id, a.org);
      if (!all) return status_page(r, &who, all.status());
      for (const auto& rev : *all) {
        if (rev.no != want) continue;
        if (auto refused = refuse_page_unless(r, who, Action::kViewDraft, Resource::of(a.campaign, a.org))) return *refused;
      }
    }
    if (!shown) {
      return error_page(r, &who, 404,
                        fill(text(lang, "evaluation.print.no_such_revision"), {{"no", query_param(r, "rev")}}));
    }
  } else {
    auto latest = latest_visible(*who.db, a);
    if (!latest) return status_page(r, &who, latest.status());
    shown = std::move(*latest);
  }

  const std::vector<store::Answer> none;
  const auto answer_of = by_item(shown ? shown->answers : none);  // both lvalues: no temporary copy
  json sections = json::array();
  int answered = 0;
  for (std::size_t si = 0; si < a.checklist->sections.size(); ++si) {
    const model::Section& s = a.checklist->sections[si];
    json items = json::array();
    for (const model::Item& item : a.checklist->items) {
      if (item.section_index != si) continue;
      auto found = answer_of.find(item.id);
      const store::Answer* ans = found == answer_of.end() ? nullptr : found->second;
      const int chosen = ans ? ans->choice : 0;
      answered += chosen ? 1 : 0;
      items.push_back({{"id", item.id},
                       {"text", item.text.text(lang)},
                       {"answered", chosen != 0},
                       {"answer", choice_text(item, chosen, lang)},
                       {"level", chosen ? model::to_string(item.choices[chosen - 1].level) : "none"},
                       {"has_comment", ans && !ans->comment.empty()},
                       {"comment", ans ? ans->comment : std::string()},
                       {"review", ans && ans->review}});
    }
    sections.push_back({{"code", section_code(s, si)},
                        {"title", s.title.text(lang)},
                        {"category", text(lang, std::string("evaluation.form.category_") + model::to_string(s.category))},
                        {"items", items}});
  }
  const int total = static_cast<int>(a.checklist->items.size());
  const std::string href = evaluation_href(a.campaign.id, a.org);
  Authors authors(*who.db, lang);
  json revision = false;
  if (shown) {
    const std::string state = store::to_string(shown->state);
    revision = {{"label", rev_label(lang, shown->no)},
                {"state", state},
                {"state_label", text(lang, "status." + state)},
                {"author", authors(shown->author)},
                {"time", time_json(shown->created_at)}};
  }
  json data = {{"t", strings(lang)},
               {"lang", lang},
               {"title", a.org_name + " — " + text(lang, "evaluation.print.title")},
               {"css", "/static/evaluation-print.css?v=" + asset_version("evaluation-print.css")},
               {"scripts", json::array({"/static/evaluation-common.js?v=" + asset_version("evaluation-common.js"),
                                        "/static/evaluation-print.js?v=" + asset_version("evaluation-print.js")})},
               {"campaign", campaign_summary(a.campaign, lang)},
               {"checklist_title", a.checklist->title.text(lang)},
               {"org", a.org},
               {"org_name", a.org_name},
               {"revision", revision},
               {"printed", time_json(store::now_utc())},
               {"summary", fill(text(lang, "evaluation.form.answered_of"),
                                {{"answered", std::to_string(answered)}, {"total", std::to_string(total)}})},
               {"sections", sections},
               {"form_href", href},
               {"history_href", href + "/history"}};
  HttpResponse res;
  res.content_type = "text/html; charset=utf-8";
  res.body = render_template("evaluation_print", data);
  return res;
}

}  // namespace

void add_evaluation_pages(Router& router, ApiContext& context) {
  router.add("GET", "/campaigns/{id}/evaluations/{org}", "page.evaluation",
             [&context](const HttpRequest& r, const RouteParams& p) { return form_page(context, r, p); });
  router.add("GET", "/campaigns/{id}/evaluations/{org}/history", "page.evaluation_history",
             [&context](const HttpRequest& r, const RouteParams& p) { return history_page(context, r, p); });
  router.add("GET", "/campaigns/{id}/evaluations/{org}/print", "page.evaluation_print",
             [&context](const HttpRequest& r, const RouteParams& p) { return print_page(context, r, p); });
}

}  // namespace kunren::web
