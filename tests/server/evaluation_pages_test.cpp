// The evaluator's pages over real HTTP: the self-evaluation form (signed-out
// redirect, every item with its choices, the saved answers and marks, the
// status, editable only while the campaign is open and only for the
// organisation's evaluators, a coordinator seeing submissions only), the
// history with the differences between two revisions, and the print view,
// in Japanese and English; refusals are 403 pages and audited.
#include <gtest/gtest.h>

#include <regex>

#include <kunren/io/builtin.hpp>
#include <kunren/web/pages.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

class EvaluationPages : public CampaignApiTest {
 protected:
  const std::string form = "/campaigns/c/evaluations/org-a";
  const std::string api = "/api/v1/campaigns/c/evaluations/org-a";

  Answer get(const std::string& path, const std::string& cookie = {}) {
    return parse(roundtrip(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" +
                                     (cookie.empty() ? "" : "Cookie: kunren_session=" + cookie + "\r\n") +
                                     "Connection: close\r\n\r\n"));
  }
  static std::string header(const Answer& a, const std::string& name) {
    auto p = a.head.find("\r\n" + name + ": ");
    if (p == std::string::npos) return {};
    p += name.size() + 4;
    return a.head.substr(p, a.head.find("\r\n", p) - p);
  }
  static bool has(const Answer& a, const std::string& text) { return a.text.find(text) != std::string::npos; }
  static std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
    return n;
  }
  Answer save(const Signed& who, const std::string& answers, int base) {
    return call(who, "PUT", api, R"({"answers":)" + answers + R"(,"base_revision":)" + std::to_string(base) + "}");
  }
};

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// No inline script, no style attribute (the CSP blocks both).
void expect_csp_clean(const std::string& html) {
  std::regex tag("<script([^>]*)>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string attrs = (*it)[1];
    EXPECT_TRUE(attrs.find(" src=") != std::string::npos || attrs.find("application/json") != std::string::npos)
        << "inline script: " << it->str();
  }
  EXPECT_EQ(html.find(" style=\""), std::string::npos);
  EXPECT_EQ(html.find(" onclick="), std::string::npos);
}

TEST_F(EvaluationPages, SignedOutVisitorsAreSentToSignInAndBack) {
  for (const std::string suffix : {"", "/history", "/print?rev=1"}) {
    Answer a = get(form + suffix);
    ASSERT_EQ(a.status, 303) << suffix;
    EXPECT_EQ(header(a, "Location"), "/login?next=" + web::url_encode(form + suffix));
  }
}

