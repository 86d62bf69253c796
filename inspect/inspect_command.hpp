// `pmxsnap inspect`: its CLI11 wiring; the entry point cli/ includes.
#pragma once

#include "context.hpp"

namespace pmxsnap::inspect {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::inspect
