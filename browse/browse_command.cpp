#include "browse_command.hpp"

#include "before_option.hpp"
#include "listing.hpp"
#include "member_bytes.hpp"
#include "signed_archive.hpp"
#include "trusted_keys.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/repo/selector.hpp"

#include <unistd.h>

#include <cstdio>
#include <memory>

namespace pmxsnap::browse {
namespace {

struct Arguments {
    std::string selector;
    std::vector<std::string> paths;
    std::string path;
    std::string before;
    bool show_secrets = false;
};

// The archive is the finding (exit 1): one line naming it, and under --json
// the one document says so too.
ExitCode rejected(cli::Context& context, const char* schema, const std::string& why) {
    if (context.out.json_mode())
        context.out.json({{"schema", schema}, {"rejected", why}});
    std::fprintf(stderr, "pmxsnap: %s\n", why.c_str());
    return ExitCode::findings;
}

SignedArchive open(cli::Context& context, const Arguments& args) {
    return open_signed(args.selector, context.host(), context.options.repo,
                       cli::required_trusted_keys(context.options),
                       cli::before_time(args.before, context.host()));
}

} // namespace

cli::Command register_ls(CLI::App& app, cli::Context& context) {
    auto args = std::make_shared<Arguments>();
    auto* sub = app.add_subcommand("ls", "List the files of an archive");
    cli::add_global_options(*sub, context.options);
    sub->add_option("SELECTOR", args->selector, repo::selector_grammar)
        ->required()
        ->type_name("SELECTOR");
    sub->add_option("PATH", args->paths, "Only these paths and what is under them")
        ->type_name("PATH");
    cli::add_before_option(*sub, args->before);
    return {sub, [&context, args]() {
                try {
                    auto source = open(context, *args);
                    auto listing = archive::naming_archive(source.archive.string(), [&] {
                        return list_archive(source, context.options.identity, args->paths);
                    });
                    if (context.out.json_mode())
                        context.out.json(listing.to_json());
                    else
                        for (const auto& line : listing.text())
                            context.out.say("{}", line);
                    return ExitCode::ok;
                } catch (const archive::Rejected& e) {
                    return rejected(context, "pmxsnap.ls/1", e.what());
                }
            }};
}

cli::Command register_cat(CLI::App& app, cli::Context& context) {
    auto args = std::make_shared<Arguments>();
    auto* sub = app.add_subcommand("cat", "Print one file of an archive, byte for byte");
    cli::add_global_options(*sub, context.options);
    sub->add_option("SELECTOR", args->selector, repo::selector_grammar)
        ->required()
        ->type_name("SELECTOR");
    sub->add_option("PATH", args->path, "The file, as /etc/pve/... or /etc/...")
        ->required()
        ->type_name("PATH");
    sub->add_flag("--show-secrets", args->show_secrets,
                  "Print secrets too (/etc/pve/priv, authkeys, files holding passwords)");
    cli::add_before_option(*sub, args->before);
    return {sub, [&context, args]() {
                if (context.out.json_mode())
                    fail("cat --json: cat prints the file's bytes; `pmxsnap ls --json SELECTOR "
                         "PATH` gives its facts");
                try {
                    auto source = open(context, *args);
                    auto result = archive::naming_archive(source.archive.string(), [&] {
                        return cat_member(source, context.options.identity, args->path,
                                          args->show_secrets ? ShowSecrets::yes : ShowSecrets::no,
                                          STDOUT_FILENO);
                    });
                    context.out.detail("{}: {} bytes of {} from {}", result.path, result.size,
                                       result.member, source.archive.string());
                    return ExitCode::ok;
                } catch (const archive::Rejected& e) {
                    return rejected(context, "pmxsnap.cat/1", e.what());
                }
            }};
}

} // namespace pmxsnap::browse
