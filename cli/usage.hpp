// How pmxsnap explains itself: `pmxsnap help [COMMAND...]`, one line for an
// unknown command, and the global options listed once (in pmxsnap --help)
// rather than again in every command's help.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>
#include <string>

namespace pmxsnap::cli {

Command register_help(CLI::App& app);

// Hides the global options in every command's help, which instead ends by
// naming them and where they are described.
void show_global_options_once(CLI::App& app);

// The first word of argv that is not an option or an option's value: the
// command the operator meant, or empty.
std::string command_word(const CLI::App& app, int argc, char** argv);

// Throws Error("<word>: unknown command; ...") unless word names a command.
void refuse_unknown_command(const CLI::App& app, const std::string& word);

} // namespace pmxsnap::cli
