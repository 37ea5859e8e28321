// Every route `kunren serve` answers, in one table: the service routes
// (/healthz, /api/v1), the JSON API (server/*_api.cpp) and the pages
// (web/*_pages.cpp). The server and the route × role matrix test build the
// router with this one function, so a route cannot exist without the test
// seeing it.
#pragma once

#include <kunren/server/api.hpp>
#include <kunren/server/router.hpp>

namespace kunren::web {

void add_all_routes(server::Router& router, server::ApiContext& context);

}  // namespace kunren::web
