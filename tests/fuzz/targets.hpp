// The fuzz targets: one function per parser of untrusted input, by name.
//
// The same code runs in two places: in the libFuzzer executables that
// `make fuzz` builds (fuzz_main.cpp, one per target), and in kunren_tests,
// where corpus_replay_test.cpp feeds every file of tests/fuzz/corpus/<name>/
// and tests/fuzz/regressions/<name>/ through the target (so `make test` and
// `make test-sanitize` replay the corpora and every crash found so far).
//
// A target takes any bytes. It never exits or aborts on bad input: a parser
// that refuses it must say why (an error Status with a message). It checks
// what must hold for input that a parser accepts — written back out, it reads
// back the same — and aborts with a message naming the target and the broken
// invariant when it does not, which is what lets the fuzzer find logic bugs,
// not only crashes.
#pragma once

#include <string_view>
#include <vector>

namespace kunren::fuzz {

using TargetFunction = void (*)(std::string_view data);

struct Target {
  const char* name;      // the directory name under corpus/ and regressions/
  TargetFunction run;
  const char* what;      // one line: what it feeds and checks
};

// Every target, in a fixed order.
const std::vector<Target>& targets();

// The target called `name`, or nullptr.
const Target* find_target(std::string_view name);

}  // namespace kunren::fuzz
