#include "verify_command.hpp"

#include "before_option.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/trust/published_keys.hpp"
#include "pmxsnap/trust/verify_archive.hpp"
#include "pmxsnap/util/metrics_file.hpp"
#include "pmxsnap/util/time.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

namespace pmxsnap::verify {
// The levels of trust live in lib/trust (restore uses them too); this
// folder is the command.
using namespace pmxsnap::trust;

namespace {

struct Selection {
    std::vector<std::string> archives;
    bool latest = false;
    bool all = false;
    bool signature_only = false;
    std::uint64_t max_bytes = 1ULL << 30;
    std::string before;
    bool drill = false;
    std::string pmxcfs = "/usr/bin/pmxcfs";
    unsigned drill_timeout = 30;
    std::string metrics;
    bool trust_archived_keys = false;
};

std::optional<DrillOptions> drill_options(const Selection& selection) {
    if (!selection.drill)
        return std::nullopt;
    return DrillOptions{selection.pmxcfs, std::chrono::seconds(selection.drill_timeout)};
}

std::vector<fs::path> select_archives(const cli::Context& context, const Selection& selection) {
    repo::Repository repository(context.options.repo);
    auto host = context.host();
    auto before = cli::before_time(selection.before, host);
    std::vector<fs::path> chosen;
    for (const auto& text : selection.archives) {
        std::error_code ignored;
        if (fs::is_directory(text, ignored))
            fail("{}: is a directory; to verify the archives of a repository, use --all --repo {}",
                 text, text);
        chosen.push_back(
            repo::select_archive(text, repository, capture::selector_scope(host), before).archive);
    }
    if (!selection.latest && !selection.all)
        return chosen;
    auto snapshots = repository.list();
    if (before) // --latest and --all too count only what was captured before it
        std::erase_if(snapshots, [&](const repo::Snapshot& s) {
            auto t = parse_compact_utc_stamp(s.stamp);
            return !t || *t >= *before;
        });
    std::map<std::pair<std::string, std::string>, fs::path> newest;
    for (const auto& s : snapshots) {
        if (selection.all)
            chosen.push_back(s.archive);
        newest[{s.cluster, s.node}] = s.archive; // list() is oldest first
    }
    if (selection.latest && !selection.all)
        for (const auto& [node, archive] : newest)
            chosen.push_back(archive);
    if (chosen.empty())
        fail("no snapshots in {}: nothing to verify", context.options.repo);
    return chosen;
}

nlohmann::json to_json(const std::vector<Verdict>& verdicts) {
    nlohmann::json archives = nlohmann::json::array();
    bool all_ok = true;
    for (const auto& v : verdicts) {
        nlohmann::json levels = nlohmann::json::array();
        for (const auto& level : v.levels) {
            levels.push_back(
                {{"level", level.level},
                 {"status",
                  to_string(level.status) == "FAILED" ? "failed" : to_string(level.status)},
                 {"detail", level.detail},
                 {"problems", level.problems},
                 {"warnings", level.warnings}});
            if (level.seconds)
                levels.back()["seconds"] = *level.seconds;
        }
        archives.push_back(
            {{"archive", v.archive.string()},
             {"ok", v.ok()},
             {"result", to_string(v.outcome())},
             {"skipped", v.skipped()},
             {"levels", levels},
             {"key_source", v.archived_key_id ? "archive" : "host"},
             {"archived_key_id",
              v.archived_key_id ? nlohmann::json(*v.archived_key_id) : nlohmann::json(nullptr)}});
        all_ok = all_ok && v.ok();
    }
    return {{"schema", "pmxsnap.verify/1"}, {"ok", all_ok}, {"archives", archives}};
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        if (!text.empty())
            text += ", ";
        text += name;
    }
    return text;
}

// The headline never says ok for what was not checked: the skipped levels
// are named in it, and listed below with why.
std::string headline(const Verdict& v) {
    switch (v.outcome()) {
    case Outcome::failed:
        return "FAILED";
    case Outcome::partial:
        return fmt::format("PARTIAL (not checked: {})", joined(v.skipped()));
    default:
        return v.skipped().empty() ? "ok" : "ok (signature and signed index only)";
    }
}

void render(cli::Output& out, const Verdict& v) {
    out.say("{}: {}", v.archive.string(), headline(v));
    if (v.archived_key_id)
        out.say("  {:<10} {:<7} signed by key {}, published for {} INSIDE THIS ARCHIVE ITSELF "
                "(--trust-archived-keys): the trust comes from the archive, not from this host",
                "key", "archive", *v.archived_key_id, v.archived_key_for);
    else if (!v.archived_key_note.empty() && !v.ok())
        out.say("  {:<10} {:<7} --trust-archived-keys: {}", "key", "-", v.archived_key_note);
    for (const auto& level : v.levels) {
        out.say("  {:<10} {:<7} {}", level.level, to_string(level.status), level.detail);
        for (const auto& warning : level.warnings)
            out.warn("{}: {}", v.archive.filename().string(), warning);
    }
}

// "[12/340] name" on a terminal's stderr while --all walks the repository;
// nothing when stderr is not a terminal (cron, pipes).
class Progress {
  public:
    Progress(bool wanted, std::size_t total)
        : enabled_(wanted && ::isatty(2))
        , total_(total) {}
    void show(const fs::path& archive) {
        if (enabled_)
            std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", ++done_, total_,
                         archive.filename().c_str());
    }
    void done() {
        if (enabled_)
            std::fputs("\r\033[K", stderr);
    }

