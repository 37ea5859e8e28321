#include <kunren/server/auth.hpp>

#include <set>

#include <gtest/gtest.h>

#include <kunren/util/password.hpp>

namespace kunren::server {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = TimePoint{} + std::chrono::hours(24 * 365 * 56);

bool is_base64url(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// --- sessions -------------------------------------------------------------------

TEST(Session, IdsAndTokensAreUniqueAnd43CharactersOfBase64url) {
  SessionManager sessions;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    Session s = sessions.create("alice", t0);
    for (const auto* token : {&s.id, &s.csrf_token}) {
      EXPECT_EQ(token->size(), 43u);
      EXPECT_TRUE(is_base64url(*token)) << *token;
      EXPECT_TRUE(seen.insert(*token).second) << "repeated token";
    }
  }
  EXPECT_EQ(sessions.size(), 200u);
}

TEST(Session, IsFoundUntilIdleForTheIdleTimeout) {
  SessionManager sessions;  // defaults: 30 minutes idle
  Session s = sessions.create("alice", t0);
  auto found = sessions.find(s.id, t0 + 29min);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->login, "alice");
  EXPECT_FALSE(sessions.find(s.id, t0 + 30min));
  EXPECT_FALSE(sessions.find(s.id, t0 + 1min)) << "an expired session is gone for good";
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(Session, FindDoesNotCountAsUseButTouchDoes) {
  SessionManager sessions;
  Session s = sessions.create("alice", t0);
  ASSERT_TRUE(sessions.find(s.id, t0 + 20min));
  EXPECT_FALSE(sessions.find(s.id, t0 + 31min));

  Session t = sessions.create("bob", t0);
  ASSERT_TRUE(sessions.touch(t.id, t0 + 20min));
  EXPECT_TRUE(sessions.find(t.id, t0 + 49min));
  EXPECT_FALSE(sessions.find(t.id, t0 + 50min));
}

TEST(Session, EndsAtTheAbsoluteTimeoutHoweverBusy) {
  SessionManager sessions(SessionOptions{.idle_timeout = 30min, .absolute_timeout = 12h});
  Session s = sessions.create("alice", t0);
  for (auto at = t0 + 10min; at < t0 + 12h; at += 10min) ASSERT_TRUE(sessions.touch(s.id, at));
  EXPECT_FALSE(sessions.find(s.id, t0 + 12h));
  EXPECT_FALSE(sessions.touch(s.id, t0 + 12h));
}

TEST(Session, RotationGivesNewIdAndTokenAndInvalidatesTheOldId) {
  SessionManager sessions;
  Session old = sessions.create("alice", t0);
  auto fresh = sessions.rotate(old.id, t0 + 5min);
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->id, old.id);
  EXPECT_NE(fresh->csrf_token, old.csrf_token);
  EXPECT_EQ(fresh->login, "alice");
  EXPECT_EQ(fresh->created_at, t0) << "rotation must not extend the absolute lifetime";
  EXPECT_FALSE(sessions.find(old.id, t0 + 5min));
  EXPECT_TRUE(sessions.find(fresh->id, t0 + 5min));
  EXPECT_FALSE(sessions.rotate(old.id, t0 + 5min));
  EXPECT_EQ(sessions.size(), 1u);
}

TEST(Session, ExpiredSessionCannotBeRotated) {
  SessionManager sessions;
  Session old = sessions.create("alice", t0);
  EXPECT_FALSE(sessions.rotate(old.id, t0 + 31min));
}

TEST(Session, DestroyAllForEndsEverySessionOfThatLoginOnly) {
  SessionManager sessions;
  Session a1 = sessions.create("alice", t0);
  Session a2 = sessions.create("alice", t0);
  Session b = sessions.create("bob", t0);
  EXPECT_EQ(sessions.destroy_all_for("alice"), 2u);
  EXPECT_FALSE(sessions.find(a1.id, t0));
  EXPECT_FALSE(sessions.find(a2.id, t0));
  EXPECT_TRUE(sessions.find(b.id, t0));
}

TEST(Session, DestroyEndsOneAndUnknownOrMalformedIdsFindNothing) {
  SessionManager sessions;
  Session s = sessions.create("alice", t0);
  sessions.destroy("not-a-session");
  sessions.destroy("");
  EXPECT_TRUE(sessions.find(s.id, t0));
  EXPECT_FALSE(sessions.find(s.id.substr(0, 42) + (s.id[42] == 'A' ? "B" : "A"), t0));
  EXPECT_FALSE(sessions.find(s.id + "x", t0));
  EXPECT_FALSE(sessions.find("", t0));
  sessions.destroy(s.id);
  EXPECT_FALSE(sessions.find(s.id, t0));
}

TEST(Session, CsrfTokenMustMatchExactly) {
  SessionManager sessions;
  Session s = sessions.create("alice", t0);
  EXPECT_TRUE(SessionManager::csrf_ok(s, s.csrf_token));
  EXPECT_FALSE(SessionManager::csrf_ok(s, ""));
  EXPECT_FALSE(SessionManager::csrf_ok(s, s.id));
  EXPECT_FALSE(SessionManager::csrf_ok(s, s.csrf_token.substr(1)));
  EXPECT_TRUE(tokens_equal("abc", "abc"));
  EXPECT_FALSE(tokens_equal("abc", "abd"));
}

