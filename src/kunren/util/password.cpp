#include <kunren/util/password.hpp>

#include <sodium.h>

#include <kunren/util/utf8.hpp>

namespace kunren::util {

namespace {

bool init_sodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

Status check_password_policy(std::string_view password) {
  if (password.size() > 1024) return Status::bad_input("the password is longer than 1,024 bytes");
  for (std::size_t i = 0; i < password.size();) {
    std::size_t n = utf8_sequence_length(password, i);
    if (n == 0) return Status::bad_input("the password is not valid UTF-8");
    i += n;
  }
  if (utf8_length(password) < k_min_password_length) {
    return Status::bad_input("the password must have at least 10 characters");
  }
  return Status::ok();
}

Result<std::string> hash_password(std::string_view password) {
  if (!init_sodium()) return Status::internal("libsodium could not be initialised");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::io_error("not enough memory to hash the password (argon2id needs 64 MiB)");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
  if (!init_sodium() || hash.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& hash) {
  if (!init_sodium()) return false;
  return crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace kunren::util
