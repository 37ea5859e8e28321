#include <kunren/server/events.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace kunren::server {

namespace detail {

// What the hub and its streams share, so that either may outlive the other.
// Lock order: HubState::mutex before any EventStream::m_mutex.
struct HubState {
  std::mutex mutex;  // guards everything below
  std::uint64_t last_id = 0;
  std::size_t subscribers = 0;
  std::map<std::string, std::vector<EventStream*>, std::less<>> topics;

  // REQUIRES: mutex held. Forgets `stream` if it is subscribed.
  void remove_locked(EventStream* stream) {
    auto it = topics.find(stream->topic());
    if (it == topics.end()) return;
    auto& list = it->second;
    auto found = std::find(list.begin(), list.end(), stream);
    if (found == list.end()) return;
    list.erase(found);
    --subscribers;
    if (list.empty()) topics.erase(it);
  }
};

}  // namespace detail

namespace {

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// REQUIRES: the stream's lock held. Marks it closed and wakes its consumer a
// last time.
void close_locked(bool& closed, std::function<void()>& notify) {
  if (closed) return;
  closed = true;
  if (notify) notify();
  notify = nullptr;
}

}  // namespace

// ---- EventStream ---------------------------------------------------------

EventStream::EventStream(std::shared_ptr<detail::HubState> hub, std::string topic, std::size_t max_queued)
    : m_hub(std::move(hub)), m_topic(std::move(topic)), m_max_queued(std::max<std::size_t>(2, max_queued)) {}

EventStream::~EventStream() { close(); }

std::vector<Event> EventStream::take() {
  std::lock_guard lock(m_mutex);
  std::vector<Event> out;
  out.swap(m_queue);
  return out;
}

bool EventStream::closed() const {
  std::lock_guard lock(m_mutex);
  return m_closed;
}

void EventStream::close() {
  std::lock_guard hub_lock(m_hub->mutex);
  m_hub->remove_locked(this);
  std::lock_guard lock(m_mutex);
  close_locked(m_closed, m_notify);
}

void EventStream::on_ready(std::function<void()> notify) {
  std::lock_guard lock(m_mutex);
  if (m_closed) {
    // Closed already: wake the consumer once so it sees that, then forget.
    if (notify) notify();
    m_notify = nullptr;
    return;
  }
  m_notify = std::move(notify);
  if (m_notify && !m_queue.empty()) m_notify();
}

void EventStream::push_locked(Event event) {
  const bool was_empty = m_queue.empty();
  if (m_queue.size() >= m_max_queued) {
    // A slow consumer: what it has not taken is superseded by one resync.
    const std::uint64_t newest_dropped = m_queue.back().id;
    m_queue.clear();
    m_queue.push_back(Event{newest_dropped, "resync", R"({"reason":"overflow"})"});
  }
  m_queue.push_back(std::move(event));
  if (was_empty && m_notify) m_notify();
}

// ---- EventHub ------------------------------------------------------------

EventHub::EventHub(EventHubOptions options) : m_options(options), m_state(std::make_shared<detail::HubState>()) {}

EventHub::~EventHub() { close_all(); }

std::shared_ptr<EventStream> EventHub::subscribe(std::string topic, std::string_view last_event_id) {
  std::lock_guard lock(m_state->mutex);
  if (m_state->subscribers >= m_options.max_subscribers) return nullptr;
  std::shared_ptr<EventStream> stream(new EventStream(m_state, std::move(topic), m_options.max_queued_events));
  Event first;
  first.id = m_state->last_id;
  if (last_event_id.empty()) {
    first.name = "hello";
    first.data =
        nlohmann::json({{"topic", stream->topic()}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    first.name = "resync";
    first.data = R"({"reason":"reconnect"})";
  }
  {
    std::lock_guard stream_lock(stream->m_mutex);
    stream->m_queue.push_back(std::move(first));
  }
  m_state->topics[stream->topic()].push_back(stream.get());
  ++m_state->subscribers;
  return stream;
}

std::uint64_t EventHub::publish(std::string_view topic, std::string_view name, std::string_view data_json) {
  if (name.empty() || has_line_break(name)) {
    throw std::invalid_argument("an event name must be non-empty and on one line");
  }
  if (has_line_break(data_json)) throw std::invalid_argument("event data must be one line of JSON");
  std::lock_guard lock(m_state->mutex);
  const std::uint64_t id = ++m_state->last_id;
  auto it = m_state->topics.find(topic);
  if (it == m_state->topics.end()) return id;
  for (EventStream* stream : it->second) {
    std::lock_guard stream_lock(stream->m_mutex);
    if (stream->m_closed) continue;
    stream->push_locked(Event{id, std::string(name), std::string(data_json)});
  }
  return id;
}

std::shared_ptr<EventStream> EventHub::subscribe_from(std::string topic, std::uint64_t hello_id,
                                                     std::vector<Event> backlog) {
  std::lock_guard lock(m_state->mutex);
  if (m_state->subscribers >= m_options.max_subscribers) return nullptr;
  std::shared_ptr<EventStream> stream(new EventStream(m_state, std::move(topic), m_options.max_queued_events));
  Event first{hello_id, "hello",
              nlohmann::json({{"topic", stream->topic()}}).dump(-1, ' ', false,
                                                                 nlohmann::json::error_handler_t::replace)};
  {
    std::lock_guard stream_lock(stream->m_mutex);
    stream->m_queue.reserve(backlog.size() + 1);
    stream->m_queue.push_back(std::move(first));
    for (auto& e : backlog) stream->m_queue.push_back(std::move(e));
  }
  m_state->topics[stream->topic()].push_back(stream.get());
  ++m_state->subscribers;
  return stream;
}

void EventHub::publish_as(std::string_view topic, Event event) {
  if (event.name.empty() || has_line_break(event.name)) {
    throw std::invalid_argument("an event name must be non-empty and on one line");
  }
  if (has_line_break(event.data)) throw std::invalid_argument("event data must be one line of JSON");
  std::lock_guard lock(m_state->mutex);
  auto it = m_state->topics.find(topic);
  if (it == m_state->topics.end()) return;
  for (EventStream* stream : it->second) {
    std::lock_guard stream_lock(stream->m_mutex);
    if (stream->m_closed) continue;
    stream->push_locked(event);
  }
}

std::size_t EventHub::subscriber_count() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->subscribers;
}

std::uint64_t EventHub::last_id() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->last_id;
}

void EventHub::close_all() {
  std::lock_guard lock(m_state->mutex);
  for (auto& [topic, list] : m_state->topics) {
    for (EventStream* stream : list) {
      std::lock_guard stream_lock(stream->m_mutex);
      close_locked(stream->m_closed, stream->m_notify);
    }
  }
  m_state->topics.clear();
  m_state->subscribers = 0;
}

}  // namespace kunren::server
