#include <kunren/io/package.hpp>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/util/sha256.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::io {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_text = 10000;      // any one text of the manifest or a drill
constexpr std::size_t k_max_comment = 100000;  // a comment of evaluation.json
constexpr std::size_t k_max_answers = 100000;
constexpr std::size_t k_max_drills = 10000;

// A failure in package `file` at `field`.
Status bad(const std::string& file, const std::string& field, const std::string& message) {
  return Status::bad_input(message, Location(file, 0, 0, field));
}

// Parses JSON, reporting a syntax error (a truncated file, stray bytes,
// invalid UTF-8) at its line and column.
Result<json> parse_json(std::string_view text, const std::string& file, const std::string& field, const char* what) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const auto pos = util::text_position(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string reason = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 8: syntax error …" → after the position.
    if (auto at = reason.find(": "); at != std::string::npos) reason = reason.substr(at + 2);
    if (auto at = reason.find(": "); at != std::string::npos && reason.rfind("syntax error", 0) != 0)
      reason = reason.substr(at + 2);
    // nlohmann ends with "; last read: '…'", a piece of the content: not needed, the position says where.
    if (auto at = reason.find("; last read"); at != std::string::npos) reason.resize(at);
    return Status::bad_input(
        fmt::format("{} is not valid JSON at line {}, column {} ({}); was the file cut short or edited?", what,
                    pos.line, pos.column, reason),
        Location(file, field.empty() ? pos.line : 0, field.empty() ? pos.column : 0, field));
  } catch (const json::exception& e) {
    // Well-formed but unrepresentable, e.g. "[json.exception.out_of_range.406] number overflow parsing '1e999'".
    std::string reason = e.what();
    if (auto at = reason.find("] "); at != std::string::npos) reason = reason.substr(at + 2);
    return Status::bad_input(fmt::format("{} is not valid JSON ({})", what, reason), Location(file, 0, 0, field));
  }
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// Unknown keys, then missing ones, of an object at `where`.
Status check_keys(const json& j, const std::string& file, const std::string& where,
                  std::initializer_list<const char*> required, std::initializer_list<const char*> optional = {}) {
  if (!j.is_object()) return bad(file, where.empty() ? "(top level)" : where, "must be a JSON object");
  for (const auto& [k, v] : j.items()) {
    const bool known = std::any_of(required.begin(), required.end(), [&key = k](const char* r) { return key == r; }) ||
                       std::any_of(optional.begin(), optional.end(), [&key = k](const char* r) { return key == r; });
    if (!known) {
      std::string expected;
      for (const char* r : required) expected += (expected.empty() ? "" : ", ") + std::string(r);
      for (const char* r : optional) expected += (expected.empty() ? "" : ", ") + std::string(r);
      return bad(file, join(where, k), fmt::format("unknown key '{}' (expected: {})", k, expected));
    }
  }
  for (const char* r : required)
    if (!j.contains(r)) return bad(file, join(where, r), fmt::format("'{}' is missing", r));
  return Status::ok();
}

bool has_control(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (c == 0x7f) return true;
    if (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t'))) return true;
  }
  return false;
}

Result<std::string> text_at(const json& j, const std::string& file, const std::string& field, bool allow_empty = false,
                            std::size_t max = k_max_text, bool allow_newlines = false) {
  if (!j.is_string()) return bad(file, field, "must be a string");
  const auto& s = j.get_ref<const std::string&>();
  if (!allow_empty && s.empty()) return bad(file, field, "is empty");
  if (s.size() > max) return bad(file, field, fmt::format("is longer than {} bytes", max));
  if (has_control(s, allow_newlines)) return bad(file, field, "contains a control character");
  return s;
}

