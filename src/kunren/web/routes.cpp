#include <kunren/web/routes.hpp>

#include <kunren/web/pages.hpp>

namespace kunren::web {

void add_all_routes(server::Router& router, server::ApiContext& context) {
  router.add("GET", "/healthz", "service.health", [](const server::HttpRequest&, const server::RouteParams&) {
    return server::HttpResponse::json(200, {{"status", "ok"}});
  });
  router.add("GET", "/api/v1", "service.version", [](const server::HttpRequest&, const server::RouteParams&) {
    return server::HttpResponse::json(200, {{"name", "kunren"}, {"version", KUNREN_VERSION}, {"api", "v1"}});
  });
  server::add_session_routes(router, context);
  server::add_campaign_routes(router, context);
  server::add_evaluation_routes(router, context);
  server::add_admin_routes(router, context);
  server::add_exercise_routes(router, context);
  server::add_improve_routes(router, context);
  server::add_prep_routes(router, context);
  server::add_package_routes(router, context);
  server::add_publication_routes(router, context);
  server::add_breakdown_routes(router, context);
  add_base_pages(router, context);
  add_evaluation_pages(router, context);
  add_campaign_pages(router, context);
  add_admin_pages(router, context);
  add_exercise_pages(router, context);
  add_improve_pages(router, context);
  add_prep_pages(router, context);
  add_package_pages(router, context);
  add_publication_pages(router, context);
}

}  // namespace kunren::web
