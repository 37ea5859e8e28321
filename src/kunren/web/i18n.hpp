// The web application's fixed texts in Japanese (default) and English, from
// web/i18n/*.yaml (embedded). Each file is a tree whose leaves are
// {ja: "…", en: "…"}; the files are merged (a key defined twice is an error),
// giving one nested object per language, e.g. strings("en")["nav"]["campaigns"].
// Templates use them as {{t.nav.campaigns}}; pages hand the subtree a script
// needs to the browser as JSON (see pages.hpp).
//
// check_strings() is run by `kunren serve` at start-up and by the tests:
// every leaf must have both languages, non-empty.
// Thread safety: loaded once, thread-safely; immutable afterwards.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <kunren/util/status.hpp>

namespace kunren::web {

// "en" for "en" / "en-US" / …, else "ja".
std::string normalize_lang(std::string_view lang);

// Every string for `lang` ("ja" or "en"), nested as in the files.
// REQUIRES: check_strings() is ok (else an empty object).
const nlohmann::json& strings(std::string_view lang);

// One string by dotted key ("nav.campaigns"); the key itself if missing, so
// a missing text shows up on the page instead of vanishing.
std::string text(std::string_view lang, std::string_view dotted_key);

// The files parse, every leaf has non-empty "ja" and "en", no key is
// defined twice. BadInput naming the file and key otherwise.
Status check_strings();

}  // namespace kunren::web
