// The authorisation matrix: every route of `kunren serve`, enumerated from
// the router's own table (web::add_all_routes), asked by every kind of user
// — signed out, admin, coordinator, an evaluator of the organisation in the
// URL, an evaluator of another organisation, facilitator, participant,
// observer — and the answer checked against the table below. A route that
// is added without a row here fails the test, so nobody can add a route and
// forget who may use it.
//
// Outcomes: A = allowed (anything but 401, 403 or a redirect to the sign-in
// page: a 404, 409 or 422 is fine — it means the request got past the
// authorisation and was judged on its content), R = refused (403), U = not
// signed in (401 for the API, 303 to /login for pages), P = public (never
// 401/403). Mutating requests carry the CSRF token and an empty JSON object
// as the body, which no handler accepts, so the matrix changes nothing
// (handlers check access before they look at the body — the matrix would
// see a 422 for a refused user otherwise).
//
// The campaign in URLs is "c", open; the organisation is "org-a" (eva's).
// The campaign-state and published-results rules across every state are in
// authorize_test.cpp; this test proves that every route asks them.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include <kunren/io/builtin.hpp>
#include <kunren/io/scenario_io.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

const std::vector<std::string> k_who = {"anon", "admin", "coco", "cox", "eva", "eve", "fac", "par", "obs"};

struct Expect {
  std::map<std::string, char> outcome;  // by k_who
  bool stream = false;                  // an event stream: read the status line only
};

// "anon:U admin:R coco:A eva:A eve:R fac:R par:R obs:R"; "cox" (a
// coordinator who does not coordinate campaign "c") gets what coco gets
// unless the spec names it.
Expect row(const std::string& spec, bool stream = false) {
  Expect e;
  e.stream = stream;
  std::istringstream in(spec);
  std::string part;
  while (in >> part) e.outcome[part.substr(0, part.find(':'))] = part.back();
  if (!e.outcome.count("cox") && e.outcome.count("coco")) e.outcome["cox"] = e.outcome["coco"];
  return e;
}
// A route of campaign "c" for its coordinators: coco yes, cox no.
Expect campaign_row(std::string spec, bool stream = false) { return row(spec + " cox:R", stream); }

// Shorthands for common rows.
const std::string k_public = "anon:P admin:P coco:P eva:P eve:P fac:P par:P obs:P";
const std::string k_signed_in = "anon:U admin:A coco:A eva:A eve:A fac:A par:A obs:A";
const std::string k_admin_only = "anon:U admin:A coco:R eva:R eve:R fac:R par:R obs:R";
const std::string k_coordinator = "anon:U admin:R coco:A eva:R eve:R fac:R par:R obs:R";
const std::string k_own_evaluator = "anon:U admin:R coco:R eva:A eve:R fac:R par:R obs:R";
const std::string k_campaign_viewers = "anon:U admin:R coco:A eva:A eve:A fac:R par:R obs:R";
const std::string k_prep_readers = "anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A";
const std::string k_prep_writers = "anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:R";

