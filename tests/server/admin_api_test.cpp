// The administrator's JSON API over real HTTP on an SQLite store: users
// (list, create, read, change roles and organisations, disable, set a
// password), organisations (list, create, edit) and the audit log (filters,
// paging). For each: the happy path as admin; coordinators and evaluators
// refused with 403 and the refusal audited; no CSRF token → 403 and nothing
// written; bad bodies → 400/415/422 naming the field, 409 for duplicates
// and lock-outs, and nothing written; no password hash in any answer.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "admin_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;
using AdminApi = AdminTest;

// --- access -----------------------------------------------------------------------------

struct RouteCall {
  const char* method;
  const char* path;
  const char* body;
};

const std::vector<RouteCall>& every_admin_route() {
  static const std::vector<RouteCall> routes = {
      {"GET", "/api/v1/users", ""},
      {"POST", "/api/v1/users", R"({"login":"mallory","password":"long enough password","roles":["admin"]})"},
      {"GET", "/api/v1/users/eva", ""},
      {"PATCH", "/api/v1/users/eva", R"({"roles":["admin"]})"},
      {"PATCH", "/api/v1/users/ada", R"({"disabled":true})"},
      {"POST", "/api/v1/users/ada/password", R"({"password":"taken over account"})"},
      {"GET", "/api/v1/orgs", ""},
      {"POST", "/api/v1/orgs", R"({"id":"org-x","name":"X"})"},
      {"PUT", "/api/v1/orgs/org-a", R"({"name":"renamed"})"},
      {"GET", "/api/v1/audit", ""},
  };
  return routes;
}

TEST_F(AdminApi, CoordinatorsAndEvaluatorsAreRefusedEveryAdminRouteAndEachRefusalIsAudited) {
  const std::string before = stored_state();
  for (const char* login : {"coco", "eva", "eve"}) {
    Signed who = sign_in(login);
    for (const RouteCall& route : every_admin_route()) {
      const std::size_t refused_before = refusals();
      const std::size_t audit_before = audit_count();
      Answer a = call(who, route.method, route.path, route.body);
      EXPECT_EQ(a.status, 403) << login << " " << route.method << " " << route.path << a.body;
      EXPECT_EQ(code_of(a), "forbidden") << route.path;
      EXPECT_EQ(refusals(), refused_before + 1) << login << " " << route.method << " " << route.path;
      EXPECT_EQ(audit_count(), audit_before + 1) << "the refusal and nothing else";
      const store::AuditEntry e = last_audit();
      EXPECT_EQ(e.actor, std::string("user:") + login);
      EXPECT_EQ(e.action, "auth.refused");
    }
  }
  EXPECT_EQ(stored_state(), before);
}

TEST_F(AdminApi, EveryAdminRouteNeedsASession) {
  for (const RouteCall& route : every_admin_route()) {
    Answer a = parse(kunren::testing::http_exchange(
        port, std::string(route.method) + " " + route.path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                  "Content-Length: " + std::to_string(std::string(route.body).size()) + "\r\nConnection: close\r\n\r\n" +
                  route.body));
    EXPECT_EQ(a.status, 401) << route.method << " " << route.path;
  }
}

TEST_F(AdminApi, WritesWithoutTheCsrfTokenAreRefusedAndChangeNothing) {
  Signed ada = sign_in("ada");
  const std::string before = stored_state();
  const std::size_t audit_before = audit_count();
  for (const RouteCall& route : every_admin_route()) {
    if (std::string(route.method) == "GET") continue;
    Answer a = call(ada, route.method, route.path, route.body, false);
    EXPECT_EQ(a.status, 403) << route.method << " " << route.path;
    EXPECT_EQ(code_of(a), "csrf") << route.path;
    EXPECT_EQ(field_of(a), "X-CSRF-Token");
  }
  EXPECT_EQ(stored_state(), before);
  EXPECT_EQ(audit_count(), audit_before);
  EXPECT_EQ(call(ada, "GET", "/api/v1/me").status, 200) << "the admin's session is still there";
}

// --- users ------------------------------------------------------------------------------

