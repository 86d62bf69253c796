#include "commands.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/health/health.hpp"
#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/repo/repository.hpp"

#include <memory>

namespace pmxsnap::cli {
namespace {

struct Filter {
    std::string cluster;
    std::string node;
};

std::string optional_text(const std::optional<std::uint64_t>& value) {
    return value ? std::to_string(*value) : "-";
}

// What the signed index says of the state: the column, and the document's
// health and problems (ids with their phrases; the full sentences are in
// the archive's MANIFEST.json, which list does not open).
std::string health_column(const repo::TrustedComment* c) {
    if (!c || c->health.empty())
        return "unknown";
    if (c->is_good() || c->problems.empty())
        return c->health;
    return "bad: " + health::describe(c->problems.front());
}

nlohmann::json problems_json(const repo::TrustedComment* c) {
    nlohmann::json problems = nlohmann::json::array();
    if (c)
        for (const auto& id : c->problems)
            problems.push_back({{"id", id}, {"message", health::describe(id)}});
    return problems;
}

} // namespace

Command register_list(CLI::App& app, Context& context) {
    auto filter = std::make_shared<Filter>();
    auto* sub = app.add_subcommand("list", "List the snapshots in the repository");
    add_global_options(*sub, context.options);
    sub->add_option("--cluster", filter->cluster, "Only this cluster")->type_name("NAME");
    sub->add_option("--node", filter->node, "Only this node")->type_name("NAME");
    return {sub, [&context, filter]() {
                repo::Repository repository(context.options.repo);
                auto snapshots = repository.list(filter->cluster, filter->node);
                // List shows what the signatures vouch for, without reading
                // the archives: nothing is shown as ok that was not checked.
                auto keys = required_trusted_keys(context.options);
                std::size_t failed = 0;
                nlohmann::json rows = nlohmann::json::array();
                if (!context.out.json_mode() && !snapshots.empty())
                    context.out.say("{:<12} {:<10} {:<20} {:>10} {:>7} {:>10}  {:<9} {:<26} {}",
                                    "CLUSTER", "NODE", "CAPTURED", "DB_VERSION", "CONFIG", "SIZE",
                                    "SIGNATURE", "FILE", "HEALTH");
                for (const auto& s : snapshots) {
                    auto index = repo::authenticate_index(s, keys);
                    auto status = std::string(repo::to_string(index.status));
                    failed += index.ok() ? 0 : 1;
                    // What an unauthenticated index says is shown as it is
                    // (the columns), marked by its status and problem.
                    const auto* c = s.comment ? &*s.comment : nullptr;
                    rows.push_back(
                        {{"cluster", s.cluster},
                         {"node", s.node},
                         {"captured_at", c ? c->captured : ""},
                         {"captured", c ? c->captured : ""}, // before 0.2: kept for scripts
                         {"db_version", c ? nlohmann::json(c->db_version) : nullptr},
                         {"config_version",
                          c && c->config_version ? nlohmann::json(*c->config_version) : nullptr},
                         {"size", s.size},
                         {"encrypted", s.encrypted},
                         {"signature", status},
                         {"problem",
                          index.ok() ? nlohmann::json(nullptr) : nlohmann::json(index.problem)},
                         {"health", c && !c->health.empty() ? c->health : "unknown"},
                         {"problems", problems_json(c)},
                         {"archive", s.archive.string()}});
                    context.out.say("{:<12} {:<10} {:<20} {:>10} {:>7} {:>10}  {:<9} {:<26} {}",
                                    s.cluster, s.node, c ? c->captured : "?",
                                    c ? std::to_string(c->db_version) : "?",
                                    c ? optional_text(c->config_version) : "?", s.size, status,
                                    s.archive.filename().string(), health_column(c));
                }
                if (context.out.json_mode())
                    context.out.json({{"schema", "pmxsnap.list/1"},
                                      {"repo", context.options.repo},
                                      {"failed", failed},
                                      {"snapshots", rows}});
                if (snapshots.empty())
                    context.out.say("no snapshots in {}", context.options.repo);
                if (!context.out.json_mode())
                    for (const auto& row : rows)
                        if (row["signature"] != "ok")
                            context.out.warn("{}: {}: {}", row["archive"].get<std::string>(),
                                             row["signature"].get<std::string>(),
                                             row["problem"].get<std::string>());
                return failed == 0 ? ExitCode::ok : ExitCode::findings;
            }};
}

} // namespace pmxsnap::cli
