// Small rules every data-file reader shares: what an id may contain, what
// counts as blank, and how far apart two names are (for "did you mean").
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace kunren::io {

// [A-Za-z0-9._-]+
bool is_id(std::string_view s);
// Empty or only spaces, tabs and line breaks.
bool is_blank(std::string_view s);
// Levenshtein distance in bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace kunren::io