Result<std::int64_t> int_at(const json& j, const std::string& file, const std::string& field, std::int64_t min,
                            std::int64_t max) {
  if (!j.is_number_integer()) return bad(file, field, "must be a whole number");
  // Unsigned values above INT64_MAX come back negative from get<int64_t>: check the sign first.
  if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    return bad(file, field, fmt::format("must be between {} and {}", min, max));
  const auto v = j.get<std::int64_t>();
  if (v < min || v > max) return bad(file, field, fmt::format("must be between {} and {}", min, max));
  return v;
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", the store's fixed-width form (text order = time order).
bool is_timestamp(std::string_view s) {
  static constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (s.size() != k_shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (k_shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != k_shape[i]) return false;
  }
  return true;
}

Result<std::string> timestamp_at(const json& j, const std::string& file, const std::string& field) {
  auto t = text_at(j, file, field);
  if (!t) return t.status();
  if (!is_timestamp(*t))
    return bad(file, field, fmt::format("'{}' is not a time of the form 2026-11-26T09:20:03.123456Z", *t));
  return t;
}

bool is_hex(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool allowed_path(const std::string& p) { return p == k_evaluation_path || p == k_drills_path; }

json manifest_json(const PackageManifest& m) {
  json files = json::array();
  for (const auto& f : m.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}});
  return {{"campaign", m.campaign},
          {"org", m.org},
          {"checklist", {{"id", m.checklist_id}, {"version", m.checklist_version}, {"sha256", m.checklist_sha256}}},
          {"created_at", m.created_at},
          {"key_id", m.key_id},
          {"revision", {{"no", m.revision_no}, {"created_at", m.revision_created_at}}},
          {"files", files}};
}

Result<PackageManifest> read_manifest(const json& j, const std::string& file) {
  KUNREN_RETURN_IF_ERROR(
      check_keys(j, file, "manifest", {"campaign", "org", "checklist", "created_at", "key_id", "revision", "files"}));
  PackageManifest m;
  auto campaign = text_at(j["campaign"], file, "manifest.campaign");
  if (!campaign) return campaign.status();
  m.campaign = *campaign;
  auto org = text_at(j["org"], file, "manifest.org");
  if (!org) return org.status();
  m.org = *org;

  const json& cl = j["checklist"];
  KUNREN_RETURN_IF_ERROR(check_keys(cl, file, "manifest.checklist", {"id", "version", "sha256"}));
  auto cid = text_at(cl["id"], file, "manifest.checklist.id");
  if (!cid) return cid.status();
  auto cver = text_at(cl["version"], file, "manifest.checklist.version");
  if (!cver) return cver.status();
  auto csha = text_at(cl["sha256"], file, "manifest.checklist.sha256");
  if (!csha) return csha.status();
  if (!is_hex(*csha, 64)) return bad(file, "manifest.checklist.sha256", "is not 64 lower-case hex digits");
  m.checklist_id = *cid;
  m.checklist_version = *cver;
  m.checklist_sha256 = *csha;

  auto created = timestamp_at(j["created_at"], file, "manifest.created_at");
  if (!created) return created.status();
  m.created_at = *created;
  auto kid = text_at(j["key_id"], file, "manifest.key_id");
  if (!kid) return kid.status();
  if (!is_hex(*kid, 16)) return bad(file, "manifest.key_id", "is not a key id (16 lower-case hex digits)");
  m.key_id = *kid;

  const json& rev = j["revision"];
  KUNREN_RETURN_IF_ERROR(check_keys(rev, file, "manifest.revision", {"no", "created_at"}));
  auto no = int_at(rev["no"], file, "manifest.revision.no", 1, 1000000000);
  if (!no) return no.status();
  m.revision_no = static_cast<int>(*no);
  auto rat = timestamp_at(rev["created_at"], file, "manifest.revision.created_at");
  if (!rat) return rat.status();
  m.revision_created_at = *rat;

  const json& files = j["files"];
  if (!files.is_array()) return bad(file, "manifest.files", "must be a list");
  if (files.empty() || files.size() > 2)
    return bad(
        file, "manifest.files",
        fmt::format("lists {} files; expected {} and optionally {}", files.size(), k_evaluation_path, k_drills_path));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string at = fmt::format("manifest.files[{}]", i);
    KUNREN_RETURN_IF_ERROR(check_keys(files[i], file, at, {"path", "sha256", "bytes"}));
    PackageFileEntry e;
    auto path = text_at(files[i]["path"], file, at + ".path");
    if (!path) return path.status();
    if (!allowed_path(*path))
      return bad(
          file, at + ".path",
          fmt::format("'{}' is not a package file (expected {} or {})", *path, k_evaluation_path, k_drills_path));
    if (!seen.insert(*path).second) return bad(file, at + ".path", fmt::format("'{}' is listed twice", *path));
    e.path = *path;
    auto sha = text_at(files[i]["sha256"], file, at + ".sha256");
    if (!sha) return sha.status();
    if (!is_hex(*sha, 64)) return bad(file, at + ".sha256", "is not 64 lower-case hex digits");
    e.sha256 = *sha;
    auto size = int_at(files[i]["bytes"], file, at + ".bytes", 0, static_cast<std::int64_t>(k_max_package_bytes));
    if (!size) return size.status();
    e.bytes = static_cast<std::uint64_t>(*size);
    m.files.push_back(std::move(e));
  }
  if (!seen.count(k_evaluation_path))
    return bad(file, "manifest.files", fmt::format("{} is not listed; every package has it", k_evaluation_path));
  return m;
}

}  // namespace

