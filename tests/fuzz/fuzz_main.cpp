// A libFuzzer executable for one fuzz target (targets.hpp), chosen when it is
// compiled: -DKUNREN_FUZZ_TARGET="name" (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "targets.hpp"

#ifndef KUNREN_FUZZ_TARGET
#error "define KUNREN_FUZZ_TARGET as the target's name"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const kunren::fuzz::Target* target = [] {
    const auto* t = kunren::fuzz::find_target(KUNREN_FUZZ_TARGET);
    if (!t) {
      std::fprintf(stderr, "no fuzz target named %s\n", KUNREN_FUZZ_TARGET);
      std::abort();
    }
    return t;
  }();
  target->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