TEST_F(AdminApi, TheUserListShowsEveryUserAndNeverAPasswordHash) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "GET", "/api/v1/users");
  ASSERT_EQ(a.status, 200) << a.body;
  const json& users = a.body.at("users");
  ASSERT_EQ(users.size(), 4u);
  std::vector<std::string> logins;
  for (const json& u : users) logins.push_back(u.at("login"));
  EXPECT_EQ(logins, (std::vector<std::string>{"ada", "coco", "eva", "eve"}));
  const json& eva = users.at(2);
  EXPECT_EQ(eva.at("roles"), json::array({"evaluator"}));
  EXPECT_EQ(eva.at("organizations"), json::array({"org-a"}));
  EXPECT_EQ(eva.at("disabled"), false);
  EXPECT_EQ(eva.at("has_password"), true);
  EXPECT_FALSE(eva.at("created_at").get<std::string>().empty());
  EXPECT_FALSE(eva.contains("password_hash"));
  EXPECT_EQ(a.text.find("$argon2"), std::string::npos);

  Answer one = call(ada, "GET", "/api/v1/users/eva");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body, eva);
  EXPECT_EQ(one.text.find("$argon2"), std::string::npos);
  EXPECT_EQ(call(ada, "GET", "/api/v1/users/nobody").status, 404);
}

TEST_F(AdminApi, AnAdminCreatesAUserWhoCanThenSignIn) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "POST", "/api/v1/users",
                  R"({"login":"taro.y@plant-1","display_name":"山田 太郎","password":"a long new password",)"
                  R"("roles":["evaluator","observer","evaluator"],"organizations":["org-b","org-a"]})");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_NE(a.head.find("Location: /api/v1/users/taro.y@plant-1"), std::string::npos) << a.head;
  EXPECT_EQ(a.body.at("login"), "taro.y@plant-1");
  EXPECT_EQ(a.body.at("display_name"), "山田 太郎");
  EXPECT_EQ(a.body.at("roles"), json::array({"evaluator", "observer"}));
  EXPECT_EQ(a.body.at("organizations"), json::array({"org-a", "org-b"}));
  EXPECT_EQ(a.body.at("has_password"), true);
  EXPECT_EQ(a.text.find("$argon2"), std::string::npos);

  const store::AuditEntry e = last_audit();
  EXPECT_EQ(e.action, "user.create");
  EXPECT_EQ(e.actor, "user:ada");
  EXPECT_EQ(e.object_id, "taro.y@plant-1");
  EXPECT_EQ(e.detail.find("argon2"), std::string::npos);
  EXPECT_EQ(e.detail.find("a long new password"), std::string::npos);

  Answer in = post("/api/v1/session", R"({"login":"taro.y@plant-1","password":"a long new password"})");
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.body.at("organizations"), json::array({"org-a", "org-b"}));
}

TEST_F(AdminApi, AUserCreatedWithoutAPasswordCannotSignInUntilOneIsSet) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "POST", "/api/v1/users", R"({"login":"kenji","roles":[],"organizations":[]})");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.body.at("has_password"), false);
  EXPECT_EQ(a.body.at("display_name"), "kenji") << "the login stands in for a missing display name";
  EXPECT_EQ(post("/api/v1/session", R"({"login":"kenji","password":"anything at all"})").status, 401);
  ASSERT_EQ(call(ada, "POST", "/api/v1/users/kenji/password", R"({"password":"finally a password"})").status, 200);
  EXPECT_EQ(post("/api/v1/session", R"({"login":"kenji","password":"finally a password"})").status, 200);
}

