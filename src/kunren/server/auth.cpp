#include <kunren/server/auth.hpp>

#include <arpa/inet.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/util/password.hpp>

namespace kunren::server {
namespace {

using std::chrono::seconds;

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  // Without libsodium there is no randomness to make sessions from: nothing
  // sensible can continue.
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

constexpr std::size_t k_token_bytes = 32;
constexpr std::size_t k_token_chars = 43;  // base64url of 32 bytes, no padding

// BLAKE2b-256 of a session id: the map key, so that the lookup's timing
// depends on the digest, not on the id.
std::string digest(std::string_view id) {
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(id.data()), id.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

bool is_login(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
           ch == '_' || ch == '@' || ch == '-';
  });
}

// Seconds to wait until `until`, rounded up, at least 1.
seconds wait_until(TimePoint until, TimePoint now) {
  auto left = std::chrono::ceil<seconds>(until - now);
  return std::max(left, seconds(1));
}

void drop_old(std::vector<TimePoint>& failures, TimePoint now, seconds window) {
  auto first_kept = std::find_if(failures.begin(), failures.end(), [&](TimePoint t) { return now - t < window; });
  failures.erase(failures.begin(), first_kept);
}

// An audit entry for a sign-in event. The login goes into actor and object
// only when it is a well-formed login; otherwise it is kept, escaped and cut
// short, in the detail. Never the password.
Status audit_sign_in(store::Store& store, const std::string& action, const std::string& login,
                     const std::string& address, const char* reason) {
  nlohmann::json detail = {{"address", address}};
  if (reason != nullptr) detail["reason"] = reason;
  store::AuditEntry e;
  e.action = action;
  e.object_type = "user";
  if (is_login(login)) {
    e.actor = "user:" + login;
    e.object_id = login;
  } else {
    e.actor = "anonymous";
    detail["login"] = login.substr(0, 64);
  }
  e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return store.append_audit(e);
}

std::string account_key(const std::string& login) {
  if (login.size() <= 256) return login;
  return "#" + digest(login);  // cannot collide with a login, which has no '#'
}

}  // namespace

// --- tokens ---------------------------------------------------------------------

std::string random_token() {
  ensure_sodium();
  std::array<unsigned char, k_token_bytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(k_token_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(text.data());
}

bool tokens_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are public: every token has 43 characters
  ensure_sodium();
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// --- sessions -------------------------------------------------------------------

SessionManager::SessionManager(SessionOptions options) : m_options(options) {}

bool SessionManager::expired(const Session& s, TimePoint now) const {
  return now - s.last_seen >= m_options.idle_timeout || now - s.created_at >= m_options.absolute_timeout;
}

std::unordered_map<std::string, Session>::iterator SessionManager::lookup_locked(std::string_view id) {
  if (id.size() != k_token_chars) return m_sessions.end();
  auto it = m_sessions.find(digest(id));
  if (it == m_sessions.end() || !tokens_equal(it->second.id, id)) return m_sessions.end();
  return it;
}

Session SessionManager::insert_locked(std::string login, TimePoint created_at, TimePoint now) {
  if (m_sessions.size() >= m_options.max_sessions) {
    std::erase_if(m_sessions, [&](const auto& kv) { return expired(kv.second, now); });
    while (!m_sessions.empty() && m_sessions.size() >= m_options.max_sessions) {
      auto lru = std::min_element(m_sessions.begin(), m_sessions.end(), [](const auto& a, const auto& b) {
        return a.second.last_seen < b.second.last_seen;
      });
      m_sessions.erase(lru);
    }
  }
  Session s;
  s.id = random_token();
  s.csrf_token = random_token();
  s.login = std::move(login);
  s.created_at = created_at;
  s.last_seen = now;
  m_sessions.emplace(digest(s.id), s);
  return s;
}

Session SessionManager::create(const std::string& login, TimePoint now) {
  std::lock_guard lock(m_mutex);
  return insert_locked(login, now, now);
}

std::optional<Session> SessionManager::find(std::string_view id, TimePoint now) {
  std::lock_guard lock(m_mutex);
  auto it = lookup_locked(id);
  if (it == m_sessions.end()) return std::nullopt;
  if (expired(it->second, now)) {
    m_sessions.erase(it);
    return std::nullopt;
  }
  return it->second;
}

bool SessionManager::touch(std::string_view id, TimePoint now) {
  std::lock_guard lock(m_mutex);
  auto it = lookup_locked(id);
  if (it == m_sessions.end()) return false;
  if (expired(it->second, now)) {
    m_sessions.erase(it);
    return false;
  }
  it->second.last_seen = std::max(it->second.last_seen, now);
  return true;
}

void SessionManager::destroy(std::string_view id) {
  std::lock_guard lock(m_mutex);
  auto it = lookup_locked(id);
  if (it != m_sessions.end()) m_sessions.erase(it);
}

std::size_t SessionManager::destroy_all_for(std::string_view login) {
  std::lock_guard lock(m_mutex);
  return std::erase_if(m_sessions, [&](const auto& kv) { return kv.second.login == login; });
}

std::optional<Session> SessionManager::rotate(std::string_view old_id, TimePoint now) {
  std::lock_guard lock(m_mutex);
  auto it = lookup_locked(old_id);
  if (it == m_sessions.end()) return std::nullopt;
  if (expired(it->second, now)) {
    m_sessions.erase(it);
    return std::nullopt;
  }
  Session old = std::move(it->second);
  m_sessions.erase(it);
  return insert_locked(std::move(old.login), old.created_at, std::max(old.last_seen, now));
}

bool SessionManager::csrf_ok(const Session& session, std::string_view token) {
  return !session.csrf_token.empty() && tokens_equal(session.csrf_token, token);
}

std::size_t SessionManager::purge_expired(TimePoint now) {
  std::lock_guard lock(m_mutex);
  return std::erase_if(m_sessions, [&](const auto& kv) { return expired(kv.second, now); });
}

std::size_t SessionManager::size() const {
  std::lock_guard lock(m_mutex);
  return m_sessions.size();
}

// --- addresses ------------------------------------------------------------------

std::string address_key(const std::string& address) {
  std::string text = address;
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto zone = text.find('%'); zone != std::string::npos) text.resize(zone);
  in6_addr v6{};
  if (text.find(':') != std::string::npos && inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    const unsigned char* b = v6.s6_addr;
    static constexpr unsigned char k_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(b, b + 12, k_mapped)) return fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
    return fmt::format("{:x}:{:x}:{:x}:{:x}::/64", (b[0] << 8) | b[1], (b[2] << 8) | b[3], (b[4] << 8) | b[5],
                       (b[6] << 8) | b[7]);
  }
  return text;
}

