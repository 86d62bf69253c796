#include "checks.hpp"
#include "log_patterns.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace pmxsnap::doctor {

std::vector<Finding> check_log(const Inputs& in) {
    if (!in.log)
        return {skipped("log.patterns", Layer::any,
                        in.log_source == "journal"
                            ? "no journal readable on this host; save one with `journalctl -b -u "
                              "corosync -u pve-cluster > FILE` and pass --log FILE"
                            : "no log given (--log FILE)")};
    std::map<std::uint32_t, std::string> names; // for "host: N" → its name
    if (const auto* config = in.effective_config())
        for (const auto& node : config->nodes)
            if (node.nodeid)
                names[*node.nodeid] = node.name;
    if (in.live)
        for (const auto& node : in.live->nodelist)
            names[node.nodeid] = node.name;
    std::vector<Finding> findings;
    for (const auto& match : match_log(*in.log, names)) {
        Finding f{"log.patterns", Layer::any, Status::warn};
        f.evidence = {{"source", in.log_source},
                      {"pattern", match.pattern->regex},
                      {"lines", match.lines},
                      {"count", match.count},
                      {"explained_by", match.pattern->explained_by}};
        if (!match.peers.empty())
            f.evidence["peers"] = match.peers;
        f.meaning = match.peers.empty() ? match.pattern->meaning
                                        : std::string(match.pattern->meaning) + " (peer " +
                                              fmt::format("{}", fmt::join(match.peers, ", ")) + ")";
        f.decision = std::string("see the ") + match.pattern->explained_by + " finding";
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
