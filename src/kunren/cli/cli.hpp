// The command-line front end: one table of subcommands (name, one-line help,
// options, handler) from which parsing, dispatch and --help are all derived.
// Errors from the core come back as Status values and are mapped to exit codes
// in one place (exit_code_for in util/status.hpp).
#pragma once

namespace kunren::cli {

// Runs the command line; returns the process exit code.
int run(int argc, char** argv);

}  // namespace kunren::cli