std::string canonical_manifest(const PackageManifest& manifest) {
  // nlohmann's objects keep keys sorted; dump() without indent has no spaces.
  return manifest_json(manifest).dump();
}

// --- evaluation.json and drills.json -------------------------------------------------

std::string write_evaluation_json(const std::vector<PackageAnswer>& answers) {
  json list = json::array();
  for (const auto& a : answers) list.push_back({{"item", a.item}, {"choice", a.choice}, {"comment", a.comment}});
  return json{{"answers", list}}.dump();
}

std::string write_drills_json(const std::vector<PackageDrill>& drills) {
  json list = json::array();
  for (const auto& d : drills)
    list.push_back({{"id", d.id},
                    {"title", d.title},
                    {"scenario_id", d.scenario_id},
                    {"scenario_version", d.scenario_version},
                    {"state", d.state},
                    {"last_seq", d.last_seq},
                    {"last_hash", d.last_hash}});
  return json{{"drills", list}}.dump();
}

Result<std::vector<PackageAnswer>> read_evaluation_json(std::string_view bytes, const std::string& filename) {
  const std::string base = std::string("files.") + k_evaluation_path;
  auto j = parse_json(bytes, filename, base, k_evaluation_path);
  if (!j) return j.status();
  KUNREN_RETURN_IF_ERROR(check_keys(*j, filename, base, {"answers"}));
  const json& list = (*j)["answers"];
  if (!list.is_array()) return bad(filename, base + ".answers", "must be a list");
  if (list.size() > k_max_answers)
    return bad(filename, base + ".answers", fmt::format("has more than {} answers", k_max_answers));
  std::vector<PackageAnswer> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}.answers[{}]", base, i);
    KUNREN_RETURN_IF_ERROR(check_keys(list[i], filename, at, {"item", "choice"}, {"comment"}));
    PackageAnswer a;
    auto item = text_at(list[i]["item"], filename, at + ".item");
    if (!item) return item.status();
    if (!seen.insert(*item).second)
      return bad(filename, at + ".item", fmt::format("item '{}' is answered twice", *item));
    a.item = *item;
    auto choice = int_at(list[i]["choice"], filename, at + ".choice", 0, 255);
    if (!choice) return choice.status();
    a.choice = static_cast<int>(*choice);
    if (list[i].contains("comment")) {
      auto c = text_at(list[i]["comment"], filename, at + ".comment", true, k_max_comment, true);
      if (!c) return c.status();
      a.comment = *c;
    }
    if (a.choice == 0 && a.comment.empty())
      return bad(filename, at, fmt::format("item '{}' has neither a choice nor a comment", a.item));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<PackageDrill>> read_drills_json(std::string_view bytes, const std::string& filename) {
  const std::string base = std::string("files.") + k_drills_path;
  auto j = parse_json(bytes, filename, base, k_drills_path);
  if (!j) return j.status();
  KUNREN_RETURN_IF_ERROR(check_keys(*j, filename, base, {"drills"}));
  const json& list = (*j)["drills"];
  if (!list.is_array()) return bad(filename, base + ".drills", "must be a list");
  if (list.size() > k_max_drills)
    return bad(filename, base + ".drills", fmt::format("has more than {} drills", k_max_drills));
  std::vector<PackageDrill> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}.drills[{}]", base, i);
    KUNREN_RETURN_IF_ERROR(check_keys(
        list[i], filename, at, {"id", "title", "scenario_id", "scenario_version", "state", "last_seq", "last_hash"}));
    PackageDrill d;
    struct Field {
      const char* key;
      std::string* into;
      bool allow_empty;
    };
    for (const Field& f :
         {Field{"id", &d.id, false}, Field{"title", &d.title, true}, Field{"scenario_id", &d.scenario_id, false},
          Field{"scenario_version", &d.scenario_version, false}, Field{"state", &d.state, false},
          Field{"last_hash", &d.last_hash, true}}) {
      auto t = text_at(list[i][f.key], filename, at + "." + f.key, f.allow_empty);
      if (!t) return t.status();
      *f.into = *t;
    }
    auto seq = int_at(list[i]["last_seq"], filename, at + ".last_seq", 0, INT64_MAX);
    if (!seq) return seq.status();
    d.last_seq = *seq;
    out.push_back(std::move(d));
  }
  return out;
}

