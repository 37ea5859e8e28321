#include <kunren/io/encoding.hpp>

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include <kunren/util/utf8.hpp>

namespace kunren::io {

std::optional<Encoding> parse_encoding(std::string_view name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8" || n == "utf-8-sig") return Encoding::kUtf8;
  if (n == "cp932" || n == "shift_jis" || n == "shift-jis" || n == "sjis" || n == "windows-31j" || n == "ms932")
    return Encoding::kCp932;
  return std::nullopt;
}

const char* to_string(Encoding e) {
  switch (e) {
    case Encoding::kAuto: return "auto";
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kCp932: return "cp932";
  }
  return "auto";
}

std::optional<std::size_t> find_invalid_utf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, 32 then 8 bytes at a time.
    while (i + 32 <= n) {
      std::uint64_t w[4];
      std::memcpy(w, s + i, 32);
      if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) break;
      i += 32;
    }
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = util::utf8_sequence_length(bytes, i);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

namespace {

// Converts CP932 to UTF-8; on failure returns the offset of the bad byte.
std::optional<std::size_t> cp932_to_utf8(std::string_view in, std::string& out) {
  iconv_t cd = iconv_open("UTF-8", "CP932");
  if (cd == reinterpret_cast<iconv_t>(-1)) return 0;
  out.clear();
  out.resize(in.size() * 3 / 2 + 16);
  char* src = const_cast<char*>(in.data());
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  std::optional<std::size_t> bad;
  while (src_left > 0) {
    std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      std::size_t used = static_cast<std::size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
      continue;
    }
    bad = static_cast<std::size_t>(src - in.data());  // EILSEQ or EINVAL (truncated)
    break;
  }
  iconv_close(cd);
  if (bad) return bad;
  out.resize(static_cast<std::size_t>(dst - out.data()));
  return std::nullopt;
}

Status undecodable(std::string_view bytes, std::size_t offset, std::string_view filename, std::string_view what) {
  // The bytes before `offset` are valid UTF-8, so the column counts characters.
  const util::TextPosition at = util::text_position(bytes, offset);
  Location where{std::string(filename), at.line, at.column, {}};
  return Status::bad_input(
      fmt::format("{} (byte 0x{:02X} at offset {}); save the file as UTF-8 or CP932, or pass --encoding", what,
                  static_cast<unsigned char>(bytes[offset]), offset),
      std::move(where));
}

}  // namespace

Result<DecodedText> decode_text(std::string_view bytes, Encoding encoding, std::string_view filename,
                                std::string& storage) {
  DecodedText out;
  const bool bom = bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
                   static_cast<unsigned char>(bytes[1]) == 0xBB && static_cast<unsigned char>(bytes[2]) == 0xBF;
  if (encoding == Encoding::kCp932) {
    if (auto bad = cp932_to_utf8(bytes, storage)) return undecodable(bytes, *bad, filename, "not valid CP932");
    out.text = storage;
    out.detected = Encoding::kCp932;
    return out;
  }
  std::string_view body = bom ? bytes.substr(3) : bytes;
  auto bad_utf8 = find_invalid_utf8(body);
  if (!bad_utf8) {
    out.text = body;
    out.detected = Encoding::kUtf8;
    out.had_bom = bom;
    return out;
  }
  if (encoding == Encoding::kUtf8 || bom) {
    return undecodable(bytes, *bad_utf8 + (bom ? 3 : 0), filename, "not valid UTF-8");
  }
  if (auto bad = cp932_to_utf8(bytes, storage)) {
    return undecodable(bytes, *bad_utf8, filename, "neither valid UTF-8 nor CP932");
  }
  out.text = storage;
  out.detected = Encoding::kCp932;
  return out;
}

}  // namespace kunren::io
