#include <kunren/util/signing.hpp>

#include <gtest/gtest.h>

#include <kunren/util/sha256.hpp>

namespace kunren::util {
namespace {

TEST(Signing, ASignatureVerifiesOnlyTheSameMessageWithTheSameKey) {
  auto a = generate_key_pair();
  auto b = generate_key_pair();
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  const Signature sig = sign("manifest bytes", a->secret_key);
  EXPECT_TRUE(verify("manifest bytes", sig, a->public_key));
  EXPECT_FALSE(verify("manifest byteS", sig, a->public_key));
  EXPECT_FALSE(verify("manifest bytes", sig, b->public_key));
  Signature flipped = sig;
  flipped[10] ^= 0x01;
  EXPECT_FALSE(verify("manifest bytes", flipped, a->public_key));
}

TEST(Signing, KeyIdIsTheFirst16HexDigitsOfTheSha256OfTheRawPublicKey) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair.is_ok());
  const std::string raw(reinterpret_cast<const char*>(pair->public_key.data()), pair->public_key.size());
  EXPECT_EQ(key_id(pair->public_key), sha256_hex(raw).substr(0, 16));
  EXPECT_EQ(key_id(pair->public_key).size(), 16u);
}

TEST(Signing, PublicKeyBase64RoundTripsAndOtherLengthsAreRefused) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair.is_ok());
  const std::string b64 = public_key_base64(pair->public_key);
  EXPECT_EQ(b64.size(), 44u);
  auto back = parse_public_key(b64 + "\n");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, pair->public_key);
  auto short_key = parse_public_key(b64.substr(0, 40) + "AA==", "--public-key");
  ASSERT_FALSE(short_key.is_ok());
  EXPECT_EQ(short_key.status().where().field, "--public-key");
  EXPECT_FALSE(parse_public_key("not base64 at all!").is_ok());
  EXPECT_FALSE(parse_public_key("").is_ok());
  EXPECT_FALSE(parse_public_key(b64 + b64).is_ok());
}

TEST(KeyFile, RoundTripsAndTheKeyStillSigns) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair.is_ok());
  KeyFile key;
  key.org = "工場-A";
  key.public_key = pair->public_key;
  key.key_id = key_id(pair->public_key);
  key.secret_key = std::move(pair->secret_key);
  const std::string text = write_key_file(key);
  auto back = read_key_file(text, "a.key");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->org, "工場-A");
  EXPECT_EQ(back->key_id, key.key_id);
  EXPECT_EQ(back->public_key, key.public_key);
  EXPECT_TRUE(verify("x", sign("x", back->secret_key), key.public_key));
}

TEST(KeyFile, EveryDamageIsNamedWithoutQuotingTheSecret) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair.is_ok());
  auto other = generate_key_pair();
  ASSERT_TRUE(other.is_ok());
  KeyFile key;
  key.org = "org-a";
  key.public_key = pair->public_key;
  key.key_id = key_id(pair->public_key);
  key.secret_key = std::move(pair->secret_key);
  const std::string text = write_key_file(key);
  const std::string secret_b64 = to_base64(key.secret_key.data(), key.secret_key.size());

  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    auto p = t.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return t.replace(p, from.size(), to);
  };
  const struct {
    std::string text, field;
  } cases[] = {
      {replace("kunren.key/1", "kunren.key/2"), "format"},
      {replace(key.key_id, "0000000000000000"), "key_id"},
      {replace(public_key_base64(key.public_key), public_key_base64(other->public_key)), "public_key"},
      {replace("\"org\"", "\"organisation\""), "organisation"},
      {replace(secret_b64, secret_b64.substr(0, 40)), "secret_key"},
      {text.substr(0, text.size() / 2), ""},
  };
  for (const auto& c : cases) {
    auto r = read_key_file(c.text, "a.key");
    ASSERT_FALSE(r.is_ok()) << c.field;
    EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
    EXPECT_EQ(r.status().where().file, "a.key");
    EXPECT_EQ(r.status().where().field, c.field) << r.status().to_string();
    EXPECT_EQ(r.status().to_string().find(secret_b64.substr(0, 20)), std::string::npos) << r.status().to_string();
  }
}

}  // namespace
}  // namespace kunren::util
