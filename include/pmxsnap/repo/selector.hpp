// Selector: how every command that reads an archive names it — an archive
// path, or `latest`, `latest-good` (the newest whose signed index says its
// state is good), each with `@NODE` and `~K` (K snapshots back among those),
// both suffixes in either order; --before TIME keeps only snapshots captured
// before it. parse_selector is pure and total (any bytes in, a Selector or a
// one-line problem out); resolve_selector looks it up in the repository and
// throws pmxsnap::Error naming the selector when it cannot.
#pragma once

#include "pmxsnap/repo/repository.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pmxsnap::repo {

struct Selector {
    enum class Kind { path, latest };
    Kind kind = Kind::path;
    std::string text;                   // as given, for messages
    fs::path path;                      // Kind::path
    std::string node;                   // latest@NODE; empty: the node the command runs on
    std::size_t back = 0;               // latest~K
    bool good = false;                  // latest-good: the newest healthy one
    std::optional<std::int64_t> before; // --before: captured strictly before (Unix seconds)
};

inline constexpr std::size_t max_selector_back = 999999; // ~K: six digits at most

struct ParsedSelector {
    std::optional<Selector> selector;
    std::string problem; // why not, when selector is empty
};

// "latest" and its forms are keywords; anything else that is not empty is
// an archive path (use ./latest for a file of that name). A text that starts
// like a keyword but breaks its grammar ("latest~x", "latest@") is a problem,
// never silently a path.
ParsedSelector parse_selector(std::string_view text);

// What a `latest` form is resolved against: the cluster and node the
// command runs as. An empty cluster means "the only cluster in the
// repository"; cluster_source says where a given one came from.
struct SelectorScope {
    std::string cluster;
    std::string cluster_source; // "/etc/corosync/corosync.conf", for messages
    std::string node;           // this host's name, for a selector without @NODE
};

struct Selected {
    fs::path archive;
    std::optional<Snapshot> snapshot; // when found in the repository
};

// Throws pmxsnap::Error: "<selector>: <why>" (no such archive, no snapshots
// of the node, fewer than K+1 snapshots, none of them marked good).
Selected resolve_selector(const Selector& selector, const Repository& repository,
                          const SelectorScope& scope);

// parse then resolve; a parse problem throws the same way, and so does
// `before` (--before, Unix seconds) given with an archive path.
Selected select_archive(std::string_view text, const Repository& repository,
                        const SelectorScope& scope, std::optional<std::int64_t> before = {});

// The grammar in one phrase, for messages and --help.
inline constexpr const char* selector_grammar =
    "an archive path, latest or latest-good, with @NODE and ~K";

} // namespace pmxsnap::repo
