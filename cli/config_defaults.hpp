// Where an option the command line left unset gets its value: the
// environment (PMXSNAP_REPO, PMXSNAP_KEY, PMXSNAP_IDENTITY, as restic's
// RESTIC_REPOSITORY), then the chosen command's [section] of pmxsnap.conf,
// then the file's top, then the built-in default. Applied after CLI11 has
// parsed the command line, so "given on the command line" is known exactly.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace pmxsnap::cli {

inline constexpr const char* default_config_file = "/etc/pmxsnap/pmxsnap.conf";

// config_file: the --config value, or empty for the default file (which may
// be missing). Every section and key of the file is checked, whichever
// command runs: a misspelt key is an error naming file and line (exit 2).
void apply_config_and_environment(CLI::App& app, const std::string& config_file);

} // namespace pmxsnap::cli
