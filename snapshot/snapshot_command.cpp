#include "snapshot_command.hpp"

#include "post_command.hpp"
#include "snapshot.hpp"

#include "pmxsnap/archive/operator_path.hpp"
#include "pmxsnap/configdb/violation_json.hpp"
#include "pmxsnap/host/health_ping.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/json_optional.hpp"
#include "pmxsnap/util/metrics_file.hpp"
#include "pmxsnap/util/time.hpp"

#include <memory>

namespace pmxsnap::snapshot {
namespace {

nlohmann::json dry_run_json(const SnapshotResult& r, bool if_changed) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : r.planned)
        members.push_back({{"path", archive::operator_path(m.path).value_or(m.path)},
                           {"member", m.path},
                           {"type", m.is_directory ? "directory" : "file"},
                           {"size", m.size}});
    return {{"dry_run", true},
            {"would_write", !(if_changed && !r.unchanged_since.empty())},
            {"if_changed_would_skip", !r.unchanged_since.empty()},
            {"unchanged_since", r.unchanged_since.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(r.unchanged_since)},
            {"planned_members", members},
            {"planned_bytes", r.planned_bytes}};
}

nlohmann::json withheld_json(const SnapshotResult& r) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& w : r.withheld)
        out.push_back({{"path", w.path}, {"reason", w.reason}});
    return out;
}

nlohmann::json to_json(const SnapshotResult& r) {
    auto violations = configdb::violations_json(r.violations);
    nlohmann::json problems = nlohmann::json::array(), notes = nlohmann::json::array();
    if (r.health) {
        for (const auto& problem : r.health->problems)
            problems.push_back({{"id", problem.id}, {"message", problem.message}});
        notes = r.health->notes;
    }
    nlohmann::json phases = nlohmann::json::object();
    for (const auto& phase : r.phases)
        phases[phase.name] = phase.seconds;
    return {{"schema", "pmxsnap.snapshot/1"},
            {"written", r.written},
            {"encrypted", r.encrypted},
            {"check", r.quick ? "quick" : "full"},
            {"archive", r.archive.string()},
            {"signature", r.signature.string()},
            {"size", r.size},
            {"cluster", r.cluster},
            {"node", r.node},
            {"captured_at", r.captured_at},
            {"db_version", r.db_version},
            {"config_version", json_or_null(r.config_version)},
            {"state", r.state},
            {"members", r.members},
            {"copy_method", r.copy_method},
            {"runtime_recorded", r.runtime_recorded},
            {"invariant_violations", violations},
            {"health", r.health ? r.health->verdict : "unknown"},
            {"problems", problems},
            {"health_notes", notes},
            {"warnings", r.warnings},
            {"profile", r.profile},
            {"withheld", withheld_json(r)},
            {"seconds", phases}};
}

nlohmann::json post_command_json(const std::optional<PostCommandRun>& post) {
    if (!post)
        return nullptr;
    return {{"result", post->exit.describe()},
            {"success", post->exit.success()},
            {"seconds", post->seconds}};
}

// Secrets of the node profile that this archive does not hold: one line,
// each file and why with -v.
void render_withheld(cli::Output& out, const SnapshotResult& r) {
    if (r.withheld.empty())
        return;
    std::vector<std::string> names;
    names.reserve(r.withheld.size());
    for (const auto& w : r.withheld)
        names.push_back(escape_name(w.path));
    out.say("secrets not archived: {}", fmt::join(names, ", "));
    for (const auto& w : r.withheld)
        out.detail("  {}: {}", escape_name(w.path), w.reason);
}

std::string health_word(const SnapshotResult& r) {
    return r.health ? r.health->verdict : "health unknown";
}

