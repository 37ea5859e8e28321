// The route table: every URL the server answers, each with a method, a path
// pattern ("/api/v1/campaigns/{id}/results"), a name for logs and for the
// authorisation matrix test (which enumerates routes() so that a new route
// without a matrix entry fails), and its handler.
//
// Matching: segments are compared literally except "{name}" segments, which
// match one non-empty segment and are handed to the handler percent-decoded
// (so an organisation id may hold any character, "/" included, as %2F). A path
// that matches a pattern under another method gives 405 with Allow; no match
// gives 404. Patterns are matched in the order they were added.
// Thread safety: build the table before the server starts; after that it is
// read-only and shared by every I/O thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/server/http.hpp>

namespace kunren::server {

using RouteParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::string name;  // e.g. "campaign.results"
  RouteHandler handler;
};

class Router {
 public:
  // REQUIRES: no route with the same method and pattern yet.
  void add(std::string method, std::string pattern, std::string name, RouteHandler handler);

  struct Match {
    const Route* route = nullptr;  // null: no route
    RouteParams params;
    std::vector<std::string> allowed;  // methods of routes whose pattern matched (for 405)
  };
  Match match(std::string_view method, std::string_view path) const;

  // Runs the matching handler, or answers 404 / 405 in the error shape.
  // Exceptions from a handler become a 500 whose message says nothing about
  // the inside (the server logs the detail).
  HttpResponse dispatch(const HttpRequest& request) const;

  const std::vector<Route>& routes() const { return m_routes; }

 private:
  std::vector<Route> m_routes;
};

}  // namespace kunren::server
