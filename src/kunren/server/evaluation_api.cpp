// Evaluation routes (docs/api.md "Campaigns and evaluations"): an
// organisation's evaluation — its latest revision (get), saving the working
// draft, submitting it, and the history of its revisions.
//
// Concurrency. Two evaluators of one plant, or two tabs of one browser, must
// never overwrite each other silently: a save or a submission names the
// revision it was based on ("base_revision", the number of the latest
// revision the client loaded; null or 0 for none). When the organisation's
// latest revision is another one, the answer is 409 "stale" and nothing is
// written. The check and the append run under a lock per (campaign,
// organisation) in this process, so two requests with the same base cannot
// both pass it; the server is one process (several processes on one
// database would need the store to compare and append in one transaction).
// A request without "base_revision" is not checked (scripts that replace a
// draft on purpose); the evaluation form always sends it.
//
// Drill evidence. An answer may carry the links an accepted drill proposal
// left (store::Answer::evidence, shown as the array "evidence" of each
// answer). A save whose answer object has no "evidence" key keeps the links
// the latest revision had for that item, so editing an answer in the form
// does not lose them; "evidence": [] (or null) removes them; a submission
// copies the draft's answers, links included.
//
// Who may do what is decided by authorize() alone: kViewDraft to read the
// working evaluation, kEditDraft to save, kSubmitEvaluation to submit,
// kViewSubmissions for the history. Drafts stay with those who may see
// drafts: a coordinator (kViewSubmissions without kViewDraft) gets the
// submitted revisions of the history only.
#include <kunren/server/api.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/server/api_support.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/events.hpp>
#include <kunren/store/bundle.hpp>
#include <kunren/store/campaign_data.hpp>

