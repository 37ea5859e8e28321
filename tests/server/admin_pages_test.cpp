// The administrator's pages over real HTTP: /admin/users, /admin/orgs and
// /admin/audit redirect a signed-out browser to the sign-in page (coming
// back afterwards), answer coordinators and evaluators with the audited 403
// page, and show admins their content in Japanese and, with ?lang=en, in
// English; search, filters and paging work from the query string alone;
// user text is escaped; no password hash reaches a page.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "admin_fixture.hpp"

namespace kunren::server {
namespace {

using AdminPages = AdminTest;

bool has(const Answer& a, const std::string& text) { return a.text.find(text) != std::string::npos; }

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST_F(AdminPages, SignedOutBrowsersAreSentToSignInAndBackAfterwards) {
  Answer a = anonymous_get("/admin/users");
  EXPECT_EQ(a.status, 303);
  EXPECT_NE(a.head.find("Location: /login?next=%2Fadmin%2Fusers"), std::string::npos) << a.head;
  a = anonymous_get("/admin/orgs");
  EXPECT_EQ(a.status, 303);
  EXPECT_NE(a.head.find("Location: /login?next=%2Fadmin%2Forgs"), std::string::npos) << a.head;
  a = anonymous_get("/admin/audit?action=auth.refused");
  EXPECT_EQ(a.status, 303);
  EXPECT_NE(a.head.find("Location: /login?next=%2Fadmin%2Faudit%3Faction%3Dauth.refused"), std::string::npos) << a.head;
}

TEST_F(AdminPages, CoordinatorsAndEvaluatorsGetTheAudited403Page) {
  for (const char* login : {"coco", "eva"}) {
    Signed who = sign_in(login);
    for (const char* path : {"/admin/users", "/admin/orgs", "/admin/audit"}) {
      const std::size_t before = refusals();
      Answer a = call(who, "GET", path);
      EXPECT_EQ(a.status, 403) << login << " " << path;
      EXPECT_NE(a.head.find("text/html"), std::string::npos);
      EXPECT_TRUE(has(a, "このページを表示する権限がありません")) << path;
      EXPECT_FALSE(has(a, "correct horse")) << path;
      EXPECT_FALSE(has(a, "data-login=\"ada\"")) << "no user list on the refusal page";
      EXPECT_EQ(refusals(), before + 1) << login << " " << path;
      EXPECT_EQ(last_audit().actor, std::string("user:") + login);
    }
    Answer en = call(who, "GET", "/admin/users?lang=en");
    EXPECT_EQ(en.status, 403);
    EXPECT_TRUE(has(en, "You may not see this page"));
  }
}

TEST_F(AdminPages, TheUsersPageListsEveryUserWithRolesOrganisationsAndStatusInBothLanguages) {
  ASSERT_TRUE(db->set_user_disabled("eve", true, store::Actor{"test"}).is_ok());
  Signed ada = sign_in("ada");
  Answer ja = call(ada, "GET", "/admin/users");
  ASSERT_EQ(ja.status, 200) << ja.text.substr(0, 400);
  EXPECT_TRUE(has(ja, "<html lang=\"ja\">"));
  EXPECT_TRUE(has(ja, "ユーザー管理"));
  for (const char* login : {"ada", "coco", "eva", "eve"}) EXPECT_TRUE(has(ja, std::string("data-login=\"") + login + "\""));
  EXPECT_TRUE(has(ja, "管理者"));
  EXPECT_TRUE(has(ja, "取りまとめ担当"));
  EXPECT_TRUE(has(ja, "class=\"chip role role-evaluator\">評価担当</span>"));
  EXPECT_TRUE(has(ja, "row-disabled")) << "eve is disabled";
  EXPECT_TRUE(has(ja, ">無効</span>"));
  EXPECT_TRUE(has(ja, "4人中 4人を表示"));
  EXPECT_TRUE(has(ja, "id=\"user-dialog\"")) << "the add / edit dialog is on the page";
  EXPECT_TRUE(has(ja, "value=\"org-a\"")) << "organisations to choose from";
  EXPECT_TRUE(has(ja, "/static/admin_users.js?v="));
  EXPECT_TRUE(has(ja, "/static/admin.css?v="));
  EXPECT_FALSE(has(ja, "$argon2"));
  EXPECT_FALSE(has(ja, " style=\"")) << "the CSP forbids inline styles";
  EXPECT_FALSE(has(ja, "<script>")) << "the CSP forbids inline scripts";

  Answer en = call(ada, "GET", "/admin/users?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(has(en, "<html lang=\"en\">"));
  EXPECT_TRUE(has(en, "Showing 4 of 4 users"));
  EXPECT_TRUE(has(en, "Administrator"));
  EXPECT_TRUE(has(en, ">Disabled</span>"));
  EXPECT_TRUE(has(en, "Add user"));
  EXPECT_FALSE(has(en, "ユーザー管理"));
}

TEST_F(AdminPages, TheUserSearchWorksFromTheQueryString) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "GET", "/admin/users?q=ORG-B");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(has(a, "4人中 1人を表示")) << "only eve belongs to org-b (case does not matter)";
  EXPECT_TRUE(has(a, "value=\"ORG-B\""));
  // The rows not matching are rendered hidden (the script filters them live).
  EXPECT_EQ(count_of(a.text, " hidden>\n      <th scope=\"row\""), 3u);
  Answer none = call(ada, "GET", "/admin/users?q=nobody-at-all&lang=en");
  EXPECT_TRUE(has(none, "Showing 0 of 4 users"));
  EXPECT_TRUE(has(none, "No user matches."));
}

