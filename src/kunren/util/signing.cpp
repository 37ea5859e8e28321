#include <kunren/util/signing.hpp>

#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

#include <kunren/util/sha256.hpp>

namespace kunren::util {

namespace {

bool init_sodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

constexpr int k_variant = sodium_base64_VARIANT_ORIGINAL;

// Overwrites a string's bytes before it is released.
void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace

SecretKey::SecretKey(SecretKey&& other) noexcept : m_bytes(other.m_bytes) {
  sodium_memzero(other.m_bytes.data(), other.m_bytes.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    m_bytes = other.m_bytes;
    sodium_memzero(other.m_bytes.data(), other.m_bytes.size());
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(m_bytes.data(), m_bytes.size()); }

Result<KeyPair> generate_key_pair() {
  if (!init_sodium()) return Status::internal("libsodium could not be initialised");
  KeyPair pair;
  if (crypto_sign_keypair(pair.public_key.data(), pair.secret_key.data()) != 0)
    return Status::internal("libsodium could not make a key pair");
  return pair;
}

std::string key_id(const PublicKey& public_key) {
  const std::string_view raw(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  return sha256_hex(raw).substr(0, 16);
}

std::string to_base64(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, k_variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, k_variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string public_key_base64(const PublicKey& key) { return to_base64(key.data(), key.size()); }

Result<std::string> from_base64(std::string_view base64, std::size_t max_bytes, const std::string& field) {
  if (!init_sodium()) return Status::internal("libsodium could not be initialised");
  // Decoded size is at most 3/4 of the text; refuse what could not fit first.
  if (base64.size() / 4 * 3 > max_bytes + 3)
    return Status::bad_input(fmt::format("{} is longer than {} bytes", field, max_bytes), Location({}, 0, 0, field));
  std::string out(base64.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), base64.data(), base64.size(), nullptr,
                        &len, &end, k_variant) != 0 ||
      end != base64.data() + base64.size())
    return Status::bad_input(fmt::format("{} is not valid base64", field), Location({}, 0, 0, field));
  if (len > max_bytes)
    return Status::bad_input(fmt::format("{} is longer than {} bytes", field, max_bytes), Location({}, 0, 0, field));
  out.resize(len);
  return out;
}

Result<PublicKey> parse_public_key(std::string_view base64, const std::string& field) {
  while (!base64.empty() && (base64.back() == '\n' || base64.back() == '\r' || base64.back() == ' '))
    base64.remove_suffix(1);
  while (!base64.empty() && base64.front() == ' ') base64.remove_prefix(1);
  auto bytes = from_base64(base64, k_public_key_bytes, field);
  if (!bytes) return bytes.status();
  if (bytes->size() != k_public_key_bytes)
    return Status::bad_input(fmt::format("{} is {} bytes; an Ed25519 public key is {} bytes of base64", field,
                                         bytes->size(), k_public_key_bytes),
                             Location({}, 0, 0, field));
  PublicKey key{};
  std::memcpy(key.data(), bytes->data(), key.size());
  return key;
}

Signature sign(std::string_view message, const SecretKey& secret_key) {
  init_sodium();
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_key.data());
  return sig;
}

bool verify(std::string_view message, const Signature& signature, const PublicKey& public_key) {
  if (!init_sodium()) return false;
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

// --- the key file ------------------------------------------------------------------

namespace {
constexpr const char* k_key_format = "kunren.key/1";
constexpr std::size_t k_max_key_file = 4096;
}  // namespace

std::string write_key_file(const KeyFile& key) {
  std::string secret = to_base64(key.secret_key.data(), key.secret_key.size());
  // Written by hand rather than through nlohmann::json so that no copy of
  // the secret is left in freed memory.
  std::string out = fmt::format(
      "{{\n  \"format\": \"{}\",\n  \"org\": {},\n  \"key_id\": \"{}\",\n  \"public_key\": \"{}\",\n"
      "  \"secret_key\": \"",
      k_key_format, nlohmann::json(key.org).dump(), key.key_id, public_key_base64(key.public_key));
  out += secret;
  out += "\"\n}\n";
  wipe(secret);
  return out;
}

Result<KeyFile> read_key_file(std::string_view text, const std::string& filename) {
  auto bad = [&](const std::string& field, const std::string& message) {
    return Status::bad_input(fmt::format("key file {}: {}", filename, message), Location(filename, 0, 0, field));
  };
  if (text.size() > k_max_key_file) return bad("", fmt::format("larger than {} bytes: not a key file", k_max_key_file));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("", "not a Kunren key file (expected a JSON object)");
  struct Wiper {
    nlohmann::json& j;
    ~Wiper() {
      if (j.is_object() && j.contains("secret_key") && j["secret_key"].is_string())
        wipe(j["secret_key"].get_ref<std::string&>());
    }
  } wiper{j};
  for (const auto& [k, v] : j.items()) {
    if (k != "format" && k != "org" && k != "key_id" && k != "public_key" && k != "secret_key")
      return bad(k, fmt::format("unknown field '{}'", k));
    if (!v.is_string()) return bad(k, fmt::format("'{}' must be a string", k));
  }
  for (const char* f : {"format", "org", "key_id", "public_key", "secret_key"})
    if (!j.contains(f)) return bad(f, fmt::format("'{}' is missing", f));
  if (j["format"] != k_key_format)
    return bad("format", fmt::format("format is '{}'; expected '{}'", j["format"].get<std::string>(), k_key_format));
  KeyFile key;
  key.org = j["org"].get<std::string>();
  if (key.org.empty()) return bad("org", "'org' is empty");
  auto pub = parse_public_key(j["public_key"].get<std::string>(), "public_key");
  if (!pub) return bad("public_key", pub.status().message());
  key.public_key = *pub;
  auto secret = from_base64(j["secret_key"].get<std::string>(), k_secret_key_bytes, "secret_key");
  if (!secret) return bad("secret_key", "'secret_key' is not 64 bytes of base64");
  if (secret->size() != k_secret_key_bytes) {
    wipe(*secret);
    return bad("secret_key", "'secret_key' is not 64 bytes of base64");
  }
  std::memcpy(key.secret_key.data(), secret->data(), k_secret_key_bytes);
  wipe(*secret);
  PublicKey derived{};
  crypto_sign_ed25519_sk_to_pk(derived.data(), key.secret_key.data());
  if (derived != key.public_key) return bad("public_key", "'public_key' is not the public half of 'secret_key'");
  key.key_id = j["key_id"].get<std::string>();
  if (key.key_id != key_id(key.public_key))
    return bad("key_id", fmt::format("'key_id' {} does not match the public key (its id is {})", key.key_id,
                                     key_id(key.public_key)));
  return key;
}

}  // namespace kunren::util
