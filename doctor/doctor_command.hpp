// `pmxsnap doctor`: CLI11 wiring and rendering of the report. Read-only.
#pragma once

#include "context.hpp"

namespace pmxsnap::doctor {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::doctor
