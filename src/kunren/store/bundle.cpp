#include <kunren/store/bundle.hpp>

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/io/checklist_io.hpp>
#include <kunren/util/sha256.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::store {

using json = nlohmann::ordered_json;

namespace {

constexpr const char* k_schema = "kunren.bundle/1";

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

nlohmann::ordered_json revision_json(const Revision& r) {
  json answers = json::array();
  for (const auto& a : r.answers) {
    json one = {{"item", a.item}, {"choice", a.choice == 0 ? json(nullptr) : json(a.choice)}};
    if (!a.comment.empty()) one["comment"] = a.comment;
    if (a.review) one["review"] = true;  // absent = not marked, as in bundles written before the flag
    if (!a.evidence.empty()) {
      // The stored text is a JSON array (check_new_revision); should a
      // database have been changed behind the store's back, the text is kept
      // as a string, which read_bundle then refuses by name.
      json links = json::parse(a.evidence, nullptr, false);
      one["evidence"] = links.is_discarded() ? json(a.evidence) : std::move(links);
    }
    answers.push_back(std::move(one));
  }
  return {{"org", r.org},
          {"no", r.no},
          {"state", to_string(r.state)},
          {"author", r.author},
          {"created_at", r.created_at},
          {"import", r.import_id == 0 ? json(nullptr) : json(r.import_id)},
          {"answers", std::move(answers)}};
}

std::string write_bundle(const CampaignBundle& b, const Timestamp& exported_at) {
  const auto& c = b.campaign;
  json out = json::object();
  out["schema"] = k_schema;
  out["exported_at"] = exported_at;
  out["generator"] = std::string("kunren ") + KUNREN_VERSION;
  out["campaign"] = {{"id", c.id},
                     {"title", c.title},
                     {"checklist_id", c.checklist_id},
                     {"checklist_version", c.checklist_version},
                     {"opens_on", text_or_null(c.opens_on)},
                     {"closes_on", text_or_null(c.closes_on)},
                     {"min_group", c.min_group},
                     {"state", to_string(c.state)},
                     {"created_at", c.created_at},
                     {"updated_at", c.updated_at},
                     {"coordinators", c.coordinators}};
  out["checklist"] = {{"id", b.checklist.id},
                      {"version", b.checklist.version},
                      {"sha256", b.checklist.sha256},
                      {"builtin", b.checklist.builtin},
                      {"registered_at", b.checklist.registered_at},
                      {"content", json::parse(b.checklist.content)}};
  json orgs = json::array();
  for (const auto& o : b.orgs) {
    orgs.push_back({{"id", o.id},
                    {"name", o.name},
                    {"industry", o.industry},
                    {"size", o.size},
                    {"pseudonym", o.pseudonym},
                    {"created_at", o.created_at}});
  }
  out["organizations"] = std::move(orgs);
  json imports = json::array();
  for (const auto& i : b.imports) {
    imports.push_back({{"id", i.id},
                       {"filename", i.filename},
                       {"sha256", i.sha256},
                       {"actor", i.actor},
                       {"at", i.at},
                       {"revisions", i.revisions},
                       {"unchanged", i.unchanged}});
  }
  out["imports"] = std::move(imports);
  json revisions = json::array();
  for (const auto& r : b.revisions) revisions.push_back(revision_json(r));
  out["revisions"] = std::move(revisions);
  // One revision per line would be nicer to diff, but dump(1) keeps the file
  // readable and small enough; the format does not depend on the layout.
  return out.dump(1, '\t', false, json::error_handler_t::strict) + "\n";
}

namespace {

// Reads fields of one JSON object, naming the path of anything wrong.
class Reader {
 public:
  explicit Reader(std::string_view filename) : m_file(filename) {}

  Status error(const std::string& path, const std::string& what) const {
    return Status::bad_input(what, Location{m_file, 0, 0, path});
  }

