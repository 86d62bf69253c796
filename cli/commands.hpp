// The small commands wired directly over lib/: keygen, list, inspect.
#pragma once

#include "context.hpp"

namespace pmxsnap::cli {

Command register_keygen(CLI::App& app, Context& context);
Command register_list(CLI::App& app, Context& context);
Command register_inspect(CLI::App& app, Context& context);
Command register_prune(CLI::App& app, Context& context);

} // namespace pmxsnap::cli
