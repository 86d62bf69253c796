#include "inspect_command.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/configdb/violation_json.hpp"
#include "pmxsnap/corosync/limits.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/corosync/semantic_checks.hpp"
#include "pmxsnap/corosync/truncation.hpp"
#include "pmxsnap/host/packages.hpp"
#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/util/json_optional.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>

namespace pmxsnap::inspect {

using cli::add_global_options;
using cli::Command;
using cli::Context;

namespace {

enum class Kind { archive, encrypted_archive, database, corosync_conf };

Kind detect(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno(path.string());
    char head[32] = {};
    ssize_t n = ::read(fd.get(), head, sizeof head);
    if (n < 0)
        fail_errno(path.string());
    std::string_view bytes(head, static_cast<std::size_t>(n));
    if (bytes.starts_with("\x28\xb5\x2f\xfd"))
        return Kind::archive;
    if (bytes.starts_with("age-encryption.org/v1"))
        return Kind::encrypted_archive;
    if (bytes.starts_with(std::string_view("SQLite format 3\0", 16)))
        return Kind::database;
    return Kind::corosync_conf;
}

ExitCode inspect_archive(Context& context, const fs::path& path) {
    nlohmann::json doc = {
        {"schema", "pmxsnap.inspect/1"}, {"path", path.string()}, {"kind", "archive"}};
    try {
        archive::ArchiveInput input(path, context.options.identity);
        doc["encrypted"] = input.encrypted();
        archive::Reader reader(input.source());
        const auto& m = reader.manifest();
        archive::MemberHandler ignore;
        reader.read_members(ignore);
        doc.update({{"valid", true},
                    {"cluster", m.cluster},
                    {"node", m.node},
                    {"captured_at", m.captured_at},
                    {"tool", m.tool},
                    {"db_version", m.db.root_version},
                    {"members", m.members.size()},
                    {"state", m.state},
                    {"health", m.health ? m.health->verdict : "unknown"},
                    {"problems", nlohmann::json::array()},
                    {"health_notes", m.health ? m.health->notes : std::vector<std::string>{}}});
        if (m.health)
            for (const auto& p : m.health->problems)
                doc["problems"].push_back({{"id", p.id}, {"message", p.message}});
        context.out.say("{}: pmxsnap archive of node {} in cluster {}, captured {} by {}",
                        path.string(), m.node, m.cluster, m.captured_at, m.tool);
        context.out.say("  db version {}, {} members, {} bytes, state {}", m.db.root_version,
                        m.members.size(), m.total_member_bytes(), m.state);
        context.out.say("  health: {}", m.health ? m.health->verdict
                                                 : "unknown (captured before "
                                                   "pmxsnap recorded it)");
        if (m.health)
            for (const auto& p : m.health->problems)
                context.out.say("    {}: {}", p.id, p.message);
        if (!m.note.empty())
            context.out.say("  note: {}", m.note);
    } catch (const archive::Rejected& e) {
        doc.update({{"valid", false}, {"error", e.what()}});
        context.out.say("{}: invalid archive: {}", path.string(), e.what());
    }
    if (context.out.json_mode())
        context.out.json(doc);
    return doc["valid"].get<bool>() ? ExitCode::ok : ExitCode::findings;
}

// A config.db may be live (pmxcfs's, with a -wal): read it the way snapshot
// does, through a consistent copy, so inspecting never changes it.
ExitCode inspect_database(Context& context, const fs::path& path) {
    TempDir scratch;
    configdb::copy_consistent(path, scratch / "config.db");
    auto db = configdb::Database::open_readonly(scratch / "config.db", path.string());
    auto tree = configdb::Tree::load(db);
    auto [violations, write_limits] = configdb::check_rules(tree);
    auto integrity = db.integrity_problems();
    std::size_t files = 0, directories = 0;
    for (const auto& row : tree.rows())
        (row.is_directory() ? directories : files) += 1;
    auto version = tree.root_version() ? tree.root_version()->version : 0;
    bool valid = violations.empty() && integrity.empty();
    if (context.out.json_mode())
        context.out.json({{"schema", "pmxsnap.inspect/1"},
                          {"path", path.string()},
                          {"kind", "config.db"},
                          {"valid", valid},
                          {"db_version", version},
                          {"files", files},
                          {"directories", directories},
                          {"bytes", tree.total_data_size()},
                          {"integrity", integrity},
                          {"violations", configdb::violations_json(violations)},
                          {"write_limits", configdb::violations_json(write_limits)}});
    context.out.say("{}: pmxcfs database, root version {}, {} files, {} directories, {} bytes",
                    path.string(), version, files, directories, tree.total_data_size());
    for (const auto& line : integrity)
        context.out.say("  integrity_check: {}", line);
    for (const auto& v : violations)
        context.out.say("  {} (pmxcfs {}): {}", v.rule, to_string(v.effect), v.message);
    for (const auto& v : write_limits)
        context.out.say("  warning: {} (pmxcfs serves it, {}): {}", v.rule, to_string(v.effect),
                        v.message);
    if (valid)
        context.out.say("  integrity ok, pmxcfs loads it and serves every entry");
    return valid ? ExitCode::ok : ExitCode::findings;
}

nlohmann::json truncation_json(const std::vector<corosync::TruncationEvidence>& evidence) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : evidence)
        out.push_back({{"id", e.id}, {"message", e.message}});
    return out;
}