TEST_F(AdminApi, CreatingAUserRefusesBadInputNamingTheFieldAndWritesNothing) {
  Signed ada = sign_in("ada");
  const std::string before = stored_state();
  const std::size_t audit_before = audit_count();
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"login":"with space","password":"long enough password"})", 422, "login"},
      {json{{"login", std::string(65, 'a')}}.dump(), 422, "login"},
      {R"({"login":""})", 422, "login"},
      {R"({"login":"日本語"})", 422, "login"},
      {R"({"display_name":"no login"})", 422, "login"},
      {R"({"login":42})", 422, "login"},
      {R"({"login":"newbie","password":"short"})", 422, "password"},
      {R"({"login":"newbie","password":12345678901})", 422, "password"},
      {R"({"login":"newbie","roles":["boss"]})", 422, "roles"},
      {R"({"login":"newbie","roles":"admin"})", 422, "roles"},
      {R"({"login":"newbie","roles":[1]})", 422, "roles"},
      {R"({"login":"newbie","organizations":["org-a","no-such-org"]})", 422, "organizations"},
      {R"({"login":"newbie","organizations":"org-a"})", 422, "organizations"},
      {R"({"login":"newbie","display_name":"tab\there"})", 422, "display_name"},
      {R"({"login":"newbie","display_name":7})", 422, "display_name"},
      {R"({"login":"newbie","orgs":["org-a"]})", 422, "orgs"},
      {R"({"login":"eva","password":"long enough password"})", 409, "login"},
  };
  for (const Case& c : cases) {
    Answer a = call(ada, "POST", "/api/v1/users", c.body);
    EXPECT_EQ(a.status, c.status) << c.body << " → " << a.body;
    EXPECT_EQ(field_of(a), c.field) << c.body;
  }
  EXPECT_EQ(code_of(call(ada, "POST", "/api/v1/users", R"({"login":"eva"})")), "exists");
  EXPECT_EQ(call(ada, "POST", "/api/v1/users", R"(["newbie"])").status, 422);
  EXPECT_EQ(call(ada, "POST", "/api/v1/users", R"({"login":"newbie",)").status, 400);
  EXPECT_EQ(call_typed(ada, "POST", "/api/v1/users", R"({"login":"newbie"})", "text/plain").status, 415);
  EXPECT_EQ(stored_state(), before);
  EXPECT_EQ(audit_count(), audit_before);
}

TEST_F(AdminApi, PatchReplacesRolesAndOrganisationsInOneAuditedChange) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "PATCH", "/api/v1/users/eva", R"({"roles":["observer","evaluator"],"organizations":["org-b","org-a"]})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body.at("roles"), json::array({"evaluator", "observer"}));
  EXPECT_EQ(a.body.at("organizations"), json::array({"org-a", "org-b"}));
  store::User eva = db->get_user("eva").value();
  EXPECT_EQ(eva.roles, (std::vector<store::Role>{store::Role::kEvaluator, store::Role::kObserver}));
  EXPECT_EQ(eva.orgs, (std::vector<std::string>{"org-a", "org-b"}));
  store::AuditEntry e = last_audit();
  EXPECT_EQ(e.action, "user.access");
  EXPECT_EQ(e.actor, "user:ada");
  EXPECT_EQ(e.object_id, "eva");

  // Only one of the two given: the other stays.
  a = call(ada, "PATCH", "/api/v1/users/eva", R"({"organizations":[]})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body.at("roles"), json::array({"evaluator", "observer"}));
  EXPECT_EQ(a.body.at("organizations"), json::array());
  // The new roles apply to the user's very next request.
  Signed eve = sign_in("eve");
  ASSERT_EQ(call(ada, "PATCH", "/api/v1/users/eve", R"({"roles":["admin","evaluator"]})").status, 200);
  EXPECT_EQ(call(eve, "GET", "/api/v1/users").status, 200);
}

TEST_F(AdminApi, PatchRefusesBadInputNamingTheFieldAndWritesNothing) {
  Signed ada = sign_in("ada");
  const std::string before = stored_state();
  const std::size_t audit_before = audit_count();
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({})", 422, ""},
      {R"({"roles":["evaluator","chief"]})", 422, "roles"},
      {R"({"roles":null})", 422, "roles"},
      {R"({"organizations":["org-a","org-z"]})", 422, "organizations"},
      {R"({"disabled":"yes"})", 422, "disabled"},
      {R"({"roles":["evaluator"],"disabled":true})", 422, "disabled"},
      {R"({"display_name":"New name"})", 422, "display_name"},
      {R"({"password":"long enough password"})", 422, "password"},
      {R"({"login":"evangeline"})", 422, "login"},
  };
  for (const Case& c : cases) {
    Answer a = call(ada, "PATCH", "/api/v1/users/eva", c.body);
    EXPECT_EQ(a.status, c.status) << c.body << " → " << a.body;
    EXPECT_EQ(field_of(a), c.field) << c.body;
  }
  EXPECT_EQ(call(ada, "PATCH", "/api/v1/users/nobody", R"({"roles":[]})").status, 404);
  EXPECT_EQ(call(ada, "PATCH", "/api/v1/users/eva", R"({"roles":)").status, 400);
  EXPECT_EQ(call_typed(ada, "PATCH", "/api/v1/users/eva", R"({"roles":[]})", "application/x-www-form-urlencoded").status,
            415);
  EXPECT_EQ(stored_state(), before);
  EXPECT_EQ(audit_count(), audit_before);
}

