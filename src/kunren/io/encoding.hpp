// Text encodings of the files users bring: UTF-8 with or without a byte-order
// mark, and CP932 (Shift_JIS as written by Japanese Excel and Windows).
//
// decode_text() turns any of them into UTF-8. UTF-8 input is returned as a
// view into the caller's bytes (no copy; a BOM is skipped); CP932 input is
// converted with iconv into `storage`, which must outlive the returned view.
// Detection: a UTF-8 BOM means UTF-8; bytes that are valid UTF-8 are UTF-8;
// otherwise CP932 is tried; if that fails too, the error names the line and
// byte of the first undecodable sequence.
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <kunren/util/status.hpp>

namespace kunren::io {

enum class Encoding { kAuto, kUtf8, kCp932 };

// Accepts auto, utf-8, utf8, cp932, shift_jis, sjis, windows-31j (any case).
std::optional<Encoding> parse_encoding(std::string_view name);
const char* to_string(Encoding e);  // "auto" | "utf-8" | "cp932"

struct DecodedText {
  std::string_view text;   // UTF-8, without BOM
  Encoding detected = Encoding::kUtf8;
  bool had_bom = false;
};

// Byte offset of the first invalid UTF-8 sequence, or nullopt if valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

Result<DecodedText> decode_text(std::string_view bytes, Encoding encoding, std::string_view filename,
                                std::string& storage);

}  // namespace kunren::io
