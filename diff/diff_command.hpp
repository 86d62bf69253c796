// `pmxsnap diff A B`: CLI11 wiring. Exit 0 identical, 1 different, 2 error.
#pragma once

#include "context.hpp"

namespace pmxsnap::diff {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::diff