// Valid means corosync would start with it: it parses and no semantic check
// reports an error. Warnings are shown but keep it valid.
// Over corosync::max_conf_bytes the file is the finding (never read whole).
ExitCode inspect_oversize_corosync(Context& context, const fs::path& path, std::uint64_t size) {
    auto meaning = corosync::oversize_conf_meaning(size);
    if (context.out.json_mode())
        context.out.json({{"schema", "pmxsnap.inspect/1"},
                          {"path", path.string()},
                          {"kind", "corosync.conf"},
                          {"valid", false},
                          {"size", size},
                          {"limit", corosync::max_conf_bytes},
                          {"error", {{"line", nullptr}, {"message", meaning}}}});
    context.out.say("{}: {}", path.string(), meaning);
    return ExitCode::findings;
}

ExitCode inspect_corosync(Context& context, const fs::path& path) {
    std::error_code error;
    if (auto size = fs::file_size(path, error); !error && size > corosync::max_conf_bytes)
        return inspect_oversize_corosync(context, path, size);
    auto text = read_file(path, corosync::max_conf_bytes);
    // Read by the rules of the corosync of the node (--root): 3.1.8 changed
    // what counts as whitespace.
    auto host = context.host();
    auto choice = corosync::choose_rules(host::installed_package_version(host, "corosync"),
                                         host::debian_release(host));
    auto result = corosync::parse_config(text, choice.rules);
    auto truncation = corosync::truncation_evidence(text);
    nlohmann::json doc = {
        {"schema", "pmxsnap.inspect/1"},
        {"path", path.string()},
        {"kind", "corosync.conf"},
        {"valid", result.ok()},
        {"corosync_rules", {{"version", choice.rules.version()}, {"source", choice.source}}},
        {"truncation", truncation_json(truncation)}};
    context.out.detail("read by corosync {}'s rules ({})", choice.rules.version(),
                       choice.source == "dpkg"         ? "the installed corosync"
                       : choice.source == "os-release" ? "what this Debian release ships"
                                                       : "the newest known");
    if (!result.ok()) {
        auto message = result.error->to_string(path.string());
        doc["error"] = {{"line", result.error->line}, {"message", result.error->message}};
        if (context.out.json_mode())
            context.out.json(doc);
        context.out.say("{}", message);
        for (const auto& e : truncation)
            context.out.say("  TRUNCATED? {}", e.message);
        return ExitCode::findings;
    }
    const auto& config = *result.config;
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& node : config.nodes) {
        nlohmann::json addresses = nlohmann::json::object();
        for (const auto& [ring, address] : node.ring_addresses)
            addresses["ring" + std::to_string(ring) + "_addr"] = address;
        nodes.push_back(
            {{"name", node.name}, {"nodeid", json_or_null(node.nodeid)}, {"addresses", addresses}});
    }
    auto findings = corosync::check_semantics(config);
    nlohmann::json finding_list = nlohmann::json::array();
    for (const auto& f : findings)
        finding_list.push_back(
            {{"severity", f.severity == corosync::Severity::error ? "error" : "warning"},
             {"id", f.id},
             {"message", f.message},
             {"line", f.line}});
    bool valid = !corosync::has_errors(findings);
    doc.update({{"valid", valid},
                {"cluster_name", config.cluster_name},
                {"config_version", json_or_null(config.config_version)},
                {"transport", config.transport.empty() ? "knet" : config.transport},
                {"nodes", nodes},
                {"findings", finding_list}});
    if (context.out.json_mode())
        context.out.json(doc);
    context.out.say("{}: corosync.conf of cluster {}, config_version {}, {} nodes", path.string(),
                    config.cluster_name.empty() ? "(none)" : config.cluster_name,
                    config.config_version ? std::to_string(*config.config_version) : "(none)",
                    config.nodes.size());
    for (const auto& node : config.nodes)
        context.out.say("  node {} nodeid {} ring0_addr {}", node.name,
                        node.nodeid ? std::to_string(*node.nodeid) : "?",
                        node.ring_addresses.contains(0) ? node.ring_addresses.at(0) : "?");
    for (const auto& f : findings)
        context.out.say("  {}: {}{}", f.severity == corosync::Severity::error ? "error" : "warning",
                        f.message, f.line ? fmt::format(" (line {})", f.line) : "");
    for (const auto& e : truncation)
        context.out.say("  TRUNCATED? {}", e.message);
    return valid ? ExitCode::ok : ExitCode::findings;
}

} // namespace

Command register_command(CLI::App& app, Context& context) {
    auto path = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("inspect", "Show what an archive, config.db or corosync.conf "
                                              "holds, and whether it is valid");
    add_global_options(*sub, context.options);
    sub->add_option("PATH", *path,
                    "Archive (a path, or latest, latest-good with @NODE and ~K), config.db or "
                    "corosync.conf")
        ->required();
    return {sub, [&context, path]() {
                auto parsed = repo::parse_selector(*path);
                if (parsed.selector && parsed.selector->kind == repo::Selector::Kind::latest) {
                    auto host = context.host();
                    return inspect_archive(
                        context, repo::resolve_selector(*parsed.selector,
                                                        repo::Repository(context.options.repo),
                                                        capture::selector_scope(host))
                                     .archive);
                }
                switch (detect(*path)) {
                case Kind::archive:
                case Kind::encrypted_archive:
                    return inspect_archive(context, *path);
                case Kind::database:
                    return inspect_database(context, *path);
                case Kind::corosync_conf:
                    break;
                }
                return inspect_corosync(context, *path);
            }};
}

} // namespace pmxsnap::inspect