TEST_F(AdminPages, TheOrganisationsPageShowsPseudonymsAndMemberCountsAndEscapesNames) {
  ASSERT_TRUE(db->put_orgs({{"org-x", "<script>alert(1)</script>", "化学", "300-999", {}, {}}}, store::Actor{"test"}).is_ok());
  Signed ada = sign_in("ada");
  Answer ja = call(ada, "GET", "/admin/orgs");
  ASSERT_EQ(ja.status, 200);
  EXPECT_TRUE(has(ja, "組織管理"));
  EXPECT_TRUE(has(ja, "3組織中 3組織を表示"));
  EXPECT_TRUE(has(ja, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(has(ja, "<script>alert(1)"));
  const std::string pseudonym = db->get_org("org-a").value().pseudonym;
  EXPECT_TRUE(has(ja, "<span class=\"id-tag\">" + pseudonym + "</span>"));
  EXPECT_TRUE(has(ja, "<a href=\"/admin/users?q=org-a\">1</a>")) << "eva belongs to org-a";
  EXPECT_TRUE(has(ja, "<option value=\"化学\">")) << "existing industries are suggested";
  Answer en = call(ada, "GET", "/admin/orgs?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(has(en, "Showing 3 of 3 organisations"));
  EXPECT_TRUE(has(en, "Pseudonym"));
}

TEST_F(AdminPages, TheAuditPageHighlightsRefusalsAndShowsDetailsAsPairs) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(call(eva, "GET", "/api/v1/users").status, 403);
  Signed ada = sign_in("ada");
  Answer ja = call(ada, "GET", "/admin/audit");
  ASSERT_EQ(ja.status, 200);
  EXPECT_TRUE(has(ja, "監査ログ"));
  EXPECT_TRUE(has(ja, "<tr class=\"row-refused\">"));
  EXPECT_EQ(count_of(ja.text, "<tr class=\"row-refused\">"), 1u);
  EXPECT_TRUE(has(ja, ">拒否</span>"));
  EXPECT_TRUE(has(ja, "アクセス拒否"));
  EXPECT_TRUE(has(ja, "<dt>action</dt><dd>manage_users</dd>")) << "the detail as key: value";
  EXPECT_TRUE(has(ja, "<dt>roles</dt><dd>admin</dd>")) << "a list as text";
  EXPECT_TRUE(has(ja, "href=\"/admin/audit?actor=user%3Aeva\"")) << "an actor links to their entries";
  Answer en = call(ada, "GET", "/admin/audit?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(has(en, "Audit log"));
  EXPECT_TRUE(has(en, ">Refused</span>"));
  EXPECT_TRUE(has(en, "Access refused"));
  EXPECT_FALSE(has(en, "$argon2"));
}

TEST_F(AdminPages, TheAuditPageKeepsItsFiltersInTheAddressAndPagesThroughLinks) {
  Signed ada = sign_in("ada");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(call(ada, "POST", "/api/v1/orgs", nlohmann::json{{"id", "n-" + std::to_string(i)}, {"name", "N"}}.dump()).status,
              201);
  }
  std::vector<std::int64_t> puts;
  for (const auto& e : db->list_audit().value()) {
    if (e.action == "org.put" && e.actor == "user:ada") puts.push_back(e.id);
  }
  ASSERT_EQ(puts.size(), 3u);
  Answer first = call(ada, "GET", "/admin/audit?action=org.put&actor=ada&limit=1");
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(has(first, "value=\"org.put\"")) << "the filter form shows the filters";
  EXPECT_TRUE(has(first, "value=\"ada\""));
  EXPECT_EQ(count_of(first.text, "<td data-label=\"番号\" class=\"num\">"), 1u);
  EXPECT_TRUE(has(first, ">" + std::to_string(puts[2]) + "</td>"));
  const std::string older = "/admin/audit?actor=ada&amp;action=org.put&amp;limit=1&amp;before_id=" + std::to_string(puts[2]);
  EXPECT_TRUE(has(first, "href=\"" + older + "\" rel=\"next\"")) << first.text.substr(first.text.find("pager") - 200, 600);
  EXPECT_FALSE(has(first, "rel=\"prev\""));

  Answer second = call(ada, "GET", "/admin/audit?actor=ada&action=org.put&limit=1&before_id=" + std::to_string(puts[2]));
  ASSERT_EQ(second.status, 200);
  EXPECT_TRUE(has(second, ">" + std::to_string(puts[1]) + "</td>"));
  EXPECT_TRUE(has(second, "href=\"/admin/audit?actor=ada&amp;action=org.put&amp;limit=1\" rel=\"prev\""));
  EXPECT_TRUE(has(second, "rel=\"next\""));

  Answer refusals_only = call(ada, "GET", "/admin/audit?action=auth.refused");
  EXPECT_TRUE(has(refusals_only, "条件に合う記録はありません。"));
  EXPECT_TRUE(has(refusals_only, "aria-current=\"page\">アクセス拒否だけを表示"));
}

TEST_F(AdminPages, ABadAuditFilterIsA422PageThatSaysWhy) {
  Signed ada = sign_in("ada");
  Answer a = call(ada, "GET", "/admin/audit?limit=5000");
  EXPECT_EQ(a.status, 422);
  EXPECT_TRUE(has(a, "絞り込み条件が正しくありません"));
  EXPECT_TRUE(has(a, "role=\"alert\""));
  Answer en = call(ada, "GET", "/admin/audit?before_id=abc&lang=en");
  EXPECT_EQ(en.status, 422);
  EXPECT_TRUE(has(en, "The filters are not valid"));
}

}  // namespace
}  // namespace kunren::server