  private:
    bool enabled_;
    std::size_t total_;
    std::size_t done_ = 0;
};

// Verifies what the selection names, says so, and gives the verdicts.
std::vector<Verdict> verify_selected(cli::Context& context, const Selection& selection) {
    // With --trust-archived-keys a rescue system may have no key of its own.
    auto keys = selection.trust_archived_keys ? cli::trusted_keys(context.options)
                                              : cli::required_trusted_keys(context.options);
    std::vector<Verdict> verdicts;
    auto archives = select_archives(context, selection);
    Progress progress(selection.all && !context.options.quiet, archives.size());
    for (const auto& archive : archives) {
        progress.show(archive);
        VerifyOptions options{context.options.identity, selection.max_bytes,
                              selection.signature_only, drill_options(selection)};
        if (!selection.trust_archived_keys) {
            verdicts.push_back(verify_archive(archive, keys, options));
        } else {
            auto trust = trust_archived_keys(archive, context.options.identity, keys);
            verdicts.push_back(verify_archive(archive, trust.keys, options));
            if (trust.archived_key) {
                verdicts.back().archived_key_id = trust.archived_key->key_id_hex();
                verdicts.back().archived_key_for = trust.archived_key->published_for;
            }
            verdicts.back().archived_key_note = trust.note;
        }
        // --all reports failures and partial results in full, passes as a
        // count.
        if (!selection.all || !verdicts.back().ok())
            render(context.out, verdicts.back());
    }
    progress.done();
    auto count = [&](Outcome outcome) {
        return std::count_if(verdicts.begin(), verdicts.end(),
                             [&](const Verdict& v) { return v.outcome() == outcome; });
    };
    if (archives.size() > 1 || selection.all || selection.latest)
        context.out.say("{} archive{} verified: {} ok{}, {} partial, {} failed", archives.size(),
                        archives.size() == 1 ? "" : "s", count(Outcome::ok),
                        selection.signature_only ? " (signature only)" : "",
                        count(Outcome::partial), count(Outcome::failed));
    if (context.out.json_mode())
        context.out.json(to_json(verdicts));
    return verdicts;
}

const LevelResult* drill_of(const Verdict& verdict) {
    for (const auto& level : verdict.levels)
        if (level.level == "drill")
            return &level;
    return nullptr;
}