  Status object(const json& j, const std::string& path) const {
    if (!j.is_object()) return error(path, "expected an object");
    return Status::ok();
  }
  Status array(const json& parent, const char* key, const std::string& path) const {
    auto it = parent.find(key);
    if (it == parent.end() || !it->is_array()) return error(join(path, key), "expected an array");
    return Status::ok();
  }
  Status text(const json& parent, const char* key, const std::string& path, std::string& out,
              bool optional = false) const {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      if (optional) return Status::ok();
      return error(join(path, key), "missing");
    }
    if (!it->is_string()) return error(join(path, key), "expected a string");
    out = it->get<std::string>();
    return Status::ok();
  }
  Status time(const json& parent, const char* key, const std::string& path, std::string& out) const {
    KUNREN_RETURN_IF_ERROR(text(parent, key, path, out));
    auto t = parse_timestamp(out);
    if (!t || *t != out) return error(join(path, key), fmt::format("'{}' is not a time in the form 2026-11-26T09:20:03.000000Z", out));
    return Status::ok();
  }
  Status integer(const json& parent, const char* key, const std::string& path, std::int64_t& out, std::int64_t min,
                 std::int64_t max, bool nullable = false) const {
    auto it = parent.find(key);
    if (nullable && (it == parent.end() || it->is_null())) {
      out = 0;
      return Status::ok();
    }
    if (it == parent.end()) return error(join(path, key), "missing");
    if (!it->is_number_integer()) return error(join(path, key), "expected a whole number");
    out = it->get<std::int64_t>();
    if (out < min || out > max) return error(join(path, key), fmt::format("{} is out of range {}..{}", out, min, max));
    return Status::ok();
  }

  // Absent or null = false, so that bundles written before a flag existed still read.
  Status boolean(const json& parent, const char* key, const std::string& path, bool& out) const {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      out = false;
      return Status::ok();
    }
    if (!it->is_boolean()) return error(join(path, key), "expected true or false");
    out = it->get<bool>();
    return Status::ok();
  }
  // Any JSON array, kept as its compact text; absent, null or [] = empty
  // text, so that bundles written before the field existed still read.
  Status json_array(const json& parent, const char* key, const std::string& path, std::string& out) const {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return Status::ok();
    if (!it->is_array()) return error(join(path, key), "expected an array");
    if (!it->empty()) out = it->dump(-1, ' ', false, json::error_handler_t::strict);
    return Status::ok();
  }
  // An array of strings; absent or null = empty.
  Status texts(const json& parent, const char* key, const std::string& path, std::vector<std::string>& out) const {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return Status::ok();
    if (!it->is_array()) return error(join(path, key), "expected an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) return error(fmt::format("{}[{}]", join(path, key), i), "expected a string");
      out.push_back((*it)[i].get<std::string>());
    }
    return Status::ok();
  }

  static std::string join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

 private:
  std::string m_file;
};

}  // namespace

