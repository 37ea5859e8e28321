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

bool match_pattern(std::string_view pattern, std::string_view path, RouteParams& params) {
  auto want = segments(pattern);
  auto have = segments(path);
  if (want.size() != have.size()) return false;
  // A trailing slash is a different resource, except for the root.
  if (path.size() > 1 && path.back() == '/' && !(pattern.size() > 1 && pattern.back() == '/')) return false;
  RouteParams found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      std::string value;
      if (!percent_decode(have[i], value) || value.empty()) return false;
      found.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::move(value));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
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
  for (const auto& r : m_routes) {
    RouteParams params;
    if (!match_pattern(r.pattern, path, params)) continue;
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