// --- sign-in --------------------------------------------------------------------

const char* to_string(SignInCode code) {
  switch (code) {
    case SignInCode::kOk: return "ok";
    case SignInCode::kInvalidCredentials: return "invalid_credentials";
    case SignInCode::kDisabled: return "disabled";
    case SignInCode::kThrottled: return "throttled";
    case SignInCode::kError: return "error";
  }
  return "?";
}

const std::string& Authenticator::dummy_hash() {
  static const std::string hash =
      "$argon2id$v=19$m=65536,t=2,p=1$dF0uNeRnYIgvFRuMqDGiZw$6xDDS2ivkYyDwky7QMygdW3eHsKGoSR+J5SeR3kQ9Sc";
  return hash;
}

Result<std::unique_ptr<Authenticator>> Authenticator::create(SessionManager& sessions, AuthOptions options) {
  return std::unique_ptr<Authenticator>(new Authenticator(sessions, std::move(options), dummy_hash()));
}

Authenticator::Authenticator(SessionManager& sessions, AuthOptions options, std::string dummy_hash)
    : m_sessions(sessions), m_options(std::move(options)), m_dummy_hash(std::move(dummy_hash)) {}

seconds Authenticator::wait_locked(const std::string& account, const std::string& address, TimePoint now) {
  const auto& t = m_options.throttle;
  seconds wait{0};
  if (auto it = m_accounts.find(account); it != m_accounts.end()) {
    Counter& c = it->second;
    drop_old(c.failures, now, t.window);
    if (c.locked_until > now) {
      wait = std::max(wait, wait_until(c.locked_until, now));
    } else if (static_cast<int>(c.failures.size()) + c.in_flight >= t.account_max_failures) {
      wait = std::max(wait, seconds(1));  // attempts in flight fill the allowance
    }
  }
  if (auto it = m_addresses.find(address); it != m_addresses.end()) {
    Counter& c = it->second;
    drop_old(c.failures, now, t.window);
    const int max = t.address_max_failures;
    const int count = static_cast<int>(c.failures.size());
    if (count >= max) {
      // Allowed again once enough of the failures have left the window.
      wait = std::max(wait, wait_until(c.failures[static_cast<std::size_t>(count - max)] + t.window, now));
    } else if (count + c.in_flight >= max) {
      wait = std::max(wait, seconds(1));
    }
  }
  return wait;
}

void Authenticator::prune_locked(std::unordered_map<std::string, Counter>& map, TimePoint now) {
  const auto& t = m_options.throttle;
  if (map.size() < t.max_tracked) return;
  std::erase_if(map, [&](const auto& kv) {
    const Counter& c = kv.second;
    return c.in_flight == 0 && c.locked_until <= now && now - c.last_failure >= t.window &&
           (c.locks == 0 || now - c.last_failure >= t.account_lock_forget);
  });
  // Still full (a flood of distinct logins or addresses): forget the least
  // recently failing unlocked ones, down to 90 %.
  if (map.size() < t.max_tracked) return;
  std::vector<std::pair<TimePoint, std::string>> candidates;
  for (const auto& [key, c] : map) {
    if (c.in_flight == 0 && c.locked_until <= now) candidates.emplace_back(c.last_failure, key);
  }
  std::sort(candidates.begin(), candidates.end());
  std::size_t excess = map.size() - t.max_tracked * 9 / 10;
  for (std::size_t i = 0; i < candidates.size() && i < excess; ++i) map.erase(candidates[i].second);
}