namespace kunren::server {

using nlohmann::json;

namespace {

// Check-then-append is serialised per (campaign, organisation). Striped, so
// memory stays bounded however many organisations there are; two
// organisations sharing a stripe only take turns.
std::mutex& evaluation_lock(const std::string& campaign, const std::string& org) {
  static std::array<std::mutex, 64> stripes;
  const std::size_t h = std::hash<std::string>{}(campaign + '\n' + org);
  return stripes[h % stripes.size()];
}

// "not_started" | "draft" | "submitted" | "draft_after_submit", as
// web::org_status and campaign_status.hpp say it.
Result<std::string> status_code(store::Store& db, const std::string& campaign, const std::string& org,
                                const std::optional<store::Revision>& latest) {
  if (!latest) return std::string("not_started");
  if (latest->state == store::RevisionState::kSubmitted) return std::string("submitted");
  store::LatestQuery q;
  q.state = store::RevisionState::kSubmitted;
  q.org = org;
  q.with_answers = false;
  auto submitted = db.latest_revisions(campaign, q);
  if (!submitted) return submitted.status();
  return std::string(submitted->empty() ? "draft" : "draft_after_submit");
}

Result<std::optional<store::Revision>> latest_revision(store::Store& db, const std::string& campaign,
                                                       const std::string& org, bool with_answers) {
  store::LatestQuery q;
  q.state = std::nullopt;
  q.org = org;
  q.with_answers = with_answers;
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  if (latest->empty()) return std::optional<store::Revision>();
  return std::optional<store::Revision>(std::move(latest->front()));
}

// {"campaign", "org", "status", "revision": {…} | null} for the latest revision in any state.
HttpResponse evaluation_json(store::Store& db, const std::string& campaign, const std::string& org, int status) {
  auto latest = latest_revision(db, campaign, org, true);
  if (!latest) return HttpResponse::from_status(latest.status());
  auto code = status_code(db, campaign, org, *latest);
  if (!code) return HttpResponse::from_status(code.status());
  json revision = *latest ? json(store::revision_json(**latest)) : json(nullptr);
  return HttpResponse::json(status, {{"campaign", campaign}, {"org", org}, {"status", *code}, {"revision", revision}});
}

void publish_revision(ApiContext& c, const std::string& campaign, const std::string& org,
                      store::RevisionState state, int no) {
  if (!c.events) return;
  c.events->publish("campaign:" + campaign, "revision",
                    json{{"org", org}, {"state", store::to_string(state)}, {"revision", no}}.dump());
}

// The revision the client based its request on: nullopt when the body does
// not say (no check), 0 for "none", else the number; or the 422 answer.
std::variant<std::optional<int>, HttpResponse> base_revision_of(const json& body) {
  auto it = body.find("base_revision");
  if (it == body.end()) return std::optional<int>();
  if (it->is_null()) return std::optional<int>(0);
  if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 1'000'000'000) {
    return HttpResponse::error(422, "bad_input", "'base_revision' must be a revision number or null", "base_revision");
  }
  return std::optional<int>(static_cast<int>(it->get<long long>()));
}

// 409 "stale" when the organisation's latest revision is not the one the
// client loaded; nullopt when it is (or when the client did not say).
std::optional<HttpResponse> refuse_if_stale(const std::optional<int>& base, int latest_no) {
  if (!base || *base == latest_no) return std::nullopt;
  HttpResponse stale = HttpResponse::error(
      409, "stale",
      latest_no == 0 ? fmt::format("revision {} no longer exists as the latest; reload the evaluation", *base)
                     : fmt::format("someone else saved this evaluation in the meantime (revision {} is now the latest, "
                                   "this one was based on {}); reload it before saving",
                                   latest_no, *base),
      "base_revision");
  json body = json::parse(stale.body);
  body["latest_revision"] = latest_no;
  stale.body = body.dump();
  return stale;
}

HttpResponse get_evaluation(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  if (auto refusal = refuse_unless(who, Action::kViewDraft, Resource::of(campaign, p.at("org")))) return *refusal;
  return evaluation_json(*who.db, campaign.id, p.at("org"), 200);
}

// The answers of a save, and the items whose answer object had no
// "evidence" key: those keep the evidence of the latest revision.
struct SavedAnswers {
  std::vector<store::Answer> answers;
  std::set<std::string> keep_evidence;
};

// "evidence" of one answer: an array of link objects (exercise/proposals.hpp
// evidence_link), stored as canonical JSON text; [] or null = none.
std::optional<HttpResponse> evidence_of(const json& value, const std::string& field, std::string& out) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_array()) {
    return HttpResponse::error(422, "bad_input", "'evidence' must be an array of link objects, or []", field);
  }
  for (std::size_t j = 0; j < value.size(); ++j) {
    if (!value[j].is_object()) {
      return HttpResponse::error(422, "bad_input", "each evidence link must be an object",
                                 fmt::format("{}[{}]", field, j));
    }
  }
  if (!value.empty()) out = value.dump();
  return std::nullopt;
}

