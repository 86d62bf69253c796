#include "diff_command.hpp"

#include "before_option.hpp"
#include "corosync_copies.hpp"
#include "reference_health.hpp"
#include "report.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <memory>

namespace pmxsnap::diff {
namespace {

struct Arguments {
    std::string a, b;
    bool stat = false;
    bool show_secrets = false;
    bool no_verify = false;
    std::vector<std::string> paths;
    std::string before;
};

bool names_latest(const std::string& spec) {
    auto parsed = repo::parse_selector(spec);
    return parsed.selector && parsed.selector->kind == repo::Selector::Kind::latest;
}

bool is_archive(const std::string& spec) {
    return spec != "live";
}

// The archive sides to be named on --no-verify's first line.
std::vector<std::string> unverified_sides(const Arguments& args) {
    std::vector<std::string> sides;
    if (!args.no_verify)
        return sides;
    for (const auto* spec : {&args.a, &args.b})
        if (is_archive(*spec))
            sides.push_back(*spec);
    return sides;
}

ExitCode run(cli::Context& context, const Arguments& args) {
    auto host = context.host();
    if (!args.before.empty() && !names_latest(args.a) && !names_latest(args.b))
        fail("--before applies to latest and latest-good, not to an archive path or live");
    SourceOptions sources{context.options.repo, context.options.offline, context.options.identity,
                          cli::before_time(args.before, host), std::nullopt};
    // Keys are asked for (and their absence is an error) only when an
    // archive is to be read and checked.
    if (!args.no_verify && (is_archive(args.a) || is_archive(args.b)))
        sources.trusted_keys = cli::required_trusted_keys(context.options);
    auto unverified = unverified_sides(args);
    // The text says it on its first line; where that line is not shown
    // (--json, -q) it is a warning.
    if (!unverified.empty() && (context.out.json_mode() || context.options.quiet))
        context.out.warn("--no-verify: the signature of {} was not checked",
                         fmt::join(unverified, " and "));
    auto a = open_side(args.a, host, sources);
    // b is read against a: of a pmxcfs-maximum archive's 262,144 members it
    // keeps those that differ, not a second list of all.
    auto b = open_side(args.b, host, sources, &a);
    for (const auto* side : {&a, &b})
        for (const auto& note : side->notes)
            context.out.warn("{}: {}", side->spec, note);
    if (a.manifest().cluster != b.manifest().cluster)
        context.out.warn("{} is of cluster {}, {} of cluster {}: comparing anyway", args.a,
                         a.manifest().cluster, args.b, b.manifest().cluster);

    CompareOptions options;
    options.path_globs = args.paths;
    options.show_secrets = args.show_secrets;
    options.cluster_wide_only = a.manifest().node != b.manifest().node;

    Report report;
    report.a = &a;
    report.b = &b;
    report.cross_node = options.cluster_wide_only;
    auto comparison = compare_sides(a, b, options);
    // A pattern that selects nothing is a typo or a wrong path far more often
    // than a question whose answer is "identical".
    if (!comparison.unmatched_globs.empty())
        fail("--path {}: matches no path of {} or {}{}",
             escape_name(comparison.unmatched_globs.front()), args.a, args.b,
             options.cluster_wide_only ? " (across nodes only /etc/pve is compared)" : "");
    report.paths_compared = comparison.paths_compared;
    report.changes = std::move(comparison.changes);
    report.subtrees = subtrees_of(report.changes, a, b);
    describe_changes(report.changes, a, b, options, report.reads);
    report.corosync = corosync_copies(a, b);
    report.cautions = reference_cautions(a, b, host, context.options.repo);
    // A --path question is about files; the authkey and the running cluster
    // answer the whole-node one.
    if (args.paths.empty())
        report.state = compare_state(a, b);
    report.unverified = std::move(unverified);

    if (context.out.json_mode())
        context.out.json(report.to_json());
    else
        for (const auto& line : report.text(args.stat))
            context.out.say("{}", line);
    // A side marked bad is a finding of the whole-node question; a --path
    // question is answered by its files (the caution still says it first).
    bool bad_side = args.paths.empty() && report.has_bad_side();
    return report.identical() && !bad_side ? ExitCode::ok : ExitCode::findings;
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto args = std::make_shared<Arguments>();
    auto* sub = app.add_subcommand("diff", "What changed between two snapshots, or a snapshot "
                                           "and the live node");
    cli::add_global_options(*sub, context.options);
    sub->add_option("A", args->a,
                    "live, or an archive path, latest or latest-good, with @NODE and ~K")
        ->required();
    sub->add_option("B", args->b,
                    "live, or an archive path, latest or latest-good, with @NODE and ~K")
        ->required();
    sub->add_flag("--stat", args->stat, "One line per changed path, no content");
    sub->add_option("--path", args->paths,
                    "Compare only paths matching GLOB or under a directory it names (repeatable)")
        ->type_name("GLOB");
    sub->add_flag("--show-secrets", args->show_secrets,
                  "Show secret files and values instead of masking them");
    cli::add_before_option(*sub, args->before);
    sub->add_flag("--no-verify", args->no_verify,
                  "Compare archives without checking their signatures (said on the first line)");
    return {sub, [&context, args]() { return run(context, *args); }};
}

} // namespace pmxsnap::diff
