#include <kunren/cli/command.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include <kunren/util/utf8.hpp>

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

// Terminal columns a text takes: East Asian wide characters take two, so
// that tables with Japanese names line up.
static std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = util::utf8_sequence_length(s, i, &cp);
    if (n == 0) n = 1, cp = '?';
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    width += wide ? 2 : 1;
    i += n;
  }
  return width;
}

// Prints rows as columns padded to the widest cell; the last column is not padded.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - display_width(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  }
}

}  // namespace kunren::cli