// --- the package ------------------------------------------------------------------

std::string write_package(PackageManifest manifest, const std::map<std::string, std::string>& files,
                          const util::SecretKey& secret_key, const util::PublicKey& public_key) {
  manifest.key_id = util::key_id(public_key);
  manifest.files.clear();
  json contents = json::object();
  for (const auto& [path, bytes] : files) {  // std::map: sorted by path
    manifest.files.push_back({path, util::sha256_hex(bytes), bytes.size()});
    contents[path] = util::to_base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  }
  const std::string signed_bytes = canonical_manifest(manifest);
  const util::Signature sig = util::sign(signed_bytes, secret_key);
  // The top level in reading order (format first, the bulky files last);
  // the manifest inside as signed, keys sorted. Readers accept any order.
  nlohmann::ordered_json doc;
  doc["format"] = k_package_format;
  doc["manifest"] = nlohmann::ordered_json::parse(signed_bytes);
  doc["signature"] = {
      {"alg", "ed25519"}, {"key_id", manifest.key_id}, {"value", util::to_base64(sig.data(), sig.size())}};
  doc["files"] = nlohmann::ordered_json::parse(contents.dump());
  return doc.dump(1) + "\n";
}

Result<Package> read_package(std::string_view bytes, const std::string& filename) {
  if (bytes.size() > k_max_package_bytes)
    return bad(filename, "",
               fmt::format("the package is {} bytes; the limit is {} bytes", bytes.size(), k_max_package_bytes));
  if (bytes.empty()) return bad(filename, "", "the file is empty; not a Kunren package");
  auto parsed = parse_json(bytes, filename, "", "the package");
  if (!parsed) return parsed.status();
  const json& j = *parsed;
  if (!j.is_object()) return bad(filename, "", "not a Kunren package (expected a JSON object)");
  // The format first: a bundle or an analysis given by mistake is named as such.
  if (!j.contains("format")) return bad(filename, "format", "'format' is missing; not a Kunren package");
  if (!j["format"].is_string() || j["format"] != k_package_format)
    // Printed only when it is a string: dumping an arbitrary value recurses
    // once per level of nesting, and a hostile file can nest very deep.
    return bad(filename, "format",
               fmt::format("format is {}; expected \"{}\"",
                           j["format"].is_string() ? j["format"].dump() : "a " + std::string(j["format"].type_name()),
                           k_package_format));
  KUNREN_RETURN_IF_ERROR(check_keys(j, filename, "", {"format", "manifest", "signature", "files"}));

  Package p;
  p.sha256 = util::sha256_hex(bytes);
  auto manifest = read_manifest(j["manifest"], filename);
  if (!manifest) return manifest.status();
  p.manifest = std::move(*manifest);

  const json& sig = j["signature"];
  KUNREN_RETURN_IF_ERROR(check_keys(sig, filename, "signature", {"alg", "key_id", "value"}));
  auto alg = text_at(sig["alg"], filename, "signature.alg");
  if (!alg) return alg.status();
  if (*alg != "ed25519") return bad(filename, "signature.alg", fmt::format("'{}' is not supported (ed25519)", *alg));
  auto kid = text_at(sig["key_id"], filename, "signature.key_id");
  if (!kid) return kid.status();
  if (*kid != p.manifest.key_id)
    return bad(filename, "signature.key_id",
               fmt::format("'{}' differs from manifest.key_id '{}'", *kid, p.manifest.key_id));
  p.signature_key_id = *kid;
  auto value = text_at(sig["value"], filename, "signature.value");
  if (!value) return value.status();
  auto raw = util::from_base64(*value, util::k_signature_bytes, "signature.value");
  if (!raw) return bad(filename, "signature.value", raw.status().message());
  if (raw->size() != util::k_signature_bytes)
    return bad(filename, "signature.value",
               fmt::format("is {} bytes; an Ed25519 signature is {}", raw->size(), util::k_signature_bytes));
  std::memcpy(p.signature.data(), raw->data(), util::k_signature_bytes);

  const json& files = j["files"];
  if (!files.is_object()) return bad(filename, "files", "must be a JSON object (path → base64)");
  for (const auto& [path, v] : files.items()) {
    const bool listed = std::any_of(p.manifest.files.begin(), p.manifest.files.end(),
                                    [&name = path](const PackageFileEntry& e) { return e.path == name; });
    if (!listed) return bad(filename, "files." + path, fmt::format("'{}' is not listed in manifest.files", path));
  }
  for (std::size_t i = 0; i < p.manifest.files.size(); ++i) {
    const auto& e = p.manifest.files[i];
    const std::string entry = fmt::format("manifest.files[{}]", i);
    if (!files.contains(e.path))
      return bad(filename, "files." + e.path, fmt::format("{} ({}) is missing from files", e.path, entry));
    auto b64 = text_at(files[e.path], filename, "files." + e.path, true, k_max_package_bytes * 2);
    if (!b64) return b64.status();
    auto content = util::from_base64(*b64, k_max_package_bytes, "files." + e.path);
    if (!content) return bad(filename, "files." + e.path, content.status().message());
    if (content->size() != e.bytes)
      return bad(filename, entry + ".bytes",
                 fmt::format("{} is {} bytes; the manifest says {}", e.path, content->size(), e.bytes));
    if (util::sha256_hex(*content) != e.sha256)
      return bad(filename, entry + ".sha256",
                 fmt::format("the SHA-256 of {} does not match the manifest (the file was changed)", e.path));
    p.files.emplace(e.path, std::move(*content));
  }
  // The contents must read, so that an import never stops half way.
  auto answers = read_evaluation_json(p.files.at(k_evaluation_path), filename);
  if (!answers) return answers.status();
  if (p.files.count(k_drills_path)) {
    auto drills = read_drills_json(p.files.at(k_drills_path), filename);
    if (!drills) return drills.status();
  }
  return p;
}

Status verify_package_signature(const Package& package, const std::vector<TrustedKey>& keys,
                                const std::string& filename) {
  const auto& m = package.manifest;
  const auto it = std::find_if(keys.begin(), keys.end(), [&](const TrustedKey& k) { return k.key_id == m.key_id; });
  if (it == keys.end())
    return bad(filename, "signature.key_id",
               fmt::format("key {} is not registered for organisation {} (kunren org key add --org {} …)", m.key_id,
                           m.org, m.org));
  if (it->revoked)
    return bad(filename, "signature.key_id",
               fmt::format("key {} of organisation {} was revoked on {}; packages signed with it are refused", m.key_id,
                           m.org, it->revoked_at));
  auto pub = util::parse_public_key(it->public_key, "public_key");
  if (!pub) return Status::internal(fmt::format("registered key {} of {} is unreadable", m.key_id, m.org));
  if (!util::verify(canonical_manifest(m), package.signature, *pub))
    return bad(filename, "signature.value",
               fmt::format("the signature does not verify with key {} of organisation {}: the manifest was changed "
                           "or signed with another key",
                           m.key_id, m.org));
  return Status::ok();
}

}  // namespace kunren::io