TEST(Session, OverTheLimitTheLeastRecentlyUsedGoes) {
  SessionManager sessions(SessionOptions{.max_sessions = 2});
  Session a = sessions.create("a", t0);
  Session b = sessions.create("b", t0 + 1min);
  ASSERT_TRUE(sessions.touch(a.id, t0 + 2min));
  Session c = sessions.create("c", t0 + 3min);
  EXPECT_TRUE(sessions.find(a.id, t0 + 3min));
  EXPECT_FALSE(sessions.find(b.id, t0 + 3min));
  EXPECT_TRUE(sessions.find(c.id, t0 + 3min));
}

// --- sign-in --------------------------------------------------------------------

constexpr const char* k_password = "correct horse battery";

class SignIn : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::open_store("memory:");
    ASSERT_TRUE(opened) << opened.status().to_string();
    db = std::move(opened).value();
    add_user("alice");
    add_user("bob");
    auto made = Authenticator::create(sessions);
    ASSERT_TRUE(made) << made.status().to_string();
    auth = std::move(made).value();
  }

  void add_user(const std::string& login, bool disabled = false) {
    store::User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = util::hash_password(k_password).value();
    u.disabled = disabled;
    ASSERT_TRUE(db->create_user(u, store::Actor{"cli:test"}));
  }

  SignInOutcome attempt(const std::string& login, const std::string& password, TimePoint at,
                        const std::string& address = "192.0.2.1") {
    return auth->sign_in(*db, login, password, address, at);
  }

  std::vector<store::AuditEntry> audit(const std::string& action) {
    std::vector<store::AuditEntry> out;
    auto all = db->list_audit();
    EXPECT_TRUE(all) << all.status().to_string();
    for (auto& e : *all) {
      if (e.action == action) out.push_back(e);
    }
    return out;
  }

  std::unique_ptr<store::Store> db;
  SessionManager sessions;
  std::unique_ptr<Authenticator> auth;
};

TEST_F(SignIn, RightPasswordGivesASessionAndIsAudited) {
  auto out = attempt("alice", k_password, t0);
  ASSERT_EQ(out.code, SignInCode::kOk) << out.message;
  ASSERT_TRUE(out.session);
  EXPECT_EQ(out.session->login, "alice");
  EXPECT_TRUE(sessions.find(out.session->id, t0));
  auto entries = audit("auth.sign_in");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor, "user:alice");
  EXPECT_EQ(entries[0].object_id, "alice");
  EXPECT_EQ(entries[0].detail.find(out.session->id), std::string::npos);
}

TEST_F(SignIn, WrongPasswordAndUnknownLoginGetTheSameMessage) {
  auto wrong = attempt("alice", "not the password", t0);
  auto unknown = attempt("mallory", k_password, t0);
  auto malformed = attempt("bad login\n", k_password, t0);
  for (const auto* out : {&wrong, &unknown, &malformed}) {
    EXPECT_EQ(out->code, SignInCode::kInvalidCredentials);
    EXPECT_EQ(out->message, k_invalid_credentials_message);
    EXPECT_FALSE(out->session);
  }
  EXPECT_EQ(sessions.size(), 0u);
  EXPECT_EQ(audit("auth.sign_in_failed").size(), 3u);
}

// Unknown logins must cost what a real check costs: the fixed dummy hash has
// the parameters hash_password uses today (else a change of parameters would
// make unknown logins measurably faster or slower than real ones).
TEST(DummyHash, HasTheParametersOfNewPasswordHashes) {
  const std::string& dummy = Authenticator::dummy_hash();
  EXPECT_FALSE(util::password_needs_rehash(dummy)) << dummy;
  const std::string real = util::hash_password("any password at all").value();
  // "$argon2id$v=19$m=…,t=…,p=…$": everything before the salt is the same.
  auto params = [](const std::string& h) { return h.substr(0, h.find('$', h.find("$m=") + 1)); };
  EXPECT_EQ(params(dummy), params(real));
  EXPECT_FALSE(util::verify_password("", dummy));
}

TEST_F(SignIn, DisabledUserIsRefusedEvenWithTheRightPassword) {
  add_user("carol", /*disabled=*/true);
  auto right = attempt("carol", k_password, t0);
  EXPECT_EQ(right.code, SignInCode::kDisabled);
  EXPECT_FALSE(right.session);
  auto wrong = attempt("carol", "not the password", t0);
  EXPECT_EQ(wrong.code, SignInCode::kInvalidCredentials) << "nothing said about the account without its password";
  EXPECT_EQ(sessions.size(), 0u);
}

