// The browsing commands, as restic and borg users know them: `ls` lists an
// archive's members, `cat` prints one. Both take one selector (lib/repo's
// grammar) and authenticate the archive before reading it.
#pragma once

#include "context.hpp"

namespace pmxsnap::browse {

cli::Command register_ls(CLI::App& app, cli::Context& context);
cli::Command register_cat(CLI::App& app, cli::Context& context);

} // namespace pmxsnap::browse
