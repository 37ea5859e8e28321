// UTF-8 at the byte level, and positions in UTF-8 text as people count them.
//
// Every reader reports problems as 1-based line and *character* column (a
// Japanese character is one column, not three), and every renderer that
// walks text character by character decodes it the same way: both go through
// here. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace kunren::util {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 if
// the bytes there are not one (truncated, overlong, surrogate, above
// U+10FFFF). When valid and `code_point` is given, it receives the code point.
// REQUIRES: i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i, char32_t* code_point = nullptr);

// Characters in `s`: each valid sequence counts one, each stray byte one.
std::uint64_t utf8_length(std::string_view s);

struct TextPosition {
  std::uint64_t line = 1;    // 1-based
  std::uint64_t column = 1;  // 1-based, in characters
};

// Where byte `offset` of `text` is (an offset past the end means the end).
TextPosition text_position(std::string_view text, std::size_t offset);

}  // namespace kunren::util
