// The web layer's building blocks without a server: every template parses,
// every text exists in both languages, JSON handed to scripts cannot end its
// <script> block, static files are embedded with stable ETags, and the
// helpers that decide redirects and languages refuse what they must.
#include <gtest/gtest.h>

#include <kunren/web/assets.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/pages.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {
namespace {

TEST(WebAssets, EveryTemplateAndPartialParsesAndTheTextsAreComplete) {
  EXPECT_TRUE(check_templates().is_ok()) << check_templates().to_string();
  EXPECT_TRUE(check_strings().is_ok()) << check_strings().to_string();
  EXPECT_TRUE(check_web_assets().is_ok()) << check_web_assets().to_string();
  EXPECT_FALSE(template_names().empty());
}

// Every leaf of the Japanese tree has an English twin and vice versa, and
// the two differ in at least most places (a copy-paste would not).
void same_shape(const nlohmann::json& ja, const nlohmann::json& en, const std::string& path, int& same) {
  ASSERT_EQ(ja.is_object(), en.is_object()) << path;
  if (!ja.is_object()) {
    ASSERT_TRUE(ja.is_string() && en.is_string()) << path;
    EXPECT_FALSE(ja.get<std::string>().empty()) << path;
    EXPECT_FALSE(en.get<std::string>().empty()) << path;
    same += ja == en ? 1 : 0;
    return;
  }
  for (const auto& [k, v] : ja.items()) {
    ASSERT_TRUE(en.contains(k)) << path + "." + k << " has no English text";
    same_shape(v, en[k], path + "." + k, same);
  }
  for (const auto& [k, v] : en.items()) EXPECT_TRUE(ja.contains(k)) << path + "." + k << " has no Japanese text";
}

TEST(WebAssets, JapaneseAndEnglishTextsHaveTheSameKeys) {
  int same = 0;
  same_shape(strings("ja"), strings("en"), "", same);
  EXPECT_LT(same, 10) << "too many texts are identical in both languages";
  EXPECT_EQ(text("ja", "nav.campaigns"), "キャンペーン");
  EXPECT_EQ(text("en", "nav.campaigns"), "Campaigns");
  EXPECT_EQ(text("en", "no.such.key"), "no.such.key") << "a missing text shows its key";
  EXPECT_EQ(normalize_lang("en-GB"), "en");
  EXPECT_EQ(normalize_lang("fr"), "ja");
}

TEST(WebAssets, ScriptJsonCannotCloseItsScriptBlock) {
  const std::string out = script_json({{"x", "</script><script>alert(1)</script>&"}});
  EXPECT_EQ(out.find('<'), std::string::npos);
  EXPECT_EQ(out.find('>'), std::string::npos);
  EXPECT_EQ(out.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(out)["x"], "</script><script>alert(1)</script>&");
}

TEST(WebAssets, TemplatesEscapeUserTextEverywhere) {
  const std::string html = render_template("error", {{"t", strings("ja")},
                                                     {"status", 404},
                                                     {"heading", "<b>x</b>"},
                                                     {"message", "\"'><script>alert(1)</script>"}});
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&apos;&gt;"), std::string::npos);
  EXPECT_THROW(render_template("no-such-template", {}), std::runtime_error);
}

TEST(WebAssets, StaticFilesHaveTypesAndStableEtagsAndNothingElseIsReachable) {
  auto css = static_asset("app.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css->etag.size(), 18u);
  EXPECT_EQ(css->etag, static_asset("app.css")->etag);
  auto js = static_asset("app.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(css->etag, js->etag);
  for (const char* bad : {"../data/checklists/factory-ir.yaml", "", "/etc/passwd", "..", "app.css/", "APP.CSS"}) {
    EXPECT_FALSE(static_asset(bad).has_value()) << bad;
  }
  EXPECT_FALSE(template_text("../static/app").has_value());
}

TEST(WebPages, OnlyLocalPathsAreRedirectTargets) {
  EXPECT_EQ(safe_next("/campaigns/c?x=1"), "/campaigns/c?x=1");
  for (const char* bad : {"", "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
                          "campaigns", "/a\r\nLocation: x"}) {
    EXPECT_EQ(safe_next(bad), "/") << bad;
  }
}

TEST(WebPages, LanguageComesFromTheQueryThenTheCookieThenJapanese) {
  server::HttpRequest r;
  EXPECT_EQ(request_lang(r), "ja");
  r.headers.emplace_back("cookie", "a=b; kunren_lang=en");
  EXPECT_EQ(request_lang(r), "en");
  r.query = "lang=ja";
  EXPECT_EQ(request_lang(r), "ja");
  r.query = "lang=fr";
  EXPECT_EQ(request_lang(r), "en") << "an unknown value is ignored";
  r.query = "next=%2Fcampaigns%3Fa%3Db&lang=en";
  EXPECT_EQ(query_param(r, "next"), "/campaigns?a=b");
  EXPECT_EQ(query_param(r, "missing"), "");
  EXPECT_EQ(url_encode("a b/ç"), "a%20b%2F%C3%A7");
}

}  // namespace
}  // namespace kunren::web
