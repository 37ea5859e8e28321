#include <kunren/util/utf8.hpp>

#include <algorithm>

namespace kunren::util {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i, char32_t* code_point) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    if (code_point != nullptr) *code_point = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (code_point != nullptr) *code_point = cp;
  return len;
}

std::uint64_t utf8_length(std::string_view s) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) i += std::max<std::size_t>(1, utf8_sequence_length(s, i));
  return n;
}

TextPosition text_position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t last_break = before.rfind('\n');
  const std::size_t line_start = last_break == std::string_view::npos ? 0 : last_break + 1;
  TextPosition p;
  p.line = 1 + static_cast<std::uint64_t>(std::count(before.begin(), before.end(), '\n'));
  p.column = 1 + utf8_length(before.substr(line_start));
  return p;
}

}  // namespace kunren::util
