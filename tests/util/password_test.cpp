#include <kunren/util/password.hpp>

#include <gtest/gtest.h>

namespace kunren::util {
namespace {

TEST(Password, HashIsArgon2idAndVerifiesOnlyTheSamePassword) {
  auto hash = hash_password("correct horse battery");
  ASSERT_TRUE(hash.is_ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(verify_password("correct horse battery", *hash));
  EXPECT_FALSE(verify_password("correct horse batterY", *hash));
  EXPECT_FALSE(verify_password("", *hash));
  EXPECT_FALSE(password_needs_rehash(*hash));
}

TEST(Password, TheSamePasswordHashesDifferentlyEachTime) {
  EXPECT_NE(hash_password("correct horse battery").value(), hash_password("correct horse battery").value());
}

TEST(Password, AnythingButAnArgon2idHashNeverVerifies) {
  EXPECT_FALSE(verify_password("x", ""));
  EXPECT_FALSE(verify_password("x", "x"));
  EXPECT_FALSE(verify_password("x", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA"));
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  EXPECT_FALSE(check_password_policy("short").is_ok());
  EXPECT_FALSE(check_password_policy("訓練訓練訓練").is_ok());  // 6 characters, 18 bytes
  EXPECT_TRUE(check_password_policy("訓練訓練訓練訓練訓練").is_ok());
  EXPECT_FALSE(check_password_policy(std::string("abcdefghij\xff")).is_ok());
  EXPECT_FALSE(check_password_policy(std::string(1025, 'a')).is_ok());
}

}  // namespace
}  // namespace kunren::util
