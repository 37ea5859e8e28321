#include <kunren/io/package.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <kunren/util/sha256.hpp>

namespace kunren::io {
namespace {

using nlohmann::json;

struct Signed {
  util::KeyPair key;
  std::string text;
};

PackageManifest sample_manifest() {
  PackageManifest m;
  m.campaign = "c2026";
  m.org = "org-a";
  m.checklist_id = "ot-basic";
  m.checklist_version = "1.0";
  m.checklist_sha256 = std::string(64, 'a');
  m.created_at = "2026-11-26T09:20:03.123456Z";
  m.revision_no = 3;
  m.revision_created_at = "2026-11-25T17:00:00.000000Z";
  return m;
}

std::vector<PackageAnswer> sample_answers() { return {{"Q1", 2, "手順書あり"}, {"Q2", 1, ""}, {"Q3", 0, "未確認"}}; }

Signed make(std::map<std::string, std::string> files = {}) {
  Signed s{util::generate_key_pair().value(), {}};
  if (files.empty()) files[k_evaluation_path] = write_evaluation_json(sample_answers());
  s.text = write_package(sample_manifest(), files, s.key.secret_key, s.key.public_key);
  return s;
}

std::vector<TrustedKey> trusted(const util::KeyPair& k) {
  return {{util::key_id(k.public_key), util::public_key_base64(k.public_key), false, {}}};
}

// The package's JSON, changed by `edit`, written back.
std::string edited(const std::string& text, const std::function<void(json&)>& edit) {
  json j = json::parse(text);
  edit(j);
  return j.dump(1);
}

std::string b64(const std::string& bytes) {
  return util::to_base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// The field named by the first problem of reading and verifying `text`, or "ok".
std::string problem(const std::string& text, const std::vector<TrustedKey>& keys) {
  auto p = read_package(text, "p.kunren");
  if (!p) return p.status().where().field.empty() ? "(file)" : p.status().where().field;
  Status v = verify_package_signature(*p, keys, "p.kunren");
  return v.is_ok() ? "ok" : v.where().field;
}

TEST(Package, RoundTripsManifestAnswersAndSignature) {
  auto s = make();
  auto p = read_package(s.text, "p.kunren");
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->manifest.campaign, "c2026");
  EXPECT_EQ(p->manifest.org, "org-a");
  EXPECT_EQ(p->manifest.revision_no, 3);
  EXPECT_EQ(p->manifest.key_id, util::key_id(s.key.public_key));
  ASSERT_EQ(p->manifest.files.size(), 1u);
  EXPECT_EQ(p->manifest.files[0].path, "evaluation.json");
  EXPECT_EQ(p->manifest.files[0].sha256, util::sha256_hex(p->files.at("evaluation.json")));
  EXPECT_EQ(p->sha256, util::sha256_hex(s.text));
  EXPECT_TRUE(verify_package_signature(*p, trusted(s.key), "p.kunren").is_ok());
  auto answers = read_evaluation_json(p->files.at("evaluation.json"), "p.kunren");
  ASSERT_TRUE(answers.is_ok()) << answers.status().to_string();
  EXPECT_EQ(*answers, sample_answers());
}

TEST(Package, DrillsRoundTrip) {
  const std::vector<PackageDrill> drills = {{"d1", "停電訓練", "factory-ransomware", "1.0", "ended", 42, "ab12"}};
  auto s =
      make({{k_evaluation_path, write_evaluation_json(sample_answers())}, {k_drills_path, write_drills_json(drills)}});
  auto p = read_package(s.text, "p.kunren");
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->manifest.files.size(), 2u);
  auto back = read_drills_json(p->files.at(k_drills_path), "p.kunren");
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, drills);
  EXPECT_TRUE(verify_package_signature(*p, trusted(s.key), "p.kunren").is_ok());
}

TEST(Package, TheSignatureCoversTheCanonicalManifestNotItsLayout) {
  auto s = make();
  // Re-indented (here: all whitespace removed), it is the same signed manifest.
  const std::string compact = json::parse(s.text).dump();
  EXPECT_EQ(problem(compact, trusted(s.key)), "ok");
}

