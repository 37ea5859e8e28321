// Live events for `kunren serve` (server-sent events, docs/api.md "Live
// events"): an EventHub that handlers publish to by topic, and EventStreams,
// one per subscriber (one open `text/event-stream` response), each a bounded
// queue of events that the HTTP server drains onto its socket. No Boost and no
// HTTP here: a handler subscribes and returns the stream in an HttpResponse
// (HttpResponse::event_stream); http_server.cpp does the writing.
//
//   topic    any string, e.g. "campaign:demo-2026". Publishing to a topic
//            nobody subscribes to costs an id and nothing else.
//   event    {id, name, data}: `id` is unique and increasing across the whole
//            hub (never reused while the hub lives), `name` is the SSE event
//            name, `data` one line of JSON (no CR or LF: it is sent as one
//            `data:` line).
//
// What a new stream starts with. History is not kept or replayed. A stream
// opened without Last-Event-ID starts with `hello` (data {"topic": …}); one
// opened with any Last-Event-ID (a browser reconnecting) starts with
// `resync` (data {"reason": "reconnect"}), telling the client that it may
// have missed events and should fetch the state again. Both carry the hub's
// latest id, so the client's Last-Event-ID moves on.
//
// Bounds. At most options.max_subscribers streams are open at once across
// the hub; subscribe() beyond that returns null (the handler answers 503).
// A stream holds at most options.max_queued_events undelivered events; when
// a publish finds it full (a slow or stalled consumer), everything queued is
// dropped and replaced by one `resync` event (data {"reason": "overflow"},
// carrying the id of the newest dropped event), followed by the new event.
// The stream stays open: the client fetches the state again and carries on.
// Memory per stream is therefore bounded, and a slow client never slows the
// publisher or other subscribers.
//
// Lifetime. A stream is owned by whoever holds its shared_ptr (the server's
// connection); the hub only knows it while it is subscribed. close() — or
// destroying the stream — unsubscribes it; the subscriber count then drops
// at once. Streams and hub may die in either order.
//
// Thread safety: EventHub and EventStream are thread-safe. publish() may be
// called from any thread (handler threads, periodic jobs); events of one
// topic reach every subscriber in id order even with concurrent publishers.
// The consumer is woken through the notifier set with on_ready() (see there).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kunren::server {

struct Event {
  std::uint64_t id = 0;
  std::string name;  // SSE event name: non-empty, no CR/LF
  std::string data;  // one line of JSON
};

struct EventHubOptions {
  // Streams open at once across the hub; subscribe() beyond this is refused
  // (default 4,000: a drill of 2,000 participants, each with a second tab,
  // and the coordinators' pages; `kunren serve` raises its open-file limit
  // to match).
  std::size_t max_subscribers = 4000;
  // Undelivered events one stream may hold before its queue is replaced by a
  // `resync` (default 256; at least 2).
  std::size_t max_queued_events = 256;
};

namespace detail {
struct HubState;
}

class EventStream {
 public:
  ~EventStream();  // close()
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  const std::string& topic() const { return m_topic; }

  // Moves every queued event out, oldest first (possibly none).
  std::vector<Event> take();
  // True once close() has been called (by anyone). Events queued before it
  // can still be taken.
  bool closed() const;
  // Unsubscribes: nothing more is queued, the hub's subscriber count drops.
  // Calls the notifier (if any) one last time, then forgets it. Idempotent.
  void close();

  // Sets the notifier: called when the queue goes from empty to non-empty
  // and when the stream is closed, so the consumer can take() (a notifier may
  // find nothing to take: that is fine). If events are already queued, it is
  // called at once. It runs on the publishing or closing thread WITH THE
  // STREAM'S LOCK HELD: it must only schedule work (post to an executor,
  // signal a condition variable), never call into this stream or the hub.
  // After on_ready(nullptr) or close() returns, the old notifier is never
  // called again, so its captures may be destroyed.
  void on_ready(std::function<void()> notify);

 private:
  friend struct detail::HubState;
  friend class EventHub;
  EventStream(std::shared_ptr<detail::HubState> hub, std::string topic, std::size_t max_queued);

  // REQUIRES: m_mutex held, stream open.
  void push_locked(Event event);

  const std::shared_ptr<detail::HubState> m_hub;
  const std::string m_topic;
  const std::size_t m_max_queued;
  mutable std::mutex m_mutex;  // guards everything below; taken after the hub's lock
  std::vector<Event> m_queue;
  std::function<void()> m_notify;
  bool m_closed = false;
};

class EventHub {
 public:
  explicit EventHub(EventHubOptions options = {});
  ~EventHub();  // closes every stream still subscribed
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // A new stream on `topic`, already holding its first event (`hello`, or
  // `resync` when `last_event_id` is non-empty: see above). Null when
  // max_subscribers streams are open (answer 503: HttpResponse::event_stream
  // does).
  std::shared_ptr<EventStream> subscribe(std::string topic, std::string_view last_event_id = {});

  // Queues {next id, name, data} on every stream subscribed to `topic`;
  // returns the id. REQUIRES: `name` non-empty; neither contains CR or LF
  // (std::invalid_argument otherwise: a programming error).
  std::uint64_t publish(std::string_view topic, std::string_view name, std::string_view data_json);
  // The same with data = value.dump() (compact JSON is always one line). A
  // template only so that a string argument picks the overload above.
  template <class Json>
    requires std::same_as<Json, nlohmann::json>
  std::uint64_t publish(std::string_view topic, std::string_view name, const Json& value) {
    return publish(topic, name, std::string_view(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  }

  // Topics with their own ids (an exercise's log, whose events are numbered
  // by seq and which a reconnecting client resumes by Last-Event-ID): the
  // publisher numbers the events, increasing per topic, and never mixes
  // publish() and publish_as() on one topic.
  //
  // A new stream on `topic` that starts with `hello` (data {"topic": …},
  // id `hello_id`: the last id the client already has or is about to get)
  // followed by `backlog` (oldest first; not counted against the queue
  // bound). Null when max_subscribers streams are open. To lose and double
  // nothing, the caller builds the backlog and subscribes while holding
  // the lock it also holds when it publishes to the topic.
  std::shared_ptr<EventStream> subscribe_from(std::string topic, std::uint64_t hello_id, std::vector<Event> backlog);
  // Queues `event` (its own id) on every stream subscribed to `topic`.
  // REQUIRES as for publish().
  void publish_as(std::string_view topic, Event event);

  // Streams subscribed now (all topics).
  std::size_t subscriber_count() const;
  // The latest id given out (0 before the first event).
  std::uint64_t last_id() const;
  // Closes every stream (they still deliver what they hold) — e.g. before a
  // planned restart. New subscriptions are still accepted.
  void close_all();

  const EventHubOptions& options() const { return m_options; }

 private:
  const EventHubOptions m_options;
  std::shared_ptr<detail::HubState> m_state;
};

}  // namespace kunren::server
