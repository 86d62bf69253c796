#include "context.hpp"

namespace pmxsnap::cli {

void Output::warning(const std::string& text) {
    // Before the document, a warning belongs in it; after it (a cleanup that
    // failed), stderr is the only place left.
    if (options_.json && !document_written_) {
        warnings_.push_back(text);
        if (options_.verbose == 0)
            return;
    }
    print_line(stderr, "pmxsnap: warning: " + text);
}

void Output::json(nlohmann::json document) {
    if (!warnings_.empty() && document.is_object() && !document.contains("warnings"))
        document["warnings"] = warnings_;
    document_written_ = true;
    // Names never reach here as raw bytes: every command puts them in
    // through put_name (util/json_name.hpp), losslessly. What is left is
    // free text that may hold a byte that is not UTF-8 (a 0xA0 in a
    // corosync.conf value, a file's content in a diff, quoted in an error):
    // it must not turn the answer into an internal error, so it shows as
    // U+FFFD.
    std::fputs(
        (document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n").c_str(),
        stdout);
    std::fflush(stdout);
}

void Output::print_line(std::FILE* stream, const std::string& text) {
    std::fputs((text + "\n").c_str(), stream);
    std::fflush(stream);
}

void add_global_options(CLI::App& app, GlobalOptions& options) {
    // Given twice (config file defaults, a wrapper script, the command line),
    // the last one wins, as with most Unix tools.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option("--root", options.root, "Read the host under DIR (rescue system, fixtures)")
        ->type_name("DIR");
    app.add_option("--repo", options.repo, "Repository directory")->type_name("DIR");
    app.add_option("--pubkey", options.pubkey, "Trust this public key (default: trusted.d)")
        ->type_name("FILE");
    app.add_option("--trusted-dir", options.trusted_dir,
                   "Directory of trusted public keys (default /etc/pmxsnap/trusted.d)")
        ->type_name("DIR");
    app.add_option("--key", options.key, "Signing key (default /etc/pmxsnap/signing.key)")
        ->type_name("FILE");
    app.add_option("--identity", options.identity, "age identity for encrypted archives")
        ->type_name("FILE");
    app.add_flag("--offline", options.offline, "Skip every live probe (CMAP, quorum, systemd)");
    app.add_flag("--json", options.json, "One JSON document on stdout");
    app.add_flag("-q,--quiet", options.quiet, "Print only errors and warnings");
    // Counted through a function: CLI11 2.4 (Debian 13) left an int bound
    // to a flag given before the command at 0, where 2.3 counted it.
    app.add_flag_function(
        "-v,--verbose",
        [&options](std::int64_t count) { options.verbose += static_cast<int>(count); },
        "More detail (phases and timings)");
}

} // namespace pmxsnap::cli