TEST(Package, AChangedFileIsNamedByItsManifestEntry) {
  auto s = make();
  const std::string other = write_evaluation_json({{"Q1", 3, "手順書あり"}, {"Q2", 1, ""}, {"Q3", 0, "未確認"}});
  ASSERT_EQ(other.size(), write_evaluation_json(sample_answers()).size());
  EXPECT_EQ(problem(edited(s.text, [&](json& j) { j["files"]["evaluation.json"] = b64(other); }), trusted(s.key)),
            "manifest.files[0].sha256");
  EXPECT_EQ(problem(edited(s.text, [&](json& j) { j["files"]["evaluation.json"] = b64(other + " "); }), trusted(s.key)),
            "manifest.files[0].bytes");
  EXPECT_EQ(problem(edited(s.text, [&](json& j) { j["files"]["evaluation.json"] = "@@@"; }), trusted(s.key)),
            "files.evaluation.json");
  EXPECT_EQ(problem(edited(s.text, [&](json& j) { j["files"].erase("evaluation.json"); }), trusted(s.key)),
            "files.evaluation.json");
  EXPECT_EQ(problem(edited(s.text, [&](json& j) { j["files"]["drills.json"] = b64("{}"); }), trusted(s.key)),
            "files.drills.json");
}

TEST(Package, AChangedManifestOrSignatureFailsTheSignature) {
  auto s = make();
  const auto keys = trusted(s.key);
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["org"] = "org-b"; }), keys), "signature.value");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["created_at"] = "2027-01-01T00:00:00.000000Z"; }), keys),
            "signature.value");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["revision"]["no"] = 4; }), keys), "signature.value");
  // A manifest entry's hash changed together with the file: the files check
  // passes, the signature does not.
  const std::string other = write_evaluation_json({{"Q1", 3, ""}});
  EXPECT_EQ(problem(edited(s.text,
                           [&](json& j) {
                             j["files"]["evaluation.json"] = b64(other);
                             j["manifest"]["files"][0]["sha256"] = util::sha256_hex(other);
                             j["manifest"]["files"][0]["bytes"] = other.size();
                           }),
                    keys),
            "signature.value");
  // Signed by someone else with the same key id claimed.
  auto mallory = util::generate_key_pair().value();
  const auto forged = util::sign(canonical_manifest(read_package(s.text, "p").value().manifest), mallory.secret_key);
  EXPECT_EQ(
      problem(edited(s.text, [&](json& j) { j["signature"]["value"] = util::to_base64(forged.data(), forged.size()); }),
              keys),
      "signature.value");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["signature"]["value"] = "AAAA"; }), keys), "signature.value");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["signature"]["alg"] = "rsa"; }), keys), "signature.alg");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["signature"]["key_id"] = "0123456789abcdef"; }), keys),
            "signature.key_id");
}

TEST(Package, AnUnregisteredOrRevokedKeyIsRefusedNamingTheKeyId) {
  auto s = make();
  auto other = util::generate_key_pair().value();
  auto p = read_package(s.text, "p.kunren");
  ASSERT_TRUE(p.is_ok());
  Status wrong = verify_package_signature(*p, trusted(other), "p.kunren");
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_EQ(wrong.where().field, "signature.key_id");
  EXPECT_NE(wrong.message().find("not registered"), std::string::npos) << wrong.message();
  EXPECT_FALSE(verify_package_signature(*p, {}, "p.kunren").is_ok());
  auto revoked = trusted(s.key);
  revoked[0].revoked = true;
  revoked[0].revoked_at = "2026-11-20T00:00:00.000000Z";
  Status r = verify_package_signature(*p, revoked, "p.kunren");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.where().field, "signature.key_id");
  EXPECT_NE(r.message().find("revoked on 2026-11-20"), std::string::npos) << r.message();
  // A registered key whose id matches but whose bytes are another key's.
  auto swapped = trusted(s.key);
  swapped[0].public_key = util::public_key_base64(other.public_key);
  EXPECT_EQ(verify_package_signature(*p, swapped, "p.kunren").where().field, "signature.value");
}

