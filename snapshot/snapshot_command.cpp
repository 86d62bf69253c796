#include "snapshot_command.hpp"

#include "snapshot.hpp"

#include <memory>

namespace pmxsnap::snapshot {
namespace {

nlohmann::json to_json(const SnapshotResult& r) {
    nlohmann::json violations = nlohmann::json::array();
    for (const auto& v : r.violations)
        violations.push_back(
            {{"rule", v.rule}, {"inode", v.inode}, {"path", v.path}, {"message", v.message}});
    nlohmann::json phases = nlohmann::json::object();
    for (const auto& phase : r.phases)
        phases[phase.name] = phase.seconds;
    return {{"schema", "pmxsnap.snapshot/1"},
            {"written", r.written},
            {"archive", r.archive.string()},
            {"signature", r.signature.string()},
            {"size", r.size},
            {"cluster", r.cluster},
            {"node", r.node},
            {"captured_at", r.captured_at},
            {"db_version", r.db_version},
            {"config_version",
             r.config_version ? nlohmann::json(*r.config_version) : nlohmann::json(nullptr)},
            {"state", r.state},
            {"members", r.members},
            {"copy_method", r.copy_method},
            {"runtime_recorded", r.runtime_recorded},
            {"invariant_violations", violations},
            {"warnings", r.warnings},
            {"seconds", phases}};
}

void render_text(cli::Output& out, const SnapshotResult& r) {
    for (const auto& path : r.cleaned)
        out.detail("removed leftover of an interrupted run: {}", path.string());
    for (const auto& warning : r.warnings)
        out.warn("{}", warning);
    for (const auto& v : r.violations)
        out.warn("captured db breaks a pmxcfs rule: {} ({}{})", v.message, v.rule,
                 v.path.empty() ? "" : ", " + v.path);
    if (!r.written)
        out.say("unchanged since {} (db version {}): nothing written", r.archive.string(),
                r.db_version);
    else
        out.say("{} ({} bytes, db version {}, {} members)", r.archive.string(), r.size,
                r.db_version, r.members);
    for (const auto& phase : r.phases)
        out.detail("  {:<14} {:.3f} s", phase.name, phase.seconds);
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto options = std::make_shared<SnapshotOptions>();
    auto* sub = app.add_subcommand("snapshot", "Capture /etc/pve, corosync and host files into "
                                               "a signed archive");
    cli::add_global_options(*sub, context.options);
    sub->add_flag("--if-changed", options->if_changed,
                  "Write nothing when the state equals the newest snapshot's");
    sub->add_option("--note", options->note, "Free text stored in the manifest");
    auto lock_wait = std::make_shared<double>(60);
    sub->add_option("--lock-wait", *lock_wait,
                    "Seconds to wait for another snapshot of this node (default 60)")
        ->check(CLI::Range(0.0, 86400.0));
    return {sub, [&context, options, lock_wait]() {
                options->lock_wait =
                    std::chrono::milliseconds(static_cast<long>(*lock_wait * 1000));
                options->repo = context.options.repo;
                options->key = context.options.key;
                options->offline = context.options.offline;
                auto result = take_snapshot(context.host(), *options);
                if (context.out.json_mode())
                    context.out.json(to_json(result));
                render_text(context.out, result);
                return result.violations.empty() ? ExitCode::ok : ExitCode::findings;
            }};
}

} // namespace pmxsnap::snapshot
