#include "status_command.hpp"

#include "cluster_status.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/health/health.hpp"
#include "pmxsnap/util/json_optional.hpp"
#include "pmxsnap/util/time.hpp"

#include <memory>

namespace pmxsnap::status {
namespace {

struct Choice {
    std::string cluster;
    std::string stale = "2d";
    std::string lag = "5m";
};

UnixSeconds age_option(const std::string& name, const std::string& text) {
    auto age = parse_age(text);
    if (!age)
        fail("{} {}: not an age (90s, 30m, 2h, 1d, 1w, 1h30m)", name, text);
    return *age;
}

nlohmann::json node_json(const NodeStatus& row, UnixSeconds now) {
    const auto* index = row.index ? &*row.index : nullptr;
    nlohmann::json problems = nlohmann::json::array();
    if (index)
        for (const auto& id : index->problems)
            problems.push_back({{"id", id}, {"message", health::describe(id)}});
    auto path = [](const fs::path& p) {
        return p.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.string());
    };
    return {{"cluster", row.cluster},
            {"node", row.node},
            {"snapshots", row.snapshots},
            {"newest", path(row.newest)},
            {"signature", row.signature},
            {"signature_problem", row.signature_problem.empty()
                                      ? nlohmann::json(nullptr)
                                      : nlohmann::json(row.signature_problem)},
            {"archive", path(row.indexed)},
            {"signer", index ? nlohmann::json(row.signer) : nlohmann::json(nullptr)},
            {"captured_at", index ? nlohmann::json(index->captured) : nlohmann::json(nullptr)},
            {"age", index ? nlohmann::json(now - row.captured) : nlohmann::json(nullptr)},
            {"health", row.health()},
            {"problems", problems},
            {"last_good_at",
             row.last_good ? nlohmann::json(iso8601_utc(*row.last_good)) : nlohmann::json(nullptr)},
            {"db_version", index ? nlohmann::json(index->db_version) : nlohmann::json(nullptr)},
            {"config_version", index ? json_or_null(index->config_version) : nullptr},
            {"authkey", index ? json_or_null(index->authkey) : nullptr},
            {"nodelist", index ? json_or_null(index->nodelist) : nullptr},
            {"in_nodelist", json_or_null(row.in_nodelist)}};
}

std::string column(const std::optional<std::string>& value) {
    return value ? (value->empty() ? "-" : *value) : "?";
}

void say_table(cli::Output& out, const StatusReport& report, UnixSeconds now) {
    constexpr auto row_format = "{:<12} {:<10} {:>8} {:<8} {:>10} {:>6} {:<16} {:<10} {}";
    out.say(row_format, "CLUSTER", "NODE", "AGE", "HEALTH", "DB_VERSION", "CONFIG", "AUTHKEY",
            "SIGNATURE", "NEWEST");
    for (const auto& row : report.nodes) {
        const auto* index = row.index ? &*row.index : nullptr;
        out.say(row_format, row.cluster, row.node, index ? format_age(now - row.captured) : "-",
                row.health(), index ? std::to_string(index->db_version) : "-",
                index && index->config_version ? std::to_string(*index->config_version) : "-",
                index ? column(index->authkey) : "-", row.signature,
                row.newest.empty() ? "-" : row.newest.filename().string());
    }
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto choice = std::make_shared<Choice>();
    auto* sub = app.add_subcommand(
        "status", "Every node's newest snapshot, and what disagrees across the cluster");
    cli::add_global_options(*sub, context.options);
    sub->add_option("--cluster", choice->cluster, "Only this cluster")->type_name("NAME");
    sub->add_option("--stale", choice->stale,
                    "A node's newest snapshot older than AGE is stale (default 2d)")
        ->type_name("AGE");
    sub->add_option("--lag", choice->lag,
                    "How long db replication may take between nodes (default 5m)")
        ->type_name("AGE");
    return {sub, [&context, choice]() {
                StatusOptions options;
                options.cluster = choice->cluster;
                options.stale_after = age_option("--stale", choice->stale);
                options.lag = age_option("--lag", choice->lag);
                options.now = context.host().now();
                repo::Repository repository(context.options.repo);
                // Only signed indexes are read: no archive, no identity.
                auto keys = cli::required_trusted_keys(context.options);
                auto report = cluster_status(repository, keys, options);
                if (context.out.json_mode()) {
                    nlohmann::json nodes = nlohmann::json::array();
                    for (const auto& row : report.nodes)
                        nodes.push_back(node_json(row, options.now));
                    nlohmann::json findings = nlohmann::json::array();
                    for (const auto& f : report.findings)
                        findings.push_back({{"cluster", f.cluster},
                                            {"node", f.node},
                                            {"kind", f.kind},
                                            {"message", f.message}});
                    context.out.json({{"schema", "pmxsnap.status/1"},
                                      {"repo", context.options.repo},
                                      {"now", iso8601_utc(options.now)},
                                      {"stale_after", options.stale_after},
                                      {"lag", options.lag},
                                      {"healthy", report.healthy()},
                                      {"nodes", nodes},
                                      {"findings", findings}});
                } else {
                    if (!report.nodes.empty())
                        say_table(context.out, report, options.now);
                    for (const auto& f : report.findings)
                        context.out.say("{}{}{}: {}: {}", f.cluster, f.node.empty() ? "" : "/",
                                        f.node, f.kind, f.message);
                    context.out.say("{} node{} in {} cluster{}: {}", report.nodes.size(),
                                    report.nodes.size() == 1 ? "" : "s", report.clusters,
                                    report.clusters == 1 ? "" : "s",
                                    report.healthy()
                                        ? std::string("healthy")
                                        : fmt::format("{} finding{}", report.findings.size(),
                                                      report.findings.size() == 1 ? "" : "s"));
                }
                return report.healthy() ? ExitCode::ok : ExitCode::findings;
            }};
}

} // namespace pmxsnap::status
