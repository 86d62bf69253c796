#include "restore_command.hpp"

#include "apply.hpp"
#include "apply_review.hpp"
#include "authenticate_first.hpp"
#include "before_option.hpp"
#include "extract.hpp"
#include "host_files.hpp"
#include "plan.hpp"
#include "restore_file.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/trust/private_copy.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"

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
    std::string before;
    bool drill = false;
    std::string pmxcfs = "/usr/bin/pmxcfs";
    unsigned drill_timeout = 30;
    bool no_verify = false;
    // What apply installs, one of three: the db (neither option), the
    // categories of --host-files, or --host-files-only's network,identity.
    std::string host_files;
    std::string peer;
    unsigned peer_timeout = 10;
    std::vector<std::string> peer_ssh_options;
};

// The one selector grammar of every command that reads archives
// (lib/repo/selector): a `latest` form means this host's snapshots in
// --repo — its cluster from corosync.conf under --root, its node name.
// An archive path needs no scope: a freshly installed root (no hostname
// yet) can still be restored into.
fs::path selected_archive(cli::Context& context, const Arguments& args) {
    auto host = context.host();
    auto parsed = repo::parse_selector(args.archive);
    bool path = parsed.selector && parsed.selector->kind == repo::Selector::Kind::path;
    return repo::select_archive(args.archive, repo::Repository(context.options.repo),
                                path ? repo::SelectorScope{} : capture::selector_scope(host),
                                cli::before_time(args.before, host))
        .archive;
}

ExitCode run_plan(cli::Context& context, const Arguments& args, const fs::path& archive_path) {
    PlanOptions options;
    if (args.scenario != "auto") {
        options.scenario = parse_scenario(args.scenario);
        if (!options.scenario)
            fail("--scenario {}: not one of auto, single-node, rejoin, cluster, file",
                 args.scenario);
    }
    options.file = args.file;
    trust::PrivateCopy copy(archive_path);
    authenticate_first(context, args.no_verify, copy, "plans from");
    // The steps name the archive the selector resolved to, never `latest`
    // itself: a snapshot taken between plan and apply would otherwise be
    // what apply installs.
    options.archive_argument = archive_path.string();
    if (archive_path.string() != args.archive)
        options.selector = args.archive;
    auto archive = copy.read(
        [&](const fs::path& path) { return read_archive_facts(path, context.options.identity); });
    archive.path = archive_path;
    auto host = read_host_facts(context.host(), context.options.offline);
    if (!args.peer.empty()) {
        if (context.options.offline)
            fail("--peer {}: --offline skips every live probe; drop one of them", args.peer);
        host.asked_peer =
            ask_peer({args.peer, args.peer_ssh_options, std::chrono::seconds(args.peer_timeout)});
    }
    // Only auto mode needs to know whether they are gone; a peer that
    // answered over SSH already shows they are not.
    if (!options.scenario && !host.asked_peer)
        probe_peers(archive, host);
    auto plan = make_plan(archive, host, options);
    if (context.out.json_mode()) {
        auto doc = plan.to_json();
        doc["verified"] = !args.no_verify;
        context.out.json(doc);
    } else
        for (const auto& line : plan.text())
            context.out.say("{}", line);
    // Undecided is a finding, not an error: the archive and the host were
    // read, and what was found is that they do not tell the situation apart
    // (exit 1, as a plan whose preconditions fail; exit 0 only for a plan to
    // follow). Exit 2 stays for what stopped the command.
    return plan.decided && plan.preconditions_hold() ? ExitCode::ok : ExitCode::findings;
}

bool confirm_on_terminal(const std::vector<Operation>& ops) {
    if (!::isatty(0))
        fail("refusing without --yes: standard input is not a terminal to confirm on");
    for (const auto& op : ops)
        std::cerr << "  " << to_string(op.action) << " " << escape_name(op.path.string()) << " ("
                  << escape_name(detail(op)) << ")\n";
    std::cerr << "Carry these out? Type yes: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
}

nlohmann::json operations_json(const ApplyResult& result) {
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : result.operations) {
        nlohmann::json item = {{"action", to_string(op.action)}};
        put_name(item, "path", op.path.string()); // a host file's name is bytes too
        put_name(item, "detail", detail(op));
        ops.push_back(std::move(item));
    }
    return ops;
}

