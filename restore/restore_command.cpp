#include "restore_command.hpp"

#include "apply.hpp"
#include "extract.hpp"
#include "plan.hpp"
#include "restore_file.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/util/error.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>

namespace pmxsnap::restore {
namespace {

struct Arguments {
    std::string archive;
    std::string scenario = "auto";
    std::string file;
    ApplyOptions apply;
    std::string to;
    std::vector<std::string> paths;
    bool force_extract = false;
    std::string path;
    std::string expect_digest;
    bool force_file = false;
};

ExitCode run_plan(cli::Context& context, const Arguments& args) {
    PlanOptions options;
    if (args.scenario != "auto") {
        options.scenario = parse_scenario(args.scenario);
        if (!options.scenario)
            fail("--scenario {}: not one of auto, single-node, rejoin, cluster, file",
                 args.scenario);
    }
    options.file = args.file;
    options.archive_argument = args.archive;
    auto archive = read_archive_facts(args.archive, context.options.identity);
    auto host = read_host_facts(context.host(), context.options.offline);
    auto plan = make_plan(archive, host, options);
    if (context.out.json_mode())
        context.out.json(plan.to_json());
    else
        for (const auto& line : plan.text())
            context.out.say("{}", line);
    return plan.preconditions_hold() ? ExitCode::ok : ExitCode::findings;
}

bool confirm_on_terminal(const std::vector<Operation>& ops) {
    if (!::isatty(0))
        fail("refusing without --yes: standard input is not a terminal to confirm on");
    for (const auto& op : ops)
        std::cerr << "  " << op.action << " " << op.path.string() << " (" << op.detail << ")\n";
    std::cerr << "Carry these out? Type yes: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
}

nlohmann::json operations_json(const ApplyResult& result) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : result.operations)
        ops.push_back({{"action", op.action}, {"path", op.path.string()}, {"detail", op.detail}});
    return ops;
}

ExitCode run_apply(cli::Context& context, const Arguments& args) {
    auto options = args.apply;
    options.offline = context.options.offline;
    options.identity = context.options.identity;
    auto keys = cli::trusted_keys(context.options);
    ApplyResult result;
    try {
        result = apply_archive(args.archive, context.host(), keys, options, confirm_on_terminal);
    } catch (const archive::Rejected& rejected) {
        if (context.out.json_mode())
            context.out.json({{"schema", "pmxsnap.restore-apply/1"},
                              {"applied", false},
                              {"rejected", rejected.what()}});
        context.out.warn("{}", rejected.what());
        return ExitCode::findings;
    }
    for (const auto& forced : result.forced)
        context.out.warn("--force: going on although {}", forced);
    if (context.out.json_mode()) {
        context.out.json({{"schema", "pmxsnap.restore-apply/1"},
                          {"applied", result.applied},
                          {"dry_run", options.dry_run},
                          {"forced", result.forced},
                          {"operations", operations_json(result)}});
        return result.applied || options.dry_run ? ExitCode::ok : ExitCode::findings;
    }
    for (const auto& op : result.operations)
        context.out.say("{}{:<7} {} ({})", options.dry_run ? "would " : "", op.action,
                        op.path.string(), op.detail);
    if (!result.applied && !options.dry_run) {
        context.out.say("nothing changed: not confirmed");
        return ExitCode::findings;
    }
    if (result.applied && !options.host_files_only)
        context.out.say(
            "next, in this order: systemctl start pve-cluster; systemctl start corosync; "
            "systemctl start pvedaemon pveproxy pvestatd; then pve-ha-crm and "
            "pve-ha-lrm if HA is used. Check `ls /etc/pve/nodes`, `pvecm status` and "
            "`pmxsnap doctor`; the kept files above are the previous state");
    return ExitCode::ok;
}

ExitCode run_extract(cli::Context& context, const Arguments& args) {
    auto result = extract_archive(args.archive, args.to, args.paths, args.force_extract,
                                  context.options.identity);
    if (context.out.json_mode())
        context.out.json({{"schema", "pmxsnap.restore-extract/1"},
                          {"directory", args.to},
                          {"files", result.files},
                          {"directories", result.directories}});
    else
        context.out.say("extracted {} files and {} directories into {}", result.files,
                        result.directories, args.to);
    return ExitCode::ok;
}

