// The kunren binary: everything lives in the core library (src/kunren/).
#include <kunren/cli/cli.hpp>

int main(int argc, char** argv) { return kunren::cli::run(argc, argv); }
