// `pmxsnap prune`: applies a retention policy (lib/repo/retention) to each
// node directory of the repository. Only archives whose signed index
// verifies against a trusted key take part; anything else is left in place
// and reported, so a planted or foreign file can neither push authentic
// snapshots out of the policy nor be deleted as one of them.
#include "prune_command.hpp"

#include "trusted_keys.hpp"

#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/repo/node_lock.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/retention.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

namespace pmxsnap::prune {

using cli::add_global_options;
using cli::Command;
using cli::Context;
using cli::GlobalOptions;
using cli::Output;
using cli::required_trusted_keys;

namespace {

struct PruneOptions {
    repo::RetentionPolicy policy;
    std::string cluster;
    std::string node;
    bool dry_run = false;
    double lock_wait_seconds = 60;
};

enum class Action { keep, remove, leave };

struct Entry {
    repo::Snapshot snapshot;
    Action action = Action::leave;
    std::optional<UnixSeconds> captured; // the signed time, when authentic
    std::vector<repo::RetentionRule> kept_by;
    std::string problem; // why a left file is not trusted
};

struct NodeResult {
    std::string cluster;
    std::string node;
    std::vector<Entry> entries; // oldest first

    std::size_t count(Action action) const {
        return std::count_if(entries.begin(), entries.end(),
                             [&](const Entry& e) { return e.action == action; });
    }
};

// The whole file against its signature: never delete what does not verify
// (an altered archive is evidence, a corrupt one may be all there is).
std::string full_signature_problem(const repo::Snapshot& s,
                                   const std::vector<crypto::PublicKey>& keys) {
    try {
        auto signature = crypto::parse_signature(s.signature_text, s.signature.string());
        auto result = crypto::verify_file(s.archive, signature, keys);
        return result.ok ? "" : result.reason;
    } catch (const Error& e) {
        return e.what();
    }
}

// Decides keep/remove/leave for one node's snapshots (all of one directory).
NodeResult plan_node(std::vector<repo::Snapshot> snapshots, const repo::RetentionPolicy& policy,
                     const std::vector<crypto::PublicKey>& keys) {
    NodeResult result{snapshots.front().cluster, snapshots.front().node, {}};
    std::vector<repo::DatedSnapshot> authentic;
    for (auto& s : snapshots) {
        // The signed index alone (cheap) places a snapshot in the policy;
        // archives about to be removed are checked in full below.
        auto index = repo::authenticate_index(s, keys);
        if (index.ok())
            authentic.push_back({*index.captured, s.archive.filename().string(),
                                 index.comment && index.comment->is_good()});
        result.entries.push_back({std::move(s), Action::leave, index.captured, {}, index.problem});
    }
    if (authentic.empty())
        return result;
    std::map<std::string, repo::RetentionDecision> decisions;
    for (auto& decision : repo::apply_retention(std::move(authentic), policy))
        decisions.emplace(decision.id, std::move(decision));
    for (auto& entry : result.entries) {
        auto decision = decisions.find(entry.snapshot.archive.filename().string());
        if (decision == decisions.end())
            continue;
        entry.kept_by = decision->second.kept_by;
        entry.action = entry.kept_by.empty() ? Action::remove : Action::keep;
        if (entry.action == Action::remove) {
            entry.problem = full_signature_problem(entry.snapshot, keys);
            if (!entry.problem.empty())
                entry.action = Action::leave;
        }
    }
    return result;
}

void remove_file(const fs::path& path) {
    std::error_code error;
    fs::remove(path, error);
    if (error)
        fail("{}: cannot remove: {}", path.string(), error.message());
}

// Archive first, then its signature: a crash in between leaves a signature
// without archive, which the next snapshot removes (clean_leftovers); the
// other order would leave an archive that lists as unsigned. One directory
// fsync for the node makes the removals durable without one per file.
void remove_planned(const NodeResult& result, const fs::path& directory) {
    bool removed_any = false;
    for (const auto& entry : result.entries) {
        if (entry.action != Action::remove)
            continue;
        remove_file(entry.snapshot.archive);
        remove_file(entry.snapshot.signature);
        removed_any = true;
    }
    if (removed_any)
        fsync_directory(directory);
}

std::vector<NodeResult> prune(const GlobalOptions& global, const PruneOptions& options) {
    if (!options.policy.has_rule())
        fail("no retention rule: give at least one --keep-last, --keep-hourly, --keep-daily, "
             "--keep-weekly or --keep-monthly above 0 (or set one under [prune] in the config "
             "file)");
    auto keys = required_trusted_keys(global);
    repo::Repository repository(global.repo);
    auto lock_wait = std::chrono::milliseconds(static_cast<long>(options.lock_wait_seconds * 1000));
    std::vector<NodeResult> results;
    for (const auto& directory : repository.node_directories(options.cluster, options.node)) {
        // A dry run only reads: no lock, so it also runs on a read-only copy.
        std::optional<repo::NodeLock> lock;
        if (!options.dry_run)
            lock.emplace(directory.path, lock_wait);
        auto snapshots = repository.list(directory);
        if (snapshots.empty())
            continue;
        results.push_back(plan_node(std::move(snapshots), options.policy, keys));
        if (!options.dry_run)
            remove_planned(results.back(), directory.path);
    }
    return results;
}

std::string rules_text(const std::vector<repo::RetentionRule>& rules) {
    std::string text;
    for (auto rule : rules) {
        if (!text.empty())
            text += ',';
        text += repo::rule_name(rule);
    }
    return text;
}

std::string_view action_word(Action action) {
    switch (action) {
    case Action::keep:
        return "keep";
    case Action::remove:
        return "remove";
    case Action::leave:
        return "leave";
    }
    return "?";
}

void render_text(Output& out, const std::vector<NodeResult>& results, bool dry_run) {
    std::size_t left = 0;
    for (const auto& node : results) {
        for (const auto& e : node.entries) {
            auto why = e.action == Action::leave ? e.problem : rules_text(e.kept_by);
            out.say("{:<6}  {}/{}/{}{}{}", action_word(e.action), node.cluster, node.node,
                    e.snapshot.archive.filename().string(), why.empty() ? "" : "  ", why);
        }
        out.say("{}/{}: {} kept, {} {}, {} left in place", node.cluster, node.node,
                node.count(Action::keep), node.count(Action::remove),
                dry_run ? "to remove (dry run: nothing removed)" : "removed",
                node.count(Action::leave));
        left += node.count(Action::leave);
    }
    if (left > 0)
        out.warn("{} archive(s) left in place: their signatures do not verify against a trusted "
                 "key (tampered, corrupt or foreign; see the 'leave' lines, or pmxsnap verify)",
                 left);
}

nlohmann::json entry_json(const Entry& e) {
    nlohmann::json json = {{"archive", e.snapshot.archive.string()},
                           {"file", e.snapshot.archive.filename().string()},
                           {"captured_at", e.captured ? nlohmann::json(iso8601_utc(*e.captured))
                                                      : nlohmann::json(nullptr)}};
    json["captured"] = json["captured_at"]; // before 0.2: kept for scripts
    if (e.action == Action::keep) {
        json["reasons"] = nlohmann::json::array();
        for (auto rule : e.kept_by)
            json["reasons"].push_back(repo::rule_name(rule));
    }
    if (e.action == Action::leave)
        json["problem"] = e.problem;
    return json;
}

nlohmann::json to_json(const GlobalOptions& global, const PruneOptions& options,
                       const std::vector<NodeResult>& results) {
    const auto& p = options.policy;
    nlohmann::json nodes = nlohmann::json::array();
    std::map<std::string, std::size_t> totals = {{"kept", 0}, {"removed", 0}, {"left", 0}};
    for (const auto& node : results) {
        nlohmann::json lists = {{"kept", nlohmann::json::array()},
                                {"removed", nlohmann::json::array()},
                                {"left", nlohmann::json::array()}};
        for (const auto& e : node.entries) {
            auto key = e.action == Action::keep     ? "kept"
                       : e.action == Action::remove ? "removed"
                                                    : "left";
            lists[key].push_back(entry_json(e));
            ++totals[key];
        }
        nodes.push_back({{"cluster", node.cluster},
                         {"node", node.node},
                         {"kept", lists["kept"]},
                         {"removed", lists["removed"]},
                         {"left", lists["left"]}});
    }
    return {{"schema", "pmxsnap.prune/1"},
            {"repo", global.repo},
            {"dry_run", options.dry_run},
            {"policy",
             {{"keep_last", p.keep_last},
              {"keep_hourly", p.keep_hourly},
              {"keep_daily", p.keep_daily},
              {"keep_weekly", p.keep_weekly},
              {"keep_monthly", p.keep_monthly}}},
            {"nodes", nodes},
            {"totals", totals}};
}

// Digits only: CLI11's own range check would accept "1e3" and print a
// 300-digit bound for "-1". Nine digits keep it inside an int.
std::string whole_number_problem(const std::string& text) {
    bool digits =
        !text.empty() && text.size() <= 9 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    return digits ? "" : "'" + text + "' is not a whole number from 0 to 999999999";
}

void add_keep_option(CLI::App& sub, const std::string& name, int& count, const std::string& help) {
    sub.add_option(name, count, help)->type_name("N")->check(whole_number_problem, "");
}

} // namespace

Command register_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<PruneOptions>();
    auto* sub =
        app.add_subcommand("prune", "Remove the snapshots a retention policy does not keep");
    add_global_options(*sub, context.options);
    auto& policy = options->policy;
    add_keep_option(*sub, "--keep-last", policy.keep_last, "Keep the N newest snapshots");
    add_keep_option(*sub, "--keep-hourly", policy.keep_hourly,
                    "Keep the newest of each of the N latest hours with a snapshot");
    add_keep_option(*sub, "--keep-daily", policy.keep_daily,
                    "Keep the newest of each of the N latest days with a snapshot");
    add_keep_option(*sub, "--keep-weekly", policy.keep_weekly,
                    "Keep the newest of each of the N latest ISO weeks with a snapshot");
    add_keep_option(*sub, "--keep-monthly", policy.keep_monthly,
                    "Keep the newest of each of the N latest months with a snapshot");
    sub->add_option("--cluster", options->cluster, "Only this cluster")->type_name("NAME");
    sub->add_option("--node", options->node, "Only this node")->type_name("NAME");
    sub->add_flag("--dry-run", options->dry_run, "Say what would be removed; remove nothing");
    sub->add_option("--lock-wait", options->lock_wait_seconds,
                    "Seconds to wait for a snapshot of the node to finish (0-86400, default 60)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.0, 86400.0).description(""));
    return {sub, [&context, options]() {
                auto results = prune(context.options, *options);
                if (context.out.json_mode())
                    context.out.json(to_json(context.options, *options, results));
                if (results.empty())
                    context.out.say("nothing to prune in {}", context.options.repo);
                render_text(context.out, results, options->dry_run);
                return ExitCode::ok;
            }};
}

} // namespace pmxsnap::prune
