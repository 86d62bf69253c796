#include "log_patterns.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>

namespace pmxsnap::doctor {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "link: host: 2 link: 0 is down", "host: 3 (passive)": the nodeid a line names.
std::optional<std::uint32_t> nodeid_in(const std::string& line) {
    static const std::regex host(R"(host: ([0-9]+))", std::regex::icase);
    std::smatch m;
    if (!std::regex_search(line, m, host))
        return std::nullopt;
    return static_cast<std::uint32_t>(std::stoul(m[1].str()));
}

} // namespace

const std::vector<LogPattern>& log_patterns() {
    static const std::vector<LogPattern> patterns = {
        {"no valid name found", "No valid name found for (nodeid|local host)", "conf.nodeid-name",
         "corosync finds no nodelist entry for this host (by its addresses or name)"},
        {"parse error in config", "parse error in config", "conf.parse",
         "corosync cannot parse corosync.conf"},
        {"received config version",
         R"(Received config version \([0-9]+\) is different than my config version \([0-9]+\))",
         "runtime.config-version",
         "corosync exited: its corosync.conf has another config_version than the running "
         "cluster's"},
        {"exiting with status 8", "exiting with status 8", "conf.parse",
         "corosync exited on a configuration error (status 8)"},
        {"link: host:", "link: host: [0-9]+ link: [0-9]+ is down", "runtime.links",
         "a knet link to a peer is down: network, VLAN, MTU or firewall (UDP 5405-5412)"},
        {"unable to form a cluster", "Totem is unable to form a cluster", "runtime.links",
         "corosync reaches no peer: the network between the nodes, or their authkey"},
        {"retransmit list", "Retransmit List", "net.mtu",
         "messages are retransmitted: packet loss or an MTU that drops large packets"},
        {"non-primary component", "non-primary component", "quorum.state",
         "this node is in a partition without quorum"},
        {"digest does not match", "nsscrypto: Digest does not match", "auth.authkey",
         "peers use a different authkey"},
        {"wrong authkey", "wrong authkey", "auth.authkey", "peers use a different authkey"},
        {"bits of minimum 2048", "Could only read .* bits of minimum 2048", "auth.authkey",
         "the authkey is truncated; corosync exits"},
        {"token has not been received", "Token has not been received", "time.sync",
         "token timeouts: network trouble, CPU starvation or clock jumps"},
        {"local corosync.conf is newer", "local corosync.conf is newer", "conf.copies",
         "pmxcfs refused to sync corosync.conf: the local copy has a higher config_version"},
        {"failed", "DB load failed|memdb_open failed", "pmxcfs.db",
         "pmxcfs could not load config.db"},
        {"initialize",
         "cannot initialize CMAP service|quorum_initialize failed|cpg_initialize "
         "failed|cmap_initialize failed",
         "runtime.cmap",
         "a client (pmxcfs, pvecm) could not reach corosync: corosync is down, hung or its IPC "
         "unreachable"},
    };
    return patterns;
}

std::vector<LogMatch> match_log(std::string_view log,
                                const std::map<std::uint32_t, std::string>& names) {
    const auto& patterns = log_patterns();
    std::vector<std::regex> compiled;
    compiled.reserve(patterns.size());
    for (const auto& p : patterns)
        compiled.emplace_back(p.regex, std::regex::ECMAScript | std::regex::icase);
    std::vector<LogMatch> matches(patterns.size());
    // Newest first: the log is read from its end.
    std::size_t end = log.size();
    while (end > 0) {
        std::size_t start = log.rfind('\n', end - 1);
        start = start == std::string_view::npos ? 0 : start + 1;
        std::string line(log.substr(start, end - start));
        end = start == 0 ? 0 : start - 1;
        if (!line.empty() && line.back() == '\n')
            line.pop_back();
        if (line.empty())
            continue;
        auto folded = lower(line);
        for (std::size_t i = 0; i < patterns.size(); ++i) {
            if (folded.find(patterns[i].keyword) == std::string::npos ||
                !std::regex_search(line, compiled[i]))
                continue;
            auto& match = matches[i];
            match.pattern = &patterns[i];
            ++match.count;
            if (match.lines.size() < 5)
                match.lines.push_back(line);
            if (auto id = nodeid_in(line)) {
                auto it = names.find(*id);
                auto name = it != names.end() && !it->second.empty()
                                ? it->second
                                : "nodeid " + std::to_string(*id);
                if (std::find(match.peers.begin(), match.peers.end(), name) == match.peers.end())
                    match.peers.push_back(name);
            }
            break; // a line counts for its first pattern only
        }
    }
    std::vector<LogMatch> found;
    for (auto& match : matches)
        if (match.pattern)
            found.push_back(std::move(match));
    return found;
}

} // namespace pmxsnap::doctor
