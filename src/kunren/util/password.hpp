// Password hashing: argon2id through libsodium (crypto_pwhash_str), the
// self-describing "$argon2id$v=19$m=…,t=…,p=…$salt$hash" string that the
// store keeps. Verification takes the parameters from the stored string, so
// hashes made with older settings keep working; needs_rehash() tells when to
// upgrade one at the next sign-in.
// Thread safety: the functions may be called from any thread (libsodium is
// initialised once, thread-safely).
#pragma once

#include <string>
#include <string_view>

#include <kunren/util/status.hpp>

namespace kunren::util {

// Passwords shorter than this are refused by check_password_policy().
inline constexpr std::size_t k_min_password_length = 10;

// BadInput naming the rule when the password is too short, too long (over
// 1,024 bytes) or not valid UTF-8.
Status check_password_policy(std::string_view password);

// argon2id with libsodium's "interactive" limits (64 MiB, 2 passes; ~0.1 s
// on the 2-core CI machine). Io if the memory cannot be had.
Result<std::string> hash_password(std::string_view password);

// True if `password` matches `hash`; false for a wrong password or a hash
// that is not an argon2id string. Takes as long as hashing.
bool verify_password(std::string_view password, const std::string& hash);

// True if `hash` was made with other limits than hash_password uses now.
bool password_needs_rehash(const std::string& hash);

}  // namespace kunren::util