// {"answers": [{"item": "IMP-P0-01", "choice": 2, "comment": "…", "review": true,
//   "evidence": [{"exercise": "…", …}]}, …]},
// checked against the campaign's checklist so that every mistake names its field.
std::variant<SavedAnswers, HttpResponse> answers_of(const json& body, const model::Checklist& checklist) {
  auto list = body.find("answers");
  if (list == body.end() || !list->is_array()) {
    return HttpResponse::error(422, "bad_input", "'answers' must be an array", "answers");
  }
  SavedAnswers saved;
  std::set<std::string> seen;
  std::size_t i = 0;
  for (const auto& a : *list) {
    const std::string field = fmt::format("answers[{}]", i++);
    if (!a.is_object() || !a.contains("item") || !a["item"].is_string()) {
      return HttpResponse::error(422, "bad_input", "each answer needs an 'item' string", field + ".item");
    }
    store::Answer answer;
    answer.item = a["item"].get<std::string>();
    auto index = checklist.find_item(answer.item);
    if (!index) {
      return HttpResponse::error(422, "bad_input",
                                 fmt::format("item '{}' is not in checklist {} v{}", answer.item, checklist.id,
                                             checklist.version),
                                 field + ".item");
    }
    if (!seen.insert(answer.item).second) {
      return HttpResponse::error(422, "bad_input", fmt::format("item '{}' is listed twice", answer.item), field + ".item");
    }
    if (a.contains("choice") && !a["choice"].is_null()) {
      const std::size_t choices = checklist.items[*index].choices.size();
      if (!a["choice"].is_number_integer() || a["choice"].get<long long>() < 1 ||
          a["choice"].get<long long>() > static_cast<long long>(choices)) {
        return HttpResponse::error(
            422, "bad_input", fmt::format("'choice' of {} must be a number from 1 to {}, or null", answer.item, choices),
            field + ".choice");
      }
      answer.choice = static_cast<std::uint8_t>(a["choice"].get<int>());
    }
    if (a.contains("comment") && !a["comment"].is_null()) {
      if (!a["comment"].is_string()) return HttpResponse::error(422, "bad_input", "'comment' must be text", field + ".comment");
      answer.comment = a["comment"].get<std::string>();
    }
    if (a.contains("review") && !a["review"].is_null()) {
      if (!a["review"].is_boolean()) {
        return HttpResponse::error(422, "bad_input", "'review' must be true or false", field + ".review");
      }
      answer.review = a["review"].get<bool>();
    }
    const bool keep_evidence = !a.contains("evidence");
    if (!keep_evidence) {
      if (auto refusal = evidence_of(a["evidence"], field + ".evidence", answer.evidence)) return *refusal;
    }
    if (answer.choice == 0 && answer.comment.empty() && !answer.review) continue;  // nothing to keep for this item
    if (keep_evidence) saved.keep_evidence.insert(answer.item);
    saved.answers.push_back(std::move(answer));
  }
  return saved;
}

// Each answer in `keep` takes the evidence its item had in `latest` (none
// when the item had no answer there).
void keep_evidence_of(const std::optional<store::Revision>& latest, const std::set<std::string>& keep,
                      std::vector<store::Answer>& answers) {
  if (!latest || keep.empty()) return;
  std::map<std::string, const store::Answer*> before;
  for (const auto& a : latest->answers) before.emplace(a.item, &a);
  for (auto& a : answers) {
    if (keep.count(a.item) == 0) continue;
    auto it = before.find(a.item);
    if (it != before.end()) a.evidence = it->second->evidence;
  }
}

HttpResponse put_evaluation(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  const std::string& org = p.at("org");
  if (auto refusal = refuse_unless(who, Action::kEditDraft, Resource::of(campaign, org))) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  auto checklist = store::campaign_checklist(*who.db, campaign);
  if (!checklist) return HttpResponse::from_status(checklist.status());
  auto answers = answers_of(body, **checklist);
  if (auto* refusal = std::get_if<HttpResponse>(&answers)) return *refusal;
  auto base = base_revision_of(body);
  if (auto* refusal = std::get_if<HttpResponse>(&base)) return *refusal;

  SavedAnswers& saved = std::get<SavedAnswers>(answers);
  std::vector<store::Answer>& kept = saved.answers;
  std::sort(kept.begin(), kept.end(), [](const store::Answer& a, const store::Answer& b) { return a.item < b.item; });

  std::lock_guard<std::mutex> turn(evaluation_lock(campaign.id, org));
  auto latest = latest_revision(*who.db, campaign.id, org, true);
  if (!latest) return HttpResponse::from_status(latest.status());
  if (auto stale = refuse_if_stale(std::get<std::optional<int>>(base), *latest ? (*latest)->no : 0)) return *stale;
  // The form does not send the drill's links back: an answer without
  // "evidence" keeps what the latest revision had for its item.
  keep_evidence_of(*latest, saved.keep_evidence, kept);
  // Saving exactly what was submitted (a change undone before the autosave)
  // is not a new draft: the evaluation stays "submitted".
  if (*latest && (*latest)->answers == kept) return evaluation_json(*who.db, campaign.id, org, 200);
  store::NewRevision draft{org, store::RevisionState::kDraft, std::move(kept)};
  auto appended = who.db->append_revisions(campaign.id, {draft}, nullptr, store::Actor{"user:" + who.who.login});
  if (!appended) return HttpResponse::from_status(appended.status());
  HttpResponse out = evaluation_json(*who.db, campaign.id, org, 200);
  if (appended->created > 0 && out.status == 200) {
    const json saved = json::parse(out.body);
    publish_revision(c, campaign.id, org, store::RevisionState::kDraft, saved["revision"]["no"].get<int>());
  }
  return out;
}

