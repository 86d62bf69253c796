// Context: what every command receives — the global options (accepted before
// or after the command name) and the one place output goes. Human text goes
// to stdout; under --json stdout carries exactly one JSON document with a
// "schema" field, on success and on error, and stderr stays silent unless -v
// (warnings then travel inside the document, as "warnings"). Commands compute
// a result once and render it twice (text and JSON) through this.
#pragma once

#include "pmxsnap/host/host.hpp"
#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pmxsnap::cli {

struct GlobalOptions {
    std::string root = "/";
    std::string repo = "/var/backups/pmxsnap";
    std::string pubkey;   // empty: the keys in trusted_dir
    std::string identity; // age identity (encrypted archives)
    std::string key = "/etc/pmxsnap/signing.key";
    std::string trusted_dir = "/etc/pmxsnap/trusted.d";
    bool offline = false;
    bool json = false;
    bool quiet = false;
    int verbose = 0;
};

class Output {
  public:
    explicit Output(const GlobalOptions& options)
        : options_(options) {}

    // The command's main human-readable result.
    template <typename... Args>
    void say(fmt::format_string<Args...> format, Args&&... args) {
        if (human_text_shown())
            print_line(human_stream(), fmt::format(format, std::forward<Args>(args)...));
    }
    // Detail shown with -v.
    template <typename... Args>
    void detail(fmt::format_string<Args...> format, Args&&... args) {
        if (options_.verbose > 0)
            print_line(stderr, fmt::format(format, std::forward<Args>(args)...));
    }
    // Something the operator must know: on stderr, or under --json in the
    // document's "warnings" (and on stderr too with -v).
    template <typename... Args>
    void warn(fmt::format_string<Args...> format, Args&&... args) {
        warning(fmt::format(format, std::forward<Args>(args)...));
    }
    void warning(const std::string& text);
    // The one JSON document of --json mode.
    void json(nlohmann::json document);
    bool json_mode() const { return options_.json; }
    bool document_written() const { return document_written_; }

  private:
    // Under --json, human text is detail: shown on stderr with -v only.
    bool human_text_shown() const {
        return !options_.quiet && (!options_.json || options_.verbose > 0);
    }
    std::FILE* human_stream() const { return options_.json ? stderr : stdout; }
    static void print_line(std::FILE* stream, const std::string& text);

    const GlobalOptions& options_;
    std::vector<std::string> warnings_;
    bool document_written_ = false;
};

struct Context {
    GlobalOptions options;
    Output out{options};

    host::Host host() const { return host::Host(options.root); }
};

// A subcommand: its CLI11 wiring is done by register_*; run is called when
// it was chosen on the command line.
struct Command {
    CLI::App* app = nullptr;
    std::function<ExitCode()> run;
};

// Adds the global options to a (sub)command so they are accepted after the
// command name too.
void add_global_options(CLI::App& app, GlobalOptions& options);

} // namespace pmxsnap::cli
