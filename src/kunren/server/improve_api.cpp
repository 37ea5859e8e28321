// After the drill (docs/api.md "After the drill"): the proposed answers a
// drill supports and accepting them into an evaluation, the after-action
// report (JSON, HTML), the national-CERT report draft, and per organisation
// the improvement plan as CSV, the trend across drills and the
// contradictions between its self-evaluations and its drills. Also the
// gathering shared with the pages (improve_support.hpp).
//
// Access: kReviewExercise on the drill for its views (never coordinators:
// these are one company's raw facts); accepting proposals also needs
// kEditDraft (and kSubmitEvaluation to submit) on the campaign, as the
// evaluation routes ask; kViewPreparedness for the organisation's views.
#include <kunren/server/api.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <kunren/io/builtin.hpp>
#include <kunren/report/cert_draft.hpp>
#include <kunren/server/events.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/improve_support.hpp>
#include <kunren/store/bundle.hpp>
#include <kunren/store/campaign_data.hpp>

namespace kunren::server {

using nlohmann::json;

// --- shared (improve_support.hpp) ------------------------------------------------------

namespace {

std::optional<std::chrono::sys_days> parse_day(const std::string& s) {
  if (!model::valid_date(s)) return std::nullopt;
  const int y = std::stoi(s.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

// The scenario's checklist when no campaign says which version: the latest
// registered version of that id, else the built-in one (parsed once).
Result<std::shared_ptr<const model::Checklist>> scenario_checklist(store::Store& db, const std::string& id) {
  if (id.empty()) return std::shared_ptr<const model::Checklist>();
  auto all = db.list_checklists();
  if (!all) return all.status();
  const store::ChecklistRecord* latest = nullptr;
  for (const auto& c : *all)
    if (c.id == id) latest = &c;  // by id, version: the last one is the latest
  if (latest) {
    store::CampaignRecord probe;  // campaign_checklist keeps the parsed checklists
    probe.checklist_id = latest->id;
    probe.checklist_version = latest->version;
    return store::campaign_checklist(db, probe);
  }
  static std::mutex guard;
  static std::map<std::string, std::shared_ptr<const model::Checklist>> builtin;
  std::lock_guard<std::mutex> lock(guard);
  if (auto it = builtin.find(id); it != builtin.end()) return it->second;
  auto loaded = io::load_builtin_checklist(id);
  std::shared_ptr<const model::Checklist> out;
  if (loaded) out = std::make_shared<const model::Checklist>(std::move(loaded).value());
  builtin[id] = out;
  return out;
}

// The latest submitted revision of `org` in `campaign` (nullopt: none).
Result<std::optional<store::Revision>> latest_submitted(store::Store& db, const std::string& campaign,
                                                        const std::string& org, bool with_answers) {
  store::LatestQuery q;
  q.state = store::RevisionState::kSubmitted;
  q.org = org;
  q.with_answers = with_answers;
  auto latest = db.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  if (latest->empty()) return std::optional<store::Revision>();
  return std::optional<store::Revision>(std::move(latest->front()));
}

}  // namespace

int days_between(const std::string& from, const std::string& to) {
  auto a = parse_day(from);
  auto b = parse_day(to);
  if (!a || !b) return 0;
  return static_cast<int>((*b - *a).count());
}

AfterDrill after_drill(store::Store& db, const exercise::LiveExercise& live) {
  AfterDrill d;
  d.record = live.record();
  live.with_state([&](const exercise::Engine& e) {
    d.scenario = e.scenario_ptr();
    d.state = e.state();
  });
  auto org = db.get_org(d.record.org);
  d.org_name = org && !org->name.empty() ? org->name : d.record.org;
  for (const auto& ev : d.state.events) {
    if (ev.kind != "control") continue;
    const json payload = json::parse(ev.payload, nullptr, false);
    if (!payload.is_object()) continue;
    const std::string action = payload.value("action", "");
    if (action == "start" && d.started_at.empty()) d.started_at = ev.at;
    if (action == "end") d.ended_at = ev.at;
  }
  return d;
}

Result<DrillCampaign> drill_campaign(store::Store& db, const AfterDrill& drill, const std::string& requested) {
  DrillCampaign out;
  const std::string& wanted = drill.scenario->checklist;
  auto matches = [&](const store::CampaignRecord& c) { return wanted.empty() || c.checklist_id == wanted; };
  std::string id = requested;
  if (id.empty()) id = drill.record.campaign;
  if (!id.empty()) {
    auto c = db.get_campaign(id);
    if (!c) {
      if (c.status().kind() == ErrorKind::kNotFound)
        return Status::not_found(fmt::format("campaign '{}' does not exist", id), Location({}, 0, 0, "campaign"));
      return c.status();
    }
    if (!matches(*c)) {
      if (!requested.empty())
        return Status::bad_input(fmt::format("campaign '{}' answers checklist '{}', the drill's scenario exercises '{}'",
                                             id, c->checklist_id, wanted),
                                 Location({}, 0, 0, "campaign"));
    } else {
      out.campaign = std::move(c).value();
    }
  }
  if (!out.campaign && requested.empty()) {
    // The campaign on this checklist where the organisation submitted last.
    auto all = db.list_campaigns();
    if (!all) return all.status();
    std::string best_at;
    for (const auto& c : *all) {
      if (!matches(c) || c.state == store::CampaignState::kDraft) continue;
      auto latest = latest_submitted(db, c.id, drill.record.org, false);
      if (!latest) {
        if (latest.status().kind() == ErrorKind::kNotFound) continue;  // the org is not known there
        return latest.status();
      }
      if (*latest && (*latest)->created_at > best_at) {
        best_at = (*latest)->created_at;
        out.campaign = c;
      }
    }
  }
  if (out.campaign) {
    auto checklist = store::campaign_checklist(db, *out.campaign);
    if (!checklist) return checklist.status();
    out.checklist = std::move(checklist).value();
  } else {
    auto checklist = scenario_checklist(db, wanted);
    if (!checklist) return checklist.status();
    out.checklist = std::move(checklist).value();
  }
  return out;
}

Result<exercise::PreparedContext> prepared_context(store::Store& db, const std::string& org, const std::string& today) {
  exercise::PreparedContext out;
  out.today = today;
  for (model::PrepKind kind : model::all_prep_kinds()) {
    auto doc = db.latest_org_document(org, model::to_string(kind));
    if (!doc) return doc.status();
    if (!*doc) continue;
    json content = json::parse((*doc)->content, nullptr, false);
    if (content.is_object()) out.records[model::to_string(kind)] = std::move(content);
  }
  return out;
}

Result<DrillProposals> drill_proposals(store::Store& db, const AfterDrill& drill, const DrillCampaign& campaign) {
  DrillProposals out;
  if (!campaign.checklist) {
    out.set.exercise = drill.record.id;
    out.set.checklist_id = drill.scenario->checklist;
    return out;
  }
  const model::Checklist& checklist = *campaign.checklist;
  auto rules = exercise::builtin_proposal_rules(checklist.id);
  exercise::ProposalRules none;
  none.checklist = checklist.id;
  if (!rules && rules.status().kind() != ErrorKind::kNotFound) return rules.status();
  auto prepared = prepared_context(db, drill.record.org, today_utc());
  if (!prepared) return prepared.status();
  json criteria = drill.record.criteria.empty() ? json() : json::parse(drill.record.criteria, nullptr, false);
  if (criteria.is_discarded()) criteria = json();
  out.set = exercise::propose(drill.record.id, *drill.scenario, drill.state, checklist, rules ? *rules : none, criteria,
                              *prepared);
  if (!campaign.campaign) return out;
  auto submitted = latest_submitted(db, campaign.campaign->id, drill.record.org, true);
  if (!submitted) {
    if (submitted.status().kind() == ErrorKind::kNotFound) return out;
    return submitted.status();
  }
  if (!*submitted) return out;
  std::map<std::string, std::uint8_t> answers;
  for (const auto& a : (*submitted)->answers)
    if (a.choice != 0) answers[a.item] = a.choice;
  out.contradictions = exercise::find_contradictions(out.set, checklist, answers);
  out.compared_revision = (*submitted)->no;
  return out;
}

Result<OrgPlan> org_plan(store::Store& db, const std::string& org) {
  OrgPlan out;
  auto doc = db.latest_org_document(org, model::to_string(model::PrepKind::kImprovementPlan));
  if (!doc) return doc.status();
  if (!*doc) return out;
  const json content = json::parse((*doc)->content, nullptr, false);
  auto plan = model::parse_improvement_plan(content);
  if (!plan) return plan.status();
  out.plan = std::move(plan).value();
  out.no = (*doc)->no;
  return out;
}

Result<std::optional<model::PocSheet>> org_poc_sheet(store::Store& db, const std::string& org) {
  auto doc = db.latest_org_document(org, model::to_string(model::PrepKind::kPocSheet));
  if (!doc) return doc.status();
  if (!*doc) return std::optional<model::PocSheet>();
  auto sheet = model::parse_poc_sheet(json::parse((*doc)->content, nullptr, false));
  if (!sheet) return sheet.status();
  return std::optional<model::PocSheet>(std::move(sheet).value());
}

report::AarInput aar_input(store::Store& db, const AfterDrill& drill, const DrillProposals* proposals,
                           const model::ImprovementPlan* plan, const model::PocSheet* poc, const std::string& lang) {
  report::AarInput in;
  in.exercise_id = drill.record.id;
  in.title = drill.record.title;
  in.org_id = drill.record.org;
  in.org_name = drill.org_name;
  in.campaign = drill.record.campaign;
  in.started_at = drill.started_at;
  in.ended_at = drill.ended_at;
  in.scenario = drill.scenario.get();
  in.state = &drill.state;
  for (const auto& p : drill.record.participants) {
    auto user = db.get_user(p.login);
    const auto* role = drill.scenario->find_role(p.role);
    in.participants.push_back(
        {p.login, user && !user->display_name.empty() ? user->display_name : p.login, role ? role->title.text(lang) : p.role});
  }
  if (proposals) {
    in.proposals = &proposals->set;
    in.contradictions = proposals->contradictions;
  }
  in.plan = plan;
  in.poc = poc;
  in.today = today_utc();
  in.generated_at = store::now_utc().substr(0, 16);
  if (in.generated_at.size() > 10) in.generated_at[10] = ' ';
  in.generated_at += " UTC";
  return in;
}

Result<std::vector<AfterDrill>> ended_drills(store::Store& db, exercise::ExerciseRegistry& registry,
                                             const std::string& org) {
  auto all = db.list_exercises();
  if (!all) return all.status();
  std::vector<AfterDrill> out;
  for (const auto& e : *all) {
    if (e.org != org || e.state != model::ExerciseState::kEnded) continue;
    auto live = registry.get(db, e.id);
    if (!live) {
      spdlog::warn("after-drill views: exercise {}: {}", e.id, live.status().to_string());
      continue;
    }
    out.push_back(after_drill(db, **live));
  }
  std::stable_sort(out.begin(), out.end(), [](const AfterDrill& a, const AfterDrill& b) {
    const std::string& x = a.started_at.empty() ? a.record.created_at : a.started_at;
    const std::string& y = b.started_at.empty() ? b.record.created_at : b.started_at;
    return x < y;
  });
  return out;
}

std::vector<report::TrendDrill> trend_drills(const std::vector<AfterDrill>& drills, const model::ImprovementPlan& plan) {
  std::vector<report::TrendDrill> out;
  for (const auto& d : drills) {
    report::TrendDrill t;
    t.exercise_id = d.record.id;
    t.title = d.record.title;
    t.scenario_id = d.scenario->id;
    t.date = (d.started_at.empty() ? d.record.created_at : d.started_at).substr(0, 10);
    t.metrics = exercise::compute_metrics(*d.scenario, d.state);
    std::map<std::string, std::string> latest;
    for (const auto& o : d.state.observations)
      if (!o.objective.empty()) latest[o.objective] = o.rating;
    for (const auto& o : d.scenario->objectives) {
      t.objectives.emplace_back(o.id, o.title);
      if (latest.count(o.id)) t.ratings.emplace_back(o.id, latest[o.id]);
    }
    for (const auto& item : plan.items)
      if (item.source_exercise == d.record.id && (item.status == "open" || item.status == "in-progress"))
        ++t.open_plan_items;
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<DrillContradictions>> org_contradictions(store::Store& db, const std::vector<AfterDrill>& drills) {
  std::vector<DrillContradictions> out;
  for (const auto& d : drills) {
    auto campaign = drill_campaign(db, d, "");
    if (!campaign) return campaign.status();
    if (!campaign->campaign) continue;
    auto proposals = drill_proposals(db, d, *campaign);
    if (!proposals) return proposals.status();
    if (proposals->contradictions.empty()) continue;
    out.push_back({d.record.id, d.record.title, campaign->campaign->id, proposals->compared_revision,
                   std::move(proposals->contradictions)});
  }
  return out;
}

// --- the routes ----------------------------------------------------------------------

namespace {

std::string lang_of(const HttpRequest& r) { return r.query_param("lang") == "en" ? "en" : "ja"; }

// The caller's drill, for an after-drill view: 401 / 403 csrf / 404 / 503,
// or the audited 403 unless kReviewExercise.
struct ReviewCall {
  ExerciseCall call;
  AfterDrill drill;
};
std::variant<ReviewCall, HttpResponse> review_call(ApiContext& c, const HttpRequest& r, const RouteParams& p,
                                                   bool changes_state) {
  auto got = exercise_call(c, r, p.at("id"), changes_state);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  ExerciseCall& call = std::get<ExerciseCall>(got);
  if (auto refusal = refuse_unless(call.who, Action::kReviewExercise,
                                   Resource::of(call.live->record(), call.who.who.login)))
    return *refusal;
  AfterDrill drill = after_drill(*call.who.db, *call.live);
  return ReviewCall{std::move(call), std::move(drill)};
}

#define KUNREN_REVIEW_CALL(changes)                                         \
  auto got = review_call(c, r, p, changes);                                 \
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;     \
  ReviewCall& rc = std::get<ReviewCall>(got);                               \
  store::Store& db = *rc.call.who.db;

json contradictions_json(const std::vector<exercise::Contradiction>& list, const std::string& lang) {
  json out = json::array();
  for (const auto& x : list) out.push_back(exercise::to_json(x, lang));
  return out;
}

// GET /api/v1/exercises/{id}/proposals[?campaign=C&lang=]
HttpResponse get_proposals(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_REVIEW_CALL(false)
  const std::string lang = lang_of(r);
  auto campaign = drill_campaign(db, rc.drill, r.query_param("campaign"));
  if (!campaign) {
    const Status& st = campaign.status();
    if (st.kind() == ErrorKind::kBadInput) return HttpResponse::error(400, "bad_request", st.message(), "campaign");
    return HttpResponse::from_status(st);
  }
  auto proposals = drill_proposals(db, rc.drill, *campaign);
  if (!proposals) return HttpResponse::from_status(proposals.status());
  json out = exercise::to_json(proposals->set, lang);
  out["campaign"] = campaign->campaign ? json(campaign->campaign->id) : json(nullptr);
  out["compared_revision"] = proposals->compared_revision ? json(proposals->compared_revision) : json(nullptr);
  out["contradictions"] = contradictions_json(proposals->contradictions, lang);
  out["ended"] = rc.drill.ended();
  return HttpResponse::json(200, out);
}

void publish_revision(ApiContext& c, const std::string& campaign, const std::string& org, store::RevisionState state,
                      int no) {
  if (!c.events) return;
  c.events->publish("campaign:" + campaign, "revision",
                    json{{"org", org}, {"state", store::to_string(state)}, {"revision", no}}.dump());
}

// The evidence links of an answer with this drill's link in place of any
// earlier one of the same drill.
std::string merged_evidence(const std::string& existing, const std::string& exercise_id, const json& link) {
  json list = existing.empty() ? json::array() : json::parse(existing, nullptr, false);
  if (!list.is_array()) list = json::array();
  json out = json::array();
  for (const auto& l : list)
    if (!(l.is_object() && l.value("exercise", "") == exercise_id)) out.push_back(l);
  out.push_back(link);
  return out.dump();
}

// POST /api/v1/exercises/{id}/proposals/accept
// {"campaign": C, "answers": [{"item", "choice", "comment"?}], "submit": false,
//  "leave_unanswered": false, "base_revision": n?}
HttpResponse accept_proposals(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_REVIEW_CALL(true)
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  if (!rc.drill.ended())
    return HttpResponse::error(409, "conflict", "the drill has not ended: its proposals may still change");
  const json campaign_field = body.value("campaign", json());
  if (!campaign_field.is_null() && !campaign_field.is_string())
    return HttpResponse::error(422, "bad_input", "'campaign' must be a campaign id", "campaign");
  const std::string requested = campaign_field.is_string() ? campaign_field.get<std::string>() : rc.drill.record.campaign;
  if (requested.empty())
    return HttpResponse::error(422, "bad_input", "'campaign' is required: the drill belongs to no campaign", "campaign");
  auto submit_field = body.value("submit", json(false));
  auto leave_field = body.value("leave_unanswered", json(false));
  if (!submit_field.is_boolean()) return HttpResponse::error(422, "bad_input", "'submit' must be true or false", "submit");
  if (!leave_field.is_boolean())
    return HttpResponse::error(422, "bad_input", "'leave_unanswered' must be true or false", "leave_unanswered");
  const bool submit = submit_field.get<bool>();
  auto campaign = drill_campaign(db, rc.drill, requested);
  if (!campaign) {
    const Status& st = campaign.status();
    if (st.kind() == ErrorKind::kBadInput) return HttpResponse::error(422, "bad_input", st.message(), "campaign");
    return HttpResponse::from_status(st);
  }
  const store::CampaignRecord& camp = *campaign->campaign;
  const std::string& org = rc.drill.record.org;
  if (camp.state != store::CampaignState::kOpen)
    return HttpResponse::error(409, "conflict",
                               fmt::format("campaign '{}' is {}: answers can be saved only while it is open", camp.id,
                                           store::to_string(camp.state)),
                               "campaign");
  if (auto refusal = refuse_unless(rc.call.who, submit ? Action::kSubmitEvaluation : Action::kEditDraft,
                                   Resource::of(camp, org)))
    return *refusal;
  auto proposals = drill_proposals(db, rc.drill, *campaign);
  if (!proposals) return HttpResponse::from_status(proposals.status());
  const model::Checklist& checklist = *campaign->checklist;

  // The answers accepted, checked field by field.
  auto list = body.find("answers");
  if (list == body.end() || !list->is_array() || list->empty())
    return HttpResponse::error(422, "bad_input", "'answers' must be a non-empty array", "answers");
  std::map<std::string, store::Answer> accepted;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& a = (*list)[i];
    const std::string field = fmt::format("answers[{}]", i);
    if (!a.is_object() || !a.value("item", json()).is_string())
      return HttpResponse::error(422, "bad_input", "each answer needs an 'item' string", field + ".item");
    store::Answer answer;
    answer.item = a["item"].get<std::string>();
    const auto index = checklist.find_item(answer.item);
    if (!index)
      return HttpResponse::error(422, "bad_input",
                                 fmt::format("item '{}' is not in checklist {} v{}", answer.item, checklist.id,
                                             checklist.version),
                                 field + ".item");
    const exercise::Proposal* proposal = proposals->set.find(answer.item);
    if (!proposal)
      return HttpResponse::error(422, "bad_input", fmt::format("the drill did not exercise item '{}'", answer.item),
                                 field + ".item");
    if (accepted.count(answer.item))
      return HttpResponse::error(422, "bad_input", fmt::format("item '{}' is listed twice", answer.item), field + ".item");
    const json choice = a.value("choice", json());
    const std::size_t choices = checklist.items[*index].choices.size();
    if (!choice.is_null()) {
      if (!choice.is_number_integer() || choice.get<long long>() < 0 ||
          choice.get<long long>() > static_cast<long long>(choices))
        return HttpResponse::error(422, "bad_input",
                                   fmt::format("'choice' of {} must be a number from 1 to {}, or null", answer.item,
                                               choices),
                                   field + ".choice");
      answer.choice = static_cast<std::uint8_t>(choice.get<int>());
    }
    const json comment = a.value("comment", json());
    if (!comment.is_null() && !comment.is_string())
      return HttpResponse::error(422, "bad_input", "'comment' must be text", field + ".comment");
    if (comment.is_string()) answer.comment = comment.get<std::string>();
    answer.evidence = merged_evidence("", rc.drill.record.id, exercise::evidence_link(proposals->set, *proposal));
    accepted[answer.item] = std::move(answer);
  }
  std::optional<int> base;
  if (auto it = body.find("base_revision"); it != body.end()) {
    if (it->is_null()) {
      base = 0;
    } else if (it->is_number_integer() && it->get<long long>() >= 0 && it->get<long long>() < 1'000'000'000) {
      base = static_cast<int>(it->get<long long>());
    } else {
      return HttpResponse::error(422, "bad_input", "'base_revision' must be a revision number or null", "base_revision");
    }
  }

  // The latest revision (draft or submitted) with the accepted items replaced.
  store::LatestQuery q;
  q.state = std::nullopt;
  q.org = org;
  auto latest = db.latest_revisions(camp.id, q);
  if (!latest) return HttpResponse::from_status(latest.status());
  const int latest_no = latest->empty() ? 0 : latest->front().no;
  if (base && *base != latest_no) {
    HttpResponse stale = HttpResponse::error(
        409, "stale",
        fmt::format("the evaluation changed in the meantime (revision {} is now the latest); reload before accepting",
                    latest_no),
        "base_revision");
    json b = json::parse(stale.body);
    b["latest_revision"] = latest_no;
    stale.body = b.dump();
    return stale;
  }
  std::map<std::string, store::Answer> answers;
  if (!latest->empty())
    for (const auto& a : latest->front().answers) answers[a.item] = a;
  for (auto& [item, a] : accepted) {
    if (auto it = answers.find(item); it != answers.end()) {
      a.evidence = merged_evidence(it->second.evidence, rc.drill.record.id,
                                   json::parse(a.evidence).back());
      a.review = it->second.review;
    }
    if (a.choice == 0 && a.comment.empty() && !a.review) {
      answers.erase(item);
      continue;
    }
    answers[item] = a;
  }
  std::vector<store::Answer> kept;
  for (auto& [item, a] : answers) kept.push_back(std::move(a));
  if (submit) {
    std::set<std::string> answered;
    for (const auto& a : kept)
      if (a.choice != 0) answered.insert(a.item);
    json missing = json::array();
    for (const auto& item : checklist.items)
      if (!answered.count(item.id)) missing.push_back(item.id);
    if (!missing.empty() && !leave_field.get<bool>()) {
      HttpResponse refused = HttpResponse::error(
          422, "unanswered",
          fmt::format("{} of {} items have no answer; answer them, or submit with \"leave_unanswered\": true",
                      missing.size(), checklist.items.size()),
          "answers");
      json b = json::parse(refused.body);
      b["unanswered"] = std::move(missing);
      refused.body = b.dump();
      return refused;
    }
  }
  const store::RevisionState state = submit ? store::RevisionState::kSubmitted : store::RevisionState::kDraft;
  store::NewRevision revision{org, state, std::move(kept)};
  auto appended = db.append_revisions(camp.id, {revision}, nullptr, store::Actor{"user:" + rc.call.who.who.login});
  if (!appended) return HttpResponse::from_status(appended.status());
  auto now = db.latest_revisions(camp.id, q);
  if (!now) return HttpResponse::from_status(now.status());
  json out = {{"campaign", camp.id},
              {"org", org},
              {"exercise", rc.drill.record.id},
              {"created", appended->created > 0},
              {"accepted", accepted.size()},
              {"revision", now->empty() ? json(nullptr) : json(store::revision_json(now->front()))},
              {"href", "/campaigns/" + camp.id + "/evaluations/" + org}};
  if (appended->created > 0 && !now->empty()) publish_revision(c, camp.id, org, state, now->front().no);
  return HttpResponse::json(200, out);
}

// Everything the report needs, gathered for one request.
struct ReportParts {
  DrillCampaign campaign;
  DrillProposals proposals;
  OrgPlan plan;
  std::optional<model::PocSheet> poc;
};
std::variant<ReportParts, HttpResponse> report_parts(store::Store& db, const AfterDrill& drill) {
  ReportParts parts;
  auto campaign = drill_campaign(db, drill, "");
  if (!campaign) return HttpResponse::from_status(campaign.status());
  parts.campaign = std::move(campaign).value();
  auto proposals = drill_proposals(db, drill, parts.campaign);
  if (!proposals) return HttpResponse::from_status(proposals.status());
  parts.proposals = std::move(proposals).value();
  auto plan = org_plan(db, drill.record.org);
  if (!plan) return HttpResponse::from_status(plan.status());
  parts.plan = std::move(plan).value();
  auto poc = org_poc_sheet(db, drill.record.org);
  if (!poc) return HttpResponse::from_status(poc.status());
  parts.poc = std::move(poc).value();
  return parts;
}

std::string attachment(const std::string& name) { return fmt::format("attachment; filename=\"{}\"", name); }

// GET /api/v1/exercises/{id}/aar?format=json|html&lang=
HttpResponse get_aar(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_REVIEW_CALL(false)
  const std::string lang = lang_of(r);
  const std::string format = r.query_param("format").empty() ? "json" : r.query_param("format");
  if (format != "json" && format != "html")
    return HttpResponse::error(400, "bad_request", "'format' must be json or html", "format");
  auto got_parts = report_parts(db, rc.drill);
  if (auto* refusal = std::get_if<HttpResponse>(&got_parts)) return *refusal;
  ReportParts& parts = std::get<ReportParts>(got_parts);
  const report::AarInput input = aar_input(db, rc.drill, &parts.proposals, &parts.plan.plan,
                                           parts.poc ? &*parts.poc : nullptr, lang);
  if (format == "json") {
    HttpResponse res = HttpResponse::json(200, report::aar_json(input, lang));
    if (r.query_param("download") == "1") res.headers.emplace_back("Content-Disposition", attachment(rc.drill.record.id + "-aar.json"));
    return res;
  }
  HttpResponse res;
  res.body = report::aar_html(input, lang);
  res.content_type = "text/html; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", attachment(rc.drill.record.id + "-aar.html"));
  return res;
}

// The purpose choices of the CERT form ("" if the form has no such field).
std::vector<std::string> cert_purposes(const report::CertForm& form) {
  for (const auto& g : form.groups)
    for (const auto& f : g.fields)
      if (!f.options.empty() && f.id.find("purpose") != std::string::npos) return f.options;
  return {};
}

// GET /api/v1/exercises/{id}/cert-draft[?purpose=&lang=&download=1]
HttpResponse get_cert_draft(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_REVIEW_CALL(false)
  const std::string lang = lang_of(r);
  const report::CertForm& form = report::builtin_cert_form();
  const std::string purpose = r.query_param("purpose");
  const auto purposes = cert_purposes(form);
  if (!purpose.empty() && std::find(purposes.begin(), purposes.end(), purpose) == purposes.end())
    return HttpResponse::error(400, "bad_request",
                               fmt::format("'purpose' must be one of: {}", fmt::join(purposes, ", ")), "purpose");
  auto poc = org_poc_sheet(db, rc.drill.record.org);
  if (!poc) return HttpResponse::from_status(poc.status());
  report::CertDraftInput in;
  in.poc = *poc ? &**poc : nullptr;
  in.scenario = rc.drill.scenario.get();
  in.state = &rc.drill.state;
  in.exercise_id = rc.drill.record.id;
  in.org_name = rc.drill.org_name;
  in.started_at = rc.drill.started_at;
  in.purpose = purpose;
  in.generated_at = store::now_utc();
  const report::CertDraft draft = report::cert_draft(form, in, lang);
  HttpResponse res;
  res.body = draft.text;
  res.content_type = "text/plain; charset=utf-8";
  if (r.query_param("download") == "1")
    res.headers.emplace_back("Content-Disposition", attachment(rc.drill.record.id + "-cert-draft.txt"));
  return res;
}

// The caller, allowed kViewPreparedness on {org}; 404 for an unknown org.
std::variant<Caller, HttpResponse> org_call(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  if (auto refusal = refuse_unless(who, Action::kViewPreparedness, server::org_resource(p.at("org")))) return *refusal;
  auto org = who.db->get_org(p.at("org"));
  if (!org) return HttpResponse::from_status(org.status());
  return std::move(who);
}

#define KUNREN_ORG_CALL()                                                   \
  auto got = org_call(c, r, p);                                             \
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;     \
  Caller& who = std::get<Caller>(got);                                      \
  const std::string& org = p.at("org");

// GET /api/v1/orgs/{org}/plan.csv[?lang=]
HttpResponse get_plan_csv(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_ORG_CALL()
  auto plan = org_plan(*who.db, org);
  if (!plan) return HttpResponse::from_status(plan.status());
  HttpResponse res;
  res.body = report::plan_csv(plan->plan, today_utc(), lang_of(r));
  res.content_type = "text/csv; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", attachment(org + "-improvement-plan.csv"));
  return res;
}

// GET /api/v1/orgs/{org}/trend[?lang=]
HttpResponse get_trend(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_ORG_CALL()
  if (!c.exercises) return HttpResponse::error(503, "unavailable", "drills are not enabled on this server");
  auto drills = ended_drills(*who.db, *c.exercises, org);
  if (!drills) return HttpResponse::from_status(drills.status());
  auto plan = org_plan(*who.db, org);
  if (!plan) return HttpResponse::from_status(plan.status());
  return HttpResponse::json(200, report::trend_json(org, trend_drills(*drills, plan->plan), lang_of(r)));
}

// GET /api/v1/orgs/{org}/contradictions[?lang=]
HttpResponse get_org_contradictions(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_ORG_CALL()
  if (!c.exercises) return HttpResponse::error(503, "unavailable", "drills are not enabled on this server");
  auto drills = ended_drills(*who.db, *c.exercises, org);
  if (!drills) return HttpResponse::from_status(drills.status());
  auto found = org_contradictions(*who.db, *drills);
  if (!found) return HttpResponse::from_status(found.status());
  const std::string lang = lang_of(r);
  json list = json::array();
  for (const auto& d : *found)
    list.push_back({{"exercise", d.exercise},
                    {"title", d.title},
                    {"campaign", d.campaign},
                    {"revision", d.revision},
                    {"contradictions", contradictions_json(d.items, lang)}});
  return HttpResponse::json(200, {{"org", org}, {"drills", list}});
}

}  // namespace

void add_improve_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/exercises/{id}/proposals", "exercise.proposals",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_proposals(context, r, p); });
  router.add("POST", "/api/v1/exercises/{id}/proposals/accept", "exercise.proposals_accept",
             [&context](const HttpRequest& r, const RouteParams& p) { return accept_proposals(context, r, p); });
  router.add("GET", "/api/v1/exercises/{id}/aar", "exercise.aar",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_aar(context, r, p); });
  router.add("GET", "/api/v1/exercises/{id}/cert-draft", "exercise.cert_draft",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_cert_draft(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/plan.csv", "org.plan_csv",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_plan_csv(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/trend", "org.trend",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_trend(context, r, p); });
  router.add("GET", "/api/v1/orgs/{org}/contradictions", "org.contradictions",
             [&context](const HttpRequest& r, const RouteParams& p) { return get_org_contradictions(context, r, p); });
}

}  // namespace kunren::server
