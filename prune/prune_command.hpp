// `pmxsnap prune`: its CLI11 wiring; the entry point cli/ includes.
#pragma once

#include "context.hpp"

namespace pmxsnap::prune {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::prune