TEST_F(EvaluationPages, TheFormShowsEveryItemWithItsChoicesAndTheSavedDraft) {
  Signed eva = sign_in("eva");
  Answer empty = get(form, eva.cookie);
  ASSERT_EQ(empty.status, 200) << empty.text;
  expect_csp_clean(empty.text);
  EXPECT_TRUE(has(empty, "<html lang=\"ja\">"));
  EXPECT_TRUE(has(empty, "自己評価"));
  EXPECT_TRUE(has(empty, "未着手"));
  EXPECT_TRUE(has(empty, "Q1 のテキスト"));
  EXPECT_TRUE(has(empty, "Q2 のテキスト"));
  EXPECT_EQ(count(empty.text, "type=\"radio\" id=\"choice-"), 6u) << "three choices each";
  EXPECT_TRUE(has(empty, ">Q2-3</span>"));
  EXPECT_TRUE(has(empty, "シナリオ対象外")) << "the level of Q2's third choice";
  EXPECT_TRUE(has(empty, "data-base=\"0\""));
  EXPECT_TRUE(has(empty, "data-editable=\"true\""));
  EXPECT_TRUE(has(empty, "id=\"ev-submit-dialog\""));
  EXPECT_TRUE(has(empty, "/static/evaluation.js?v="));
  EXPECT_TRUE(has(empty, "0 項目 回答済み") || has(empty, "0項目 回答済み"));
  EXPECT_FALSE(has(empty, " disabled")) << "editable";

  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"<b>手順書</b>はある","review":true}])", 0).status, 200);
  Answer saved = get(form, eva.cookie);
  ASSERT_EQ(saved.status, 200);
  EXPECT_TRUE(has(saved, "下書き"));
  EXPECT_TRUE(has(saved, "data-base=\"1\""));
  EXPECT_TRUE(has(saved, "第1版"));
  EXPECT_TRUE(has(saved, "id=\"choice-Q1-2\" name=\"choice-Q1\" value=\"2\" checked"));
  EXPECT_FALSE(has(saved, "value=\"1\" checked"));
  EXPECT_TRUE(has(saved, "&lt;b&gt;手順書&lt;/b&gt;はある</textarea>")) << "comments are escaped";
  EXPECT_FALSE(has(saved, "<b>手順書</b>"));
  EXPECT_TRUE(has(saved, "id=\"review-Q1\" checked"));
  EXPECT_TRUE(has(saved, "ev-item is-answered is-marked\" id=\"item-Q1\""));
  EXPECT_TRUE(has(saved, "<progress id=\"ev-progress-all\" max=\"2\" value=\"1\">"));

  Answer en = get(form + "?lang=en", eva.cookie);
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(has(en, "<html lang=\"en\">"));
  EXPECT_TRUE(has(en, "Self-evaluation"));
  EXPECT_TRUE(has(en, "Q1 text"));
  EXPECT_TRUE(has(en, "Q1 choice 2"));
  EXPECT_TRUE(has(en, "1 of 2 items answered"));
  EXPECT_TRUE(has(en, "Mark for review"));
  EXPECT_TRUE(has(en, "revision 1"));
  EXPECT_FALSE(has(en, "Q1 のテキスト"));
  EXPECT_FALSE(has(en, "自己評価"));
}

TEST_F(EvaluationPages, TheBuiltInChecklistShowsAll75ItemsWithHelpAndSectionNavigation) {
  auto checklist = io::load_builtin_checklist("factory-ir");
  ASSERT_TRUE(checklist.is_ok());
  ASSERT_TRUE(store::register_checklist(*db, *checklist, true, store::Actor{"test"}).is_ok());
  store::CampaignRecord c;
  c.id = "ir";
  c.title = "2026年度 演習";
  c.checklist_id = checklist->id;
  c.checklist_version = checklist->version;
  ASSERT_TRUE(db->create_campaign(c, store::Actor{"test"}).is_ok());
  ASSERT_TRUE(db->set_campaign_state("ir", store::CampaignState::kOpen, store::Actor{"test"}).is_ok());
  Signed eva = sign_in("eva");
  Answer page = get("/campaigns/ir/evaluations/org-a", eva.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(count(page.text, "<article class=\"ev-item"), 75u);
  EXPECT_EQ(count(page.text, "<details class=\"ev-help\">"), 75u);
  EXPECT_TRUE(has(page, "<p>" + html_escape(checklist->items[0].help.text("ja")) + "</p>")) << "the help text itself";
  for (const char* code : {">P0<", ">P9<", ">O1<", ">O3<"}) EXPECT_TRUE(has(page, code)) << code;
  EXPECT_TRUE(has(page, "実施評価"));
  EXPECT_TRUE(has(page, "総合評価"));
  EXPECT_TRUE(has(page, "href=\"#section-p0-prep\""));
  EXPECT_TRUE(has(page, "75項目中 0項目 回答済み"));

  Answer print = get("/campaigns/ir/evaluations/org-a/print", eva.cookie);
  ASSERT_EQ(print.status, 200);
  for (const auto& item : checklist->items) {
    EXPECT_TRUE(has(print, ">" + item.id + "</span> " + html_escape(item.text.text("ja")))) << item.id;
  }
  EXPECT_EQ(count(print.text, "未回答"), 75u);
}

TEST_F(EvaluationPages, AnotherOrganisationGetsAnAudited403PageAndNoAnswers) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"社外秘のメモ"}])", 0).status, 200);
  Signed eve = sign_in("eve");
  const std::size_t before = refusals();
  for (const std::string suffix : {"", "/history", "/print"}) {
    Answer a = get(form + suffix, eve.cookie);
    EXPECT_EQ(a.status, 403) << suffix;
    EXPECT_TRUE(has(a, "権限")) << suffix;
    EXPECT_FALSE(has(a, "社外秘のメモ")) << suffix;
  }
  EXPECT_EQ(refusals(), before + 3);
  EXPECT_EQ(get("/campaigns/nope/evaluations/org-a", eva.cookie).status, 404);
  EXPECT_EQ(get("/campaigns/later/evaluations/org-a", eva.cookie).status, 403) << "a draft campaign";
}