TEST(Package, UnknownKeysAndAWrongFormatAreNamed) {
  auto s = make();
  const auto keys = trusted(s.key);
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["extra"] = 1; }), keys), "extra");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["note"] = "x"; }), keys), "manifest.note");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["checklist"]["title"] = "x"; }), keys),
            "manifest.checklist.title");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["files"][0]["mode"] = 1; }), keys),
            "manifest.files[0].mode");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["signature"]["cert"] = "x"; }), keys), "signature.cert");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["format"] = "kunren.package/2"; }), keys), "format");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j.erase("format"); }), keys), "format");
  EXPECT_EQ(problem(R"({"format":"kunren.bundle/1","campaign":{}})", keys), "format");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j.erase("signature"); }), keys), "signature");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["files"][0]["path"] = "../etc/passwd"; }), keys),
            "manifest.files[0].path");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["created_at"] = "yesterday"; }), keys),
            "manifest.created_at");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["revision"]["no"] = -1; }), keys),
            "manifest.revision.no");
  EXPECT_EQ(problem(edited(s.text, [](json& j) { j["manifest"]["revision"]["no"] = 18446744073709551615ull; }), keys),
            "manifest.revision.no");
  EXPECT_EQ(problem("[]", keys), "(file)");
  EXPECT_EQ(problem("", keys), "(file)");
}

TEST(Package, ASignedButMalformedEvaluationIsNamedInsideTheFile) {
  const struct {
    std::string evaluation, field;
  } cases[] = {
      {R"({"answers":[{"item":"Q1","choice":300}]})", "files.evaluation.json.answers[0].choice"},
      {R"({"answers":[{"item":"Q1","choice":1,"review":true}]})", "files.evaluation.json.answers[0].review"},
      {R"({"answers":[{"item":"Q1","choice":1},{"item":"Q1","choice":2}]})", "files.evaluation.json.answers[1].item"},
      {R"({"answers":[{"item":"Q1","choice":0}]})", "files.evaluation.json.answers[0]"},
      {R"({"answers":{}})", "files.evaluation.json.answers"},
      {R"({"answers":[)", "files.evaluation.json"},
  };
  for (const auto& c : cases) {
    auto s = make({{k_evaluation_path, c.evaluation}});
    EXPECT_EQ(problem(s.text, trusted(s.key)), c.field) << c.evaluation;
  }
}

TEST(Package, EveryTruncationIsRefusedAndNeverCrashes) {
  auto s = make();
  const std::size_t end = s.text.rfind('}') + 1;
  for (std::size_t cut = 0; cut < end; ++cut) {
    auto p = read_package(std::string_view(s.text).substr(0, cut), "p.kunren");
    ASSERT_FALSE(p.is_ok()) << "cut at " << cut;
    EXPECT_EQ(p.status().kind(), ErrorKind::kBadInput);
    EXPECT_EQ(p.status().where().file, "p.kunren");
  }
  EXPECT_TRUE(read_package(std::string_view(s.text).substr(0, end), "p.kunren").is_ok());
}

// Any one byte changed anywhere — manifest, signature, files, even the
// JSON's punctuation — is refused, unless the change leaves the meaning
// exactly as signed (e.g. an unused bit of a base64 padding character).
TEST(Package, EverySingleByteChangeIsRefusedOrChangesNothing) {
  auto s = make({{k_evaluation_path, write_evaluation_json(sample_answers())},
                 {k_drills_path, write_drills_json({{"d1", "t", "s", "1", "ended", 7, "ff"}})}});
  const auto keys = trusted(s.key);
  auto original = read_package(s.text, "p").value();
  std::size_t refused = 0, neutral = 0;
  for (std::size_t i = 0; i < s.text.size(); ++i) {
    for (char c : {'x', '0', 'A', '"', ' '}) {
      if (s.text[i] == c) continue;
      std::string t = s.text;
      t[i] = c;
      auto p = read_package(t, "p");
      if (!p || !verify_package_signature(*p, keys, "p").is_ok()) {
        ++refused;
        continue;
      }
      ++neutral;
      EXPECT_EQ(canonical_manifest(p->manifest), canonical_manifest(original.manifest)) << "byte " << i << " → " << c;
      EXPECT_EQ(p->files, original.files) << "byte " << i << " → " << c;
      EXPECT_EQ(p->signature, original.signature) << "byte " << i << " → " << c;
    }
  }
  // Most changes are refused; the neutral ones are whitespace between tokens
  // turned into a space (and an unused bit of a base64 padding character).
  EXPECT_GT(refused, s.text.size() * 3);
  EXPECT_LT(neutral, s.text.size());
}

TEST(Package, AnOversizedFileIsRefusedBeforeParsing) {
  const std::string big(k_max_package_bytes + 1, ' ');
  auto p = read_package(big, "big.kunren");
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().message().find("limit"), std::string::npos);
}

}  // namespace
}  // namespace kunren::io
