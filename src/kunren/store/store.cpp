#include <kunren/store/store.hpp>

#include <algorithm>
#include <cctype>
#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <unordered_set>

#include <fmt/format.h>

#include <kunren/io/checklist_io.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/util/sha256.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::store {

// --- time ----------------------------------------------------------------------

namespace {

std::string format_time(std::int64_t seconds, std::int64_t micros) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

Timestamp now_utc() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return format_time(us / 1'000'000, us % 1'000'000);
}

Timestamp timestamp_after(const Timestamp& t) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
  if (t.size() != 27 || !digits(t, 0, 4, year) || !digits(t, 5, 2, month) || !digits(t, 8, 2, day) ||
      !digits(t, 11, 2, hour) || !digits(t, 14, 2, minute) || !digits(t, 17, 2, second) || !digits(t, 20, 6, micros)) {
    return t;  // not canonical: cannot happen for times the store wrote
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::int64_t total = static_cast<std::int64_t>(timegm(&tm)) * 1'000'000 + micros + 1;
  return format_time(total / 1'000'000, total % 1'000'000);
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  auto bad = [&] {
    return Status::bad_input(fmt::format("'{}' is not a time; write e.g. 2026-11-26, 2026-11-26T09:30 or "
                                         "2026-11-26T09:30:00+09:00",
                                         text));
  };
  int year, month, day, hour = 23, minute = 59, second = 59;
  std::int64_t micros = 999'999;
  if (!digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day)) {
    return bad();
  }
  std::size_t pos = 10;
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return bad();
    if (!digits(text, pos + 1, 2, hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, minute)) {
      return bad();
    }
    pos += 6;
    second = 0;
    micros = 0;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits(text, pos + 1, 2, second)) return bad();
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t n = 0;
        std::int64_t scale = 100'000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (n < 6) micros += (text[pos] - '0') * scale, scale /= 10;
          ++pos, ++n;
        }
        if (n == 0) return bad();
      }
    }
    if (pos < text.size()) {
      if (text[pos] == 'Z' && pos + 1 == text.size()) {
        ++pos;
      } else if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
        int oh, om;
        if (!digits(text, pos + 1, 2, oh) || !digits(text, pos + 4, 2, om) || oh > 23 || om > 59) return bad();
        offset_minutes = (oh * 60 + om) * (text[pos] == '+' ? 1 : -1);
        pos = text.size();
      } else {
        return bad();
      }
    }
  }
  static constexpr std::array<int, 12> k_days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > k_days[month - 1] || (month == 2 && day == 29 && !leap) ||
      hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = std::min(second, 59);
  std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - std::int64_t{offset_minutes} * 60;
  return format_time(seconds, micros);
}

// --- enums -----------------------------------------------------------------------

