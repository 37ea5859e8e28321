// What the package routes (package_api.cpp) and the packages page
// (web/package_pages.cpp) share: the JSON of an imported package record and
// the upload's limits. Internal to src/kunren/server and src/kunren/web.
// Thread safety: pure functions.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

#include <kunren/store/store.hpp>

namespace kunren::server {

// An upload larger than this is answered 413 (packages are a few kB; the
// server's own body limit may be lower still).
inline constexpr std::size_t k_max_package_upload = 1024 * 1024;

// {"id","org","created_at","key_id","sha256","filename","revision_id","unchanged","imported_by","imported_at"}
inline nlohmann::json package_record_json(const store::PackageRecord& p) {
  return {{"id", p.id},
          {"org", p.org},
          {"created_at", p.created_at},
          {"key_id", p.key_id},
          {"sha256", p.sha256},
          {"filename", p.filename},
          {"revision_id", p.revision_id},
          {"unchanged", p.revision_id == 0},
          {"imported_by", p.imported_by},
          {"imported_at", p.imported_at}};
}

}  // namespace kunren::server
