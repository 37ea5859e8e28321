// The upload of signed offline packages (server/package_api.cpp) and the
// coordinator's packages page (web/package_pages.cpp), over real HTTP.
#include <gtest/gtest.h>

#include <kunren/io/package.hpp>
#include <kunren/util/signing.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

class PackageApi : public CampaignApiTest {
 protected:
  void SetUp() override {
    CampaignApiTest::SetUp();
    key = util::generate_key_pair().value();
    store::OrgKey k;
    k.org = "org-a";
    k.key_id = util::key_id(key.public_key);
    k.public_key = util::public_key_base64(key.public_key);
    ASSERT_TRUE(db->add_org_key(k, store::Actor{"test"}).is_ok());
    coco = sign_in("coco");
  }

  // A package of org-a for `campaign`, made at `created_at`, signed with `key`.
  std::string package(const std::string& created_at, std::vector<io::PackageAnswer> answers,
                      const std::string& campaign = "c") {
    auto c = db->get_campaign(campaign).value();
    auto checklist = db->get_checklist(c.checklist_id, c.checklist_version).value();
    io::PackageManifest m;
    m.campaign = campaign;
    m.org = "org-a";
    m.checklist_id = checklist.id;
    m.checklist_version = checklist.version;
    m.checklist_sha256 = checklist.sha256;
    m.created_at = created_at;
    m.revision_no = 1;
    m.revision_created_at = "2026-11-01T00:00:00.000000Z";
    return io::write_package(m, {{io::k_evaluation_path, io::write_evaluation_json(answers)}}, key.secret_key,
                             key.public_key);
  }

  Answer upload(const Signed& who, const std::string& bytes, const std::string& filename = "org-a.kunren",
                const std::string& campaign = "c", const std::string& type = "application/octet-stream") {
    std::string req = "POST /api/v1/campaigns/" + campaign + "/packages?filename=" + filename +
                      " HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + who.cookie + "\r\nX-CSRF-Token: " + who.csrf +
                      "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(bytes.size()) +
                      "\r\nConnection: close\r\n\r\n" + bytes;
    return parse(kunren::testing::http_exchange(port, req));
  }

  std::size_t revisions() { return db->revision_history("c", "org-a").value().size(); }
  std::size_t packages() { return db->list_packages("c").value().size(); }

  util::KeyPair key;
  Signed coco;
};

TEST_F(PackageApi, ACoordinatorUploadsAPackageAndTheSameBytesAgainAreADuplicate) {
  const std::string p = package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, "手順書あり"}, {"Q2", 2, ""}});
  Answer a = upload(coco, p);
  ASSERT_EQ(a.status, 201) << a.text;
  EXPECT_EQ(a.body["outcome"], "revision");
  EXPECT_EQ(a.body["org"], "org-a");
  EXPECT_EQ(a.body["package"]["filename"], "org-a.kunren");
  auto latest = db->latest_revisions("c").value();
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].org, "org-a");
  ASSERT_EQ(latest[0].answers.size(), 2u);
  EXPECT_EQ(latest[0].answers[0].comment, "手順書あり");

  Answer again = upload(coco, p, "copy.kunren");
  EXPECT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["outcome"], "duplicate");
  EXPECT_EQ(again.body["package"]["filename"], "org-a.kunren");  // the earlier record
  EXPECT_EQ(revisions(), 1u);
  EXPECT_EQ(packages(), 1u);

  Answer list = call(coco, "GET", "/api/v1/campaigns/c/packages");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["packages"].size(), 1u);
  EXPECT_EQ(list.body["packages"][0]["key_id"], util::key_id(key.public_key));
}

TEST_F(PackageApi, AnUnchangedResubmissionIsRecordedWithoutARevisionAndAnOlderOneIsRefused) {
  ASSERT_EQ(upload(coco, package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, ""}})).status, 201);
  Answer same = upload(coco, package("2026-11-21T10:00:00.000000Z", {{"Q1", 1, ""}}));
  ASSERT_EQ(same.status, 201) << same.text;
  EXPECT_EQ(same.body["outcome"], "unchanged");
  EXPECT_EQ(revisions(), 1u);
  EXPECT_EQ(packages(), 2u);
  Answer older = upload(coco, package("2026-11-20T12:00:00.000000Z", {{"Q1", 3, ""}}), "old.kunren");
  EXPECT_EQ(older.status, 409) << older.text;
  EXPECT_NE(older.body["error"]["message"].get<std::string>().find("old.kunren"), std::string::npos);
  EXPECT_EQ(revisions(), 1u);
  EXPECT_EQ(packages(), 2u);
  Answer changed = upload(coco, package("2026-11-22T10:00:00.000000Z", {{"Q1", 2, ""}}));
  EXPECT_EQ(changed.status, 201);
  EXPECT_EQ(changed.body["outcome"], "revision");
  EXPECT_EQ(revisions(), 2u);
}