// Items of `checklist` without a chosen answer in `answers`, in checklist order.
json unanswered_items(const model::Checklist& checklist, const std::vector<store::Answer>& answers) {
  std::set<std::string> answered;
  for (const auto& a : answers) {
    if (a.choice != 0) answered.insert(a.item);
  }
  json out = json::array();
  for (const auto& item : checklist.items) {
    if (!answered.count(item.id)) out.push_back(item.id);
  }
  return out;
}

HttpResponse submit_evaluation(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = campaign_call(c, r, p, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto& [who, campaign] = std::get<CampaignCall>(got);
  const std::string& org = p.at("org");
  if (auto refusal = refuse_unless(who, Action::kSubmitEvaluation, Resource::of(campaign, org))) return *refusal;
  // The body is optional: no body is {} (no revision check, unanswered items refused).
  json body = json::object();
  if (!r.body.empty() || !r.header("content-type").empty()) {
    auto parsed = json_body(r);
    if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
    body = std::move(std::get<json>(parsed));
  }
  auto base = base_revision_of(body);
  if (auto* refusal = std::get_if<HttpResponse>(&base)) return *refusal;
  bool leave_unanswered = false;
  if (auto it = body.find("leave_unanswered"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      return HttpResponse::error(422, "bad_input", "'leave_unanswered' must be true or false", "leave_unanswered");
    }
    leave_unanswered = it->get<bool>();
  }
  auto checklist = store::campaign_checklist(*who.db, campaign);
  if (!checklist) return HttpResponse::from_status(checklist.status());

  std::lock_guard<std::mutex> turn(evaluation_lock(campaign.id, org));
  auto latest = latest_revision(*who.db, campaign.id, org, true);
  if (!latest) return HttpResponse::from_status(latest.status());
  if (auto stale = refuse_if_stale(std::get<std::optional<int>>(base), *latest ? (*latest)->no : 0)) return *stale;
  if (!*latest || (*latest)->state != store::RevisionState::kDraft) {
    return HttpResponse::error(409, "conflict", *latest ? "the latest revision is already submitted"
                                                        : "there is no draft to submit");
  }
  const store::Revision& draft = **latest;
  json missing = unanswered_items(**checklist, draft.answers);
  if (!missing.empty() && !leave_unanswered) {
    HttpResponse refused = HttpResponse::error(
        422, "unanswered",
        fmt::format("{} of {} items have no answer; answer them, or submit with \"leave_unanswered\": true",
                    missing.size(), (*checklist)->items.size()),
        "answers");
    json out = json::parse(refused.body);
    out["unanswered"] = std::move(missing);
    refused.body = out.dump();
    return refused;
  }
  // The draft's answers become a new, submitted (and from then on immutable) revision.
  store::NewRevision submitted{org, store::RevisionState::kSubmitted, draft.answers};
  auto appended = who.db->append_revisions(campaign.id, {submitted}, nullptr, store::Actor{"user:" + who.who.login});
  if (!appended) return HttpResponse::from_status(appended.status());
  HttpResponse out = evaluation_json(*who.db, campaign.id, org, 200);
  if (out.status == 200) {
    const json saved = json::parse(out.body);
    publish_revision(c, campaign.id, org, store::RevisionState::kSubmitted, saved["revision"]["no"].get<int>());
  }
  return out;
}

// The revisions of one organisation this caller may see: every one with
// kViewDraft, else the submitted ones. Refusal (audited) when neither
// kViewSubmissions nor anything else allows it.
struct History {
  store::CampaignRecord campaign;
  std::vector<store::Revision> revisions;
  bool drafts_visible = false;
};

std::variant<History, HttpResponse> history_of(Caller& who, const RouteParams& p) {
  auto campaign = who.db->get_campaign(p.at("id"));
  if (!campaign) return HttpResponse::from_status(campaign.status());
  const Resource what = Resource::of(*campaign, p.at("org"));
  if (auto refusal = refuse_unless(who, Action::kViewSubmissions, what)) return *refusal;
  History h;
  h.drafts_visible = static_cast<bool>(authorize(who.who, Action::kViewDraft, what));
  auto all = who.db->revision_history(campaign->id, p.at("org"));
  if (!all) return HttpResponse::from_status(all.status());
  for (auto& rev : *all) {
    if (h.drafts_visible || rev.state == store::RevisionState::kSubmitted) h.revisions.push_back(std::move(rev));
  }
  h.campaign = std::move(campaign).value();
  return h;
}

HttpResponse list_revisions(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  auto history = history_of(std::get<Caller>(got), p);
  if (auto* refusal = std::get_if<HttpResponse>(&history)) return *refusal;
  const History& h = std::get<History>(history);
  json list = json::array();
  for (const auto& rev : h.revisions) {
    int answered = 0, commented = 0, marked = 0;
    for (const auto& a : rev.answers) {
      answered += a.choice != 0 ? 1 : 0;
      commented += a.comment.empty() ? 0 : 1;
      marked += a.review ? 1 : 0;
    }
    list.push_back({{"no", rev.no},
                    {"state", store::to_string(rev.state)},
                    {"author", rev.author},
                    {"created_at", rev.created_at},
                    {"answered", answered},
                    {"commented", commented},
                    {"marked", marked}});
  }
  return HttpResponse::json(200, {{"campaign", h.campaign.id}, {"org", p.at("org")}, {"revisions", list}});
}

HttpResponse get_revision(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  const std::string& text = p.at("no");
  int no = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), no);
  const bool number = ec == std::errc() && end == text.data() + text.size() && no > 0;
  auto history = history_of(who, p);
  if (auto* refusal = std::get_if<HttpResponse>(&history)) return *refusal;
  const History& h = std::get<History>(history);
  if (number) {
    for (const auto& rev : h.revisions) {
      if (rev.no == no) {
        return HttpResponse::json(200, {{"campaign", h.campaign.id}, {"org", p.at("org")}, {"revision", store::revision_json(rev)}});
      }
    }
    if (!h.drafts_visible) {
      // A draft exists under this number but drafts are not this caller's to see.
      auto all = who.db->revision_history(h.campaign.id, p.at("org"));
      if (!all) return HttpResponse::from_status(all.status());
      for (const auto& rev : *all) {
        if (rev.no != no) continue;
        if (auto refusal = refuse_unless(who, Action::kViewDraft, Resource::of(h.campaign, p.at("org")))) return *refusal;
      }
    }
  }
  return HttpResponse::error(404, "not_found",
                             fmt::format("organisation '{}' has no revision '{}' in campaign '{}'", p.at("org"), text,
                                         h.campaign.id));
}

}  // namespace

void add_evaluation_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/campaigns/{id}/evaluations/{org}", "evaluation.get",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_evaluation(context, r, p); });
  router.add("PUT", "/api/v1/campaigns/{id}/evaluations/{org}", "evaluation.save_draft",
             [&context](const HttpRequest& r, const RouteParams& p) { return put_evaluation(context, r, p); });
  router.add("POST", "/api/v1/campaigns/{id}/evaluations/{org}/submit", "evaluation.submit",
             [&context](const HttpRequest& r, const RouteParams& p) { return submit_evaluation(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/evaluations/{org}/revisions", "evaluation.revisions",
             [&context](const HttpRequest& r, const RouteParams& p) { return list_revisions(context, r, p); });
  router.add("GET", "/api/v1/campaigns/{id}/evaluations/{org}/revisions/{no}", "evaluation.revision",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_revision(context, r, p); });
}

}  // namespace kunren::server