TEST_F(AdminApi, DisablingAUserEndsEverySessionOfThatUserAtOnce) {
  Signed ada = sign_in("ada");
  Signed eva1 = sign_in("eva");
  Signed eva2 = sign_in("eva");
  Signed eve = sign_in("eve");
  ASSERT_EQ(call(eva1, "GET", "/api/v1/me").status, 200);
  Answer a = call(ada, "PATCH", "/api/v1/users/eva", R"({"disabled":true})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body.at("disabled"), true);
  EXPECT_EQ(a.body.at("sessions_ended"), 2);
  EXPECT_TRUE(db->get_user("eva").value().disabled);
  EXPECT_EQ(last_audit().action, "user.disabled");
  EXPECT_EQ(call(eva1, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(call(eva2, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[]})").status, 401);
  EXPECT_EQ(call(eve, "GET", "/api/v1/me").status, 200) << "other users keep their sessions";
  EXPECT_EQ(post("/api/v1/session", R"({"login":"eva","password":"correct horse battery"})").status, 403);

  Answer back = call(ada, "PATCH", "/api/v1/users/eva", R"({"disabled":false})");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.body.at("disabled"), false);
  EXPECT_FALSE(db->get_user("eva").value().disabled);
  EXPECT_EQ(post("/api/v1/session", R"({"login":"eva","password":"correct horse battery"})").status, 200);
}

TEST_F(AdminApi, SettingAPasswordEndsTheUsersSessionsAndOnlyTheNewPasswordWorks) {
  Signed ada = sign_in("ada");
  Signed eva = sign_in("eva");
  Answer a = call(ada, "POST", "/api/v1/users/eva/password", R"({"password":"brand new secret 1"})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body.at("login"), "eva");
  EXPECT_EQ(a.body.at("sessions_ended"), 1);
  EXPECT_EQ(call(eva, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(post("/api/v1/session", R"({"login":"eva","password":"correct horse battery"})").status, 401);
  EXPECT_EQ(post("/api/v1/session", R"({"login":"eva","password":"brand new secret 1"})").status, 200);
  const store::AuditEntry e = last_audit();
  EXPECT_EQ(e.action, "auth.sign_in");
  bool found = false;
  for (const auto& entry : db->list_audit().value()) {
    EXPECT_EQ(entry.detail.find("brand new secret"), std::string::npos);
    EXPECT_EQ(entry.detail.find("argon2"), std::string::npos);
    found = found || (entry.action == "user.password" && entry.actor == "user:ada" && entry.object_id == "eva");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(call(ada, "GET", "/api/v1/me").status, 200) << "the admin's own session stays";
}

TEST_F(AdminApi, SettingAPasswordRefusesBadInputAndWritesNothing) {
  Signed ada = sign_in("ada");
  Signed eva = sign_in("eva");
  const std::string before = stored_state();
  const std::size_t audit_before = audit_count();
  Answer a = call(ada, "POST", "/api/v1/users/eva/password", R"({"password":"short"})");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(field_of(a), "password");
  EXPECT_EQ(field_of(call(ada, "POST", "/api/v1/users/eva/password", R"({})")), "password");
  EXPECT_EQ(field_of(call(ada, "POST", "/api/v1/users/eva/password", R"({"password":["x"]})")), "password");
  EXPECT_EQ(field_of(call(ada, "POST", "/api/v1/users/eva/password", R"({"password":"long enough 123","x":1})")), "x");
  EXPECT_EQ(call(ada, "POST", "/api/v1/users/nobody/password", R"({"password":"long enough 123"})").status, 404);
  EXPECT_EQ(call(ada, "POST", "/api/v1/users/eva/password", R"(nope)").status, 400);
  EXPECT_EQ(call_typed(ada, "POST", "/api/v1/users/eva/password", R"({"password":"long enough 123"})", "text/plain").status,
            415);
  EXPECT_EQ(stored_state(), before);
  EXPECT_EQ(audit_count(), audit_before);
  EXPECT_EQ(call(eva, "GET", "/api/v1/me").status, 200) << "a refused change ends no session";
}

TEST_F(AdminApi, AnAdminCannotLockThemselvesOut) {
  Signed ada = sign_in("ada");
  const std::string before = stored_state();
  Answer a = call(ada, "PATCH", "/api/v1/users/ada", R"({"disabled":true})");
  EXPECT_EQ(a.status, 409) << a.body;
  EXPECT_EQ(code_of(a), "own_account");
  EXPECT_EQ(field_of(a), "disabled");
  a = call(ada, "PATCH", "/api/v1/users/ada", R"({"roles":["coordinator"]})");
  EXPECT_EQ(a.status, 409) << a.body;
  EXPECT_EQ(code_of(a), "own_account");
  EXPECT_EQ(field_of(a), "roles");
  a = call(ada, "POST", "/api/v1/users/ada/password", R"({"password":"long enough 123"})");
  EXPECT_EQ(a.status, 409) << "the account page asks for the current password";
  EXPECT_EQ(code_of(a), "own_account");
  EXPECT_EQ(stored_state(), before);
  EXPECT_EQ(call(ada, "GET", "/api/v1/users").status, 200) << "still signed in, still an admin";

  // Adding roles to oneself and keeping admin is fine.
  a = call(ada, "PATCH", "/api/v1/users/ada", R"({"roles":["admin","coordinator"]})");
  EXPECT_EQ(a.status, 200) << a.body;
}

TEST_F(AdminApi, AnotherAdminMayLoseTheRoleOrBeDisabledWhileAnEnabledAdminRemains) {
  Signed ada = sign_in("ada");
  ASSERT_EQ(call(ada, "POST", "/api/v1/users", R"({"login":"ben","password":"correct horse battery","roles":["admin"]})").status,
            201);
  Signed ben = sign_in("ben");
  // ben disables ada; ada's session ends; ben is now the only enabled admin.
  ASSERT_EQ(call(ben, "PATCH", "/api/v1/users/ada", R"({"disabled":true})").status, 200);
  EXPECT_EQ(call(ada, "GET", "/api/v1/me").status, 401);
  // ada, disabled, may lose the role: ben remains.
  Answer a = call(ben, "PATCH", "/api/v1/users/ada", R"({"roles":[]})");
  EXPECT_EQ(a.status, 200) << a.body;
  // Nor can ben remove the role from himself, the last enabled admin.
  a = call(ben, "PATCH", "/api/v1/users/ben", R"({"roles":[]})");
  EXPECT_EQ(a.status, 409);
  EXPECT_TRUE(db->get_user("ben").value().roles == std::vector<store::Role>{store::Role::kAdmin});
}

// --- organisations ------------------------------------------------------------------------

TEST_F(AdminApi, OrganisationsAreListedWithTheirPseudonyms) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "GET", "/api/v1/orgs");
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(a.body.at("orgs").size(), 2u);
  const json& first = a.body.at("orgs").at(0);
  EXPECT_EQ(first.at("id"), "org-a");
  EXPECT_EQ(first.at("name"), "A");
  EXPECT_FALSE(first.at("pseudonym").get<std::string>().empty());
  EXPECT_TRUE(first.contains("industry"));
  EXPECT_TRUE(first.contains("size"));
  EXPECT_TRUE(first.contains("created_at"));
}

TEST_F(AdminApi, AnAdminAddsAndEditsAnOrganisationButNeverItsPseudonym) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "POST", "/api/v1/orgs",
                  R"({"id":"東邦化成 鹿島/第2工場","name":"東邦化成株式会社","industry":"化学","size":"1000-"})");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_NE(a.head.find("Location: /api/v1/orgs/%E6%9D%B1"), std::string::npos) << a.head;
  EXPECT_NE(a.head.find("%2F"), std::string::npos);
  const std::string pseudonym = a.body.at("pseudonym");
  EXPECT_FALSE(pseudonym.empty());
  EXPECT_EQ(a.body.at("industry"), "化学");
  EXPECT_EQ(last_audit().action, "org.put");
  EXPECT_EQ(last_audit().actor, "user:ada");

  // The id travels as one percent-encoded path segment.
  const std::string path = "/api/v1/orgs/%E6%9D%B1%E9%82%A6%E5%8C%96%E6%88%90%20%E9%B9%BF%E5%B3%B6%2F%E7%AC%AC2%E5%B7%A5%E5%A0%B4";
  Answer put = call(ada, "PUT", path, R"({"name":"東邦化成","industry":"化学","size":"300-999"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body.at("name"), "東邦化成");
  EXPECT_EQ(put.body.at("size"), "300-999");
  EXPECT_EQ(put.body.at("pseudonym"), pseudonym);
  store::OrgRecord stored = db->get_org("東邦化成 鹿島/第2工場").value();
  EXPECT_EQ(stored.name, "東邦化成");
  EXPECT_EQ(stored.pseudonym, pseudonym);

  // The id may be repeated in the body if it is the same.
  EXPECT_EQ(call(ada, "PUT", "/api/v1/orgs/org-a", R"({"id":"org-a","name":"A 社"})").status, 200);
  EXPECT_EQ(db->get_org("org-a").value().name, "A 社");
  EXPECT_EQ(db->get_org("org-a").value().industry, "") << "PUT replaces the editable fields";
}

TEST_F(AdminApi, OrganisationBodiesAreCheckedFieldByFieldAndNothingIsWritten) {
  Signed ada = sign_in("ada");
  const std::string before = stored_state();
  const std::size_t audit_before = audit_count();
  struct Case {
    const char* method;
    std::string path;
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"POST", "/api/v1/orgs", R"({"id":" padded","name":"P"})", 422, "id"},
      {"POST", "/api/v1/orgs", R"({"id":"","name":"P"})", 422, "id"},
      {"POST", "/api/v1/orgs", R"({"id":"bell\u0007","name":"P"})", 422, "id"},
      {"POST", "/api/v1/orgs", json{{"id", std::string(201, 'x')}, {"name", "P"}}.dump(), 422, "id"},
      {"POST", "/api/v1/orgs", R"({"name":"no id"})", 422, "id"},
      {"POST", "/api/v1/orgs", R"({"id":"org-n"})", 422, "name"},
      {"POST", "/api/v1/orgs", R"({"id":"org-n","name":"   "})", 422, "name"},
      {"POST", "/api/v1/orgs", R"({"id":"org-n","name":"N","industry":3})", 422, "industry"},
      {"POST", "/api/v1/orgs", json{{"id", "org-n"}, {"name", "N"}, {"size", std::string(101, 's')}}.dump(), 422, "size"},
      {"POST", "/api/v1/orgs", R"({"id":"org-n","name":"N","pseudonym":"ORG-01"})", 422, "pseudonym"},
      {"POST", "/api/v1/orgs", R"({"id":"org-n","name":"N","sector":"x"})", 422, "sector"},
      {"POST", "/api/v1/orgs", R"({"id":"org-a","name":"again"})", 409, "id"},
      {"PUT", "/api/v1/orgs/org-a", R"({"name":""})", 422, "name"},
      {"PUT", "/api/v1/orgs/org-a", R"({"name":"A","pseudonym":"X"})", 422, "pseudonym"},
      {"PUT", "/api/v1/orgs/org-a", R"({"id":"org-b","name":"A"})", 422, "id"},
      {"PUT", "/api/v1/orgs/org-a", R"({"name":"A","industry":"line\nbreak"})", 422, "industry"},
      {"PUT", "/api/v1/orgs/org-zz", R"({"name":"Z"})", 404, ""},
  };
  for (const Case& c : cases) {
    Answer a = call(ada, c.method, c.path, c.body);
    EXPECT_EQ(a.status, c.status) << c.method << " " << c.path << " " << c.body << " → " << a.body;
    EXPECT_EQ(field_of(a), c.field) << c.body;
  }
  EXPECT_EQ(code_of(call(ada, "POST", "/api/v1/orgs", R"({"id":"org-a","name":"again"})")), "exists");
  EXPECT_EQ(call(ada, "POST", "/api/v1/orgs", R"({"id":)").status, 400);
  EXPECT_EQ(call(ada, "PUT", "/api/v1/orgs/org-a", R"("A")").status, 422);
  EXPECT_EQ(call_typed(ada, "POST", "/api/v1/orgs", R"({"id":"org-n","name":"N"})", "text/csv").status, 415);
  EXPECT_EQ(stored_state(), before);
  EXPECT_EQ(audit_count(), audit_before);
}

// --- the audit log --------------------------------------------------------------------------

TEST_F(AdminApi, TheAuditLogComesNewestFirstInPagesThatWalkTheWholeLog) {
  Signed ada = sign_in("ada");
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(call(ada, "POST", "/api/v1/orgs", json{{"id", "org-" + std::to_string(i)}, {"name", "N"}}.dump()).status,
              201);
  }
  std::vector<std::int64_t> all_ids;
  for (const auto& e : db->list_audit().value()) all_ids.push_back(e.id);
  std::reverse(all_ids.begin(), all_ids.end());

  Answer first = call(ada, "GET", "/api/v1/audit");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body.at("limit"), 100);
  EXPECT_EQ(first.body.at("entries").size(), all_ids.size());
  EXPECT_TRUE(first.body.at("older_before_id").is_null());
  EXPECT_TRUE(first.body.at("newer_before_id").is_null());
  const json& newest = first.body.at("entries").at(0);
  EXPECT_EQ(newest.at("action"), "org.put");
  EXPECT_EQ(newest.at("actor"), "user:ada");
  EXPECT_TRUE(newest.at("detail").is_object());
  EXPECT_EQ(newest.at("detail").at("added"), 1);

  // Pages of 3, following older_before_id, give every entry once, in order.
  std::vector<std::int64_t> walked;
  std::vector<std::string> pages;
  std::string path = "/api/v1/audit?limit=3";
  for (int guard = 0; guard < 100; ++guard) {
    Answer page = call(ada, "GET", path);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_LE(page.body.at("entries").size(), 3u);
    for (const json& e : page.body.at("entries")) walked.push_back(e.at("id"));
    pages.push_back(path);
    if (page.body.at("older_before_id").is_null()) break;
    path = "/api/v1/audit?limit=3&before_id=" + std::to_string(page.body.at("older_before_id").get<std::int64_t>());
  }
  EXPECT_EQ(walked, all_ids);
  ASSERT_GE(pages.size(), 3u);
  // Going back: the newer page of the third page is the second.
  Answer third = call(ada, "GET", pages[2]);
  ASSERT_FALSE(third.body.at("newer_before_id").is_null());
  Answer back = call(ada, "GET", "/api/v1/audit?limit=3&before_id=" +
                                     std::to_string(third.body.at("newer_before_id").get<std::int64_t>()));
  EXPECT_EQ(back.body.at("entries"), call(ada, "GET", pages[1]).body.at("entries"));
  // The newer page of the second page is the first page (before_id 0 = none).
  EXPECT_EQ(call(ada, "GET", pages[1]).body.at("newer_before_id"), 0);
}