TEST_F(SignIn, AccountIsLockedAfterFiveFailuresWithoutLookingAtThePassword) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(attempt("alice", "guess", t0 + std::chrono::seconds(i), "192.0.2." + std::to_string(i)).code,
              SignInCode::kInvalidCredentials);
  }
  auto locked = attempt("alice", k_password, t0 + 10s, "198.51.100.7");
  EXPECT_EQ(locked.code, SignInCode::kThrottled);
  EXPECT_EQ(locked.retry_after, 54s);  // the first lock lasts 1 minute from the fifth failure
  EXPECT_FALSE(locked.session);
  EXPECT_EQ(audit("auth.throttled").size(), 1u);
  EXPECT_EQ(attempt("bob", k_password, t0 + 10s).code, SignInCode::kOk) << "other accounts are not affected";
  EXPECT_EQ(attempt("alice", k_password, t0 + 4s + 1min, "198.51.100.7").code, SignInCode::kOk);
}

TEST_F(SignIn, EachFurtherLockLastsTwiceAsLong) {
  TimePoint at = t0;
  std::vector<std::chrono::seconds> locks;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) ASSERT_EQ(attempt("alice", "guess", at, "192.0.2." + std::to_string(round)).code,
                                          SignInCode::kInvalidCredentials);
    auto out = attempt("alice", "guess", at, "203.0.113.9");
    ASSERT_EQ(out.code, SignInCode::kThrottled);
    locks.push_back(out.retry_after);
    at += out.retry_after;
  }
  EXPECT_EQ(locks, (std::vector<std::chrono::seconds>{60s, 120s, 240s}));
}

TEST_F(SignIn, UnknownLoginsAreThrottledLikeRealOnes) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(attempt("mallory", "guess", t0).code, SignInCode::kInvalidCredentials);
  EXPECT_EQ(attempt("mallory", "guess", t0).code, SignInCode::kThrottled) << "or locking would reveal real logins";
}

TEST_F(SignIn, AddressIsThrottledAfterTwentyFailuresAcrossLogins) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(attempt("user" + std::to_string(i), "guess", t0 + std::chrono::seconds(i), "2001:db8:1:2::5").code,
              SignInCode::kInvalidCredentials);
  }
  // The same /64 is the same client.
  auto out = attempt("alice", k_password, t0 + 30s, "2001:db8:1:2:ffff::1");
  EXPECT_EQ(out.code, SignInCode::kThrottled);
  EXPECT_EQ(out.retry_after, 15min - 30s);  // until the first failure leaves the window
  EXPECT_EQ(attempt("alice", k_password, t0 + 30s, "2001:db8:1:3::1").code, SignInCode::kOk);
  EXPECT_EQ(attempt("bob", k_password, t0 + 15min, "2001:db8:1:2::5").code, SignInCode::kOk);
}

TEST_F(SignIn, SuccessClearsTheAccountsFailures) {
  for (int i = 0; i < 4; ++i) ASSERT_EQ(attempt("alice", "guess", t0).code, SignInCode::kInvalidCredentials);
  ASSERT_EQ(attempt("alice", k_password, t0).code, SignInCode::kOk);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(attempt("alice", "guess", t0 + 1s).code, SignInCode::kInvalidCredentials);
  EXPECT_EQ(attempt("alice", k_password, t0 + 1s).code, SignInCode::kOk) << "only 4 failures since the success";
}

TEST_F(SignIn, FailuresOutsideTheWindowDoNotCount) {
  for (int i = 0; i < 4; ++i) ASSERT_EQ(attempt("alice", "guess", t0).code, SignInCode::kInvalidCredentials);
  ASSERT_EQ(attempt("alice", "guess", t0 + 15min).code, SignInCode::kInvalidCredentials);
  EXPECT_EQ(attempt("alice", k_password, t0 + 15min).code, SignInCode::kOk);
}

TEST_F(SignIn, AuditEntriesNeverHoldThePassword) {
  attempt("alice", "Secret-Guess-1234", t0);
  attempt("alice", k_password, t0);
  attempt("nobody", "Secret-Guess-5678", t0);
  for (int i = 0; i < 5; ++i) attempt("bob", "Secret-Guess-9999", t0);
  attempt("bob", "Secret-Guess-0000", t0);
  auto all = db->list_audit().value();
  ASSERT_GE(all.size(), 9u);
  for (const auto& e : all) {
    for (const std::string& field : {e.actor, e.object_id, e.detail}) {
      EXPECT_EQ(field.find("Secret-Guess"), std::string::npos) << e.action << ": " << field;
      EXPECT_EQ(field.find(k_password), std::string::npos) << e.action << ": " << field;
    }
  }
  EXPECT_EQ(audit("auth.sign_in_failed").size(), 7u);
  EXPECT_EQ(audit("auth.throttled").size(), 1u);
  EXPECT_EQ(audit("auth.sign_in").size(), 1u);
}

TEST(AddressKey, GroupsIpv6By64AndUnmapsIpv4) {
  EXPECT_EQ(address_key("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(address_key("2001:db8:1:2::5"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("[2001:db8:1:2:aaaa::1]"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("fe80::1%eth0"), "fe80:0:0:0::/64");
  EXPECT_EQ(address_key("::ffff:192.0.2.1"), "192.0.2.1");
}

}  // namespace
}  // namespace kunren::server
