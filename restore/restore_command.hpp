// `pmxsnap restore plan|apply|extract`: CLI11 wiring and rendering.
#pragma once

#include "context.hpp"

namespace pmxsnap::restore {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::restore