ExitCode run_apply(cli::Context& context, const Arguments& args, const fs::path& archive) {
    auto options = args.apply;
    if (!args.host_files.empty())
        options.host_categories = parse_host_categories(args.host_files);
    options.offline = context.options.offline;
    options.identity = context.options.identity;
    if (args.drill) {
        if (auto why = trust::drill_unavailable(); !why.empty())
            fail("restore apply --drill: {}", why);
        options.drill = trust::DrillOptions{args.pmxcfs, std::chrono::seconds(args.drill_timeout)};
    }
    auto keys = cli::required_trusted_keys(context.options);
    // An archive that fails verification throws archive::Rejected: exit 1
    // at the top level, like every other command that reads archives.
    auto result = apply_archive(archive, context.host(), keys, options, confirm_on_terminal);
    for (const auto& forced : result.forced)
        context.out.warn("--force: going on although {}", forced);
    for (const auto& warning : result.warnings)
        context.out.warn("{}", warning);
    if (context.out.json_mode()) {
        context.out.json({{"schema", "pmxsnap.restore-apply/1"},
                          {"applied", result.applied},
                          {"dry_run", options.dry_run},
                          {"forced", result.forced},
                          {"warnings", result.warnings},
                          {"not_installed", result.not_installed},
                          {"host_categories", options.host_categories},
                          {"diffs", diffs_json(result)},
                          {"storage", storage_json(result)},
                          {"operations", operations_json(result)}});
        return result.applied || options.dry_run ? ExitCode::ok : ExitCode::findings;
    }
    for (const auto& op : result.operations)
        context.out.say("{}{:<7} {} ({})", options.dry_run ? "would " : "", to_string(op.action),
                        escape_name(op.path.string()), escape_name(detail(op)));
    for (const auto& left : result.not_installed)
        context.out.say("not installed: {}", escape_name(left));
    render_review(context.out, result);
    if (!result.applied && !options.dry_run) {
        context.out.say("nothing changed: not confirmed");
        return ExitCode::findings;
    }
    if (result.applied && options.host_categories.empty())
        context.out.say(
            "next, in this order: systemctl start pve-cluster; systemctl start corosync; "
            "systemctl start pvedaemon pveproxy pvestatd; then pve-ha-crm and "
            "pve-ha-lrm if HA is used. Check `ls /etc/pve/nodes`, `pvecm status` and "
            "`pmxsnap doctor`; the kept files above are the previous state");
    return ExitCode::ok;
}

ExitCode run_extract(cli::Context& context, const Arguments& args, const fs::path& archive) {
    trust::PrivateCopy copy(archive);
    authenticate_first(context, args.no_verify, copy, "extracts");
    auto result = copy.read([&](const fs::path& path) {
        return extract_archive(path, args.to, args.paths, args.force_extract,
                               context.options.identity);
    });
    if (context.out.json_mode())
        context.out.json({{"schema", "pmxsnap.restore-extract/1"},
                          {"directory", args.to},
                          {"files", result.files},
                          {"directories", result.directories},
                          {"verified", !args.no_verify}});
    else
        context.out.say("extracted {} files and {} directories into {}", result.files,
                        result.directories, args.to);
    return ExitCode::ok;
}

