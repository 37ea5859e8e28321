#include <kunren/report/html_escape.hpp>

#include <cstdint>

#include <kunren/util/utf8.hpp>

namespace kunren::report {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto uc = static_cast<unsigned char>(c);
    if (uc >= 0x80) {
      const std::size_t len = util::utf8_sequence_length(text, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n':
      case '\r': out += c; break;
      default:
        if (uc >= 0x20 && uc != 0x7F) out += c;
        break;
    }
    ++i;
  }
  return out;
}

std::string html_id(std::string_view raw) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto uc = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      out += c;
    } else {
      out += '_';
      out += k_hex[uc >> 4];
      out += k_hex[uc & 0xF];
    }
  }
  return out;
}

}  // namespace kunren::report