TEST_F(EvaluationPages, AClosedCampaignShowsTheFormReadOnly) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1,"comment":"締切前のメモ","review":true}])", 0).status, 200);
  ASSERT_TRUE(db->set_campaign_state("c", store::CampaignState::kClosed, store::Actor{"test"}).is_ok());
  Answer page = get(form, eva.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page, "data-editable=\"false\""));
  EXPECT_EQ(count(page.text, "<fieldset class=\"ev-choices\" disabled>"), 2u);
  EXPECT_FALSE(has(page, "<textarea")) << "comments are shown as text";
  EXPECT_TRUE(has(page, "締め切られている"));
  EXPECT_FALSE(has(page, "id=\"ev-submit-dialog\"")) << "nothing to submit";
  EXPECT_FALSE(has(page, "data-clear="));
  EXPECT_TRUE(has(page, "value=\"1\" checked")) << "the answers are still shown";
  EXPECT_TRUE(has(page, "<p class=\"ev-comment-ro-text\">締切前のメモ</p>"));
  EXPECT_TRUE(has(page, "ev-item is-answered is-marked\""));
  Answer en = get(form + "?lang=en", eva.cookie);
  EXPECT_TRUE(has(en, "The campaign is closed"));
}

TEST_F(EvaluationPages, ACoordinatorSeesTheLatestSubmissionButNeverADraft) {
  Signed eva = sign_in("eva");
  Signed coco = sign_in("coco");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1,"comment":"提出する内容"},{"item":"Q2","choice":1}])", 0).status, 200);
  Answer before = get(form, coco.cookie);
  ASSERT_EQ(before.status, 200);
  EXPECT_TRUE(has(before, "まだ提出していません"));
  EXPECT_FALSE(has(before, "提出する内容")) << "a draft";
  ASSERT_EQ(call(eva, "POST", api + "/submit", R"({"base_revision":1})").status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":3,"comment":"まだ下書きの内容"},{"item":"Q2","choice":1}])", 2).status, 200);

  Answer page = get(form, coco.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page, "提出する内容"));
  EXPECT_FALSE(has(page, "まだ下書きの内容"));
  EXPECT_TRUE(has(page, "data-editable=\"false\""));
  EXPECT_TRUE(has(page, "取りまとめ担当として"));
  EXPECT_TRUE(has(page, "第2版"));

  Answer history = get(form + "/history", coco.cookie);
  ASSERT_EQ(history.status, 200);
  EXPECT_TRUE(has(history, "提出された版のみ"));
  EXPECT_TRUE(has(history, "第2版"));
  EXPECT_FALSE(has(history, "第1版"));
  EXPECT_FALSE(has(history, "第3版"));
  EXPECT_FALSE(has(history, "まだ下書きの内容"));

  Answer print = get(form + "/print", coco.cookie);
  ASSERT_EQ(print.status, 200);
  EXPECT_TRUE(has(print, "提出する内容"));
  EXPECT_FALSE(has(print, "まだ下書きの内容"));
  const std::size_t refused = refusals();
  EXPECT_EQ(get(form + "/print?rev=3", coco.cookie).status, 403) << "a draft revision";
  EXPECT_EQ(refusals(), refused + 1);
}

