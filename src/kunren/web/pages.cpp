#include <kunren/web/pages.hpp>

#include <future>

#include <fmt/format.h>

#include <kunren/server/authorize.hpp>
#include <kunren/util/password.hpp>
#include <kunren/web/assets.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::Resource;

namespace {

constexpr const char* k_lang_cookie = "kunren_lang";

bool has_role(const Caller& who, store::Role role) {
  for (auto r : who.user.roles) {
    if (r == role) return true;
  }
  return false;
}

// The navigation the user's roles allow: [{href, label, current}].
json navigation(const HttpRequest& r, const Caller& who, const std::string& lang) {
  json nav = json::array();
  auto add = [&](const std::string& href, const char* key) {
    const bool current = r.path == href || (r.path.rfind(href + "/", 0) == 0);
    nav.push_back({{"href", href}, {"label", text(lang, key)}, {"current", current}});
  };
  if (server::authorize(who.who, Action::kListCampaigns, {})) add("/campaigns", "nav.campaigns");
  if (server::authorize(who.who, Action::kListExercises, {})) add("/exercises", "nav.exercises");
  // The preparedness records of the user's (first) organisation they may see.
  for (const std::string& org : who.who.orgs) {
    Resource own;
    own.org = org;
    if (!server::authorize(who.who, Action::kViewPreparedness, own)) continue;
    add("/orgs/" + url_encode(org) + "/prepare", "nav.prepare");
    break;
  }
  if (has_role(who, store::Role::kAdmin)) {
    add("/admin/users", "nav.users");
    add("/admin/orgs", "nav.orgs");
    add("/admin/audit", "nav.audit");
  }
  return nav;
}

std::string with_lang(const HttpRequest& r, const std::string& lang) {
  // The same page in the other language: the path and the query without lang=.
  std::string query;
  std::size_t start = 0;
  while (start <= r.query.size() && !r.query.empty()) {
    std::size_t amp = r.query.find('&', start);
    if (amp == std::string::npos) amp = r.query.size();
    std::string_view part(r.query.data() + start, amp - start);
    if (!part.empty() && part.substr(0, 5) != "lang=") {
      query += query.empty() ? "" : "&";
      query += part;
    }
    start = amp + 1;
  }
  return r.path + "?" + (query.empty() ? "" : query + "&") + "lang=" + lang;
}

}  // namespace

std::string wall_time(const std::string& at) {
  std::string out = at.substr(0, 16);
  if (out.size() > 10 && out[10] == 'T') out[10] = ' ';
  return out;
}

std::string author_name(const std::string& author) {
  return author.rfind("user:", 0) == 0 ? author.substr(5) : author;
}

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string key = "{" + name + "}";
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  }
  return text;
}

std::string exercise_href(const std::string& id) { return "/exercises/" + url_encode(id); }
std::string api_href(const std::string& id) { return "/api/v1/exercises/" + url_encode(id); }

std::string url_encode(std::string_view text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::string request_lang(const HttpRequest& r) {
  const std::string q = query_param(r, "lang");
  if (q == "en" || q == "ja") return q;
  const std::string cookie = r.cookie(k_lang_cookie);
  if (cookie == "en" || cookie == "ja") return cookie;
  return "ja";
}

std::string safe_next(const std::string& next) {
  if (next.size() < 1 || next[0] != '/') return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f || c == '\\') return "/";
  }
  return next;
}

HttpResponse redirect(const std::string& location) {
  HttpResponse res;
  res.status = 303;
  res.content_type = "text/plain; charset=utf-8";
  res.headers.emplace_back("Location", location);
  return res;
}

std::variant<Caller, HttpResponse> page_caller(ApiContext& c, const HttpRequest& r) {
  auto got = server::caller(c, r, false);
  if (std::holds_alternative<Caller>(got)) return got;
  HttpResponse& refusal = std::get<HttpResponse>(got);
  if (refusal.status != 401) return got;
  std::string next = r.path + (r.query.empty() ? "" : "?" + r.query);
  return redirect("/login?next=" + url_encode(next));
}

