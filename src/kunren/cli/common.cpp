#include <kunren/cli/command.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include <fmt/format.h>

namespace kunren::cli {

void warn(const Warnings& warnings) {
  for (const auto& w : warnings) std::cerr << "kunren: " << w.to_string() << '\n';
}

std::string generation_time() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) t = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

Result<io::Encoding> encoding_option(const std::string& name) {
  auto e = io::parse_encoding(name);
  if (!e) return Status::bad_input(fmt::format("unknown encoding '{}'; use auto, utf-8 or cp932", name), Location{{}, 0, 0, "--encoding"});
  return *e;
}

void add_db_option(CLI::App& app, std::string& url) {
  url = store::default_store_url();
  app.add_option("--db", url, "Database: sqlite:PATH or postgresql://user@host:port/db (default $KUNREN_DB, else sqlite:kunren.db)");
}

Result<std::unique_ptr<store::Store>> open_for_command(const std::string& url) {
  return store::open_store(url, store::OpenOptions{});
}

store::Actor cli_actor() {
  std::string user;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) user = pw->pw_name;
  if (user.empty()) {
    const char* env = std::getenv("USER");
    user = env != nullptr ? env : std::to_string(geteuid());
  }
  return store::Actor{"cli:" + user};
}

}  // namespace kunren::cli
