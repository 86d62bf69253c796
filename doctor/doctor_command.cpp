#include "doctor_command.hpp"

#include "checks.hpp"
#include "report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace pmxsnap::doctor {
namespace {

// Colour only on a terminal, and never with NO_COLOR set.
std::string paint(Status status, bool colour) {
    auto text = to_string(status);
    if (!colour)
        return text;
    const char* code = status == Status::ok     ? "32"
                       : status == Status::warn ? "33"
                       : status == Status::fail ? "31"
                                                : "90";
    return std::string("\033[") + code + "m" + text + "\033[0m";
}

void render(cli::Output& out, const Report& report, bool colour) {
    out.say("{}", report.headline());
    for (const auto& f : report.findings) {
        out.say("{:<5} {:<24} {}", paint(f.status, colour), f.id, f.meaning);
        if (f.status == Status::ok || f.status == Status::skip)
            continue;
        if (!f.evidence.empty())
            out.say("      evidence: {}", evidence_text(f.evidence));
        if (!f.decision.empty())
            out.say("      decision: {}", f.decision);
    }
}

// The order of doctor-checks.md; the report keeps it within each layer.
std::vector<Finding> run_checks(const Inputs& in) {
    std::vector<Finding> findings;
    auto add = [&findings](std::vector<Finding> more) {
        for (auto& f : more)
            findings.push_back(std::move(f));
    };
    add(check_services(in));
    add(check_corosync_files(in));
    add(check_network(in));
    add(check_runtime(in));
    add(check_membership(in));
    add({check_authkey(in), check_time(in)});
    bool lower_layers_ok = std::all_of(findings.begin(), findings.end(), [](const Finding& f) {
        return (f.layer != Layer::corosync && f.layer != Layer::quorum) || f.status != Status::fail;
    });
    add(check_pmxcfs(in, lower_layers_ok));
    add({check_db(in)});
    add(check_log(in));
    return findings;
}

} // namespace

cli::Command register_command(CLI::App& app, cli::Context& context) {
    auto log_file = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("doctor", "Check corosync, quorum and pmxcfs in fix order "
                                             "(read-only)");
    cli::add_global_options(*sub, context.options);
    sub->add_option("--log", *log_file, "A saved journal of corosync and pve-cluster to scan")
        ->type_name("FILE");
    return {sub, [&context, log_file]() {
                GatherOptions options{context.options.offline, context.options.repo, *log_file,
                                      context.options.identity};
                auto in = gather(context.host(), options);
                auto findings = run_checks(in);
                auto report = make_report(std::move(findings));
                if (context.out.json_mode())
                    context.out.json(report.to_json());
                bool colour = !context.out.json_mode() && ::isatty(1) && !std::getenv("NO_COLOR");
                render(context.out, report, colour);
                return report.healthy() ? ExitCode::ok : ExitCode::findings;
            }};
}

} // namespace pmxsnap::doctor
