// Writing YAML by hand, safely: scalars that read back as exactly the same
// string under any YAML schema (plain when that is safe, double-quoted with
// escapes otherwise), and localized texts as flow maps. Shared by the
// checklist and scenario writers.
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <kunren/model/text.hpp>

namespace kunren::io::yaml {

// True if `s` can be written as a plain YAML scalar, in block or flow
// context, and reads back as the same string under any YAML schema (no
// indicator first, no "yes"/"no"/"null"-like words, no control characters,
// no line separators).
bool plain_safe(std::string_view s);
// `s` as a double-quoted YAML scalar with escapes.
std::string double_quoted(std::string_view s);
// Plain when plain_safe, else double-quoted.
std::string scalar(std::string_view s);
// A text field: one scalar in `lang` (with LocalizedText's fallback), a plain
// text as one scalar, or a flow map {ja: …, en: …}.
std::string flow_text(const model::LocalizedText& t, const std::optional<std::string>& lang);

}  // namespace kunren::io::yaml
