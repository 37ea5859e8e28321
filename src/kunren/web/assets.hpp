// The web application's static files (CSS, JavaScript, icons) and templates,
// compiled into the binary from web/ (cmake/Embed.cmake), so `kunren serve`
// needs no other file and works offline.
//
// Static files are served under /static/NAME with a strong ETag (the first
// 16 hex digits of the SHA-256 of the bytes) and revalidation; pages link
// them as /static/NAME?v=ETAG, so a new binary's files are fetched at once.
// Only names present in the embedded set are served: there is no file
// system path, so "..", "%2F" and the like cannot reach anything else.
// Thread safety: immutable after first use (initialised thread-safely).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kunren::web {

struct Asset {
  std::string_view bytes;
  std::string content_type;  // e.g. "text/css; charset=utf-8"
  std::string etag;          // "\"0123456789abcdef\"" (quoted, as sent)
};

// The static file web/static/<name>, if it exists. `name` is one path
// segment ("app.css"); anything else is not found.
std::optional<Asset> static_asset(std::string_view name);

// The version tag used in links: the ETag without quotes, or "" if unknown.
std::string asset_version(std::string_view name);

// The text of web/templates/<name>.mustache, or nullopt.
std::optional<std::string_view> template_text(std::string_view name);

// Names of every template and partial (for the template test).
std::vector<std::string> template_names();

}  // namespace kunren::web
