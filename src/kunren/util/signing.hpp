// Ed25519 signatures through libsodium, for the offline submission packages
// (io/package.hpp): key pairs, detached signatures, base64 text of keys and
// signatures, the short key id people compare, and the secret key file
// ("kunren.key/1") that `kunren package keygen` writes.
//
// A key id is the first 16 lower-case hex digits of SHA-256 over the raw
// 32-byte public key, so anyone holding the public key can compute it.
// Secret keys live in SecretKey, which wipes its bytes (sodium_memzero) when
// destroyed; nothing here prints or logs a secret key, and messages about a
// key file never quote its content.
//
// Thread safety: pure functions (libsodium is initialised once, thread-safely).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include <kunren/util/status.hpp>

namespace kunren::util {

inline constexpr std::size_t k_public_key_bytes = 32;
inline constexpr std::size_t k_secret_key_bytes = 64;  // libsodium's seed ‖ public key
inline constexpr std::size_t k_signature_bytes = 64;

using PublicKey = std::array<unsigned char, k_public_key_bytes>;
using Signature = std::array<unsigned char, k_signature_bytes>;

// The secret half of a key pair. Movable, not copyable; zeroed when destroyed.
class SecretKey {
 public:
  SecretKey() = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  unsigned char* data() { return m_bytes.data(); }
  const unsigned char* data() const { return m_bytes.data(); }
  static constexpr std::size_t size() { return k_secret_key_bytes; }

 private:
  std::array<unsigned char, k_secret_key_bytes> m_bytes{};
};

struct KeyPair {
  PublicKey public_key{};
  SecretKey secret_key;
};

// A fresh random key pair. Internal if libsodium cannot be initialised.
Result<KeyPair> generate_key_pair();

// "3f9a0c…" (16 hex digits) for a public key.
std::string key_id(const PublicKey& public_key);

// Standard base64 with padding (what `org key add --public-key` takes).
std::string to_base64(const unsigned char* data, std::size_t size);
std::string public_key_base64(const PublicKey& key);
// Exactly 32 bytes of standard base64 (surrounding spaces and a trailing
// newline ignored); BadInput naming `field` otherwise.
Result<PublicKey> parse_public_key(std::string_view base64, const std::string& field = "public_key");
// Any standard base64 text into bytes; BadInput naming `field` when it is not
// base64 or decodes to more than `max_bytes`.
Result<std::string> from_base64(std::string_view base64, std::size_t max_bytes, const std::string& field);

// A detached signature of `message`.
Signature sign(std::string_view message, const SecretKey& secret_key);
// True only if `signature` is `public_key`'s signature of exactly `message`.
bool verify(std::string_view message, const Signature& signature, const PublicKey& public_key);

// --- the secret key file --------------------------------------------------------
//
// UTF-8 JSON, one object:
//   {"format": "kunren.key/1", "org": "ORG", "key_id": "…",
//    "public_key": "<base64 32 bytes>", "secret_key": "<base64 64 bytes>"}
// Reading checks the format, every field, that the secret key's public half
// is `public_key` and that key_id matches it.

struct KeyFile {
  std::string org;
  std::string key_id;
  PublicKey public_key{};
  SecretKey secret_key;
};

// The file's text (it contains the secret key: write it owner-only).
std::string write_key_file(const KeyFile& key);
// BadInput naming `filename` and the field; never quotes a secret.
Result<KeyFile> read_key_file(std::string_view text, const std::string& filename);

}  // namespace kunren::util
