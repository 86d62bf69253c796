// `pmxsnap status`: the cluster as a whole, from the repository's signed
// indexes — one line per node, then what disagrees across nodes; exit 1
// when anything disagrees or is stale.
#pragma once

#include "context.hpp"

namespace pmxsnap::status {

cli::Command register_command(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::status