HttpResponse render_page(const HttpRequest& r, const Caller* who, const Page& page, int status) {
  const std::string lang = request_lang(r);
  const json& t = strings(lang);
  json body_data = page.data;
  body_data["t"] = t;
  body_data["lang"] = lang;
  if (who) {
    body_data["me"] = {{"login", who->user.login},
                       {"display_name", who->user.display_name.empty() ? who->user.login : who->user.display_name}};
  }
  json script_texts = json::object();
  script_texts["common"] = t.value("common", json::object());
  for (const std::string& key : page.script_texts) script_texts[key] = t.value(key, json::object());

  json layout = {{"t", t},
                 {"lang", lang},
                 {"title", page.title},
                 {"page", page.name},
                 {"wide", page.wide},
                 {"body", render_template(page.name, body_data)},
                 {"css", "/static/app.css?v=" + asset_version("app.css")},
                 {"i18n_json", script_json(script_texts)},
                 {"switch_lang", lang == "ja" ? with_lang(r, "en") : with_lang(r, "ja")},
                 {"switch_label", lang == "ja" ? "English" : "日本語"}};
  json scripts = json::array({"/static/app.js?v=" + asset_version("app.js")});
  for (const std::string& s : page.scripts) scripts.push_back("/static/" + s + "?v=" + asset_version(s));
  layout["scripts"] = scripts;
  json styles = json::array();
  for (const std::string& s : page.styles) styles.push_back("/static/" + s + "?v=" + asset_version(s));
  layout["styles"] = styles;
  if (who) {
    layout["signed_in"] = true;
    layout["csrf"] = who->session.csrf_token;
    layout["me"] = body_data["me"];
    layout["nav"] = navigation(r, *who, lang);
  }
  HttpResponse res;
  res.status = status;
  res.content_type = "text/html; charset=utf-8";
  res.body = render_template("layout", layout);
  const std::string q = query_param(r, "lang");
  if (q == "en" || q == "ja") {
    res.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Path=/; Max-Age=31536000; SameSite=Lax", k_lang_cookie, q));
  }
  return res;
}

HttpResponse error_page(const HttpRequest& r, const Caller* who, int status, const std::string& message) {
  const std::string lang = request_lang(r);
  Page page;
  page.name = "error";
  page.title = fmt::format("{} {}", status, server::reason_phrase(status));
  page.data = {{"status", status}, {"heading", text(lang, fmt::format("error.h{}", status))}, {"message", message}};
  return render_page(r, who, page, status);
}

HttpResponse status_page(const HttpRequest& r, const Caller* who, const Status& status) {
  const HttpResponse api = HttpResponse::from_status(status);
  return error_page(r, who, api.status, status.message());
}

std::optional<HttpResponse> refuse_page_unless(const HttpRequest& r, const Caller& who, Action action,
                                               const Resource& what) {
  if (auto refused = server::refuse_unless(who, action, what)) {
    return error_page(r, &who, 403, text(request_lang(r), "error.forbidden"));
  }
  return std::nullopt;
}

Status check_web_assets() {
  // The two checks are independent and each takes tens of milliseconds
  // (yaml-cpp reading the texts, kainjow parsing every template): side by
  // side, start-up waits for the longer one only.
  auto templates = std::async(std::launch::async, check_templates);
  Status strings = check_strings();
  Status parsed = templates.get();
  KUNREN_RETURN_IF_ERROR(parsed);
  KUNREN_RETURN_IF_ERROR(strings);
  for (const char* required : {"app.css", "app.js"}) {
    if (!static_asset(required)) return Status::internal(fmt::format("web/static/{} is not embedded", required));
  }
  return Status::ok();
}

// --- the base pages --------------------------------------------------------------

namespace {

HttpResponse static_file(const HttpRequest& r, const RouteParams& p) {
  auto asset = static_asset(p.at("file"));
  if (!asset) return HttpResponse::error(404, "not_found", "no such file");
  HttpResponse res;
  res.content_type = asset->content_type;
  res.headers.emplace_back("ETag", asset->etag);
  // Links carry ?v=<etag>, so a versioned URL never changes: cache it long.
  res.headers.emplace_back("Cache-Control", r.query.empty() ? "no-cache" : "public, max-age=31536000, immutable");
  if (r.header("if-none-match") == asset->etag) {
    res.status = 304;
    return res;
  }
  res.body = std::string(asset->bytes);
  return res;
}

HttpResponse home(ApiContext& c, const HttpRequest& r) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  if (server::authorize(who.who, Action::kListCampaigns, {})) return redirect("/campaigns");
  if (server::authorize(who.who, Action::kListExercises, {})) return redirect("/exercises");
  if (server::authorize(who.who, Action::kManageUsers, {})) return redirect("/admin/users");
  return redirect("/account");
}

HttpResponse login(ApiContext& c, const HttpRequest& r) {
  const std::string next = safe_next(query_param(r, "next"));
  if (server::current_session(c, r)) return redirect(next);
  const std::string lang = request_lang(r);
  Page page;
  page.name = "login";
  page.title = text(lang, "login.title");
  page.data = {{"next", next}};
  page.scripts = {"login.js"};
  page.script_texts = {"login"};
  return render_page(r, nullptr, page);
}