TEST_F(EvaluationPages, TheHistoryListsRevisionsAndShowsWhatChangedBetweenTwo) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1,"comment":"最初のメモ"}])", 0).status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"直したメモ","review":true},{"item":"Q2","choice":3}])", 1).status,
            200);
  ASSERT_EQ(call(eva, "POST", api + "/submit", R"({"base_revision":2})").status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"直したメモ"},{"item":"Q2","choice":3}])", 3).status, 200);

  Answer page = get(form + "/history", eva.cookie);
  ASSERT_EQ(page.status, 200) << page.text;
  expect_csp_clean(page.text);
  for (const char* label : {"第1版", "第2版", "第3版", "第4版"}) EXPECT_TRUE(has(page, label)) << label;
  EXPECT_TRUE(has(page, "提出済み"));
  EXPECT_TRUE(has(page, "下書き"));
  EXPECT_TRUE(has(page, "eva"));
  EXPECT_TRUE(has(page, "name=\"from\" value=\"3\" checked"));
  EXPECT_TRUE(has(page, "name=\"to\" value=\"4\" checked"));
  // Latest against the one before: only the review mark of Q1 went.
  EXPECT_TRUE(has(page, "第3版 → 第4版"));
  EXPECT_TRUE(has(page, "1項目に変更があります。"));
  EXPECT_TRUE(has(page, "要確認の印"));
  EXPECT_TRUE(has(page, "外した"));
  EXPECT_TRUE(has(page, "href=\"/campaigns/c/evaluations/org-a#item-Q1\""));

  // Revision 1 against 2: a changed choice (old → new text), a changed comment, a new answer.
  Answer diff = get(form + "/history?from=1&to=2", eva.cookie);
  ASSERT_EQ(diff.status, 200);
  EXPECT_TRUE(has(diff, "2項目に変更があります。"));
  EXPECT_TRUE(has(diff, "<del class=\"ev-old\">1. Q1-1</del>"));
  EXPECT_TRUE(has(diff, "<ins class=\"ev-new\">2. Q1-2</ins>"));
  EXPECT_TRUE(has(diff, "最初のメモ"));
  EXPECT_TRUE(has(diff, "直したメモ"));
  EXPECT_TRUE(has(diff, "付けた"));
  EXPECT_TRUE(has(diff, "<del class=\"ev-old\">未回答</del>"));
  EXPECT_TRUE(has(diff, "<ins class=\"ev-new\">3. Q2-3</ins>"));

  // The submission itself changed nothing.
  EXPECT_TRUE(has(get(form + "/history?from=2&to=3", eva.cookie), "違いはありません"));
  EXPECT_TRUE(has(get(form + "/history?from=9&to=2", eva.cookie), "見つからない"));
  EXPECT_TRUE(has(get(form + "/history?from=2&to=2", eva.cookie), "同じ版どうし"));

  Answer en = get(form + "/history?from=1&to=2&lang=en", eva.cookie);
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(has(en, "History and changes"));
  EXPECT_TRUE(has(en, "revision 1 → revision 2"));
  EXPECT_TRUE(has(en, "2 items changed."));
  EXPECT_TRUE(has(en, "2. Q1 choice 2"));
  EXPECT_TRUE(has(en, "Not answered"));
}

