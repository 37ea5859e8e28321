// Signed offline submission packages (io/package.hpp, store/packages.hpp)
// and the organisations' signing keys:
//
//   package keygen   a new Ed25519 key pair: the secret key file (mode 0600,
//                    never overwritten) and ORG.pub beside it; prints the
//                    public key and its key id to register at the coordinator
//   package export   the organisation's latest submitted evaluation (and,
//                    with --with-drills, its drills' summaries), signed
//   package import   verifies and imports a package (exit 0 for a duplicate,
//                    4 for a replayed older package or a closed campaign,
//                    2 for anything wrong with the file; nothing written then)
//   package inspect  prints a package's manifest and checks what needs no
//                    store (with --public-key, the signature too)
//   package list     the packages imported into a campaign
//   org key add|list|revoke   the public keys registered per organisation
//
// Sections: helpers, then one define_* per command.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <fmt/format.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

#include <kunren/cli/command.hpp>
#include <kunren/io/package.hpp>
#include <kunren/store/packages.hpp>
#include <kunren/util/file.hpp>
#include <kunren/util/signing.hpp>

namespace kunren::cli {

namespace {

using nlohmann::json;

// Writes `content` to a new file `path` with mode 0600; refuses an existing
// file (O_EXCL), removes a partly written one.
Status write_new_secret_file(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return Status::conflict(fmt::format("{} exists; a key file is never overwritten (choose another name, or "
                                          "remove the old key once nothing needs it)",
                                          path),
                              Location(path));
    return Status::io_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)), Location(path));
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status::io_error(fmt::format("cannot write {}: {}", path, std::strerror(err)), Location(path));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(path.c_str());
    return Status::io_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)), Location(path));
  }
  return Status::ok();
}

// "plant.key" → "plant.pub"; other names get ".pub" appended.
std::string public_path_for(const std::string& key_path) {
  constexpr std::string_view k_ext = ".key";
  if (key_path.size() > k_ext.size() && key_path.compare(key_path.size() - k_ext.size(), k_ext.size(), k_ext) == 0)
    return key_path.substr(0, key_path.size() - k_ext.size()) + ".pub";
  return key_path + ".pub";
}

Result<util::KeyFile> load_key_file(const std::string& path) {
  auto file = util::MappedFile::open(path);
  if (!file) return file.status();
  return util::read_key_file(file->data(), path);
}

std::string revision_text(store::Store& db, const store::PackageImportResult& r) {
  if (r.record.revision_id == 0) return "answers unchanged since the latest revision: no new revision";
  auto history = db.revision_history(r.record.campaign, r.record.org);
  if (history) {
    for (const auto& rev : *history)
      if (rev.id == r.record.revision_id) return fmt::format("submitted revision {} created", rev.no);
  }
  return fmt::format("submitted revision created (id {})", r.record.revision_id);
}

void print_manifest(const io::Package& p, std::ostream& out) {
  const auto& m = p.manifest;
  out << fmt::format("format:     {}\n", io::k_package_format);
  out << fmt::format("campaign:   {}\n", m.campaign);
  out << fmt::format("org:        {}\n", m.org);
  out << fmt::format("checklist:  {} {} (sha256 {})\n", m.checklist_id, m.checklist_version, m.checklist_sha256);
  out << fmt::format("created at: {}\n", m.created_at);
  out << fmt::format("revision:   {} of {}\n", m.revision_no, m.revision_created_at);
  out << fmt::format("key id:     {}\n", m.key_id);
  out << fmt::format("sha256:     {}\n", p.sha256);
  out << "files:\n";
  for (const auto& f : m.files) out << fmt::format("  {:<16} {:>8} bytes  sha256 {}  ok\n", f.path, f.bytes, f.sha256);
}

}  // namespace

// --- package keygen ------------------------------------------------------------------

