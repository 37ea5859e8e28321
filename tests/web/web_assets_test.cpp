// The web layer's building blocks without a server: every template parses,
// partials are expanded once and render as kainjow's own partials did, the
// texts are shared per language, every text exists in both languages, JSON
// handed to scripts cannot end its <script> block, static files are embedded
// with stable ETags, and the helpers that decide redirects and languages
// refuse what they must.
#include <gtest/gtest.h>

#include <map>

#include <kainjow/mustache.hpp>

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

// --- partials ---------------------------------------------------------------------

using Partials = std::map<std::string, std::string, std::less<>>;

std::function<std::optional<std::string>(std::string_view)> from(const Partials& partials) {
  return [&partials](std::string_view name) -> std::optional<std::string> {
    auto it = partials.find(name);
    if (it == partials.end()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(WebTemplates, NestedPartialsAreExpandedInPlace) {
  const Partials partials{{"outer", "O[{{> inner}}|{{#x}}{{> inner}}{{/x}}]"}, {"inner", "I({{y}})"}};
  EXPECT_EQ(expand_partials("page", "<{{> outer}}>{{>inner}}{{ > inner }}", from(partials)),
            "<O[I({{y}})|{{#x}}I({{y}}){{/x}}]>I({{y}})I({{y}})");
  // Found as kainjow finds tags: a comment ends at the first "}}", and
  // triple mustaches are never partials.
  EXPECT_EQ(expand_partials("page", "{{! see {{> outer}} }}{{{> inner}}}", from(partials)),
            "{{! see {{> outer}} }}{{{> inner}}}");
  EXPECT_EQ(expand_partials("page", "no tags at all", from(partials)), "no tags at all");
}

TEST(WebTemplates, AMissingPartialACycleOrTooDeepANestingIsAnErrorNamingIt) {
  const Partials partials{{"a", "{{> b}}"}, {"b", "{{> a}}"}, {"self", "x{{> self}}"}};
  std::string missing = error_of([&] { expand_partials("evaluation", "x {{> nope}} y", from(partials)); });
  EXPECT_NE(missing.find("'evaluation'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("'nope'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("partials/nope.mustache"), std::string::npos) << missing;

  std::string cycle = error_of([&] { expand_partials("page", "{{> a}}", from(partials)); });
  EXPECT_NE(cycle.find("a > b > a"), std::string::npos) << cycle;
  EXPECT_NE(error_of([&] { expand_partials("page", "{{> self}}", from(partials)); }).find("self > self"),
            std::string::npos);

  Partials deep;
  for (int i = 0; i < 12; ++i) deep["p" + std::to_string(i)] = "{{> p" + std::to_string(i + 1) + "}}";
  deep["p12"] = "end";
  std::string too_deep = error_of([&] { expand_partials("page", "{{> p0}}", from(deep)); });
  EXPECT_NE(too_deep.find("nested more than 8"), std::string::npos) << too_deep;
  deep["p5"] = "end";
  EXPECT_EQ(expand_partials("page", "{{> p0}}", from(deep)), "end") << "six levels are fine";

  EXPECT_NE(error_of([&] { expand_partials("page", "{{=<% %>=}}<%> a%>", from(partials)); }).find("set-delimiter"),
            std::string::npos);
}

TEST(WebTemplates, APartialInsideASectionRendersOncePerItem) {
  const Partials partials{{"item", "<li>{{name}}{{#t.x}}!{{/t.x}}</li>"}};
  const std::string text = expand_partials("page", "<ul>{{#items}}{{> item}}{{/items}}</ul>", from(partials));
  EXPECT_EQ(render_text(text, {{"items", {{{"name", "a"}}, {{"name", "b<"}}, {{"name", "c"}}}}}),
            "<ul><li>a</li><li>b&lt;</li><li>c</li></ul>");
  EXPECT_EQ(render_text(text, {{"items", nlohmann::json::array()}}), "<ul></ul>");
}

// The expansion renders byte for byte what kainjow rendered when it was
// handed the partials as text (the way render_template worked before):
// standalone section lines, indentation, a partial that ends its line.
TEST(WebTemplates, ExpandedPartialsRenderExactlyAsKainjowPartials) {
  const Partials partials{
      {"row", "{{#flag}}\n  <b>{{name}}</b>\n{{/flag}}\n<i>{{name}}</i> & {{{raw}}}\n"},
      {"wrap", "<div>\n  {{> row}}\n</div>"},
  };
  const std::string text =
      "<main>\n  {{> wrap}}\n{{#list}}\n{{> row}}\n  {{#flag}}{{> "
      "row}}{{/flag}}\n{{/list}}\n{{^list}}none{{/list}}\n</main>\n";
  const nlohmann::json data = {{"name", "top \"q\""},
                               {"flag", true},
                               {"raw", "<hr>"},
                               {"list", {{{"name", "one"}, {"flag", false}}, {{"name", "two'"}}}}};
  namespace mstch = kainjow::mustache;
  mstch::data old{mstch::data::type::object};
  old.set("name", "top \"q\"");
  old.set("flag", true);
  old.set("raw", "<hr>");
  mstch::data list{mstch::data::type::list};
  mstch::data one{mstch::data::type::object};
  one.set("name", "one");
  one.set("flag", false);
  mstch::data two{mstch::data::type::object};
  two.set("name", "two'");
  list.push_back(one);
  list.push_back(two);
  old.set("list", list);
  for (const auto& [name, partial_text] : partials) {
    const std::string copy = partial_text;
    old.set(name, mstch::data(mstch::partial([copy] { return copy; })));
  }
  mstch::mustache kainjow_partials{text};
  ASSERT_TRUE(kainjow_partials.is_valid());
  const std::string expected = kainjow_partials.render(old);
  EXPECT_EQ(render_text(expand_partials("page", text, from(partials)), data), expected);
  EXPECT_NE(expected.find("<b>top &quot;q&quot;</b>"), std::string::npos) << expected;
  EXPECT_NE(expected.find("<i>two&apos;</i> & <hr>"), std::string::npos) << expected;
}

TEST(WebTemplates, RealTemplatesIncludeTheirPartialsNestedAndInLoops) {
  // campaign_live: campaign_state, campaign_status, and results_body, which
  // includes results_mine.
  const nlohmann::json data = {{"t", strings("en")},
                               {"lang", "en"},
                               {"state", {{"state", "open"}, {"state_label", "STATE-LABEL"}}},
                               {"live_results", true},
                               {"results", {{"has_results", true}, {"has_mine", true}, {"mine_lead", "MINE-LEAD"}}}};
  const std::string html = render_template("campaign_live", data);
  EXPECT_NE(html.find("STATE-LABEL"), std::string::npos);
  EXPECT_NE(html.find("MINE-LEAD"), std::string::npos) << "results_mine inside results_body";
  std::string heading = text("en", "results.mine_heading");
  for (std::size_t at = heading.find('\''); at != std::string::npos; at = heading.find('\'', at)) {
    heading.replace(at, 1, "&apos;");
  }
  EXPECT_NE(html.find("<h3 id=\"mine-h\">" + heading + "</h3>"), std::string::npos) << html;
  EXPECT_EQ(html.find("{{"), std::string::npos);
}

// --- the texts ----------------------------------------------------------------------

TEST(WebTemplates, TheLanguagesTextsAreSharedAndAnyOtherTextsAreUsedAsGiven) {
  auto page = [](const nlohmann::json& t, const char* lang) {
    return render_template("error", {{"t", t}, {"lang", lang}, {"status", 404}, {"heading", "h"}, {"message", "m"}});
  };
  EXPECT_NE(page(strings("en"), "en").find(">" + text("en", "error.back") + "<"), std::string::npos);
  EXPECT_NE(page(strings("ja"), "ja").find(">" + text("ja", "error.back") + "<"), std::string::npos);
  EXPECT_NE(page(strings("ja"), "en").find(">" + text("ja", "error.back") + "<"), std::string::npos)
      << "the texts handed in win over the page's language";
  nlohmann::json changed = strings("en");
  changed["error"]["back"] = "Zurück <home>";
  EXPECT_NE(page(changed, "en").find(">Zurück &lt;home&gt;<"), std::string::npos);
  EXPECT_NE(page({{"error", {{"back", "only this"}}}}, "en").find(">only this<"), std::string::npos);
  EXPECT_NE(page(nullptr, "en").find("<a href=\"/\"></a>"), std::string::npos) << "no texts: nothing shown";
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
