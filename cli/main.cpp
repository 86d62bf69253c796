// pmxsnap: assembles the subcommands. One try/catch turns every error into
// the one-line message (or, under --json, the one error document) and exit
// code of DESIGN.md's contract.
#include "browse_command.hpp"
#include "commands.hpp"
#include "config_defaults.hpp"
#include "context.hpp"
#include "diff_command.hpp"
#include "doctor_command.hpp"
#include "error_document.hpp"
#include "inspect_command.hpp"
#include "prune_command.hpp"
#include "restore_command.hpp"
#include "snapshot_command.hpp"
#include "status_command.hpp"
#include "usage.hpp"
#include "verify_command.hpp"

#include "pmxsnap/util/interruption.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <malloc.h>
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

using namespace pmxsnap;

// Under --json an error is a document too; --json is looked for in argv
// itself because the command line may be what failed to parse.
bool json_requested(int argc, char** argv, const cli::Context& context) {
    if (context.options.json)
        return true;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--json") == 0)
            return true;
    return false;
}

int report_error(cli::Context& context, bool json, const std::string& command,
                 const std::string& message, ExitCode code) {
    if (json && !context.out.document_written()) {
        context.out.json(cli::error_document(command, message, code));
        if (context.options.verbose == 0)
            return static_cast<int>(code);
    }
    std::fprintf(stderr, "pmxsnap: %s\n", message.c_str());
    return static_cast<int>(code);
}

std::vector<cli::Command> register_commands(CLI::App& app, cli::Context& context) {
    return {cli::register_keygen(app, context),      snapshot::register_command(app, context),
            cli::register_list(app, context),        inspect::register_command(app, context),
            verify::register_command(app, context),  diff::register_command(app, context),
            restore::register_command(app, context), doctor::register_command(app, context),
            prune::register_command(app, context),   browse::register_ls(app, context),
            browse::register_cat(app, context),      status::register_command(app, context)};
}

ExitCode run_chosen(std::vector<cli::Command>& commands, cli::Context& context) {
    auto started = std::chrono::steady_clock::now();
    for (auto& command : commands) {
        if (!command.app->parsed())
            continue;
        auto code = command.run();
        context.out.detail("{} finished in {} ms, exit {}", command.app->get_name(),
                           std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count(),
                           static_cast<int>(code));
        return code;
    }
    return ExitCode::error;
}

} // namespace

int main(int argc, char** argv) {
    // glibc raises its mmap threshold each time a mapped block is freed (up
    // to 32 MiB); the lists made afterwards come from the heap, and what
    // they leave behind stays resident. Fixed, every large list is mapped
    // and given back when freed: snapshot's peak on a pmxcfs-maximum db went
    // from 64,080 to 58,304 KiB.
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (sodium_init() < 0) {
        std::fputs("pmxsnap: libsodium failed to initialise\n", stderr);
        return static_cast<int>(ExitCode::error);
    }
    install_interruption_handlers();
    cli::Context context;
    CLI::App app("pmxsnap: backup and recovery of Proxmox VE cluster configuration", "pmxsnap");
    app.set_version_flag("--version", std::string("pmxsnap ") + PMXSNAP_VERSION);
    std::string config_file;
    app.add_option("--config", config_file,
                   fmt::format("Defaults for options (default {})", cli::default_config_file))
        ->type_name("FILE");
    app.require_subcommand(1);
    cli::add_global_options(app, context.options);
    auto commands = register_commands(app, context);
    commands.push_back(cli::register_help(app));
    for (auto& command : commands)
        command.app->fallthrough();
    cli::show_global_options_once(app);

    std::string command = cli::command_word(app, argc, argv);
    try {
        cli::refuse_unknown_command(app, command);
        app.parse(argc, argv);
        cli::apply_config_and_environment(app, config_file);
        return static_cast<int>(run_chosen(commands, context));
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return report_error(
            context, json_requested(argc, argv, context), command,
            fmt::format("{} (see pmxsnap help{}{})", e.what(), command.empty() ? "" : " ", command),
            ExitCode::error);
    } catch (const Interrupted& e) {
        // Unwound: every scratch directory and temporary file is gone.
        TempDir::remove_all_live();
        return report_error(context, json_requested(argc, argv, context), command,
                            fmt::format("{}; scratch removed", e.what()), ExitCode::error);
    } catch (const ErrorBase& e) { // Error: exit 2; archive::Rejected: exit 1
        return report_error(context, json_requested(argc, argv, context), command, e.what(),
                            e.exit_code());
    } catch (const std::exception& e) {
        return report_error(context, json_requested(argc, argv, context), command,
                            fmt::format("internal error: {}", e.what()), ExitCode::error);
    }
}
