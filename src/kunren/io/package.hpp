// The offline submission package ("kunren.package/1"): one organisation's
// latest submitted self-evaluation in a campaign (and, optionally, summaries
// of its drills), signed with the organisation's Ed25519 key
// (util/signing.hpp), for plants with no connection to the coordinator.
//
// The file is UTF-8 JSON, one object with exactly these keys:
//   {"format": "kunren.package/1",
//    "manifest": {"campaign", "org", "checklist": {"id", "version", "sha256"},
//                 "created_at", "key_id", "revision": {"no", "created_at"},
//                 "files": [{"path", "sha256", "bytes"}, …]},
//    "signature": {"alg": "ed25519", "key_id", "value": "<base64>"},
//    "files": {"evaluation.json": "<base64>", "drills.json": "<base64>"}}
// The signature covers the canonical manifest: its JSON with keys sorted and
// no spaces (canonical_manifest). The manifest lists every file with the
// SHA-256 and size of its bytes, so the signature covers the files too.
// evaluation.json is required, drills.json optional; no other paths.
//
// Reading (read_package) is strict and names the field of every problem
// ("manifest.files[0].sha256", "signature.value", "files.evaluation.json"):
// unknown keys, wrong types, oversized input, base64 that does not decode,
// a file whose bytes do not match its manifest entry. It does not check the
// signature — that needs the organisation's registered keys, which only
// the coordinator's store has (verify_package_signature).
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/util/signing.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

inline constexpr const char* k_package_format = "kunren.package/1";
// A package larger than this is refused before it is parsed.
inline constexpr std::size_t k_max_package_bytes = 8 * 1024 * 1024;
inline constexpr const char* k_evaluation_path = "evaluation.json";
inline constexpr const char* k_drills_path = "drills.json";

struct PackageFileEntry {
  std::string path;
  std::string sha256;  // lower-case hex of the file's bytes
  std::uint64_t bytes = 0;
};

struct PackageManifest {
  std::string campaign;
  std::string org;
  std::string checklist_id;
  std::string checklist_version;
  std::string checklist_sha256;
  std::string created_at;               // when the package was made (store timestamp format)
  std::string key_id;                   // of the signing key
  int revision_no = 0;                  // the exported revision's number at the plant
  std::string revision_created_at;      // and its time there
  std::vector<PackageFileEntry> files;  // sorted by path
};

// One answer of evaluation.json (the "for review" flag is not exported).
struct PackageAnswer {
  std::string item;
  int choice = 0;  // 0 = no answer (then comment is not empty)
  std::string comment;
  bool operator==(const PackageAnswer&) const = default;
};

// One drill of drills.json: what the plant's log says about it.
struct PackageDrill {
  std::string id;
  std::string title;
  std::string scenario_id;
  std::string scenario_version;
  std::string state;
  std::int64_t last_seq = 0;
  std::string last_hash;
  bool operator==(const PackageDrill&) const = default;
};

struct Package {
  PackageManifest manifest;
  std::string signature_key_id;
  util::Signature signature{};
  std::map<std::string, std::string> files;  // path → bytes, exactly the manifest's paths
  std::string sha256;                        // of the whole package file, for duplicate detection
};

// The bytes the signature covers.
std::string canonical_manifest(const PackageManifest& manifest);

// The contents of evaluation.json and drills.json (canonical JSON).
std::string write_evaluation_json(const std::vector<PackageAnswer>& answers);
std::string write_drills_json(const std::vector<PackageDrill>& drills);
// Strict readers; BadInput naming `filename` and the field, e.g.
// "files.evaluation.json: answers[3].choice".
Result<std::vector<PackageAnswer>> read_evaluation_json(std::string_view bytes, const std::string& filename);
Result<std::vector<PackageDrill>> read_drills_json(std::string_view bytes, const std::string& filename);

// Builds the package text: fills manifest.files from `files` (path → bytes)
// and manifest.key_id from the key, signs the canonical manifest.
// REQUIRES: `files` holds evaluation.json and at most drills.json besides.
std::string write_package(PackageManifest manifest, const std::map<std::string, std::string>& files,
                          const util::SecretKey& secret_key, const util::PublicKey& public_key);

// Parses and checks everything but the signature (see above). `filename`
// names the file in every message.
Result<Package> read_package(std::string_view bytes, const std::string& filename);

// A public key registered for the package's organisation.
struct TrustedKey {
  std::string key_id;
  std::string public_key;  // base64 of the raw 32 bytes
  bool revoked = false;
  std::string revoked_at;  // for the message
};

// Checks the signature against the organisation's registered keys: the one
// with the package's key id must be there (BadInput on "signature.key_id"
// otherwise), not revoked (BadInput, naming when) and its signature must
// verify (BadInput on "signature.value").
Status verify_package_signature(const Package& package, const std::vector<TrustedKey>& keys,
                                const std::string& filename);

}  // namespace kunren::io