// A bad state is archived as evidence; the operator is told it is not one
// to go back to, why, and which command finds the one that is.
void render_health(cli::Output& out, const SnapshotResult& r) {
    if (!r.health)
        return;
    for (const auto& note : r.health->notes)
        out.detail("health note: {}", note);
    if (r.health->good())
        return;
    for (const auto& problem : r.health->problems)
        out.warn("state is bad: {}", problem.message);
    out.warn("archived as evidence and marked bad; compare with the last good one: pmxsnap "
             "diff latest-good live");
}

// --dry-run: the decision, the target, and what it would hold. Files are
// listed one per line; /etc/pve's tree (up to 262,144 entries) as a count
// unless -v.
void render_dry_run(cli::Output& out, const SnapshotResult& r, bool if_changed, int verbose) {
    for (const auto& warning : r.warnings)
        out.warn("{}", warning);
    for (const auto& v : r.violations)
        out.warn("captured db: pmxcfs {}: {} ({}{})", to_string(v.effect), v.message, v.rule,
                 v.path.empty() ? "" : ", " + v.path);
    render_health(out, r);
    bool skip = if_changed && !r.unchanged_since.empty();
    if (skip) {
        out.say("dry run: --if-changed would write nothing: unchanged since {} (db version {})",
                r.unchanged_since.string(), r.db_version);
        if (r.planned.empty())
            return; // decided by the quick check: nothing was captured
    } else {
        out.say("dry run: would write {} ({}/{}, db version {}{})", r.archive.string(), r.cluster,
                r.node, r.db_version, r.encrypted ? ", encrypted" : "");
        if (r.unchanged_since.empty())
            out.say("--if-changed would write it too: no archive of this node has this state");
        else
            out.say("--if-changed would skip it: same state as {}", r.unchanged_since.string());
    }
    std::size_t pve_files = 0, pve_directories = 0;
    std::int64_t pve_bytes = 0;
    for (const auto& m : r.planned) {
        bool in_pve = m.path.starts_with("pve/");
        if (in_pve) {
            (m.is_directory ? pve_directories : pve_files) += 1;
            pve_bytes += m.size;
        }
        auto shown = archive::operator_path(m.path);
        if (shown && (!in_pve || verbose > 0))
            out.say("  {:>10}  {}{}", m.is_directory ? "-" : std::to_string(m.size),
                    archive::printable(*shown), m.is_directory ? "/" : "");
    }
    if (verbose == 0)
        out.say("  {:>10}  /etc/pve/ ({} files, {} directories; -v lists them)", pve_bytes,
                pve_files, pve_directories);
    out.say("{} members, {} bytes before compression; nothing written", r.planned.size() + 1,
            r.planned_bytes);
}

void render_text(cli::Output& out, const SnapshotResult& r) {
    for (const auto& path : r.cleaned)
        out.detail("removed leftover of an interrupted run: {}", path.string());
    for (const auto& warning : r.warnings)
        out.warn("{}", warning);
    for (const auto& v : r.violations)
        out.warn("captured db: pmxcfs {}: {} ({}{})", to_string(v.effect), v.message, v.rule,
                 v.path.empty() ? "" : ", " + escape_name(v.path));
    render_health(out, r);
    render_withheld(out, r);
    if (!r.written)
        out.say("unchanged since {} (db version {}, {}{}): nothing written", r.archive.string(),
                r.db_version, health_word(r),
                r.quick ? "; db and host files untouched since it" : "");
    else
        out.say("{} ({} bytes, db version {}, {} members, {})", r.archive.string(), r.size,
                r.db_version, r.members, health_word(r));
    for (const auto& phase : r.phases)
        out.detail("  {:<14} {:.3f} s", phase.name, phase.seconds);
}

double total_seconds(const SnapshotResult& r) {
    double total = 0;
    for (const auto& phase : r.phases)
        total += phase.seconds;
    return total;
}

