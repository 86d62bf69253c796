#include "commands.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"

#include <memory>

namespace pmxsnap::cli {
namespace {

struct Filter {
    std::string cluster;
    std::string node;
};

// "ok" when the trusted comment is signed by a trusted key: list shows what
// the signatures vouch for without reading the archives.
std::string comment_status(const repo::Snapshot& s, const std::vector<crypto::PublicKey>& keys) {
    if (s.signature_text.empty())
        return "missing";
    if (!s.comment)
        return "malformed";
    if (keys.empty())
        return "unchecked";
    try {
        auto signature = crypto::parse_signature(s.signature_text, s.signature.string());
        for (const auto& key : keys)
            if (crypto::verify_trusted_comment(signature, key))
                return "ok";
        return "untrusted";
    } catch (const Error&) {
        return "malformed";
    }
}

std::string optional_text(const std::optional<std::uint64_t>& value) {
    return value ? std::to_string(*value) : "-";
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
                std::vector<crypto::PublicKey> keys;
                try {
                    keys = trusted_keys(context.options);
                } catch (const Error& e) {
                    context.out.warn("{}; signatures not checked", e.what());
                }
                nlohmann::json rows = nlohmann::json::array();
                if (!context.out.json_mode() && !snapshots.empty())
                    context.out.say("{:<12} {:<10} {:<20} {:>10} {:>7} {:>10}  {:<9} {}", "CLUSTER",
                                    "NODE", "CAPTURED", "DB_VERSION", "CONFIG", "SIZE", "SIGNATURE",
                                    "FILE");
                for (const auto& s : snapshots) {
                    auto status = comment_status(s, keys);
                    const auto* c = s.comment ? &*s.comment : nullptr;
                    rows.push_back(
                        {{"cluster", s.cluster},
                         {"node", s.node},
                         {"captured", c ? c->captured : ""},
                         {"db_version", c ? nlohmann::json(c->db_version) : nullptr},
                         {"config_version",
                          c && c->config_version ? nlohmann::json(*c->config_version) : nullptr},
                         {"size", s.size},
                         {"encrypted", s.encrypted},
                         {"signature", status},
                         {"archive", s.archive.string()}});
                    context.out.say("{:<12} {:<10} {:<20} {:>10} {:>7} {:>10}  {:<9} {}", s.cluster,
                                    s.node, c ? c->captured : "?",
                                    c ? std::to_string(c->db_version) : "?",
                                    c ? optional_text(c->config_version) : "?", s.size, status,
                                    s.archive.filename().string());
                }
                if (context.out.json_mode())
                    context.out.json({{"schema", "pmxsnap.list/1"},
                                      {"repo", context.options.repo},
                                      {"snapshots", rows}});
                if (snapshots.empty())
                    context.out.say("no snapshots in {}", context.options.repo);
                return ExitCode::ok;
            }};
}

} // namespace pmxsnap::cli
