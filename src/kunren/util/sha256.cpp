#include <kunren/util/sha256.hpp>

#include <openssl/evp.h>

namespace kunren::util {

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string sha256_hex(std::string_view data) {
  static const char* k_hex = "0123456789abcdef";
  auto digest = sha256(data);
  std::string out;
  out.reserve(64);
  for (unsigned char b : digest) {
    out.push_back(k_hex[b >> 4]);
    out.push_back(k_hex[b & 15]);
  }
  return out;
}

}  // namespace kunren::util