TEST_F(EvaluationPages, ALongHistoryShowsTheLatestDraftsEverySubmissionAndAllOnRequest) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1},{"item":"Q2","choice":1}])", 0).status, 200);
  ASSERT_EQ(call(eva, "POST", api + "/submit", R"({"base_revision":1})").status, 200);
  for (int no = 3; no <= 40; ++no) {  // autosaves
    ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1,"comment":"draft )" + std::to_string(no) + R"("}])", no - 1).status, 200);
  }
  Answer page = get(form + "/history", eva.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(count(page.text, "<th scope=\"row\" class=\"ev-rev-no\">"), 31u) << "30 latest and the submission";
  EXPECT_TRUE(has(page, ">第2版<")) << "the submission stays";
  EXPECT_TRUE(has(page, ">第11版<"));
  EXPECT_FALSE(has(page, ">第10版<"));
  EXPECT_FALSE(has(page, ">第1版<"));
  EXPECT_TRUE(has(page, "古い下書き9件は表示していません。"));
  Answer all = get(form + "/history?all=1", eva.cookie);
  EXPECT_EQ(count(all.text, "<th scope=\"row\" class=\"ev-rev-no\">"), 40u);
  EXPECT_TRUE(has(all, "name=\"all\" value=\"1\"")) << "comparing keeps the whole list";
  // A compared revision is listed even when old.
  Answer old = get(form + "/history?from=1&to=40", eva.cookie);
  EXPECT_TRUE(has(old, ">第1版<"));
  EXPECT_TRUE(has(old, "第1版 → 第40版"));
}

TEST_F(EvaluationPages, TheHistoryOfANewEvaluationSaysThereIsNothingYet) {
  Signed eva = sign_in("eva");
  Answer page = get(form + "/history", eva.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has(page, "まだ保存された版はありません"));
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1}])", 0).status, 200);
  EXPECT_TRUE(has(get(form + "/history", eva.cookie), "2つ以上の版"));
}

TEST_F(EvaluationPages, ThePrintViewIsADocumentOfItsOwnWithEveryItemAndTheChosenAnswers) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"改行を\n含むメモ <i>"}])", 0).status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":3,"comment":"改行を\n含むメモ <i>","review":true}])", 1).status, 200);
  Answer page = get(form + "/print", eva.cookie);
  ASSERT_EQ(page.status, 200);
  expect_csp_clean(page.text);
  EXPECT_TRUE(has(page, "<!doctype html>"));
  EXPECT_FALSE(has(page, "class=\"topbar\"")) << "no navigation";
  EXPECT_TRUE(has(page, "/static/evaluation-print.css?v="));
  EXPECT_TRUE(has(page, "第2版"));
  EXPECT_TRUE(has(page, "Q1 のテキスト"));
  EXPECT_TRUE(has(page, "Q2 のテキスト"));
  EXPECT_TRUE(has(page, "3. Q1-3"));
  EXPECT_TRUE(has(page, "未回答")) << "Q2";
  EXPECT_TRUE(has(page, "改行を\n含むメモ &lt;i&gt;"));
  EXPECT_TRUE(has(page, "要確認"));
  EXPECT_TRUE(has(page, "1項目 回答済み"));

  Answer first = get(form + "/print?rev=1", eva.cookie);
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(has(first, "第1版"));
  EXPECT_TRUE(has(first, "2. Q1-2"));
  EXPECT_EQ(get(form + "/print?rev=7", eva.cookie).status, 404);
  EXPECT_EQ(get(form + "/print?rev=x", eva.cookie).status, 404);

  Answer en = get(form + "/print?lang=en", eva.cookie);
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(has(en, "<html lang=\"en\">"));
  EXPECT_TRUE(has(en, "Not answered"));
  EXPECT_TRUE(has(en, "3. Q1 choice 3"));
  EXPECT_TRUE(has(en, "revision 2"));
  EXPECT_FALSE(has(en, "未回答"));
}

TEST_F(EvaluationPages, TheStaticFilesOfTheFormAreServed) {
  for (const char* name : {"evaluation.js", "evaluation-common.js", "evaluation.css", "evaluation-print.css",
                           "evaluation-print.js"}) {
    Answer a = get(std::string("/static/") + name);
    EXPECT_EQ(a.status, 200) << name;
    EXPECT_FALSE(a.text.empty()) << name;
  }
}

}  // namespace
}  // namespace kunren::server