namespace {

template <typename E, std::size_t N>
std::optional<E> parse_enum(std::string_view s, const std::array<const char*, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<const char*, 4> k_campaign_states = {"draft", "open", "closed", "published"};
constexpr std::array<const char*, 2> k_revision_states = {"draft", "submitted"};
constexpr std::array<const char*, 6> k_roles = {"admin",       "coordinator", "evaluator",
                                                "facilitator", "participant", "observer"};

}  // namespace

const char* to_string(CampaignState s) { return k_campaign_states[static_cast<std::size_t>(s)]; }
const char* to_string(RevisionState s) { return k_revision_states[static_cast<std::size_t>(s)]; }
const char* to_string(Role r) { return k_roles[static_cast<std::size_t>(r)]; }
std::optional<CampaignState> parse_campaign_state(std::string_view s) {
  return parse_enum<CampaignState>(s, k_campaign_states);
}
std::optional<RevisionState> parse_revision_state(std::string_view s) {
  return parse_enum<RevisionState>(s, k_revision_states);
}
std::optional<Role> parse_role(std::string_view s) { return parse_enum<Role>(s, k_roles); }

const std::vector<Role>& all_roles() {
  static const std::vector<Role> k_all = {Role::kAdmin,       Role::kCoordinator, Role::kEvaluator,
                                          Role::kFacilitator, Role::kParticipant, Role::kObserver};
  return k_all;
}

bool campaign_transition_allowed(CampaignState from, CampaignState to) {
  using S = CampaignState;
  return (from == S::kDraft && to == S::kOpen) || (from == S::kOpen && to == S::kClosed) ||
         (from == S::kClosed && to == S::kPublished) || (from == S::kClosed && to == S::kOpen);
}

std::string transition_refusal(const std::string& campaign, CampaignState from, CampaignState to) {
  if (from == to) return fmt::format("campaign '{}' is already {}", campaign, to_string(to));
  const char* hint = "";
  switch (from) {
    case CampaignState::kDraft: hint = "; a draft campaign can only be opened"; break;
    case CampaignState::kOpen: hint = "; an open campaign can only be closed"; break;
    case CampaignState::kClosed: hint = "; a closed campaign can be published or reopened"; break;
    case CampaignState::kPublished: hint = "; a published campaign stays published"; break;
  }
  return fmt::format("campaign '{}' is {} and cannot become {}{}", campaign, to_string(from), to_string(to), hint);
}

// --- shared rules ------------------------------------------------------------------

Result<std::shared_ptr<const model::Checklist>> checklist_of(const ChecklistRecord& record) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const model::Checklist>> cache;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(record.sha256); it != cache.end()) return it->second;
  }
  // Only a content that hashes to its key may enter the process-wide cache.
  if (util::sha256_hex(record.content) != record.sha256) {
    return Status::bad_input(fmt::format("checklist '{}' version '{}': the sha256 does not match the content",
                                         record.id, record.version));
  }
  io::ChecklistLoadOptions options;
  options.trusted = true;  // written by the store itself from a validated checklist
  auto parsed = io::parse_checklist(record.content, fmt::format("checklist {} {}", record.id, record.version), options);
  if (!parsed) return parsed.status();
  auto shared = std::make_shared<const model::Checklist>(std::move(parsed).value());
  std::lock_guard lock(mutex);
  cache.emplace(record.sha256, shared);
  return shared;
}

std::string canonical_evidence(const std::string& evidence) {
  if (evidence.empty()) return evidence;
  const auto links = nlohmann::json::parse(evidence, nullptr, false);
  if (links.is_discarded() || !links.is_array()) return evidence;  // check_new_revision refuses it
  if (links.empty()) return std::string();
  return links.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Answer> normalized_answers(std::vector<Answer> answers) {
  std::sort(answers.begin(), answers.end(), [](const Answer& a, const Answer& b) { return a.item < b.item; });
  for (auto& a : answers) {
    if (!a.evidence.empty()) a.evidence = canonical_evidence(a.evidence);
  }
  return answers;
}

Status check_new_revision(const model::Checklist& checklist, const NewRevision& revision) {
  std::unordered_set<std::string_view> seen;
  for (const auto& a : revision.answers) {
    Location where{{}, 0, 0, a.item};
    auto index = checklist.find_item(a.item);
    if (!index) {
      return Status::bad_input(
          fmt::format("organisation '{}': item '{}' is not in checklist {} {}", revision.org, a.item, checklist.id,
                      checklist.version),
          where);
    }
    if (!seen.insert(a.item).second) {
      return Status::bad_input(fmt::format("organisation '{}': item '{}' is answered twice", revision.org, a.item),
                               where);
    }
    const auto k = checklist.items[*index].choices.size();
    if (a.choice > k) {
      return Status::bad_input(fmt::format("organisation '{}': item '{}' has choices 1..{}, not {}", revision.org,
                                           a.item, k, a.choice),
                               where);
    }
    if (a.choice == 0 && a.comment.empty() && !a.review) {
      return Status::bad_input(fmt::format("organisation '{}': item '{}' has no answer, no comment and no review mark",
                                           revision.org, a.item),
                               where);
    }
    for (std::size_t i = 0; i < a.comment.size();) {
      char32_t cp = 0;
      std::size_t n = util::utf8_sequence_length(a.comment, i, &cp);
      if (n == 0) {
        return Status::bad_input(
            fmt::format("organisation '{}': the comment on item '{}' is not valid UTF-8", revision.org, a.item), where);
      }
      if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f) {
        return Status::bad_input(
            fmt::format("organisation '{}': the comment on item '{}' contains a control character", revision.org,
                        a.item),
            where);
      }
      i += n;
    }
    if (!a.evidence.empty()) {
      Location field{{}, 0, 0, a.item + ".evidence"};
      const std::string what = fmt::format("organisation '{}': the evidence on item '{}'", revision.org, a.item);
      Status text = check_text(a.evidence, what, true);
      if (!text) return Status::bad_input(text.message(), field);
      const auto links = nlohmann::json::parse(a.evidence, nullptr, false);
      if (links.is_discarded() || !links.is_array()) {
        return Status::bad_input(what + " is not a JSON array", field);
      }
    }
  }
  return Status::ok();
}

