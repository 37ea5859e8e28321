// Authentication for `kunren serve`: sessions and sign-in with login
// throttling. No HTTP here: the HTTP layer turns a cookie into a session id,
// calls these, and maps the outcomes to statuses (see SignInOutcome).
//
// SessionManager keeps sessions in memory (a restart signs everyone out). A
// session id and its CSRF token are 256-bit random values from libsodium,
// base64url without padding (43 characters). Sessions are found by a BLAKE2b
// digest of the id and then confirmed with a constant-time comparison, so
// neither the map lookup nor the comparison leaks the id through timing.
// Ids and tokens are never logged or written to the audit log.
//
// Authenticator checks a login and password against the Store, throttles
// guessing per account and per client address, audits every attempt
// ("auth.sign_in", "auth.sign_in_failed", "auth.throttled"; never the
// password) and creates the session. An unknown login is checked against a
// dummy hash (dummy_hash()), so it takes as long as a wrong password and
// gets the same message: responses do not reveal which logins exist.
//
// Time is always passed in (`now`), so tests need no sleeps; the server
// passes Clock::now().
//
// Thread safety: SessionManager and Authenticator are thread-safe (each
// guards its state with a mutex; password verification runs outside it). The
// Store handed to sign_in is used by the calling thread only, as the Store
// contract requires.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::server {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

struct Session {
  std::string id;          // 43 characters base64url; the cookie value. Secret.
  std::string csrf_token;  // 43 characters base64url; sent back on every state-changing request. Secret.
  std::string login;
  TimePoint created_at;
  TimePoint last_seen;
};

// 256 random bits from libsodium as base64url without padding (43 characters).
std::string random_token();

// Constant-time equality of two tokens (sodium_memcmp); false if the lengths differ.
bool tokens_equal(std::string_view a, std::string_view b);

struct SessionOptions {
  // A session unused this long ends (default 30 minutes).
  std::chrono::seconds idle_timeout = std::chrono::minutes(30);
  // A session ends this long after sign-in however busy it is; rotation does
  // not extend it (default 12 hours).
  std::chrono::seconds absolute_timeout = std::chrono::hours(12);
  // When more sessions than this exist, create() first drops the expired
  // ones and then, if still over, the least recently used (default 100,000).
  std::size_t max_sessions = 100000;
};

class SessionManager {
 public:
  explicit SessionManager(SessionOptions options = {});
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  const SessionOptions& options() const { return m_options; }

  // A new session for `login`, with a fresh id and CSRF token.
  Session create(const std::string& login, TimePoint now);
  // The session with this id if it exists and has not expired at `now`
  // (idle or absolute); an expired session is removed. Does not count as
  // use: call touch() once the request is accepted.
  std::optional<Session> find(std::string_view id, TimePoint now);
  // Marks the session used at `now` (idle expiry starts again). False if it
  // does not exist or has expired.
  bool touch(std::string_view id, TimePoint now);
  // Ends one session (sign-out). Unknown ids are ignored.
  void destroy(std::string_view id);
  // Ends every session of `login` (after a password change, disabling the
  // user, changing their roles). Returns how many ended.
  std::size_t destroy_all_for(std::string_view login);
  // Session fixation defence: the same login and created_at under a new id
  // and a new CSRF token; the old id is invalid from now on. nullopt if the
  // old session does not exist or has expired.
  std::optional<Session> rotate(std::string_view old_id, TimePoint now);
  // True if `token` is this session's CSRF token (constant time).
  static bool csrf_ok(const Session& session, std::string_view token);
  // Removes every expired session; returns how many. The server may call it
  // now and then; create() also does when over max_sessions.
  std::size_t purge_expired(TimePoint now);
  std::size_t size() const;

 private:
  bool expired(const Session& s, TimePoint now) const;
  Session insert_locked(std::string login, TimePoint created_at, TimePoint now);
  // REQUIRES: m_mutex held. The live entry for `id`, or end().
  std::unordered_map<std::string, Session>::iterator lookup_locked(std::string_view id);

  SessionOptions m_options;
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, Session> m_sessions;  // key: BLAKE2b-256 of the id (binary)
};

struct ThrottleOptions {
  // Failures are counted over this sliding window (default 15 minutes).
  std::chrono::seconds window = std::chrono::minutes(15);
  // This many failures for one login within the window lock it (default 5).
  int account_max_failures = 5;
  // The first lock of a login lasts this long; each further lock doubles it
  // (default 1 minute).
  std::chrono::seconds account_lock = std::chrono::minutes(1);
  // ... up to this (default 1 hour).
  std::chrono::seconds account_lock_max = std::chrono::hours(1);
  // A login with no failure for this long starts again from the first lock
  // length (default 24 hours).
  std::chrono::seconds account_lock_forget = std::chrono::hours(24);
  // This many failures from one client address within the window refuse
  // further attempts from it until the oldest leaves the window (default 20).
  // IPv6 addresses count per /64, the block one client usually holds.
  int address_max_failures = 20;
  // Logins and addresses tracked at most; beyond it the least recently
  // failing unlocked ones are forgotten (default 100,000 each).
  std::size_t max_tracked = 100000;
};

