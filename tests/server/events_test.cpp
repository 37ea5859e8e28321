// The event hub on its own (no sockets): topics, ids, the first event of a
// stream, the bounds (overflow → resync, subscriber limit), unsubscribing,
// the notifier, and ordering under concurrent publishers.
#include <kunren/server/events.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace kunren::server {
namespace {

std::vector<std::string> names_of(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.name);
  return out;
}

TEST(EventHub, ANewStreamStartsWithHelloAndThenGetsItsTopicsEventsInOrder) {
  EventHub hub;
  hub.publish("campaign:a", "revision", R"({"n":0})");  // before subscribing: not delivered
  auto stream = hub.subscribe("campaign:a");
  ASSERT_NE(stream, nullptr);
  const std::uint64_t a1 = hub.publish("campaign:a", "revision", R"({"n":1})");
  hub.publish("campaign:b", "revision", R"({"n":99})");
  const std::uint64_t a2 = hub.publish("campaign:a", "campaign", nlohmann::json{{"state", "open"}});

  auto events = stream->take();
  ASSERT_EQ(names_of(events), (std::vector<std::string>{"hello", "revision", "campaign"}));
  EXPECT_EQ(events[0].id, 1u) << "hello carries the latest id at subscription";
  EXPECT_EQ(nlohmann::json::parse(events[0].data).at("topic"), "campaign:a");
  EXPECT_EQ(events[1].id, a1);
  EXPECT_EQ(events[1].data, R"({"n":1})");
  EXPECT_EQ(events[2].id, a2);
  EXPECT_EQ(events[2].data, R"({"state":"open"})");
  EXPECT_LT(a1, a2);
  EXPECT_EQ(hub.last_id(), a2);
  EXPECT_TRUE(stream->take().empty()) << "take() moves events out";
}

TEST(EventHub, AReconnectingClientIsToldToResync) {
  EventHub hub;
  hub.publish("t", "x", "{}");
  auto stream = hub.subscribe("t", "17");
  auto events = stream->take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "resync");
  EXPECT_EQ(events[0].id, 1u);
  EXPECT_EQ(nlohmann::json::parse(events[0].data).at("reason"), "reconnect");
}

TEST(EventHub, OverflowDropsTheQueueForOneResyncCarryingTheNewestDroppedId) {
  EventHub hub(EventHubOptions{.max_subscribers = 10, .max_queued_events = 4});
  auto slow = hub.subscribe("t");  // queue: hello
  auto fast = hub.subscribe("t");
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(hub.publish("t", "n", nlohmann::json{{"i", i}}));
  ASSERT_EQ(fast->take().size(), 4u);
  // slow: hello, 0, 1, 2 — full. The next publish overflows it.
  ids.push_back(hub.publish("t", "n", nlohmann::json{{"i", 3}}));
  ids.push_back(hub.publish("t", "n", nlohmann::json{{"i", 4}}));
  auto events = slow->take();
  ASSERT_EQ(names_of(events), (std::vector<std::string>{"resync", "n", "n"}));
  EXPECT_EQ(events[0].id, ids[2]) << "the resync carries the newest dropped id";
  EXPECT_EQ(nlohmann::json::parse(events[0].data).at("reason"), "overflow");
  EXPECT_EQ(events[1].id, ids[3]);
  EXPECT_EQ(events[2].id, ids[4]);
  EXPECT_FALSE(slow->closed()) << "the stream stays open";
  // The fast subscriber lost nothing.
  auto fast_events = fast->take();
  ASSERT_EQ(fast_events.size(), 2u);
  EXPECT_EQ(fast_events[0].id, ids[3]);
}

TEST(EventHub, TheSubscriberLimitRefusesAndClosingMakesRoom) {
  EventHub hub(EventHubOptions{.max_subscribers = 2, .max_queued_events = 8});
  auto a = hub.subscribe("x");
  auto b = hub.subscribe("y");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(hub.subscribe("x"), nullptr);
  EXPECT_EQ(hub.subscriber_count(), 2u);
  a->close();
  EXPECT_EQ(hub.subscriber_count(), 1u);
  EXPECT_NE(hub.subscribe("x"), nullptr) << "a closed stream frees its place";
}

TEST(EventHub, ClosingOrDestroyingAStreamUnsubscribesIt) {
  EventHub hub;
  auto a = hub.subscribe("t");
  auto b = hub.subscribe("t");
  EXPECT_EQ(hub.subscriber_count(), 2u);
  a->close();
  a->close();  // idempotent
  EXPECT_TRUE(a->closed());
  b.reset();
  EXPECT_EQ(hub.subscriber_count(), 0u);
  a->take();
  hub.publish("t", "n", "{}");
  EXPECT_TRUE(a->take().empty()) << "a closed stream gets nothing more";
}

