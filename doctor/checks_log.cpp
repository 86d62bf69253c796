#include "checks.hpp"

#include <regex>

namespace pmxsnap::doctor {
namespace {

struct Pattern {
    const char* regex;
    const char* explained_by; // the check whose finding explains it
    const char* meaning;
};

// The seed's log lines, each mapped to the check that explains it.
const Pattern patterns[] = {
    {"No valid name found for nodeid", "conf.nodeid-name", "the nodelist does not name this host"},
    {"link: host: [0-9]+ link: [0-9]+ is down", "runtime.links",
     "a knet link to a peer is down: network, VLAN, MTU or firewall (UDP 5405-5412)"},
    {"non-primary component", "quorum.state", "this node is in a partition without quorum"},
    {"wrong authkey|nsscrypto: Digest does not match", "auth.authkey",
     "peers use a different authkey"},
    {"Could only read .* bits of minimum 2048", "auth.authkey",
     "the authkey is truncated; corosync exits"},
    {"Token has not been received", "time.sync",
     "token timeouts: network trouble, CPU starvation or clock jumps"},
    {"local corosync.conf is newer", "conf.copies",
     "pmxcfs refused to sync corosync.conf: the local copy has a higher config_version"},
    {"DB load failed|memdb_open failed", "pmxcfs.db", "pmxcfs could not load config.db"},
    {"cannot initialize CMAP service", "runtime.cmap",
     "a client could not reach corosync's CMAP: corosync is down or its IPC unreachable"},
};

} // namespace

std::vector<Finding> check_log(const Inputs& in) {
    if (!in.log)
        return {skipped("log.patterns", Layer::any,
                        in.log_source == "journal"
                            ? "no journal readable on this host; save one with `journalctl -b -u "
                              "corosync -u pve-cluster > FILE` and pass --log FILE"
                            : "no log given (--log FILE)")};
    std::vector<Finding> findings;
    for (const auto& pattern : patterns) {
        std::regex re(pattern.regex);
        std::vector<std::string> lines;
        std::size_t start = 0;
        while (start < in.log->size() && lines.size() < 5) {
            auto end = in.log->find('\n', start);
            auto line =
                in.log->substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (std::regex_search(line, re))
                lines.push_back(line);
            start = end == std::string::npos ? in.log->size() : end + 1;
        }
        if (lines.empty())
            continue;
        Finding f{"log.patterns", Layer::any, Status::warn};
        f.evidence = {{"source", in.log_source},
                      {"pattern", pattern.regex},
                      {"lines", lines},
                      {"explained_by", pattern.explained_by}};
        f.meaning = pattern.meaning;
        f.decision = std::string("see the ") + pattern.explained_by + " finding";
        findings.push_back(std::move(f));
    }
    if (findings.empty()) {
        Finding f{"log.patterns", Layer::any};
        f.evidence = {{"source", in.log_source}};
        f.meaning = "none of the known failure patterns appears in the log";
        findings.push_back(std::move(f));
    }
    return findings;
}

} // namespace pmxsnap::doctor