ExitCode run_file(cli::Context& context, const Arguments& args, const fs::path& archive) {
    // A path restore file never takes is refused before keys are asked for.
    if (auto refusal = restore_file_refusal(args.path); !refusal.empty())
        throw Error(refusal);
    trust::PrivateCopy copy(archive);
    authenticate_first(context, args.no_verify, copy, "restores from");
    std::optional<std::string> expected;
    if (!args.expect_digest.empty())
        expected = args.expect_digest;
    auto result = restore_file(copy, context.host(), args.path, expected, args.force_file,
                               context.options.identity);
    for (const auto& forced : result.forced)
        context.out.warn("--force: going on although {}", forced);
    for (const auto& note : result.notes)
        context.out.warn("{}", note);
    if (context.out.json_mode()) {
        nlohmann::json doc = {{"schema", "pmxsnap.restore-file/1"},
                              {"previous_sha256", result.previous_sha256
                                                      ? nlohmann::json(*result.previous_sha256)
                                                      : nlohmann::json(nullptr)},
                              {"restored_sha256", result.restored_sha256},
                              {"forced", result.forced},
                              {"next", result.next},
                              {"verified", !args.no_verify}};
        put_name(doc, "path", result.target.string());
        if (result.kept)
            put_name(doc, "kept", result.kept->string());
        else
            doc["kept"] = nullptr;
        context.out.json(doc);
        return ExitCode::ok;
    }
    context.out.say("restored {} from {} (SHA-256 {} → {})", escape_name(result.target.string()),
                    escape_name(result.member), result.previous_sha256.value_or("absent"),
                    result.restored_sha256);
    if (result.kept)
        context.out.say("kept the previous file as {}", escape_name(result.kept->string()));
    if (!result.next.empty())
        context.out.say("next: {}", result.next);
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
    plan->add_option("ARCHIVE", args->archive,
                     std::string("The archive: ") + repo::selector_grammar)
        ->required();
    plan->add_option("--scenario", args->scenario,
                     "auto, single-node, rejoin, cluster or file (default: auto)")
        ->type_name("SCENARIO")
        ->check(
            CLI::IsMember({"auto", "single-node", "rejoin", "cluster", "file"}).description(""));
    plan->add_option("--file", args->file, "For --scenario file: the /etc/pve path")
        ->type_name("PATH");
    plan->add_option("--peer", args->peer,
                     "Ask this cluster node over SSH (read-only) for its quorum, nodelist and db "
                     "version")
        ->type_name("[USER@]HOST");
    plan->add_option("--peer-timeout", args->peer_timeout,
                     "Seconds the whole conversation with --peer may take (1-300, default 10)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1u, 300u).description(""));
    plan->add_option("--peer-ssh-option", args->peer_ssh_options,
                     "An ssh_config option for --peer (Name=value; repeatable), e.g. "
                     "IdentityFile=... or UserKnownHostsFile=...")
        ->type_name("OPTION")
        ->allow_extra_args(false);

    auto* apply = restore->add_subcommand("apply", "Install the archived db (and host files)");
    cli::add_global_options(*apply, context.options);
    apply
        ->add_option("ARCHIVE", args->archive,
                     std::string("The archive: ") + repo::selector_grammar)
        ->required();
    apply->add_flag("--dry-run", args->apply.dry_run, "Print every file operation, change nothing");
    apply->add_flag("--yes", args->apply.yes, "Do not ask for confirmation");
    apply->add_flag("--force", args->apply.force,
                    "Go on despite another cluster, a running pmxcfs/corosync or a rollback");
    auto* host_files =
        apply
            ->add_option(
                "--host-files", args->host_files,
                "Install these node profile categories instead of the db: network, "
                "identity, corosync, storage, boot, apt, jobs, mail, or all (every one but "
                "storage and corosync); comma-separated")
            ->type_name("CATEGORY,...");
    apply
        ->add_flag_callback(
            "--host-files-only", [args] { args->host_files = "network,identity"; },
            "Same as --host-files network,identity (a node rejoining its cluster)")
        ->excludes(host_files);
    apply->add_flag("--drill", args->drill,
                    "Prove the archive with the real pmxcfs first (verify --drill); refuse to "
                    "install when the drill fails");
    apply->add_option("--pmxcfs", args->pmxcfs, "The pmxcfs binary the drill runs")
        ->type_name("FILE");
    apply
        ->add_option("--drill-timeout", args->drill_timeout,
                     "Seconds the drill may take (1-3600, default 30)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1u, 3600u).description(""));

    auto* extract =
        restore->add_subcommand("extract", "Write the archive's files under a directory");
    cli::add_global_options(*extract, context.options);
    extract
        ->add_option("ARCHIVE", args->archive,
                     std::string("The archive: ") + repo::selector_grammar)
        ->required();
    extract->add_option("--to", args->to, "Target directory (new or empty)")
        ->type_name("DIR")
        ->required();
    extract->add_option("PATH", args->paths, "Only these paths (/etc/pve/x, pve/x, /etc/hosts)");
    extract->add_flag("--force", args->force_extract, "Allow a non-empty directory");

    auto* file = restore->add_subcommand(
        "file", "Put one file back: an /etc/pve path (mounted, writable) or a node-local file");
    cli::add_global_options(*file, context.options);
    file->add_option("ARCHIVE", args->archive,
                     std::string("The archive: ") + repo::selector_grammar)
        ->required();
    file->add_option("PATH", args->path,
                     "An /etc/pve path, or /etc/corosync/corosync.conf, /etc/hostname, /etc/hosts, "
                     "/etc/resolv.conf, /etc/network/interfaces(.d/*)")
        ->required();
    file->add_option("--expect-digest", args->expect_digest,
                     "SHA-256 the live file must still have, or absent (printed by diff)")
        ->type_name("DIGEST");
    file->add_flag("--force", args->force_file,
                   "Replace whatever the live file holds (and go on for another node's archive)");

    // Not apply: what installs a whole db is verified in full, always.
    for (auto* sub : {plan, extract, file})
        sub->add_flag("--no-verify", args->no_verify,
                      "Read the archive without checking its signature (said on the first line)");
    for (auto* sub : {plan, apply, extract, file}) {
        cli::add_before_option(*sub, args->before);
        sub->fallthrough();
    }
    return {restore, [&context, args, plan, apply, extract, file]() {
                auto step = [&](ExitCode (*run)(cli::Context&, const Arguments&, const fs::path&)) {
                    auto archive = selected_archive(context, *args);
                    return archive::naming_archive(archive.string(),
                                                   [&] { return run(context, *args, archive); });
                };
                if (file->parsed())
                    return step(run_file);
                if (plan->parsed())
                    return step(run_plan);
                if (apply->parsed())
                    return step(run_apply);
                if (extract->parsed())
                    return step(run_extract);
                fail("restore: which step? plan, apply, extract or file");
            }};
}

} // namespace pmxsnap::restore