// What an alert needs: did the last run work, how old is the newest
// snapshot, and did it capture a db the rules accept.
void write_metrics(const fs::path& file, const SnapshotResult* r, double run_started) {
    MetricsFile metrics;
    metrics.gauge("pmxsnap_snapshot_last_run_timestamp_seconds",
                  "When the last snapshot run started (Unix time).", run_started);
    metrics.gauge("pmxsnap_snapshot_last_run_success",
                  "1 when the last snapshot run succeeded, 0 when it failed.", r ? 1 : 0);
    if (r) {
        MetricsFile::Labels labels{{"cluster", r->cluster}, {"node", r->node}};
        if (auto captured = parse_iso8601_utc(r->captured_at))
            metrics.gauge("pmxsnap_snapshot_newest_timestamp_seconds",
                          "Capture time of the newest snapshot of this node (Unix time).",
                          static_cast<double>(*captured), labels);
        metrics.gauge("pmxsnap_snapshot_newest_size_bytes", "Size of the newest archive.",
                      static_cast<double>(r->size), labels);
        metrics.gauge("pmxsnap_snapshot_written",
                      "1 when the last run wrote an archive, 0 when nothing had changed.",
                      r->written ? 1 : 0, labels);
        metrics.gauge("pmxsnap_snapshot_duration_seconds", "How long the last run took.",
                      total_seconds(*r), labels);
        metrics.gauge("pmxsnap_snapshot_db_version", "pmxcfs db version of the newest snapshot.",
                      static_cast<double>(r->db_version), labels);
        metrics.gauge("pmxsnap_snapshot_invariant_violations",
                      "pmxcfs rules the captured db breaks (0 when sound).",
                      static_cast<double>(r->violations.size()), labels);
        if (r->health)
            metrics.gauge("pmxsnap_snapshot_newest_good",
                          "1 when the newest snapshot's state is good, 0 when it is bad.",
                          r->health->good() ? 1 : 0, labels);
    }
    metrics.write(file);
}

// 1 for a state that is not one to go back to: a script that snapshots
// after every change learns at once that the change broke something.
ExitCode exit_code(const SnapshotResult& r) {
    bool bad = r.health && !r.health->good();
    return r.violations.empty() && !bad ? ExitCode::ok : ExitCode::findings;
}

// What the fail ping carries: why the run is not a success.
std::string failure_reason(const SnapshotResult& r) {
    std::string reason;
    for (const auto& v : r.violations)
        reason += fmt::format("captured db: pmxcfs {}: {}\n", to_string(v.effect), v.message);
    if (r.health)
        for (const auto& problem : r.health->problems)
            reason += "state is bad: " + problem.message + "\n";
    return reason;
}

std::string current_error() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "interrupted";
    }
}

struct AfterRun {
    std::string notify_url;
    std::string post_command;
    std::string metrics;
};