// What a monthly drill timer's alert needs: when it last ran, whether every
// archive passed, how many drills failed or were skipped, how long they took.
void write_metrics(const fs::path& file, const std::vector<Verdict>* verdicts, double started,
                   bool drilled) {
    MetricsFile metrics;
    metrics.gauge("pmxsnap_verify_last_run_timestamp_seconds",
                  "When the last verify run started (Unix time).", started);
    metrics.gauge("pmxsnap_verify_last_run_success",
                  "1 when the last verify run found every archive ok, 0 otherwise.",
                  verdicts && std::all_of(verdicts->begin(), verdicts->end(),
                                          [](const Verdict& v) { return v.ok(); })
                      ? 1
                      : 0);
    if (verdicts) {
        for (auto outcome : {Outcome::ok, Outcome::partial, Outcome::failed})
            metrics.gauge("pmxsnap_verify_archives", "Archives of the last run, by result.",
                          static_cast<double>(std::count_if(
                              verdicts->begin(), verdicts->end(),
                              [&](const Verdict& v) { return v.outcome() == outcome; })),
                          {{"result", to_string(outcome)}});
    }
    if (drilled) {
        metrics.gauge("pmxsnap_drill_last_run_timestamp_seconds",
                      "When the last drill (verify --drill) started (Unix time).", started);
        std::map<Status, std::size_t> counts;
        double seconds = 0;
        for (std::size_t i = 0; verdicts && i < verdicts->size(); ++i)
            if (const auto* level = drill_of((*verdicts)[i])) {
                ++counts[level->status];
                seconds += level->seconds.value_or(0);
            }
        bool all_ok =
            counts[Status::ok] > 0 && counts[Status::failed] == 0 && counts[Status::skipped] == 0;
        metrics.gauge("pmxsnap_drill_last_run_success",
                      "1 when pmxcfs served every drilled archive as archived, 0 otherwise.",
                      all_ok ? 1 : 0);
        for (auto status : {Status::ok, Status::failed, Status::skipped})
            metrics.gauge("pmxsnap_drill_archives", "Drilled archives of the last run, by result.",
                          static_cast<double>(counts[status]),
                          {{"result", status == Status::failed ? "failed" : to_string(status)}});
        metrics.gauge("pmxsnap_drill_duration_seconds", "How long the drills of the last run took.",
                      seconds);
    }
    metrics.write(file);
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto selection = std::make_shared<Selection>();
    auto* sub = app.add_subcommand("verify", "Check that archives are authentic and whole");
    cli::add_global_options(*sub, context.options);
    sub->add_option("SELECTOR", selection->archives, repo::selector_grammar)->type_name("SELECTOR");
    cli::add_before_option(*sub, selection->before);
    sub->add_flag("--latest", selection->latest, "The newest archive of every node in the repo");
    sub->add_flag("--all", selection->all, "Every archive in the repo");
    sub->add_flag("--signature-only", selection->signature_only,
                  "Check only the signature and the signed index (exit 0 when they hold; "
                  "content and restorable are listed as skipped)");
    sub->add_option("--max-decompressed", selection->max_bytes,
                    "Reject archives larger than this when decompressed (K, M, G; default 1G)")
        ->type_name("SIZE")
        ->transform(CLI::AsSizeValue(false).description(""));
    sub->add_flag("--drill", selection->drill,
                  "Prove each archive with the real pmxcfs: serve its db in private namespaces "
                  "and compare every file with the archive (root)");
    sub->add_option("--pmxcfs", selection->pmxcfs,
                    "The pmxcfs binary the drill runs (default /usr/bin/pmxcfs)")
        ->type_name("FILE");
    sub->add_option("--drill-timeout", selection->drill_timeout,
                    "Seconds one drill may take, pmxcfs's start included (1-3600, default 30)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1u, 3600u).description(""));
    sub->add_flag("--trust-archived-keys", selection->trust_archived_keys,
                  "Rescue use: also trust a key the archive itself carries in "
                  "/etc/pve/pmxsnap/keys when it signed that archive (said in the output)");
    sub->add_option("--metrics", selection->metrics,
                    "Write a Prometheus textfile-collector file about this run")
        ->type_name("FILE");
    return {sub, [&context, selection]() {
                if (selection->archives.empty() && !selection->latest && !selection->all)
                    fail("verify: name ARCHIVE files, or --latest or --all");
                if (selection->drill)
                    if (auto why = drill_unavailable(); !why.empty())
                        fail("verify --drill: {}", why);
                auto started = static_cast<double>(context.host().now());
                std::vector<Verdict> verdicts;
                try {
                    verdicts = verify_selected(context, *selection);
                } catch (...) {
                    // The alerts never keep saying success after a failed run.
                    if (!selection->metrics.empty())
                        write_metrics(selection->metrics, nullptr, started, selection->drill);
                    throw;
                }
                if (!selection->metrics.empty())
                    write_metrics(selection->metrics, &verdicts, started, selection->drill);
                for (const auto& v : verdicts)
                    if (!v.ok())
                        return ExitCode::findings;
                return ExitCode::ok;
            }};
}

} // namespace pmxsnap::verify
