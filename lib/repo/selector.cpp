#include "pmxsnap/repo/selector.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/time.hpp"

#include <fmt/format.h>

#include <set>

namespace pmxsnap::repo {
namespace {

// Node names as pmxsnap writes repository directories: a hostname's
// characters, starting with a letter or digit.
bool is_node_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
    return is_node_char(c) && c != '.' && c != '_' && c != '-';
}
constexpr std::size_t max_node_length = 253; // a DNS name

// Printable for a one-line message: control bytes and non-ASCII as \xNN,
// at most `shown` bytes of it (a message stays short whatever was typed).
std::string printable(std::string_view text, std::size_t shown = 80) {
    std::string out;
    for (char c : text.substr(0, shown)) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f)
            out += fmt::format("\\x{:02x}", byte);
        else
            out += c;
    }
    if (text.size() > shown)
        out += "...";
    return out;
}

ParsedSelector a_path(std::string_view text) {
    Selector selector;
    selector.text = std::string(text);
    selector.path = fs::path(text);
    return {selector, {}};
}

ParsedSelector problem(std::string_view text, std::string why) {
    return {std::nullopt, fmt::format("{}: {}", printable(text), why)};
}

std::string plural(std::size_t n, const char* word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string the_cluster(const Repository& repository, const SelectorScope& scope,
                        const std::string& text) {
    if (!scope.cluster.empty())
        return scope.cluster;
    std::set<std::string> clusters;
    for (const auto& directory : repository.node_directories())
        clusters.insert(directory.cluster);
    if (clusters.size() == 1)
        return *clusters.begin();
    if (clusters.empty())
        return "standalone";
    fail("{}: cannot tell which cluster: {} names none and {} holds {}; give an archive path", text,
         scope.cluster_source.empty() ? "corosync.conf" : scope.cluster_source,
         repository.root().string(), plural(clusters.size(), "cluster"));
}

std::string nodes_in(const Repository& repository, const std::string& cluster) {
    std::set<std::string> nodes;
    for (const auto& directory : repository.node_directories(cluster))
        nodes.insert(directory.node);
    return nodes.empty() ? "none" : fmt::format("{}", fmt::join(nodes, ", "));
}

std::optional<std::int64_t> captured_time(const Snapshot& snapshot) {
    if (snapshot.comment)
        if (auto t = parse_iso8601_utc(snapshot.comment->captured))
            return t;
    return parse_compact_utc_stamp(snapshot.stamp);
}

// latest-good: only the snapshots whose signed index says good. The index
// is read here as listed; the command that opens the archive authenticates
// it (a forged "good" then fails its signature).
void keep_good(std::vector<Snapshot>& snapshots, const std::string& text, const std::string& node,
               const std::string& before, const fs::path& directory) {
    std::size_t bad = 0, unknown = 0;
    for (const auto& s : snapshots) {
        if (!s.comment || s.comment->health.empty())
            ++unknown;
        else if (s.comment->is_bad())
            ++bad;
    }
    auto total = snapshots.size();
    std::erase_if(snapshots, [](const Snapshot& s) { return !s.comment || !s.comment->is_good(); });
    if (snapshots.empty())
        fail("{}: none of the {} of node {}{} in {} is marked good ({} bad, {} from before "
             "snapshots recorded their health); give latest~K or an archive path",
             text, plural(total, "snapshot"), node, before, directory.string(), bad, unknown);
}

} // namespace