// --- opening ---------------------------------------------------------------------

std::string default_store_url() {
  const char* env = std::getenv("KUNREN_DB");
  if (env != nullptr && *env != '\0') return env;
  return "sqlite:kunren.db";
}

std::string redact_url(const std::string& url) {
  // postgresql://user:secret@host/db → postgresql://user:***@host/db
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto at = url.find('@', scheme + 3);
  auto slash = url.find('/', scheme + 3);
  std::string out = url;
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    auto colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  // …?password=secret&… as a query parameter
  for (std::size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    auto end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - (p + 9), "***");
  }
  return out;
}

namespace {

// Where the password sits in a URL: [begin, end) of the userinfo password and
// of every password= parameter value.
std::vector<std::pair<std::size_t, std::size_t>> password_spans(const std::string& url) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return spans;
  auto at = url.find('@', scheme + 3);
  auto slash = url.find('/', scheme + 3);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    auto colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) spans.emplace_back(colon + 1, at);
  }
  for (auto p = url.find("password=", url.find('?')); p != std::string::npos && url.find('?') != std::string::npos;
       p = url.find("password=", p + 1)) {
    auto end = url.find('&', p);
    spans.emplace_back(p + 9, end == std::string::npos ? url.size() : end);
  }
  return spans;
}

std::string percent_decoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string url_without_password(const std::string& url) {
  std::string out = url;
  auto spans = password_spans(url);
  // Remove from the back so earlier offsets stay valid: ":secret" before '@',
  // "password=secret" with its '&' (or the '?' if it was the only parameter).
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    auto [begin, end] = *it;
    if (out.compare(begin - 9, 9, "password=") == 0) {
      std::size_t from = begin - 9, to = end;
      if (to < out.size() && out[to] == '&') {
        ++to;
      } else if (from > 0 && (out[from - 1] == '&' || out[from - 1] == '?')) {
        --from;
      }
      out.erase(from, to - from);
    } else {
      out.erase(begin - 1, end - begin + 1);
    }
  }
  return out;
}

std::string redact_secrets(std::string text, const std::string& url) {
  for (auto [begin, end] : password_spans(url)) {
    const std::string raw = url.substr(begin, end - begin);
    for (const std::string& secret : {raw, percent_decoded(raw)}) {
      if (secret.empty()) continue;
      for (auto p = text.find(secret); p != std::string::npos; p = text.find(secret, p + 3)) text.replace(p, secret.size(), "***");
    }
  }
  return text;
}

Result<std::unique_ptr<Store>> open_store(const std::string& url, const OpenOptions& options) {
  auto starts = [&](std::string_view prefix) { return url.rfind(prefix, 0) == 0; };
  if (url == "memory:") return make_memory_store();
  if (starts("postgresql://") || starts("postgres://")) return open_postgres_store(url, options);
  std::string path = url;
  if (starts("sqlite://")) {
    path = url.substr(9);
  } else if (starts("sqlite:")) {
    path = url.substr(7);
  } else if (url.find("://") != std::string::npos || url.empty()) {
    return Status::bad_input(fmt::format("unknown database URL '{}'; use sqlite:PATH or postgresql://user@host:port/db",
                                         redact_url(url)),
                             Location{{}, 0, 0, "--db"});
  }
  if (path.empty()) {
    return Status::bad_input("the sqlite: URL names no file; use e.g. sqlite:kunren.db", Location{{}, 0, 0, "--db"});
  }
  return open_sqlite_store(path, url, options);
}

}  // namespace kunren::store
