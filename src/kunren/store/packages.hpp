// Offline submission packages against a store (the file format is
// io/package.hpp): making one from a plant's own database, and importing one
// into the coordinator's. Shared by `kunren package export|import` and the
// upload route (server/package_api.cpp), so both judge a package alike.
//
// Import checks, in this order, and writes nothing unless all pass:
//   1. the file (io::read_package: format, every manifest field, every file's
//      size and SHA-256, evaluation.json's shape) — BadInput naming the field;
//   2. the campaign exists (NotFound, field manifest.campaign) and its
//      checklist is the one the package was made for: id, version, SHA-256
//      (BadInput, field manifest.checklist.*);
//   3. the organisation exists (NotFound, manifest.org) and the signature
//      verifies with its registered, unrevoked key (BadInput, signature.*);
//   4. Store::import_package, in one transaction: the same bytes imported
//      before → duplicate (nothing written); an older or equal created_at
//      than the last package of this campaign and organisation → Conflict
//      (replay); the campaign open (Conflict); the answers' items and
//      choices (BadInput); an unchanged answer set recorded without a
//      revision.
// Every failure's Location names the package file.
//
// Thread safety: as the Store given (one thread at a time).
#pragma once

#include <string>
#include <string_view>

#include <kunren/io/package.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/signing.hpp>

namespace kunren::store {

struct MakePackageOptions {
  bool with_drills = false;  // add drills.json: the organisation's drills in the campaign (default off)
  Timestamp created_at;      // the package's time (default empty: now_utc())
};

// The package text of `org`'s latest submitted revision in `campaign`,
// signed with `key` (whose org must be `org`: BadInput). Conflict when the
// organisation has no submitted revision there.
Result<std::string> make_package(Store& db, const std::string& campaign, const std::string& org,
                                 const util::KeyFile& key, const MakePackageOptions& options = {});

struct PackageImportOutcome {
  io::Package package;         // as read (files decoded)
  PackageImportResult result;  // from Store::import_package
  std::size_t answers = 0;     // answers in evaluation.json
  std::size_t drills = 0;      // drills in drills.json (0 if none)
};

// Checks and imports a package (see above). `filename` is how messages name
// it. With `expected_campaign` (the upload route's campaign, `import
// --campaign`), a package for any other campaign is BadInput on
// manifest.campaign before anything else is looked up: a coordinator of one
// campaign can never import into another through it.
Result<PackageImportOutcome> import_package_file(Store& db, std::string_view bytes, const std::string& filename,
                                                 const Actor& actor, const std::string& expected_campaign = {});

// The checks of import_package_file that need a store but write nothing
// (steps 1–3), for `kunren package inspect --db`.
Result<io::Package> verify_package_file(Store& db, std::string_view bytes, const std::string& filename,
                                        const std::string& expected_campaign = {});

}  // namespace kunren::store
