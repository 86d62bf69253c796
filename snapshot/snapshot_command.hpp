// `pmxsnap snapshot`: CLI11 wiring and rendering of take_snapshot's result.
#pragma once

#include "context.hpp"

namespace pmxsnap::snapshot {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::snapshot