TEST_F(AdminApi, TheAuditLogFiltersByObjectActorAndAction) {
  Signed ada = sign_in("ada");
  Signed eva = sign_in("eva");
  ASSERT_EQ(call(eva, "GET", "/api/v1/users").status, 403);
  ASSERT_EQ(call(eva, "GET", "/api/v1/campaigns/c/evaluations/org-b").status, 403);
  ASSERT_EQ(call(ada, "PATCH", "/api/v1/users/eve", R"({"roles":["evaluator","observer"]})").status, 200);
  ASSERT_EQ(call(ada, "POST", "/api/v1/users/eve/password", R"({"password":"long enough 123"})").status, 200);

  auto actions_of = [&](const std::string& query) {
    Answer a = call(ada, "GET", "/api/v1/audit?" + query);
    EXPECT_EQ(a.status, 200) << query << a.body;
    std::vector<std::string> out;
    for (const json& e : a.body.at("entries")) out.push_back(e.at("action").get<std::string>() + " " + e.at("actor").get<std::string>());
    return out;
  };
  EXPECT_EQ(actions_of("action=auth.refused"),
            (std::vector<std::string>{"auth.refused user:eva", "auth.refused user:eva"}));
  EXPECT_EQ(actions_of("action=user&actor=ada"),
            (std::vector<std::string>{"user.password user:ada", "user.access user:ada"}))
      << "a family before the dot, and the name after the colon";
  EXPECT_EQ(actions_of("actor=user:ada&action=user.access"), (std::vector<std::string>{"user.access user:ada"}));
  EXPECT_TRUE(actions_of("actor=ad").empty()) << "no partial names";
  EXPECT_TRUE(actions_of("action=use").empty()) << "no partial actions";
  EXPECT_EQ(actions_of("object_type=evaluation&object_id=c%2Forg-b"),
            (std::vector<std::string>{"auth.refused user:eva"}));
  Answer user_eve = call(ada, "GET", "/api/v1/audit?object_type=user&object_id=eve");
  for (const json& e : user_eve.body.at("entries")) EXPECT_EQ(e.at("object_id"), "eve");
  EXPECT_GE(user_eve.body.at("entries").size(), 3u) << "create, access, password (and sign-ins)";
  // Filtered pages of one still walk every match.
  Answer one = call(ada, "GET", "/api/v1/audit?action=auth.refused&limit=1");
  ASSERT_EQ(one.body.at("entries").size(), 1u);
  ASSERT_FALSE(one.body.at("older_before_id").is_null());
  Answer next = call(ada, "GET", "/api/v1/audit?action=auth.refused&limit=1&before_id=" +
                                     std::to_string(one.body.at("older_before_id").get<std::int64_t>()));
  ASSERT_EQ(next.body.at("entries").size(), 1u);
  EXPECT_TRUE(next.body.at("older_before_id").is_null());
  EXPECT_EQ(next.body.at("newer_before_id"), 0);
  EXPECT_LT(next.body["entries"][0]["id"].get<std::int64_t>(), one.body["entries"][0]["id"].get<std::int64_t>());
  // Nothing the audit answer shows is a secret.
  Answer everything = call(ada, "GET", "/api/v1/audit?limit=1000");
  EXPECT_EQ(everything.text.find("long enough 123"), std::string::npos);
  EXPECT_EQ(everything.text.find("argon2"), std::string::npos);
  EXPECT_EQ(everything.text.find("correct horse"), std::string::npos);
}

TEST_F(AdminApi, BadAuditQueriesAre422NamingTheParameter) {
  Signed ada = sign_in("ada");
  const std::size_t audit_before = audit_count();
  for (const char* q : {"limit=0", "limit=1001", "limit=ten", "limit=-5", "limit=1e3"}) {
    Answer a = call(ada, "GET", std::string("/api/v1/audit?") + q);
    EXPECT_EQ(a.status, 422) << q;
    EXPECT_EQ(field_of(a), "limit") << q;
  }
  for (const char* q : {"before_id=0", "before_id=x", "before_id=99999999999999999999"}) {
    Answer a = call(ada, "GET", std::string("/api/v1/audit?") + q);
    EXPECT_EQ(a.status, 422) << q;
    EXPECT_EQ(field_of(a), "before_id") << q;
  }
  Answer a = call(ada, "GET", "/api/v1/audit?actor=a%01b");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(field_of(a), "actor");
  EXPECT_EQ(call(ada, "GET", "/api/v1/audit?limit=1000").status, 200);
  EXPECT_EQ(audit_count(), audit_before);
}

}  // namespace
}  // namespace kunren::server
