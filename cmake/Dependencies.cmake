# Every external dependency of Kunren is found here, and only here.
# All come from Debian 12 packages installed by scripts/deps.sh.
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL REQUIRED)           # SHA-256
if(KUNREN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
