// `pmxsnap verify`: CLI11 wiring and rendering of verify_archive's verdicts.
#pragma once

#include "context.hpp"

namespace pmxsnap::verify {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::verify
