// A minimal HTTP/1.1 client over POSIX sockets for the server tests: sends
// bytes exactly as given (so malformed requests can be sent too) and reads
// until the server closes. Requests should say "Connection: close".
// For responses that stay open (event streams), read_until() reads with a
// deadline until a condition holds, so a test waits on the socket, never on
// a sleep, and fails instead of hanging.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

namespace kunren::testing {

// A socket connected to 127.0.0.1:port, or -1 if nobody listens there.
inline int try_connect(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  ::close(fd);
  return -1;
}

inline int connect_to(unsigned short port) {
  int fd = try_connect(port);
  EXPECT_GE(fd, 0) << "nothing listens on port " << port;
  return fd;
}

inline void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (413 before the body)
    sent += static_cast<std::size_t>(n);
  }
}

inline std::string read_to_end(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

// Reads into `buffer` (appending) until `done(buffer)` holds, the server
// closes (then `*closed` is set, if given) or `limit` passes. Returns
// done(buffer).
inline bool read_until(int fd, std::string& buffer, const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(10), bool* closed = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[65536];
  while (!done(buffer)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;  // timed out (checked above) or EINTR
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      return done(buffer);
    }
    buffer.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Until `needle` appears in `buffer`.
inline bool read_until(int fd, std::string& buffer, const std::string& needle,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  return read_until(
      fd, buffer, [&needle](const std::string& b) { return b.find(needle) != std::string::npos; }, limit);
}

// Sends one request and returns the whole answer.
inline std::string http_exchange(unsigned short port, const std::string& request) {
  int fd = connect_to(port);
  send_all(fd, request);
  std::string answer = read_to_end(fd);
  ::close(fd);
  return answer;
}

}  // namespace kunren::testing