Handler define_package_keygen(CLI::App& app) {
  struct Opts {
    std::string org, out;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--org", o->org, "Organisation the key signs for")->required();
  app.add_option("-o,--output", o->out, "Secret key file to create, e.g. ORG.key (never overwritten)")->required();
  app.footer(
      "Writes the secret key file (mode 0600) and the public key beside it (ORG.pub). Keep the secret key "
      "at the plant; give the public key to the coordinator ('kunren org key add').");
  return [o]() -> Status {
    if (o->out == "-")
      return Status::bad_input("a secret key is never written to standard output", Location({}, 0, 0, "-o"));
    const std::string pub_path = public_path_for(o->out);
    struct stat st {};
    if (::stat(pub_path.c_str(), &st) == 0)
      return Status::conflict(fmt::format("{} exists; remove it or choose another -o name", pub_path),
                              Location(pub_path));
    auto pair = util::generate_key_pair();
    if (!pair) return pair.status();
    util::KeyFile key;
    key.org = o->org;
    key.public_key = pair->public_key;
    key.key_id = util::key_id(pair->public_key);
    key.secret_key = std::move(pair->secret_key);
    std::string text = util::write_key_file(key);
    Status written = write_new_secret_file(o->out, text);
    sodium_memzero(text.data(), text.size());
    KUNREN_RETURN_IF_ERROR(written);
    const std::string pub = util::public_key_base64(key.public_key);
    Status pub_written = util::write_file_atomic(pub_path, pub + "\n");
    if (!pub_written.is_ok()) {
      ::unlink(o->out.c_str());
      return pub_written;
    }
    std::cout << fmt::format("secret key: {} (keep it at the plant; mode 0600)\n", o->out);
    std::cout << fmt::format("public key: {}\n", pub);
    std::cout << fmt::format("key id:     {}\n", key.key_id);
    std::cout << fmt::format("register it at the coordinator:\n  kunren org key add --org {} --file {}\n", o->org,
                             pub_path);
    return Status::ok();
  };
}

// --- package export ------------------------------------------------------------------

Handler define_package_export(CLI::App& app) {
  struct Opts {
    std::string url, campaign, org, out, key;
    bool with_drills = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--campaign", o->campaign, "Campaign")->required();
  app.add_option("--org", o->org, "Organisation whose latest submitted evaluation is exported")->required();
  app.add_option("-o,--output", o->out, "Package file to write (e.g. ORG.kunren)")->required();
  app.add_option("--key", o->key, "The organisation's secret key file (default: ORG.key)");
  app.add_flag("--with-drills", o->with_drills, "Add the organisation's drills in the campaign (summaries)");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto key = load_key_file(o->key.empty() ? o->org + ".key" : o->key);
    if (!key) return key.status();
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    store::MakePackageOptions options;
    options.with_drills = o->with_drills;
    auto text = store::make_package(**db, o->campaign, o->org, *key, options);
    if (!text) return text.status();
    // The package holds the organisation's answers and comments: owner-only, like a bundle.
    KUNREN_RETURN_IF_ERROR(util::write_file_atomic(o->out, *text, util::FileAccess::kOwnerOnly));
    auto package = io::read_package(*text, o->out);
    if (!package) return Status::internal("the package written does not read back: " + package.status().to_string());
    store::AuditEntry e;
    e.actor = cli_actor().name;
    e.action = "package.export";
    e.object_type = "campaign";
    e.object_id = o->campaign;
    e.detail = json{{"org", o->org},
                    {"file", o->out},
                    {"sha256", package->sha256},
                    {"key_id", key->key_id},
                    {"revision", package->manifest.revision_no}}
                   .dump();
    KUNREN_RETURN_IF_ERROR((*db)->append_audit(e));
    std::cout << fmt::format("{}: revision {} of {} in campaign {}, signed with key {}{}\n", o->out,
                             package->manifest.revision_no, o->org, o->campaign, key->key_id,
                             o->with_drills ? " (with drills)" : "");
    return Status::ok();
  };
}

// --- package import ------------------------------------------------------------------

Handler define_package_import(CLI::App& app) {
  struct Opts {
    std::string url, file, campaign;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->file, "Package file (.kunren)")->required();
  app.add_option("--campaign", o->campaign, "Refuse a package for any other campaign");
  add_db_option(app, o->url);
  app.footer(
      "Exit codes: 0 imported (or already imported: nothing written), 2 the package is damaged, unsigned "
      "or not for this campaign, 4 an older package than one already imported, or the campaign is not open.");
  return [o]() -> Status {
    auto file = util::MappedFile::open(o->file);
    if (!file) return file.status();
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto outcome = store::import_package_file(**db, file->data(), o->file, cli_actor(), o->campaign);
    if (!outcome) return outcome.status();
    const auto& r = outcome->result;
    const auto& m = outcome->package.manifest;
    if (r.duplicate) {
      std::cout << fmt::format("{}: already imported on {} by {} (as {}); nothing written\n", o->file,
                               r.record.imported_at, r.record.imported_by, r.record.filename);
      return Status::ok();
    }
    std::cout << fmt::format(
        "{}: package of {} for campaign {} made {} (key {}) imported: {}; {} answers{}\n", o->file, m.org, m.campaign,
        m.created_at, m.key_id, revision_text(**db, r), outcome->answers,
        outcome->package.files.count(io::k_drills_path) ? fmt::format(", {} drills", outcome->drills) : "");
    return Status::ok();
  };
}

// --- package inspect -----------------------------------------------------------------

Handler define_package_inspect(CLI::App& app) {
  struct Opts {
    std::string file, public_key, key_file;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->file, "Package file (.kunren)")->required();
  app.add_option("--public-key", o->public_key, "Also verify the signature with this public key (base64)");
  app.add_option("--public-key-file", o->key_file,
                 "Also verify the signature with the public key in this file (ORG.pub)");
  app.footer(
      "Checks the format, the manifest, every file's size and SHA-256 and the evaluation's shape; the "
      "signature only with a public key given (the coordinator's 'package import' checks it against the "
      "registered keys).");
  return [o]() -> Status {
    auto file = util::MappedFile::open(o->file);
    if (!file) return file.status();
    auto package = io::read_package(file->data(), o->file);
    if (!package) return package.status();
    print_manifest(*package, std::cout);
    auto answers = io::read_evaluation_json(package->files.at(io::k_evaluation_path), o->file);
    if (!answers) return answers.status();
    std::cout << fmt::format("evaluation: {} answers\n", answers->size());
    if (auto it = package->files.find(io::k_drills_path); it != package->files.end()) {
      auto drills = io::read_drills_json(it->second, o->file);
      if (!drills) return drills.status();
      std::cout << fmt::format("drills:     {}\n", drills->size());
      for (const auto& d : *drills)
        std::cout << fmt::format("  {}  {} {}  {}  {} events  {}\n", d.id, d.scenario_id, d.scenario_version, d.state,
                                 d.last_seq, d.title);
    }
    std::string pub = o->public_key;
    if (!o->key_file.empty()) {
      auto kf = util::MappedFile::open(o->key_file);
      if (!kf) return kf.status();
      pub = std::string(kf->data());
    }
    if (pub.empty()) {
      std::cout << "signature:  not checked (give --public-key or --public-key-file)\n";
      return Status::ok();
    }
    auto key = util::parse_public_key(pub, "--public-key");
    if (!key) return key.status();
    io::TrustedKey trusted{util::key_id(*key), util::public_key_base64(*key), false, {}};
    KUNREN_RETURN_IF_ERROR(io::verify_package_signature(*package, {trusted}, o->file));
    std::cout << fmt::format("signature:  ok (ed25519, key {})\n", trusted.key_id);
    return Status::ok();
  };
}

// --- package list --------------------------------------------------------------------

Handler define_package_list(CLI::App& app) {
  struct Opts {
    std::string url, campaign, format = "table";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--campaign", o->campaign, "Campaign")->required();
  app.add_option("--format", o->format, "table|json (default table)")->check(CLI::IsMember({"table", "json"}));
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto campaign = (*db)->get_campaign(o->campaign);
    if (!campaign) return campaign.status();
    auto list = (*db)->list_packages(o->campaign);
    if (!list) return list.status();
    if (o->format == "json") {
      json out = json::array();
      for (const auto& p : *list)
        out.push_back({{"id", p.id},
                       {"org", p.org},
                       {"created_at", p.created_at},
                       {"key_id", p.key_id},
                       {"sha256", p.sha256},
                       {"filename", p.filename},
                       {"revision_id", p.revision_id},
                       {"imported_by", p.imported_by},
                       {"imported_at", p.imported_at}});
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {
        {"ID", "ORG", "CREATED", "KEY", "REVISION", "IMPORTED", "BY", "FILE"}};
    for (const auto& p : *list)
      rows.push_back({std::to_string(p.id), p.org, p.created_at, p.key_id,
                      p.revision_id ? std::to_string(p.revision_id) : "unchanged", p.imported_at, p.imported_by,
                      p.filename});
    print_table(rows);
    return Status::ok();
  };
}

// --- org key add|list|revoke -------------------------------------------------------------

Handler define_org_key(CLI::App& app) {
  struct Opts {
    std::string url, org, public_key, file, key_id;
    CLI::App* add = nullptr;
    CLI::App* list = nullptr;
    CLI::App* revoke = nullptr;
  };
  auto o = std::make_shared<Opts>();
  app.require_subcommand(1);
  o->add = app.add_subcommand("add", "Register an organisation's public signing key (from 'kunren package keygen')");
  o->add->add_option("--org", o->org, "Organisation")->required();
  auto* pk = o->add->add_option("--public-key", o->public_key, "The public key (base64, 32 bytes)");
  auto* pf = o->add->add_option("--file", o->file, "A file holding the public key (ORG.pub)");
  pk->excludes(pf);
  add_db_option(*o->add, o->url);
  o->list = app.add_subcommand("list", "List an organisation's signing keys (in force and revoked)");
  o->list->add_option("--org", o->org, "Organisation")->required();
  add_db_option(*o->list, o->url);
  o->revoke = app.add_subcommand("revoke", "Revoke a signing key: packages signed with it are refused from now on");
  o->revoke->add_option("--org", o->org, "Organisation")->required();
  o->revoke->add_option("--key-id", o->key_id, "Key id (16 hex digits)")->required();
  add_db_option(*o->revoke, o->url);
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    if (o->add->parsed()) {
      std::string text = o->public_key;
      std::string field = "--public-key";
      if (!o->file.empty()) {
        auto f = util::MappedFile::open(o->file);
        if (!f) return f.status();
        text = std::string(f->data());
        field = o->file;
      } else if (text.empty()) {
        return Status::bad_input("give the public key with --public-key B64 or --file ORG.pub",
                                 Location({}, 0, 0, "--public-key"));
      }
      auto key = util::parse_public_key(text, field);
      if (!key) return key.status();
      store::OrgKey k;
      k.org = o->org;
      k.key_id = util::key_id(*key);
      k.public_key = util::public_key_base64(*key);
      KUNREN_RETURN_IF_ERROR((*db)->add_org_key(k, cli_actor()));
      std::cout << fmt::format("key {} registered for organisation {}\n", k.key_id, o->org);
      return Status::ok();
    }
    if (o->list->parsed()) {
      auto keys = (*db)->list_org_keys(o->org);
      if (!keys) return keys.status();
      std::vector<std::vector<std::string>> rows = {{"KEY ID", "STATE", "ADDED", "BY", "REVOKED", "PUBLIC KEY"}};
      for (const auto& k : *keys)
        rows.push_back({k.key_id, k.revoked_at.empty() ? "in force" : "revoked", k.added_at, k.added_by, k.revoked_at,
                        k.public_key});
      print_table(rows);
      return Status::ok();
    }
    KUNREN_RETURN_IF_ERROR((*db)->revoke_org_key(o->org, o->key_id, cli_actor()));
    std::cout << fmt::format("key {} of organisation {} revoked\n", o->key_id, o->org);
    return Status::ok();
  };
}

}  // namespace kunren::cli