ExitCode run_file(cli::Context& context, const Arguments& args) {
    std::optional<std::string> expected;
    if (!args.expect_digest.empty())
        expected = args.expect_digest;
    auto result = restore_file(args.archive, context.host(), args.path, expected, args.force_file,
                               context.options.identity);
    if (context.out.json_mode())
        context.out.json(
            {{"schema", "pmxsnap.restore-file/1"},
             {"path", result.target.string()},
             {"previous_sha256", result.previous_sha256 ? nlohmann::json(*result.previous_sha256)
                                                        : nlohmann::json(nullptr)},
             {"restored_sha256", result.restored_sha256}});
    else
        context.out.say("restored {} from {} (SHA-256 {} → {})", result.target.string(),
                        result.member, result.previous_sha256.value_or("absent"),
                        result.restored_sha256);
    return ExitCode::ok;
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto args = std::make_shared<Arguments>();
    auto* restore = app.add_subcommand("restore", "Plan and carry out a restore from an archive");
    restore->require_subcommand(1);
    cli::add_global_options(*restore, context.options);

    auto* plan = restore->add_subcommand("plan", "The steps for this node's situation");
    cli::add_global_options(*plan, context.options);
    plan->add_option("ARCHIVE", args->archive, "The archive to restore from")->required();
    plan->add_option("--scenario", args->scenario,
                     "auto, single-node, rejoin, cluster or file (default: auto)")
        ->type_name("SCENARIO")
        ->check(
            CLI::IsMember({"auto", "single-node", "rejoin", "cluster", "file"}).description(""));
    plan->add_option("--file", args->file, "For --scenario file: the /etc/pve path")
        ->type_name("PATH");

    auto* apply = restore->add_subcommand("apply", "Install the archived db (and host files)");
    cli::add_global_options(*apply, context.options);
    apply->add_option("ARCHIVE", args->archive, "The archive to restore from")->required();
    apply->add_flag("--dry-run", args->apply.dry_run, "Print every file operation, change nothing");
    apply->add_flag("--yes", args->apply.yes, "Do not ask for confirmation");
    apply->add_flag("--force", args->apply.force,
                    "Go on despite another cluster, a running pmxcfs/corosync or a rollback");
    apply->add_flag("--host-files", args->apply.host_files,
                    "Also install the node-local files (hostname, hosts, interfaces, ...)");
    apply->add_flag("--host-files-only", args->apply.host_files_only,
                    "Only the node-local files, not the db (a node rejoining its cluster)");

    auto* extract =
        restore->add_subcommand("extract", "Write the archive's files under a directory");
    cli::add_global_options(*extract, context.options);
    extract->add_option("ARCHIVE", args->archive, "The archive")->required();
    extract->add_option("--to", args->to, "Target directory (new or empty)")
        ->type_name("DIR")
        ->required();
    extract->add_option("PATH", args->paths, "Only these paths (/etc/pve/x, pve/x, /etc/hosts)");
    extract->add_flag("--force", args->force_extract, "Allow a non-empty directory");

    auto* file = restore->add_subcommand("file", "Put one /etc/pve file back (mounted, writable)");
    cli::add_global_options(*file, context.options);
    file->add_option("ARCHIVE", args->archive, "The archive")->required();
    file->add_option("PATH", args->path, "The /etc/pve path")->required();
    file->add_option("--expect-digest", args->expect_digest,
                     "SHA-256 the live file must still have, or absent (printed by diff)")
        ->type_name("DIGEST");
    file->add_flag("--force", args->force_file, "Replace whatever the live file holds");

    for (auto* sub : {plan, apply, extract, file})
        sub->fallthrough();
    return {restore, [&context, args, plan, apply, extract, file]() {
                if (file->parsed())
                    return run_file(context, *args);
                if (plan->parsed())
                    return run_plan(context, *args);
                if (apply->parsed())
                    return run_apply(context, *args);
                if (extract->parsed())
                    return run_extract(context, *args);
                fail("restore: which step? plan, apply or extract");
            }};
}

} // namespace pmxsnap::restore