HttpResponse account(ApiContext& c, const HttpRequest& r) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  const std::string lang = request_lang(r);
  json roles = json::array();
  for (auto role : who.user.roles) roles.push_back(text(lang, std::string("role.") + store::to_string(role)));
  json orgs = json::array();
  for (const std::string& id : who.user.orgs) {
    auto org = who.db->get_org(id);
    orgs.push_back({{"id", id}, {"name", org ? org->name : id}});
  }
  Page page;
  page.name = "account";
  page.title = text(lang, "account.title");
  page.data = {{"user", {{"login", who.user.login}, {"display_name", who.user.display_name}}},
               {"roles", roles},
               {"orgs", orgs},
               {"min_length", util::k_min_password_length}};
  page.scripts = {"account.js"};
  page.script_texts = {"account"};
  return render_page(r, &who, page);
}


// "/campaigns": every campaign the user may see, with what they can do in it.
HttpResponse campaigns(ApiContext& c, const HttpRequest& r) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  if (auto refused = refuse_page_unless(r, who, Action::kListCampaigns, {})) return *refused;
  const std::string lang = request_lang(r);
  auto all = who.db->list_campaigns();
  if (!all) return status_page(r, &who, all.status());
  json rows = json::array();
  for (const auto& campaign : *all) {
    const Resource what = Resource::of(campaign);
    if (!server::authorize(who.who, Action::kViewCampaign, what)) continue;
    json row = campaign_summary(campaign, lang);
    row["dashboard"] = static_cast<bool>(server::authorize(who.who, Action::kViewSubmissionStatus, what));
    json evaluations = json::array();
    for (const std::string& org : who.who.orgs) {
      if (!server::authorize(who.who, Action::kViewDraft, Resource::of(campaign, org))) continue;
      auto status = org_status(*who.db, campaign.id, org);
      if (!status) return status_page(r, &who, status.status());
      auto record = who.db->get_org(org);
      json e = {{"org", org},
                {"org_name", record ? record->name : org},
                {"href", "/campaigns/" + url_encode(campaign.id) + "/evaluations/" + url_encode(org)},
                {"status", status->code},
                {"status_label", text(lang, "status." + status->code)},
                {"last_activity", status->last_activity.substr(0, 16)},
                {"editable", static_cast<bool>(server::authorize(who.who, Action::kEditDraft, Resource::of(campaign, org)))}};
      evaluations.push_back(std::move(e));
    }
    row["has_evaluations"] = !evaluations.empty();
    row["evaluations"] = evaluations;
    auto org = server::participating_org(who, campaign);
    if (!org) return status_page(r, &who, org.status());
    row["results"] = !org->empty() || static_cast<bool>(server::authorize(who.who, Action::kViewPublishedResults, what));
    row["results_href"] = "/campaigns/" + url_encode(campaign.id) + "/results";
    rows.push_back(std::move(row));
  }
  Page page;
  page.name = "campaigns";
  page.title = text(lang, "campaigns.title");
  page.data = {{"campaigns", rows}, {"empty", rows.empty()}};
  return render_page(r, &who, page);
}

}  // namespace

json campaign_summary(const store::CampaignRecord& campaign, const std::string& lang) {
  json row = server::campaign_json(campaign);
  row["href"] = "/campaigns/" + url_encode(campaign.id);
  row["state_label"] = text(lang, std::string("state.") + store::to_string(campaign.state));
  row["period"] = campaign.opens_on.empty() && campaign.closes_on.empty()
                      ? std::string()
                      : campaign.opens_on + " – " + campaign.closes_on;
  return row;
}

Result<OrgStatus> org_status(store::Store& db, const std::string& campaign, const std::string& org) {
  store::LatestQuery q;
  q.state = std::nullopt;
  q.org = org;
  q.with_answers = false;
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  OrgStatus s;
  if (latest->empty()) return s;
  const store::Revision& rev = latest->front();
  s.last_activity = rev.created_at;
  s.latest_no = rev.no;
  if (rev.state == store::RevisionState::kSubmitted) {
    s.code = "submitted";
    s.submitted = true;
    return s;
  }
  q.state = store::RevisionState::kSubmitted;
  auto submitted = db.latest_revisions(campaign, q);
  if (!submitted) return submitted.status();
  s.submitted = !submitted->empty();
  s.code = s.submitted ? "draft_after_submit" : "draft";
  return s;
}

void add_base_pages(Router& router, ApiContext& context) {
  router.add("GET", "/static/{file}", "page.static", [](const HttpRequest& r, const RouteParams& p) { return static_file(r, p); });
  router.add("GET", "/", "page.home", [&context](const HttpRequest& r, const RouteParams&) { return home(context, r); });
  router.add("GET", "/login", "page.login", [&context](const HttpRequest& r, const RouteParams&) { return login(context, r); });
  router.add("GET", "/account", "page.account", [&context](const HttpRequest& r, const RouteParams&) { return account(context, r); });
  router.add("GET", "/campaigns", "page.campaigns",
             [&context](const HttpRequest& r, const RouteParams&) { return campaigns(context, r); });
}

}  // namespace kunren::web