struct AuthOptions {
  ThrottleOptions throttle;
  // Rehash a password made with older argon2id limits after a successful
  // sign-in (default true).
  bool rehash_on_sign_in = true;
};

// What the HTTP layer needs to answer a sign-in.
//   kOk                 → 200, session cookie (Set-Cookie) and csrf_token in the body
//   kInvalidCredentials → 401, `message` (the same for unknown login and wrong password)
//   kDisabled           → 403, `message` (only said once the password was right)
//   kThrottled          → 429, header Retry-After: retry_after seconds
//   kError              → http_status_for(status.kind()) (the store failed)
enum class SignInCode { kOk, kInvalidCredentials, kDisabled, kThrottled, kError };
const char* to_string(SignInCode code);  // "ok" | "invalid_credentials" | "disabled" | "throttled" | "error"

struct SignInOutcome {
  SignInCode code = SignInCode::kError;
  std::optional<Session> session;     // set for kOk only
  std::string message;                // for people; never says whether the login exists
  std::chrono::seconds retry_after{0};  // kThrottled: at least 1
  Status status;                      // kError: what failed

  bool is_ok() const { return code == SignInCode::kOk; }
};

// The generic refusal shown for an unknown login and for a wrong password.
inline constexpr const char* k_invalid_credentials_message = "the login or the password is not correct";

class Authenticator {
 public:
  // `sessions` must outlive the result. Never fails today (kept a Result for
  // the day creating one needs resources).
  static Result<std::unique_ptr<Authenticator>> create(SessionManager& sessions, AuthOptions options = {});
  // The argon2id hash unknown logins are checked against: made once with the
  // parameters of util::hash_password from a random password that was then
  // thrown away, and fixed here, so that starting the server does not spend
  // a hash (64 MiB and a few hundred milliseconds). It signs nobody in even
  // if its password were found: a login without a hash is never verified.
  static const std::string& dummy_hash();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Signs `login` in from client `address` (IP text as the socket reports
  // it). In order: a throttled login or address is refused at once, without
  // looking at the password; then the user is looked up and the password
  // verified (against the dummy hash if there is no such user or no
  // password); a failure counts against the login and the address. A
  // success clears the login's failures (not the address's: one valid
  // account must not reset an address guessing at others), rehashes the
  // password if its limits are old, audits "auth.sign_in" and creates a new
  // session. Attempts in flight count against the limits, so parallel
  // requests cannot exceed them.
  SignInOutcome sign_in(store::Store& store, const std::string& login, std::string_view password,
                        const std::string& address, TimePoint now);

  // The seconds `login` or `address` must still wait, 0 if it may try now.
  std::chrono::seconds retry_after(const std::string& login, const std::string& address, TimePoint now);

  SessionManager& sessions() { return m_sessions; }

 private:
  struct Counter {
    std::vector<TimePoint> failures;  // within the window, oldest first
    int in_flight = 0;
    TimePoint locked_until{};
    int locks = 0;  // locks so far; the next lasts account_lock * 2^locks
    TimePoint last_failure{};
  };

  Authenticator(SessionManager& sessions, AuthOptions options, std::string dummy_hash);
  // REQUIRES: m_mutex held.
  std::chrono::seconds wait_locked(const std::string& account_key, const std::string& address_key, TimePoint now);
  void prune_locked(std::unordered_map<std::string, Counter>& map, TimePoint now);
  enum class Attempt { kFailed, kSucceeded, kNeutral };  // kNeutral: only leaves flight
  void record_locked(const std::string& account_key, const std::string& address_key, Attempt attempt, TimePoint now);

  SessionManager& m_sessions;
  AuthOptions m_options;
  std::string m_dummy_hash;
  std::mutex m_mutex;
  std::unordered_map<std::string, Counter> m_accounts;   // by login as typed (capped in length)
  std::unordered_map<std::string, Counter> m_addresses;  // by address, IPv6 per /64
};

// The key throttling counts an address under: IPv4 as is, IPv6 as its /64
// ("2001:db8:1:2::/64"), an IPv4-mapped IPv6 address as the IPv4 address;
// anything else as given.
std::string address_key(const std::string& address);

}  // namespace kunren::server