void Authenticator::record_locked(const std::string& account, const std::string& address, Attempt attempt,
                                  TimePoint now) {
  const auto& t = m_options.throttle;
  Counter& a = m_accounts[account];
  Counter& d = m_addresses[address];
  a.in_flight = std::max(0, a.in_flight - 1);
  d.in_flight = std::max(0, d.in_flight - 1);
  if (attempt == Attempt::kNeutral) return;
  if (attempt == Attempt::kSucceeded) {
    a.failures.clear();
    a.locks = 0;
    a.locked_until = {};
    if (a.in_flight == 0) m_accounts.erase(account);
    if (d.in_flight == 0 && d.failures.empty()) m_addresses.erase(address);
    return;
  }
  if (a.locks > 0 && a.locked_until <= now && now - a.last_failure >= t.account_lock_forget) a.locks = 0;
  drop_old(a.failures, now, t.window);
  a.failures.push_back(now);
  a.last_failure = now;
  if (static_cast<int>(a.failures.size()) >= t.account_max_failures) {
    auto lock = t.account_lock;
    for (int i = 0; i < a.locks && lock < t.account_lock_max; ++i) lock *= 2;
    a.locked_until = now + std::min(lock, t.account_lock_max);
    ++a.locks;
    a.failures.clear();
  }
  drop_old(d.failures, now, t.window);
  d.failures.push_back(now);
  d.last_failure = now;
}

seconds Authenticator::retry_after(const std::string& login, const std::string& address, TimePoint now) {
  std::lock_guard lock(m_mutex);
  return wait_locked(account_key(login), address_key(address), now);
}

SignInOutcome Authenticator::sign_in(store::Store& store, const std::string& login, std::string_view password,
                                     const std::string& address, TimePoint now) {
  const std::string account = account_key(login);
  const std::string addr = address_key(address);
  SignInOutcome out;

  {
    std::lock_guard lock(m_mutex);
    auto wait = wait_locked(account, addr, now);
    if (wait.count() > 0) {
      out.code = SignInCode::kThrottled;
      out.retry_after = wait;
      out.message = fmt::format("too many failed sign-in attempts; try again in {} seconds", wait.count());
    } else {
      prune_locked(m_accounts, now);
      prune_locked(m_addresses, now);
      ++m_accounts[account].in_flight;
      ++m_addresses[addr].in_flight;
    }
  }
  if (out.code == SignInCode::kThrottled) {
    (void)audit_sign_in(store, "auth.throttled", login, address, nullptr);  // refused either way
    return out;
  }

  auto finish = [&](Attempt attempt) {
    std::lock_guard lock(m_mutex);
    record_locked(account, addr, attempt, now);
  };

  std::optional<store::User> user;
  if (is_login(login)) {
    auto found = store.get_user(login);
    if (found) {
      user = std::move(found).value();
    } else if (found.status().kind() != ErrorKind::kNotFound && found.status().kind() != ErrorKind::kBadInput) {
      finish(Attempt::kNeutral);
      out.code = SignInCode::kError;
      out.status = found.status();
      out.message = "sign-in is not possible at the moment";
      return out;
    }
  }

  // Always one argon2id verification, so an unknown login takes as long as
  // a wrong password. Over-long passwords are refused unverified (that says
  // nothing about the login).
  const bool has_hash = user && !user->password_hash.empty();
  const std::string& hash = has_hash ? user->password_hash : m_dummy_hash;
  const bool verified = password.size() <= 1024 && util::verify_password(password, hash) && has_hash;

  if (!verified) {
    finish(Attempt::kFailed);
    const char* reason = !user ? "unknown_login" : !has_hash ? "no_password" : "wrong_password";
    (void)audit_sign_in(store, "auth.sign_in_failed", login, address, reason);
    out.code = SignInCode::kInvalidCredentials;
    out.message = k_invalid_credentials_message;
    return out;
  }
  if (user->disabled) {
    // The password was right: not a failed guess, but no success either.
    finish(Attempt::kNeutral);
    (void)audit_sign_in(store, "auth.sign_in_failed", login, address, "disabled");
    out.code = SignInCode::kDisabled;
    out.message = "this account is disabled; ask an administrator";
    return out;
  }
  finish(Attempt::kSucceeded);

  if (m_options.rehash_on_sign_in && util::password_needs_rehash(user->password_hash)) {
    // Best effort: the old hash keeps working if this fails.
    if (auto fresh = util::hash_password(password)) {
      (void)store.set_password_hash(login, *fresh, store::Actor{"user:" + login});
    }
  }
  if (Status s = audit_sign_in(store, "auth.sign_in", login, address, nullptr); !s) {
    // No session without its audit entry.
    out.code = SignInCode::kError;
    out.status = s;
    out.message = "sign-in is not possible at the moment";
    return out;
  }
  out.code = SignInCode::kOk;
  out.session = m_sessions.create(login, now);
  return out;
}

}  // namespace kunren::server