ParsedSelector parse_selector(std::string_view text) {
    if (text.empty())
        return problem(text, fmt::format("empty selector (give {})", selector_grammar));
    if (text.find('\0') != std::string_view::npos)
        return problem(text, "a selector holds no NUL byte");
    constexpr std::string_view latest = "latest";
    constexpr std::string_view good = "-good";
    if (!text.starts_with(latest))
        return a_path(text);
    auto rest = text.substr(latest.size());
    bool is_good = rest.starts_with(good);
    if (is_good)
        rest.remove_prefix(good.size());
    if (!rest.empty() && rest[0] != '@' && rest[0] != '~')
        // "latest.pmxsnap", "latest-copy": a file name that starts like the keyword.
        return a_path(text);

    Selector selector;
    selector.kind = Selector::Kind::latest;
    selector.text = std::string(text);
    selector.good = is_good;
    bool seen_node = false, seen_back = false;
    const std::string grammar =
        "not a selector (latest[-good][@NODE][~K]; ./NAME for a file named like one)";
    while (!rest.empty()) {
        char mark = rest[0];
        rest.remove_prefix(1);
        std::size_t n = 0;
        if (mark == '@') {
            while (n < rest.size() && is_node_char(rest[n]))
                ++n;
            if (seen_node || n == 0 || !is_alnum(rest[0]))
                return problem(text, grammar);
            if (n > max_node_length)
                return problem(text,
                               fmt::format("node name longer than {} characters", max_node_length));
            selector.node = std::string(rest.substr(0, n));
            seen_node = true;
        } else if (mark == '~') {
            while (n < rest.size() && is_digit(rest[n]))
                ++n;
            if (seen_back || n == 0)
                return problem(text, grammar);
            if (n > 6)
                return problem(text,
                               fmt::format("~K: at most {} snapshots back", max_selector_back));
            std::size_t back = 0;
            for (std::size_t i = 0; i < n; ++i)
                back = back * 10 + static_cast<std::size_t>(rest[i] - '0');
            selector.back = back;
            seen_back = true;
        } else {
            return problem(text, grammar);
        }
        rest.remove_prefix(n);
    }
    return {selector, {}};
}

Selected resolve_selector(const Selector& selector, const Repository& repository,
                          const SelectorScope& scope) {
    auto text = printable(selector.text, 4096); // a path, named in full
    if (selector.kind == Selector::Kind::path) {
        std::error_code ec;
        auto status = fs::status(selector.path, ec);
        if (ec || !fs::exists(status))
            fail("{}: no such archive (a selector is {})", text, selector_grammar);
        if (fs::is_directory(status))
            fail("{}: is a directory, not an archive (a selector is {})", text, selector_grammar);
        return {selector.path, std::nullopt};
    }
    if (!fs::is_directory(repository.root()))
        fail("{}: repository {} does not exist (--repo)", text, repository.root().string());
    auto cluster = the_cluster(repository, scope, text);
    auto node = selector.node.empty() ? scope.node : selector.node;
    auto directory = repository.node_directory(cluster, node);
    auto snapshots = repository.list(cluster, node);
    if (snapshots.empty())
        fail("{}: no snapshots of node {} of cluster {} in {} (nodes there: {})", text, node,
             cluster, repository.root().string(), nodes_in(repository, cluster));
    std::string before;
    if (selector.before) {
        std::erase_if(snapshots, [&](const Snapshot& s) {
            auto t = captured_time(s);
            return !t || *t >= *selector.before;
        });
        before = " captured before " + iso8601_utc(*selector.before);
    }
    if (selector.good)
        keep_good(snapshots, text, node, before, directory);
    if (selector.back >= snapshots.size())
        fail("{}: only {}{} of node {}{} in {}", text, plural(snapshots.size(), "snapshot"),
             selector.good ? " marked good" : "", node, before, directory.string());
    auto& chosen = snapshots[snapshots.size() - 1 - selector.back];
    return {chosen.archive, chosen};
}

Selected select_archive(std::string_view text, const Repository& repository,
                        const SelectorScope& scope, std::optional<std::int64_t> before) {
    auto parsed = parse_selector(text);
    if (!parsed.selector)
        throw Error(parsed.problem);
    if (before) {
        if (parsed.selector->kind == Selector::Kind::path)
            fail("{}: --before applies to latest and latest-good, not to an archive path",
                 printable(text));
        parsed.selector->before = before;
    }
    return resolve_selector(*parsed.selector, repository, scope);
}

} // namespace pmxsnap::repo
