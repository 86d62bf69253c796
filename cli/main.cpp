// pmxsnap: assembles the subcommands. One try/catch turns every error into
// the one-line message and exit code of DESIGN.md's contract.
#include "browse_command.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "diff_command.hpp"
#include "doctor_command.hpp"
#include "restore_command.hpp"
#include "snapshot_command.hpp"
#include "verify_command.hpp"

#include <malloc.h>
#include <sodium.h>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
    using namespace pmxsnap;
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
    cli::Context context;
    CLI::App app("pmxsnap: backup and recovery of Proxmox VE cluster configuration", "pmxsnap");
    app.set_version_flag("--version", std::string("pmxsnap ") + PMXSNAP_VERSION);
    app.set_config("--config", "/etc/pmxsnap/pmxsnap.conf", "Defaults for options (CLI11 INI)");
    app.require_subcommand(1);
    cli::add_global_options(app, context.options);

    std::vector<cli::Command> commands = {
        cli::register_keygen(app, context),      snapshot::register_command(app, context),
        cli::register_list(app, context),        cli::register_inspect(app, context),
        verify::register_command(app, context),  diff::register_command(app, context),
        restore::register_command(app, context), doctor::register_command(app, context)};
    commands.push_back(cli::register_prune(app, context));
    commands.push_back(browse::register_ls(app, context));
    commands.push_back(browse::register_cat(app, context));
    for (auto& command : commands)
        command.app->fallthrough();

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "pmxsnap: %s (see pmxsnap --help)\n", e.what());
        return static_cast<int>(ExitCode::error);
    }
    try {
        for (auto& command : commands)
            if (command.app->parsed())
                return static_cast<int>(command.run());
    } catch (const Error& e) {
        std::fprintf(stderr, "pmxsnap: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmxsnap: internal error: %s\n", e.what());
    }
    return static_cast<int>(ExitCode::error);
}
