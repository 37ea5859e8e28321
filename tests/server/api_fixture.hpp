// The API test fixtures shared by the HTTP-level suites: a real server on a
// free port with every route (web::add_all_routes) on a fresh SQLite store,
// raw HTTP requests, and (CampaignApiTest) a seeded store with two
// organisations, an evaluator of each, a coordinator and an open campaign.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include <kunren/server/api.hpp>
#include <kunren/server/events.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/http_server.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/password.hpp>
#include <kunren/web/routes.hpp>

#include "../test_support.hpp"
#include "http_client.hpp"

namespace kunren::server {

inline std::string roundtrip(unsigned short port, const std::string& request) {
  return kunren::testing::http_exchange(port, request);
}

struct Answer {
  int status = 0;
  std::string head;
  nlohmann::json body;  // discarded (is_discarded()) when the body is not JSON
  std::string text;     // the body as received (HTML pages, CSV)
};

inline Answer parse(const std::string& raw) {
  Answer a;
  auto split = raw.find("\r\n\r\n");
  a.head = raw.substr(0, split);
  a.status = raw.size() > 12 ? std::stoi(raw.substr(9, 3)) : 0;
  std::string body = split == std::string::npos ? "" : raw.substr(split + 4);
  a.body = body.empty() ? nlohmann::json() : nlohmann::json::parse(body, nullptr, false);
  a.text = std::move(body);
  return a;
}

// A server with every route of `kunren serve` (web::add_all_routes) on a
// fresh SQLite store.
// Fixtures seed the store, then call serve().
class ApiServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::Store> open_fresh_store() {
    context.db_url = "sqlite:" + dir.path("kunren.db");
    store::OpenOptions options;
    options.create = options.migrate = true;
    auto db = store::open_store(context.db_url, options);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    return db ? std::move(db).value() : nullptr;
  }
  void serve() {
    auto auth = Authenticator::create(context.sessions);
    ASSERT_TRUE(auth.is_ok());
    context.authenticator = std::move(auth).value();
    if (!context.events) context.events = &default_hub;
    if (!context.exercises) {
      default_drills = std::make_unique<exercise::ExerciseRegistry>(drill_clock, stored_scenario_parser(),
                                                                    exercise_announcer(*context.events));
      context.exercises = default_drills.get();
    }
    web::add_all_routes(router, context);
    ServerOptions so = server_options;
    so.port = 0;
    so.threads = 2;
    server = std::make_unique<HttpServer>(so, router);
    port = server->start().value();
    runner = std::thread([this] { server->run(); });
  }
  void TearDown() override {
    if (!server) return;
    server->stop();
    runner.join();
  }
  // POST of a body (JSON unless said otherwise), with a session cookie if given.
  Answer post(const std::string& path, const std::string& body, const std::string& type = "application/json",
              const std::string& cookie = {}) {
    return parse(roundtrip(port, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type +
                                     "\r\nContent-Length: " + std::to_string(body.size()) +
                                     (cookie.empty() ? "" : "\r\nCookie: kunren_session=" + cookie) +
                                     "\r\nConnection: close\r\n\r\n" + body));
  }

  kunren::testing::TempDir dir;
  EventHub default_hub;  // live events, as `kunren serve` has them (a fixture may set its own first)
  // Drills, with a clock the test moves (tick with tick_exercises()).
  exercise::FakeClock drill_clock;
  std::unique_ptr<exercise::ExerciseRegistry> default_drills;
  ApiContext context;
  ServerOptions server_options;  // limits and timeouts a fixture may set before serve() (port and threads are its own)
  Router router;
  std::unique_ptr<HttpServer> server;
  std::thread runner;
  unsigned short port = 0;
};


// Two organisations, an evaluator of each, a coordinator, and an open
// campaign on a small checklist.
class CampaignApiTest : public ApiServerTest {
 protected:
  void SetUp() override {
    db = open_fresh_store();
    ASSERT_NE(db, nullptr);
    const store::Actor actor{"test"};
    ASSERT_TRUE(db->put_orgs({{"org-a", "A", "", "", {}, {}}, {"org-b", "B", "", "", {}, {}}}, actor).is_ok());
    add_user("eva", store::Role::kEvaluator, {"org-a"});
    add_user("eve", store::Role::kEvaluator, {"org-b"});
    add_user("coco", store::Role::kCoordinator, {});
    auto checklist = kunren::testing::make_checklist({"Q1=good,partial,poor", "Q2=good,poor,na"});
    ASSERT_TRUE(store::register_checklist(*db, checklist, false, actor).is_ok());
    for (const char* id : {"c", "later"}) {
      store::CampaignRecord c;
      c.id = id;
      c.title = id;
      c.checklist_id = checklist.id;
      c.checklist_version = checklist.version;
      c.min_group = 1;
      ASSERT_TRUE(db->create_campaign(c, actor).is_ok());
    }
    ASSERT_TRUE(db->set_campaign_state("c", store::CampaignState::kOpen, actor).is_ok());
    serve();
  }

  // A user with one role, the password "correct horse battery" (hashed once
  // per fixture: argon2id is slow on purpose) and these memberships.
  void add_user(const std::string& login, store::Role role, std::vector<std::string> orgs) {
    if (password_hash.empty()) password_hash = util::hash_password("correct horse battery").value();
    store::User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = password_hash;
    u.roles = {role};
    u.orgs = std::move(orgs);
    ASSERT_TRUE(db->create_user(u, store::Actor{"test"}).is_ok());
  }
  std::string password_hash;

  struct Signed {
    std::string cookie, csrf;
  };
  Signed sign_in(const std::string& login) {
    auto a = post("/api/v1/session", R"({"login":")" + login + R"(","password":"correct horse battery"})");
    EXPECT_EQ(a.status, 200) << a.head << a.body;
    auto p = a.head.find("kunren_session=") + 15;
    return {a.head.substr(p, a.head.find(';', p) - p), a.body.value("csrf_token", "")};
  }
  Answer call(const Signed& who, const std::string& method, const std::string& path, const std::string& body = {},
              bool with_csrf = true) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + who.cookie + "\r\n";
    if (with_csrf) req += "X-CSRF-Token: " + who.csrf + "\r\n";
    if (!body.empty()) req += "Content-Type: application/json\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return parse(kunren::testing::http_exchange(port, req));
  }
  std::size_t refusals() {
    std::size_t n = 0;
    for (const auto& e : db->list_audit().value()) n += e.action == "auth.refused" ? 1 : 0;
    return n;
  }

  std::unique_ptr<store::Store> db;
};


}  // namespace kunren::server