// The post-command, then the closing ping: a failed off-site copy fails the
// run (exit 2, a fail ping, the unit's mail) and leaves the archive alone.
ExitCode after_success(SnapshotResult& result, const SnapshotOptions& options,
                       const AfterRun& after, host::HealthPing& ping,
                       std::optional<PostCommandRun>& post) {
    auto code = exit_code(result);
    std::string reason = failure_reason(result);
    if (!after.post_command.empty()) {
        post = run_post_command(after.post_command, options.repo, result);
        if (!post->exit.success()) {
            code = ExitCode::error;
            reason += "post-command " + post->exit.describe() + "\n";
            result.warnings.push_back(fmt::format("post-command {}; {} is kept as written",
                                                  post->exit.describe(), result.archive.string()));
        }
    }
    ping.finish(code == ExitCode::ok, reason);
    for (const auto& warning : ping.warnings())
        result.warnings.push_back(warning);
    return code;
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto options = std::make_shared<SnapshotOptions>();
    auto* sub = app.add_subcommand("snapshot", "Capture /etc/pve, corosync and host files into "
                                               "a signed archive");
    cli::add_global_options(*sub, context.options);
    sub->add_flag("--if-changed", options->if_changed,
                  "Write nothing when the state equals the newest snapshot's");
    sub->add_option("--note", options->note, "Free text stored in the manifest")->type_name("TEXT");
    sub->add_flag("--dry-run", options->dry_run,
                  "Show what would be captured and where, and whether --if-changed would "
                  "skip it; write nothing");
    sub->add_option("--recipient", options->recipients,
                    "Encrypt to this age recipient (age1...); repeatable")
        ->type_name("RECIPIENT");
    sub->add_option("--recipients-file", options->recipients_files,
                    "Encrypt to the age recipients in this file (one per line); repeatable")
        ->type_name("FILE");
    sub->add_flag("--include-authkey", options->include_authkey,
                  "Store /etc/corosync/authkey in the archive (encrypted archives only)");
    sub->add_flag("--include-host-keys", options->include_host_keys,
                  "Store the private SSH host keys in the archive (encrypted archives only)");
    sub->add_option("--include", options->include,
                    "Add a node profile category or an absolute path (a * in its last "
                    "component); repeatable")
        ->type_name("CATEGORY|PATH");
    sub->add_option("--exclude", options->exclude,
                    "Leave a node profile category or path out; repeatable")
        ->type_name("CATEGORY|PATH");
    auto after = std::make_shared<AfterRun>();
    sub->add_option("--metrics", after->metrics,
                    "Write a Prometheus textfile-collector file about this run")
        ->type_name("FILE");
    sub->add_option("--notify-url", after->notify_url,
                    "Ping this healthchecks-style URL: URL/start, then URL or URL/fail")
        ->type_name("URL");
    sub->add_option("--post-command", after->post_command,
                    "Run this shell command after the run (an off-site copy); "
                    "PMXSNAP_ARCHIVE and others name what was written")
        ->type_name("COMMAND");
    auto lock_wait = std::make_shared<double>(60);
    sub->add_option("--lock-wait", *lock_wait,
                    "Seconds to wait for another snapshot of this node (0-86400, default 60)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.0, 86400.0).description(""));
    return {sub, [&context, options, lock_wait, after]() {
                options->lock_wait =
                    std::chrono::milliseconds(static_cast<long>(*lock_wait * 1000));
                options->repo = context.options.repo;
                options->key = context.options.key;
                options->offline = context.options.offline;
                // A dry run is not a run the alerts watch: no pings, no
                // post-command, and the metrics file stays as the last real
                // run left it.
                bool real = !options->dry_run;
                if (real && !after->notify_url.empty())
                    host::HealthPing::check_url(after->notify_url);
                host::HealthPing ping(real ? after->notify_url : "");
                auto started = static_cast<double>(context.host().now());
                ping.start();
                SnapshotResult result;
                try {
                    result = take_snapshot(context.host(), *options);
                } catch (...) {
                    // Any failure, an interruption (pmxsnap::Interrupted is no
                    // Error) included: the metrics never keep saying success.
                    if (!after->metrics.empty() && real)
                        write_metrics(after->metrics, nullptr, started);
                    ping.finish(false, current_error());
                    for (const auto& warning : ping.warnings())
                        context.out.warn("{}", warning);
                    throw;
                }
                if (!real) {
                    if (context.out.json_mode()) {
                        auto document = to_json(result);
                        document.update(dry_run_json(result, options->if_changed));
                        context.out.json(document);
                    }
                    if (!context.out.json_mode() || context.options.verbose > 0)
                        render_dry_run(context.out, result, options->if_changed,
                                       context.options.verbose);
                    return exit_code(result);
                }
                if (!after->metrics.empty())
                    write_metrics(after->metrics, &result, started);
                std::optional<PostCommandRun> post;
                auto code = after_success(result, *options, *after, ping, post);
                // Text first: under --json its warnings are already in the
                // document ("warnings", "problems"), and stderr stays silent.
                render_text(context.out, result);
                if (context.out.json_mode()) {
                    auto document = to_json(result);
                    document["post_command"] = post_command_json(post);
                    context.out.json(document);
                }
                return code;
            }};
}

} // namespace pmxsnap::snapshot
