#include <kunren/server/router.hpp>

#include <stdexcept>

namespace kunren::server {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

// `have`: the path's segments, split once per request (not once per route).
// The pattern is walked in place, without allocating.
bool match_pattern(std::string_view pattern, std::string_view path, const std::vector<std::string_view>& have,
                   RouteParams& params) {
  // A trailing slash is a different resource, except for the root.
  if (path.size() > 1 && path.back() == '/' && !(pattern.size() > 1 && pattern.back() == '/')) return false;
  RouteParams found;
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '/') {
      ++i;
      continue;
    }
    std::size_t end = pattern.find('/', i);
    if (end == std::string_view::npos) end = pattern.size();
    const std::string_view want = pattern.substr(i, end - i);
    i = end;
    if (n == have.size()) return false;
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      std::string value;
      if (!percent_decode(have[n], value) || value.empty()) return false;
      found.emplace(std::string(want.substr(1, want.size() - 2)), std::move(value));
    } else if (want != have[n]) {
      return false;
    }
    ++n;
  }
  if (n != have.size()) return false;
  params = std::move(found);
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, std::string name, RouteHandler handler) {
  for (const auto& r : m_routes) {
    if (r.method == method && r.pattern == pattern) throw std::logic_error("duplicate route " + method + " " + pattern);
  }
  m_routes.push_back(Route{std::move(method), std::move(pattern), std::move(name), std::move(handler)});
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  const std::vector<std::string_view> have = segments(path);
  for (const auto& r : m_routes) {
    RouteParams params;
    if (!match_pattern(r.pattern, path, have, params)) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      if (m.route == nullptr) {
        m.route = &r;
        m.params = std::move(params);
      }
    }
    m.allowed.push_back(r.method);
  }
  return m;
}

HttpResponse Router::dispatch(const HttpRequest& request) const {
  Match m = match(request.method, request.path);
  if (m.route == nullptr) {
    if (!m.allowed.empty()) {
      std::string allow;
      for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
      HttpResponse r = HttpResponse::error(405, "method_not_allowed",
                                           request.method + " is not allowed here; use " + allow);
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    return HttpResponse::error(404, "not_found", "no such page or API resource: " + request.path);
  }
  return m.route->handler(request, m.params);
}

}  // namespace kunren::server
