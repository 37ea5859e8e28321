// Replays every seed of tests/fuzz/corpus/<target>/ and every reproducer of
// tests/fuzz/regressions/<target>/ through its fuzz target (targets.hpp), so
// `make test` and `make test-sanitize` re-run each crash the fuzzer ever found.
// A target aborts, naming the broken invariant, when an input misbehaves.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "targets.hpp"

namespace kunren::fuzz {
namespace {

namespace fs = std::filesystem;

// The input being replayed, named on stderr if the target aborts on it.
char g_current[4096];

extern "C" void name_input_and_abort(int sig) {
  std::fprintf(stderr, "fuzz corpus replay: the target aborted on %s\n", g_current);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& t : targets()) names.emplace_back(t.name);
  return names;
}

class FuzzCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzCorpus, EverySeedAndRegressionRunsClean) {
  const Target* target = find_target(GetParam());
  ASSERT_NE(target, nullptr);
  const fs::path root = fs::path(KUNREN_TEST_DIR) / "fuzz";
  const auto seeds = files_in(root / "corpus" / target->name);
  EXPECT_FALSE(seeds.empty()) << "no seed corpus in " << (root / "corpus" / target->name);
  auto inputs = seeds;
  for (auto& p : files_in(root / "regressions" / target->name)) inputs.push_back(p);
  auto previous = std::signal(SIGABRT, name_input_and_abort);
  for (const auto& p : inputs) {
    std::snprintf(g_current, sizeof g_current, "%s", p.c_str());
    target->run(read_all(p));
  }
  std::signal(SIGABRT, previous);
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus, ::testing::ValuesIn(target_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(FuzzTargets, NamesAreUniqueAndFindable) {
  for (const auto& t : targets()) {
    EXPECT_EQ(find_target(t.name), &t);
    EXPECT_NE(std::string(t.what), "");
  }
  EXPECT_EQ(find_target("no-such-target"), nullptr);
}

}  // namespace
}  // namespace kunren::fuzz
