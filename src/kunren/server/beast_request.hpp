// The application's view (HttpRequest) of a request parsed by Boost.Beast:
// the method, the target split into path and query, header names in lower
// case, the body moved over. One conversion for the server
// (http_server.cpp) and for the fuzz target that feeds raw bytes through
// Beast's parser into the router (tests/fuzz/targets.cpp).
#pragma once

#include <cctype>
#include <string>

#include <boost/beast/http.hpp>

#include <kunren/server/http.hpp>

namespace kunren::server {

inline HttpRequest from_beast(boost::beast::http::request<boost::beast::http::string_body>&& req,
                              std::string remote_address) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  const auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  r.body = std::move(req.body());
  r.remote_address = std::move(remote_address);
  return r;
}

}  // namespace kunren::server
