// Files compiled into the binary from data/ (built-in checklists, sample
// texts; later web templates and static files), keyed by their path in the
// source tree, e.g. "data/checklists/factory-ir.yaml". Generated at build time
// by cmake/Embed.cmake, so the binary alone works offline.
// Thread safety: immutable.
#pragma once

#include <map>
#include <string_view>

namespace kunren::io {

const std::map<std::string_view, std::string_view>& embedded_files();

}  // namespace kunren::io
