// The coordinator's tests (campaign_api_test.cpp, campaign_pages_test.cpp):
// CampaignApiTest's seeded store and server, with live events switched on
// (an EventHub in the context), an observer and a second coordinator, and
// helpers to save, submit and move the campaign along.
#pragma once

#include <algorithm>
#include <string>

#include <kunren/server/events.hpp>

#include "api_fixture.hpp"

namespace kunren::server {

class CoordinatorTest : public CampaignApiTest {
 protected:
  void SetUp() override {
    context.events = &hub;
    CampaignApiTest::SetUp();
    if (HasFatalFailure()) return;
    const std::string hash = util::hash_password("correct horse battery").value();
    for (auto [login, role] : {std::pair{"olga", store::Role::kObserver}, std::pair{"cleo", store::Role::kCoordinator},
                               std::pair{"fred", store::Role::kFacilitator}}) {
      store::User u;
      u.login = login;
      u.display_name = login;
      u.password_hash = hash;
      u.roles = {role};
      ASSERT_TRUE(db->create_user(u, store::Actor{"test"}).is_ok());
    }
  }

  // eva saves `choice` for Q1 and Q2 of org-a (or eve for org-b), then submits.
  void submit(const std::string& login, const std::string& org, int q1, int q2, const std::string& comment = {}) {
    Signed who = sign_in(login);
    std::string body = R"({"answers":[{"item":"Q1","choice":)" + std::to_string(q1) +
                       (comment.empty() ? "" : R"(,"comment":")" + comment + "\"") + R"(},{"item":"Q2","choice":)" +
                       std::to_string(q2) + "}]}";
    Answer saved = call(who, "PUT", "/api/v1/campaigns/c/evaluations/" + org, body);
    ASSERT_EQ(saved.status, 200) << saved.body;
    Answer done = call(who, "POST", "/api/v1/campaigns/c/evaluations/" + org + "/submit");
    ASSERT_EQ(done.status, 200) << done.body;
  }

  void move(const std::string& campaign, store::CampaignState to) {
    ASSERT_TRUE(db->set_campaign_state(campaign, to, store::Actor{"test"}).is_ok());
  }
  void publish_c() {
    move("c", store::CampaignState::kClosed);
    move("c", store::CampaignState::kPublished);
  }

  std::string state_of(const std::string& campaign) {
    return store::to_string(db->get_campaign(campaign).value().state);
  }
  std::size_t audit_count(const std::string& action) {
    std::size_t n = 0;
    for (const auto& e : db->list_audit().value()) n += e.action == action ? 1 : 0;
    return n;
  }
  // GET with no session at all.
  Answer anonymous_get(const std::string& path) {
    return parse(roundtrip(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  }
  // A request with a body of any content type.
  Answer raw_call(const Signed& who, const std::string& method, const std::string& path, const std::string& type,
                  const std::string& body) {
    return parse(roundtrip(port, method + " " + path + " HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + who.cookie +
                                     "\r\nX-CSRF-Token: " + who.csrf + "\r\nContent-Type: " + type +
                                     "\r\nContent-Length: " + std::to_string(body.size()) +
                                     "\r\nConnection: close\r\n\r\n" + body));
  }
  static std::string header(const Answer& a, const std::string& name) {
    std::string lower = a.head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::string key = "\r\n" + name + ":";
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto at = lower.find(key);
    if (at == std::string::npos) return {};
    at += key.size();
    auto end = a.head.find("\r\n", at);
    std::string value = a.head.substr(at, end == std::string::npos ? std::string::npos : end - at);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    return value;
  }
  static bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

  EventHub hub;
};

}  // namespace kunren::server