Result<CampaignBundle> read_bundle(std::string_view text, std::string_view filename) {
  const std::string file(filename);
  if (text.size() > k_max_bundle_bytes) {
    return Status::bad_input(fmt::format("the bundle is larger than {} MiB", k_max_bundle_bytes >> 20), Location{file});
  }
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    auto pos = util::text_position(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error …" → the part after ": "
    auto colon = what.find(": ");
    return Status::bad_input("not valid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)),
                             Location{file, pos.line, pos.column});
  } catch (const json::exception& e) {
    // Well-formed but unrepresentable, e.g. "[json.exception.out_of_range.406] number overflow parsing '1e999'".
    std::string what = e.what();
    auto bracket = what.find("] ");
    return Status::bad_input("not valid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)),
                             Location{file});
  }
  Reader r(filename);
  KUNREN_RETURN_IF_ERROR(r.object(root, ""));
  std::string schema;
  KUNREN_RETURN_IF_ERROR(r.text(root, "schema", "", schema));
  if (schema != k_schema) {
    return r.error("schema", fmt::format("'{}' is not a Kunren campaign bundle ({} expected)", schema, k_schema));
  }
  CampaignBundle b;

  // campaign
  auto cit = root.find("campaign");
  if (cit == root.end()) return r.error("campaign", "missing");
  KUNREN_RETURN_IF_ERROR(r.object(*cit, "campaign"));
  auto& c = b.campaign;
  std::string state;
  std::int64_t k = 0;
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "id", "campaign", c.id));
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "title", "campaign", c.title));
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "checklist_id", "campaign", c.checklist_id));
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "checklist_version", "campaign", c.checklist_version));
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "opens_on", "campaign", c.opens_on, true));
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "closes_on", "campaign", c.closes_on, true));
  KUNREN_RETURN_IF_ERROR(r.integer(*cit, "min_group", "campaign", k, 1, 1'000'000));
  c.min_group = static_cast<int>(k);
  KUNREN_RETURN_IF_ERROR(r.text(*cit, "state", "campaign", state));
  auto cs = parse_campaign_state(state);
  if (!cs) return r.error("campaign.state", fmt::format("unknown campaign state '{}'", state));
  c.state = *cs;
  KUNREN_RETURN_IF_ERROR(r.time(*cit, "created_at", "campaign", c.created_at));
  KUNREN_RETURN_IF_ERROR(r.time(*cit, "updated_at", "campaign", c.updated_at));
  KUNREN_RETURN_IF_ERROR(r.texts(*cit, "coordinators", "campaign", c.coordinators));  // absent in older bundles

  // checklist: its content must still hash to the recorded value
  auto kit = root.find("checklist");
  if (kit == root.end()) return r.error("checklist", "missing");
  KUNREN_RETURN_IF_ERROR(r.object(*kit, "checklist"));
  auto& cl = b.checklist;
  KUNREN_RETURN_IF_ERROR(r.text(*kit, "id", "checklist", cl.id));
  KUNREN_RETURN_IF_ERROR(r.text(*kit, "version", "checklist", cl.version));
  KUNREN_RETURN_IF_ERROR(r.text(*kit, "sha256", "checklist", cl.sha256));
  KUNREN_RETURN_IF_ERROR(r.time(*kit, "registered_at", "checklist", cl.registered_at));
  if (auto bit = kit->find("builtin"); bit != kit->end() && bit->is_boolean()) cl.builtin = bit->get<bool>();
  auto content = kit->find("content");
  if (content == kit->end() || !content->is_object()) return r.error("checklist.content", "expected an object");
  auto parsed = io::parse_checklist(content->dump(), file + " (checklist.content)");
  if (!parsed) return parsed.status();
  cl.content = io::write_checklist(*parsed, io::ChecklistFormat::kJson);
  if (util::sha256_hex(cl.content) != cl.sha256) {
    return r.error("checklist.sha256", "the checklist content does not match its sha256; the bundle was changed or damaged");
  }
  if (parsed->id != cl.id || parsed->version != cl.version || cl.id != c.checklist_id ||
      cl.version != c.checklist_version) {
    return r.error("checklist", "the checklist id and version do not match the campaign's");
  }

  // organizations
  KUNREN_RETURN_IF_ERROR(r.array(root, "organizations", ""));
  std::size_t i = 0;
  for (const auto& o : root["organizations"]) {
    const std::string path = fmt::format("organizations[{}]", i++);
    KUNREN_RETURN_IF_ERROR(r.object(o, path));
    OrgRecord org;
    KUNREN_RETURN_IF_ERROR(r.text(o, "id", path, org.id));
    KUNREN_RETURN_IF_ERROR(r.text(o, "name", path, org.name, true));
    KUNREN_RETURN_IF_ERROR(r.text(o, "industry", path, org.industry, true));
    KUNREN_RETURN_IF_ERROR(r.text(o, "size", path, org.size, true));
    KUNREN_RETURN_IF_ERROR(r.text(o, "pseudonym", path, org.pseudonym, true));
    KUNREN_RETURN_IF_ERROR(r.time(o, "created_at", path, org.created_at));
    if (org.id.empty()) return r.error(path + ".id", "empty");
    b.orgs.push_back(std::move(org));
  }

  // imports
  KUNREN_RETURN_IF_ERROR(r.array(root, "imports", ""));
  i = 0;
  for (const auto& im : root["imports"]) {
    const std::string path = fmt::format("imports[{}]", i++);
    KUNREN_RETURN_IF_ERROR(r.object(im, path));
    ImportRecord rec;
    rec.campaign = c.id;
    KUNREN_RETURN_IF_ERROR(r.integer(im, "id", path, rec.id, 1, INT64_MAX));
    KUNREN_RETURN_IF_ERROR(r.text(im, "filename", path, rec.filename));
    KUNREN_RETURN_IF_ERROR(r.text(im, "sha256", path, rec.sha256));
    KUNREN_RETURN_IF_ERROR(r.text(im, "actor", path, rec.actor));
    KUNREN_RETURN_IF_ERROR(r.time(im, "at", path, rec.at));
    KUNREN_RETURN_IF_ERROR(r.integer(im, "revisions", path, rec.revisions, 0, INT64_MAX));
    KUNREN_RETURN_IF_ERROR(r.integer(im, "unchanged", path, rec.unchanged, 0, INT64_MAX));
    b.imports.push_back(std::move(rec));
  }

  // revisions
  KUNREN_RETURN_IF_ERROR(r.array(root, "revisions", ""));
  i = 0;
  for (const auto& rv : root["revisions"]) {
    const std::string path = fmt::format("revisions[{}]", i++);
    KUNREN_RETURN_IF_ERROR(r.object(rv, path));
    Revision rev;
    rev.campaign = c.id;
    std::int64_t no = 0;
    KUNREN_RETURN_IF_ERROR(r.text(rv, "org", path, rev.org));
    KUNREN_RETURN_IF_ERROR(r.integer(rv, "no", path, no, 1, 1'000'000'000));
    rev.no = static_cast<int>(no);
    KUNREN_RETURN_IF_ERROR(r.text(rv, "state", path, state));
    auto rs = parse_revision_state(state);
    if (!rs) return r.error(path + ".state", fmt::format("unknown revision state '{}'", state));
    rev.state = *rs;
    KUNREN_RETURN_IF_ERROR(r.text(rv, "author", path, rev.author));
    KUNREN_RETURN_IF_ERROR(r.time(rv, "created_at", path, rev.created_at));
    KUNREN_RETURN_IF_ERROR(r.integer(rv, "import", path, rev.import_id, 1, INT64_MAX, true));
    KUNREN_RETURN_IF_ERROR(r.array(rv, "answers", path));
    std::size_t j = 0;
    for (const auto& a : rv["answers"]) {
      const std::string apath = fmt::format("{}.answers[{}]", path, j++);
      KUNREN_RETURN_IF_ERROR(r.object(a, apath));
      Answer ans;
      std::int64_t choice = 0;
      KUNREN_RETURN_IF_ERROR(r.text(a, "item", apath, ans.item));
      KUNREN_RETURN_IF_ERROR(r.integer(a, "choice", apath, choice, 1, 255, true));
      ans.choice = static_cast<std::uint8_t>(choice);
      KUNREN_RETURN_IF_ERROR(r.text(a, "comment", apath, ans.comment, true));
      KUNREN_RETURN_IF_ERROR(r.boolean(a, "review", apath, ans.review));
      KUNREN_RETURN_IF_ERROR(r.json_array(a, "evidence", apath, ans.evidence));
      rev.answers.push_back(std::move(ans));
    }
    b.revisions.push_back(std::move(rev));
  }

  // References inside the bundle must resolve.
  std::set<std::string> org_ids;
  for (const auto& o : b.orgs) {
    if (!org_ids.insert(o.id).second) return r.error("organizations", fmt::format("organisation '{}' appears twice", o.id));
  }
  std::set<std::int64_t> import_ids;
  for (const auto& im : b.imports) import_ids.insert(im.id);
  std::set<std::pair<std::string, int>> numbers;
  for (std::size_t n = 0; n < b.revisions.size(); ++n) {
    const auto& rev = b.revisions[n];
    const std::string path = fmt::format("revisions[{}]", n);
    if (org_ids.count(rev.org) == 0) {
      return r.error(path + ".org", fmt::format("organisation '{}' is not in the bundle's organizations", rev.org));
    }
    if (rev.import_id != 0 && import_ids.count(rev.import_id) == 0) {
      return r.error(path + ".import", fmt::format("import {} is not in the bundle's imports", rev.import_id));
    }
    if (!numbers.insert({rev.org, rev.no}).second) {
      return r.error(path + ".no", fmt::format("organisation '{}' has revision {} twice", rev.org, rev.no));
    }
  }
  return b;
}

}  // namespace kunren::store