TEST_F(PackageApi, ADamagedOrForeignPackageIs422NamingTheFieldAndNothingIsWritten) {
  const std::string good = package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, ""}});
  std::string tampered = good;
  const auto at = tampered.find("\"org\": \"org-a\"");
  ASSERT_NE(at, std::string::npos);
  tampered.replace(at, 14, "\"org\": \"org-b\"");
  Answer a = upload(coco, tampered, "t.kunren");
  EXPECT_EQ(a.status, 422) << a.text;
  EXPECT_EQ(a.body["error"]["field"], "signature.key_id");  // org-b has no keys
  EXPECT_NE(a.body["error"]["message"].get<std::string>().find("t.kunren"), std::string::npos);

  std::string flipped = good;
  const auto sig = flipped.find("\"value\": \"") + 12;
  flipped[sig] = flipped[sig] == 'A' ? 'B' : 'A';
  Answer b = upload(coco, flipped);
  EXPECT_EQ(b.status, 422) << b.text;
  EXPECT_EQ(b.body["error"]["field"], "signature.value");

  Answer other = upload(coco, package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, ""}}, "later"));
  EXPECT_EQ(other.status, 422) << other.text;
  EXPECT_EQ(other.body["error"]["field"], "manifest.campaign");

  Answer junk = upload(coco, "{\"format\":\"kunren.bundle/1\"}");
  EXPECT_EQ(junk.status, 422);
  EXPECT_EQ(junk.body["error"]["field"], "format");

  Answer json_type = upload(coco, good, "x.kunren", "c", "application/json");
  EXPECT_EQ(json_type.status, 415);
  EXPECT_EQ(revisions(), 0u);
  EXPECT_EQ(packages(), 0u);
}

TEST_F(PackageApi, ARevokedKeyIsRefused) {
  ASSERT_TRUE(db->revoke_org_key("org-a", util::key_id(key.public_key), store::Actor{"test"}).is_ok());
  Answer a = upload(coco, package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, ""}}));
  EXPECT_EQ(a.status, 422) << a.text;
  EXPECT_EQ(a.body["error"]["field"], "signature.key_id");
  EXPECT_EQ(packages(), 0u);
}

TEST_F(PackageApi, AClosedCampaignIs409) {
  ASSERT_TRUE(db->set_campaign_state("c", store::CampaignState::kClosed, store::Actor{"test"}).is_ok());
  Answer a = upload(coco, package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, ""}}));
  EXPECT_EQ(a.status, 409) << a.text;
  EXPECT_EQ(packages(), 0u);
}

TEST_F(PackageApi, OnlyTheCampaignsCoordinatorsAndAdminsMayUploadOrSeeThePage) {
  const std::string p = package("2026-11-20T10:00:00.000000Z", {{"Q1", 1, ""}});
  // The organisation's own evaluator may not import on the coordinator's behalf.
  Signed eva = sign_in("eva");
  Answer refused = upload(eva, p);
  EXPECT_EQ(refused.status, 403) << refused.text;
  EXPECT_EQ(packages(), 0u);
  EXPECT_EQ(call(eva, "GET", "/campaigns/c/packages").status, 403);
  // A coordinator not listed for a campaign with coordinators listed.
  add_user("coco2", store::Role::kCoordinator, {});
  ASSERT_TRUE(db->set_campaign_coordinators("c", {"coco2"}, store::Actor{"test"}).is_ok());
  EXPECT_EQ(upload(coco, p).status, 403);
  EXPECT_EQ(packages(), 0u);
  Signed coco2 = sign_in("coco2");
  EXPECT_EQ(upload(coco2, p).status, 201);
  // Without the CSRF header: refused before anything is read.
  EXPECT_EQ(call(coco2, "POST", "/api/v1/campaigns/c/packages", "", false).status, 403);

  // Administrators (who register the organisations' keys) may too.
  add_user("root", store::Role::kAdmin, {});
  Signed root = sign_in("root");
  Answer listed = call(root, "GET", "/api/v1/campaigns/c/packages");
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["packages"].size(), 1u);

  Answer page = call(coco2, "GET", "/campaigns/c/packages");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.text.find("org-a.kunren"), std::string::npos);
  EXPECT_NE(page.text.find("package-file"), std::string::npos);
  EXPECT_NE(page.text.find("/static/packages.js"), std::string::npos);
}

}  // namespace
}  // namespace kunren::server
