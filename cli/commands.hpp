// The small commands wired directly over lib/: keygen and list.
#pragma once

#include "context.hpp"

namespace pmxsnap::cli {

Command register_keygen(CLI::App& app, Context& context);
Command register_list(CLI::App& app, Context& context);

} // namespace pmxsnap::cli