const std::map<std::string, Expect>& matrix() {
  static const std::map<std::string, Expect> k = {
      {"service.health", row(k_public)},
      {"service.version", row(k_public)},
      {"session.create", row(k_public)},
      {"session.delete", row(k_signed_in)},
      {"session.me", row(k_signed_in)},
      {"session.change_password", row(k_signed_in)},
      {"campaign.list", row(k_signed_in)},  // filtered per user: an empty list is not a refusal
      // An open campaign: live results for its coordinators only.
      {"campaign.results", campaign_row(k_coordinator)},
      {"evaluation.get", row(k_own_evaluator)},
      {"evaluation.save_draft", row(k_own_evaluator)},
      {"evaluation.submit", row(k_own_evaluator)},
      {"page.static", row(k_public)},
      {"page.login", row(k_public)},
      {"page.home", row(k_signed_in)},
      {"page.account", row(k_signed_in)},
      {"page.campaigns", row("anon:U admin:R coco:A eva:A eve:A fac:R par:R obs:A")},
      // The coordinator's campaign routes.
      {"campaign.set_state", campaign_row(k_coordinator)},
      {"campaign.status", campaign_row(k_coordinator)},
      {"campaign.report", campaign_row(k_coordinator)},  // open: no published report for anyone else yet
      {"campaign.events", campaign_row(k_coordinator, true)},
      // Evaluators are sent on to their own organisation's evaluation.
      {"page.campaign", campaign_row("anon:U admin:R coco:A eva:A eve:A fac:R par:R obs:R")},
      {"page.campaign_live", campaign_row(k_coordinator)},
      // Before publication, those who will see the results get a page saying
      // when (no data); the coordinators see them live.
      {"page.results", campaign_row("anon:U admin:R coco:A eva:A eve:A fac:R par:R obs:A")},
      // Submitted revisions: the organisation's own evaluators and the coordinators.
      {"evaluation.revisions", campaign_row("anon:U admin:R coco:A eva:A eve:R fac:R par:R obs:R")},
      {"evaluation.revision", campaign_row("anon:U admin:R coco:A eva:A eve:R fac:R par:R obs:R")},
      {"page.evaluation", campaign_row("anon:U admin:R coco:A eva:A eve:R fac:R par:R obs:R")},  // read-only for coordinators
      {"page.evaluation_history", campaign_row("anon:U admin:R coco:A eva:A eve:R fac:R par:R obs:R")},
      {"page.evaluation_print", campaign_row("anon:U admin:R coco:A eva:A eve:R fac:R par:R obs:R")},
      // Administration.
      {"admin.users.list", row(k_admin_only)},
      {"admin.users.create", row(k_admin_only)},
      {"admin.users.get", row(k_admin_only)},
      {"admin.users.update", row(k_admin_only)},
      {"admin.users.password", row(k_admin_only)},
      {"admin.orgs.list", row(k_admin_only)},
      {"admin.orgs.create", row(k_admin_only)},
      {"admin.orgs.update", row(k_admin_only)},
      {"admin.audit.list", row(k_admin_only)},
      {"page.admin.users", row(k_admin_only)},
      {"page.admin.orgs", row(k_admin_only)},
      {"page.admin.audit", row(k_admin_only)},
      // Drills: exercise "c" is org-a's; fac runs it, obs watches, par plays a
      // role, eva (org-a's evaluator) reads the record afterwards.
      {"exercise.list", row("anon:U admin:R coco:R eva:A eve:A fac:A par:A obs:A")},
      {"exercise.create", row("anon:U admin:R coco:R eva:R eve:R fac:A par:R obs:R")},
      {"exercise.show", row("anon:U admin:R coco:R eva:A eve:R fac:A par:A obs:A")},
      {"exercise.state", row("anon:U admin:R coco:R eva:A eve:R fac:A par:A obs:A")},
      {"exercise.participants", row("anon:U admin:R coco:R eva:R eve:R fac:A par:R obs:R")},
      {"exercise.control", row("anon:U admin:R coco:R eva:R eve:R fac:A par:R obs:R")},
      {"exercise.inject", row("anon:U admin:R coco:R eva:R eve:R fac:A par:R obs:R")},
      {"exercise.act", row("anon:U admin:R coco:R eva:R eve:R fac:A par:A obs:R")},
      {"exercise.events", row("anon:U admin:R coco:R eva:R eve:R fac:A par:A obs:A", true)},
      {"exercise.log", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"exercise.verify", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      // The drill pages: the list for everyone with drills (filtered), the
      // live page for those with a part in it (eva, who may only read the
      // record, is sent on to the review), the review likewise.
      {"page.exercises", row("anon:U admin:R coco:R eva:A eve:A fac:A par:A obs:A")},
      {"page.exercise", row("anon:U admin:R coco:R eva:A eve:R fac:A par:A obs:A")},
      {"page.exercise_review", row("anon:U admin:R coco:R eva:A eve:R fac:A par:A obs:A")},
      // Preparedness records of org-a: its evaluators, facilitators and
      // observers read them; its evaluators and facilitators save them.
      // Never coordinators (raw per-company facts) nor participants (they see
      // the contact tree inside a drill only).
      {"prepare.overview", row(k_prep_readers)},
      {"prepare.get", row(k_prep_readers)},
      {"prepare.save", row(k_prep_writers)},
      {"prepare.revisions", row(k_prep_readers)},
      {"prepare.revision", row(k_prep_readers)},
      {"page.prepare", row(k_prep_readers)},
      {"page.prepare_edit", row(k_prep_readers)},  // a disabled form for observers
      {"page.prepare_history", row(k_prep_readers)},
      // After the drill: the organisation's facilitators, evaluators and
      // observers (review_exercise); never coordinators or participants.
      // Accepting needs edit_draft on the campaign too, but the matrix's
      // empty body names none (the drill has no campaign): fac and obs get
      // the 422 first, and the API tests prove the campaign check.
      {"exercise.proposals", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"exercise.proposals_accept", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"exercise.aar", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"exercise.cert_draft", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"org.plan_csv", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"org.trend", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"org.contradictions", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"page.exercise_aar", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"page.exercise_proposals", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"page.exercise_cert_draft", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      {"page.org", row("anon:U admin:R coco:R eva:A eve:R fac:A par:R obs:A")},
      // Offline packages of campaign "c": its coordinators and the admins
      // (who register the organisations' keys); the matrix's JSON body is
      // answered 415 (not a package) once access is granted.
      {"campaign.packages.upload", campaign_row("anon:U admin:A coco:A eva:R eve:R fac:R par:R obs:R")},
      {"campaign.packages.list", campaign_row("anon:U admin:A coco:A eva:R eve:R fac:R par:R obs:R")},
      {"page.campaign_packages", campaign_row("anon:U admin:A coco:A eva:R eve:R fac:R par:R obs:R")},
      // Publication settings and the review of what campaign "c" publishes
      // (comments as written): its coordinators only, not even admins.
      {"campaign.publication.get", campaign_row("anon:U admin:R coco:A eva:R eve:R fac:R par:R obs:R")},
      {"campaign.publication.put", campaign_row("anon:U admin:R coco:A eva:R eve:R fac:R par:R obs:R")},
      {"campaign.publication.review", campaign_row("anon:U admin:R coco:A eva:R eve:R fac:R par:R obs:R")},
      {"page.campaign_publish", campaign_row("anon:U admin:R coco:A eva:R eve:R fac:R par:R obs:R")},
      // Breakdowns of campaign "c" (open): pooled results, so its
      // coordinators only until it is published; the peer comparison and the
      // answers across campaigns of org-a: its own evaluator (for campaigns
      // whose submissions it may see) and the coordinators.
      {"campaign.segments", campaign_row(k_coordinator)},
      {"campaign.crosstab", campaign_row(k_coordinator)},
      {"campaign.peer", campaign_row(k_coordinator)},
      {"org.campaigns", row("anon:U admin:R coco:A cox:R eva:A eve:R fac:R par:R obs:R")},
  };
  return k;
}

std::string fill(const std::string& pattern) {
  static const std::map<std::string, std::string> k_values = {
      {"{id}", "c"}, {"{org}", "org-a"}, {"{login}", "eve"}, {"{no}", "1"}, {"{file}", "app.css"},
      {"{kind}", "contact-tree"}};
  std::string out = pattern;
  for (const auto& [k, v] : k_values) {
    for (auto p = out.find(k); p != std::string::npos; p = out.find(k)) out.replace(p, k.size(), v);
  }
  return out;
}

class RouteMatrix : public CampaignApiTest {
 protected:
  void SetUp() override {
    CampaignApiTest::SetUp();
    add_user("root", store::Role::kAdmin, {});
    add_user("fac", store::Role::kFacilitator, {"org-a"});
    add_user("par", store::Role::kParticipant, {"org-a"});
    add_user("obs", store::Role::kObserver, {"org-a"});
    // A coordinator, but not of campaign "c" (which names coco alone).
    add_user("cox", store::Role::kCoordinator, {});
    ASSERT_TRUE(db->set_campaign_coordinators("c", {"coco"}, store::Actor{"test"}).is_ok());
    // A drill with the same id as the campaign ("c", filled into every URL):
    // org-a's, with par playing production. fac runs it, obs watches it, eva
    // (org-a's evaluator) may read its record afterwards.
    auto scenario = io::load_builtin_scenario("factory-ransomware");
    ASSERT_TRUE(scenario.is_ok()) << scenario.status().to_string();
    store::ExerciseRecord drill;
    drill.id = "c";
    drill.title = "drill";
    drill.org = "org-a";
    drill.scenario_id = scenario->id;
    drill.scenario_version = scenario->version;
    drill.scenario_content = io::scenario_content_json(*scenario);
    drill.scenario_sha256 = io::scenario_content_hash(*scenario);
    drill.participants = {{"par", "production"}};
    ASSERT_TRUE(db->create_exercise(drill, store::Actor{"test"}).is_ok());
    for (const auto& [who, login] : std::map<std::string, std::string>{
             {"admin", "root"}, {"coco", "coco"}, {"cox", "cox"}, {"eva", "eva"}, {"eve", "eve"}, {"fac", "fac"}, {"par", "par"}, {"obs", "obs"}}) {
      sessions[who] = sign_in(login);
    }
  }

  // The status of one request, and the Location of a redirect (and the
  // body in `body`, if given).
  std::pair<int, std::string> ask(const std::string& who, const Route& route, bool stream, std::string* text = nullptr,
                                  const std::string& target = {}) {
    const bool mutating = route.method != "GET" && route.method != "HEAD";
    std::string req = route.method + " " + (target.empty() ? fill(route.pattern) : target) + " HTTP/1.1\r\nHost: x\r\n";
    if (who != "anon") {
      req += "Cookie: kunren_session=" + sessions[who].cookie + "\r\n";
      if (mutating) req += "X-CSRF-Token: " + sessions[who].csrf + "\r\n";
    }
    const std::string body = mutating ? "{}" : "";
    if (mutating) req += "Content-Type: application/json\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    int fd = kunren::testing::connect_to(port);
    kunren::testing::send_all(fd, req);
    std::string head;
    if (stream) {
      kunren::testing::read_until(fd, head, "\r\n\r\n");
    } else {
      head = kunren::testing::read_to_end(fd);
    }
    ::close(fd);
    Answer a = parse(head);
    if (text) *text = a.text;
    std::string location;
    if (auto p = a.head.find("\r\nLocation: "); p != std::string::npos) {
      location = a.head.substr(p + 12, a.head.find("\r\n", p + 12) - p - 12);
    }
    return {a.status, location};
  }

  std::map<std::string, Signed> sessions;
};

TEST_F(RouteMatrix, EveryRouteHasARowAndEveryRoleGetsWhatTheRowSays) {
  ASSERT_FALSE(router.routes().empty());
  std::set<std::string> seen;
  for (const Route& route : router.routes()) {
    SCOPED_TRACE(route.method + " " + route.pattern + " (" + route.name + ")");
    seen.insert(route.name);
    auto it = matrix().find(route.name);
    if (it == matrix().end()) {
      ADD_FAILURE() << "route '" << route.name << "' (" << route.method << " " << route.pattern
                    << ") has no row in the authorisation matrix";
      continue;
    }
    const Expect& e = it->second;
    ASSERT_EQ(e.outcome.size(), k_who.size()) << "the row must name every kind of user";
    const bool page = route.pattern.rfind("/api/", 0) != 0 && route.pattern != "/healthz";
    for (const std::string& who : k_who) {
      const char expected = e.outcome.at(who);
      auto [status, location] = ask(who, route, e.stream);
      const bool to_login = status == 303 && location.rfind("/login", 0) == 0;
      switch (expected) {
        case 'A':
          EXPECT_TRUE(status != 401 && status != 403 && !to_login && status < 500 && status != 0)
              << who << " should be allowed, got " << status << " " << location;
          break;
        case 'P':
          EXPECT_TRUE(status != 401 && status != 403 && !to_login && status < 500 && status != 0)
              << who << " (public) got " << status;
          break;
        case 'R':
          EXPECT_EQ(status, 403) << who << " should be refused";
          break;
        case 'U':
          if (page) {
            // A page sends the browser to sign in; a fragment that scripts
            // fetch (…/live) may answer 401 like the API.
            EXPECT_TRUE(to_login || status == 401) << who << " should be sent to sign in, got " << status << " " << location;
          } else {
            EXPECT_EQ(status, 401) << who << " should need to sign in";
          }
          break;
        default: ADD_FAILURE() << "bad outcome '" << expected << "'";
      }
      // Signing out ended that session: sign in again for the next routes.
      if (route.name == "session.delete" && who != "anon") {
        sessions[who] = sign_in(who == "admin" ? "root" : who);
      }
    }
  }
  for (const auto& [name, e] : matrix()) EXPECT_TRUE(seen.count(name)) << "row for a route that does not exist: " << name;
}

// Organisation A's raw answers — an evaluation comment, a preparedness
// record, and their revisions — placed where every route could show them;
// then every GET route asked by everyone who is not of org-a and does not
// coordinate campaign "c" (admin, eve of org-b, cox, anonymous), with the
// URL naming org-a and, for organisation routes, org-b too: no body may hold
// them. Org-a's own evaluator sees them (the control: they are reachable).
TEST_F(RouteMatrix, NobodyOutsideTheOrganisationEverGetsItsRawAnswers) {
  const std::string k_comment = "KANARI-comment-of-org-a";
  const std::string k_contact = "KANARI-contact-of-org-a";
  Signed eva = sessions["eva"];
  ASSERT_EQ(call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a",
                 R"({"answers":[{"item":"Q1","choice":1,"comment":")" + k_comment + R"("}]})")
                .status,
            200);
  ASSERT_EQ(call(eva, "POST", "/api/v1/campaigns/c/evaluations/org-a/submit", R"({"leave_unanswered":true})").status,
            200);
  const nlohmann::json tree = {
      {"stale_after_days", 180},
      {"entries",
       {{{"id", "plant-manager"},
         {"name", k_contact},
         {"channels", {{{"kind", "mobile"}, {"value", "090-0000-0001"}}}},
         {"escalation", 1},
         {"last_confirmed", "2026-01-01"}}}}};
  Answer saved = call(eva, "PUT", "/api/v1/orgs/org-a/prepare/contact-tree",
                      nlohmann::json{{"base_no", 0}, {"document", tree}}.dump());
  ASSERT_EQ(saved.status, 200) << saved.body;
  // The control: org-a's evaluator finds both.
  EXPECT_NE(call(eva, "GET", "/api/v1/campaigns/c/evaluations/org-a").text.find(k_comment), std::string::npos);
  EXPECT_NE(call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree").text.find(k_contact), std::string::npos);

  int asked = 0;
  for (const Route& route : router.routes()) {
    if (route.method != "GET") continue;
    if (matrix().count(route.name) && matrix().at(route.name).stream) continue;  // no body to read
    std::vector<std::string> targets = {fill(route.pattern)};
    if (route.pattern.find("{org}") != std::string::npos) {
      std::string other = route.pattern;
      other.replace(other.find("{org}"), 5, "org-b");
      targets.push_back(fill(other));
    }
    for (const char* who : {"anon", "admin", "eve", "cox"}) {
      for (const std::string& target : targets) {
        SCOPED_TRACE(std::string(who) + " GET " + target + " (" + route.name + ")");
        std::string body;
        ask(who, route, false, &body, target);
        EXPECT_EQ(body.find(k_comment), std::string::npos);
        EXPECT_EQ(body.find(k_contact), std::string::npos);
        ++asked;
      }
    }
  }
  EXPECT_GT(asked, 200);
}

TEST_F(RouteMatrix, EveryRefusalIsInTheAuditLog) {
  const std::size_t before = refusals();
  // Refused requests, one per kind of refusal.
  const Route* results = nullptr;
  for (const Route& r : router.routes()) {
    if (r.name == "campaign.results") results = &r;
  }
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(ask("eva", *results, false).first, 403);
  EXPECT_EQ(ask("fac", *results, false).first, 403);
  EXPECT_EQ(refusals(), before + 2);
}

}  // namespace
}  // namespace kunren::server
