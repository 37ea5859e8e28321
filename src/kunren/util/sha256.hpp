// SHA-256 through OpenSSL's libcrypto, as lower-case hex or raw bytes.
// Thread safety: pure functions.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace kunren::util {

std::array<unsigned char, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace kunren::util
