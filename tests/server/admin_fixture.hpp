// The fixture of the administrator's HTTP tests (admin_api_test.cpp,
// admin_pages_test.cpp): the seeded store of CampaignApiTest (org-a, org-b,
// evaluators eva and eve, coordinator coco) plus an administrator "ada", and
// helpers to compare the whole stored state before and after a request.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api_fixture.hpp"

namespace kunren::server {

class AdminTest : public CampaignApiTest {
 protected:
  void SetUp() override {
    CampaignApiTest::SetUp();
    if (HasFatalFailure()) return;
    store::User u;
    u.login = "ada";
    u.display_name = "管理 花子";
    u.password_hash = db->get_user("eva").value().password_hash;  // "correct horse battery"
    u.roles = {store::Role::kAdmin};
    ASSERT_TRUE(db->create_user(u, store::Actor{"test"}).is_ok());
  }

  // Users (with hashes) and organisations as one text: equal before and
  // after a refused request when nothing was written.
  std::string stored_state() {
    std::string s;
    for (const auto& u : db->list_users().value()) {
      s += u.login + "|" + u.display_name + "|" + u.password_hash + "|" + (u.disabled ? "disabled" : "enabled") + "|";
      for (auto r : u.roles) s += std::string(store::to_string(r)) + ",";
      s += "|";
      for (const auto& o : u.orgs) s += o + ",";
      s += "\n";
    }
    for (const auto& o : db->list_orgs().value()) {
      s += o.id + "|" + o.name + "|" + o.industry + "|" + o.size + "|" + o.pseudonym + "\n";
    }
    return s;
  }
  std::size_t audit_count() { return db->list_audit().value().size(); }
  store::AuditEntry last_audit() { return db->list_audit().value().back(); }

  // A request with a body of any content type.
  Answer call_typed(const Signed& who, const std::string& method, const std::string& path, const std::string& body,
                    const std::string& type) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + who.cookie +
                      "\r\nX-CSRF-Token: " + who.csrf + "\r\nContent-Type: " + type +
                      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return parse(kunren::testing::http_exchange(port, req));
  }
  // A GET without a session.
  Answer anonymous_get(const std::string& path) {
    return parse(kunren::testing::http_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  }
  static std::string field_of(const Answer& a) {
    if (!a.body.is_object() || !a.body.contains("error")) return "";
    const nlohmann::json& field = a.body["error"]["field"];
    return field.is_string() ? field.get<std::string>() : "";
  }
  static std::string code_of(const Answer& a) {
    return a.body.is_object() && a.body.contains("error") ? a.body["error"].value("code", "") : "";
  }
};

}  // namespace kunren::server
