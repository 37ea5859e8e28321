# Every external dependency of Kunren is found here, and only here.
# All come from Debian 12 packages installed by scripts/deps.sh.
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL REQUIRED)           # SHA-256
find_package(SQLite3 REQUIRED)           # the embedded store (CMake's FindSQLite3)
find_package(PostgreSQL REQUIRED)        # libpq, the server store (CMake's FindPostgreSQL)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)  # argon2id password hashes
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)  # the XLSX report (libxlsxwriter 1.1)
find_package(Boost 1.74 REQUIRED)        # Asio and Beast (header-only): the HTTP server
find_package(spdlog REQUIRED)            # the server's access log
# Mustache templates for the web pages (libkainjow-mustache-dev, one header).
find_path(KAINJOW_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)
add_library(kainjow_mustache INTERFACE)
target_include_directories(kainjow_mustache SYSTEM INTERFACE ${KAINJOW_MUSTACHE_INCLUDE_DIR})
if(KUNREN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