TEST(EventHub, StreamsMayOutliveTheHub) {
  std::shared_ptr<EventStream> stream;
  {
    EventHub hub;
    stream = hub.subscribe("t");
    hub.publish("t", "n", "{}");
  }
  EXPECT_TRUE(stream->closed());
  EXPECT_EQ(stream->take().size(), 2u) << "what was queued can still be taken";
  stream->close();
}

TEST(EventHub, TheNotifierFiresWhenTheQueueBecomesNonEmptyAndOnClose) {
  EventHub hub;
  auto stream = hub.subscribe("t");
  int calls = 0;
  stream->on_ready([&calls] { ++calls; });
  EXPECT_EQ(calls, 1) << "hello is already queued";
  hub.publish("t", "n", "{}");
  EXPECT_EQ(calls, 1) << "the queue was not empty: the consumer is already woken";
  stream->take();
  hub.publish("t", "n", "{}");
  EXPECT_EQ(calls, 2);
  stream->close();
  EXPECT_EQ(calls, 3) << "closing wakes the consumer";
  hub.publish("t", "n", "{}");
  EXPECT_EQ(calls, 3);

  auto other = hub.subscribe("t");
  other->take();
  other->on_ready([&calls] { ++calls; });
  other->on_ready(nullptr);
  hub.publish("t", "n", "{}");
  other->close();
  EXPECT_EQ(calls, 3) << "a cleared notifier is never called";
}

TEST(EventHub, CloseAllEndsEveryStream) {
  EventHub hub;
  auto a = hub.subscribe("x");
  auto b = hub.subscribe("y");
  bool woken = false;
  b->on_ready([&woken] { woken = true; });
  hub.close_all();
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
  EXPECT_TRUE(woken);
  EXPECT_EQ(hub.subscriber_count(), 0u);
  EXPECT_NE(hub.subscribe("x"), nullptr);
}

TEST(EventHub, NamesAndDataMustBeOneLine) {
  EventHub hub;
  EXPECT_THROW(hub.publish("t", "", "{}"), std::invalid_argument);
  EXPECT_THROW(hub.publish("t", "a\nb", "{}"), std::invalid_argument);
  EXPECT_THROW(hub.publish("t", "n", "{\n}"), std::invalid_argument);
  EXPECT_THROW(hub.publish("t", "n", "{}\r"), std::invalid_argument);
  auto stream = hub.subscribe("t");
  hub.publish("t", "n", nlohmann::json{{"text", "two\nlines"}});
  auto events = stream->take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data.find('\n'), std::string::npos) << "JSON escapes the line break";
}

// Several threads publish at once while a consumer drains on another thread,
// woken only by the notifier: every event arrives once, in increasing id order.
TEST(EventHub, ConcurrentPublishersReachEverySubscriberInIdOrder) {
  constexpr int k_threads = 4, k_each = 2000;
  EventHub hub(EventHubOptions{.max_subscribers = 10, .max_queued_events = 100000});
  auto s1 = hub.subscribe("t");
  auto s2 = hub.subscribe("t");
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
  s1->on_ready([&] {
    std::lock_guard lock(mutex);
    ready = true;
    cv.notify_one();
  });
  std::vector<Event> got1;
  std::thread consumer([&] {
    while (got1.size() < 1 + k_threads * k_each) {
      std::unique_lock lock(mutex);
      if (!cv.wait_for(lock, std::chrono::seconds(20), [&] { return ready; })) return;  // fails below
      ready = false;
      lock.unlock();
      for (auto& e : s1->take()) got1.push_back(std::move(e));
    }
  });
  std::vector<std::thread> publishers;
  for (int t = 0; t < k_threads; ++t) {
    publishers.emplace_back([&hub, t] {
      for (int i = 0; i < k_each; ++i) hub.publish("t", "n", nlohmann::json{{"t", t}, {"i", i}});
    });
  }
  for (auto& p : publishers) p.join();
  consumer.join();
  ASSERT_EQ(got1.size(), 1u + k_threads * k_each);
  auto got2 = s2->take();
  ASSERT_EQ(got2.size(), got1.size());
  std::vector<int> next(k_threads, 0);
  for (std::size_t i = 1; i < got1.size(); ++i) {
    EXPECT_LT(got1[i - 1].id, got1[i].id);
    EXPECT_EQ(got1[i].id, got2[i].id) << "both subscribers see one order";
    auto d = nlohmann::json::parse(got1[i].data);
    int t = d.at("t");
    EXPECT_EQ(d.at("i").get<int>(), next[t]++) << "one publisher's events stay in its order";
  }
}

}  // namespace
}  // namespace kunren::server
