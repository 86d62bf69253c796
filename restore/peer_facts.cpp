#include "peer_facts.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_optional.hpp"

#include <fmt/format.h>

namespace pmxsnap::restore {
namespace {

using host::RemoteRun;

constexpr const char* quorum_command = "corosync-quorumtool -s";
constexpr const char* nodelist_command = "corosync-cmapctl -b nodelist.node";
constexpr const char* db_command = "pmxsnap inspect --json /var/lib/pve-cluster/config.db";

// ssh's own words for a peer that is not there or does not speak.
bool no_answer(const RemoteRun& run) {
    for (const char* words :
         {"timed out", "No route to host", "Network is unreachable", "Host is unreachable"})
        if (run.errors.find(words) != std::string::npos)
            return true;
    return false;
}

std::string ssh_words(const RemoteRun& run) {
    auto line = run.last_error_line();
    if (line.empty())
        return "ssh failed";
    return line.starts_with("ssh: ") ? line : "ssh: " + line;
}

// What a command that ran on the peer but gave nothing usable said.
std::string why_not(const RemoteRun& run, const char* tool) {
    if (run.code == 127)
        return fmt::format("{} is not installed on the peer", tool);
    if (run.code == 124)
        return fmt::format("{} did not finish in time on the peer", tool);
    auto line = run.last_error_line();
    return line.empty() ? fmt::format("{} exited {}", tool, run.code) : line;
}

void read_db(PeerFacts& facts, const RemoteRun& run) {
    if (run.code == 127) {
        facts.db_problem = "pmxsnap is not installed on the peer: its db version is unknown";
        return;
    }
    facts.pmxsnap_found = true;
    auto doc = nlohmann::json::parse(run.output, nullptr, false);
    if (doc.is_object() && doc.value("kind", "") == "config.db" && doc.contains("db_version") &&
        doc["db_version"].is_number_integer()) {
        facts.db_version = doc["db_version"].get<std::int64_t>();
        if (!doc.value("valid", false))
            facts.db_problem = "the peer's pmxsnap finds its db invalid (pmxcfs would refuse it)";
        return;
    }
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object())
        facts.db_problem = "the peer's pmxsnap: " + doc["error"].value("message", std::string());
    else
        facts.db_problem = "the peer's pmxsnap: " + why_not(run, "pmxsnap");
}

} // namespace

bool PeerFacts::cluster_alive() const {
    return quorum && quorum->quorate.value_or(false) && quorum->members.size() > 1;
}

std::string PeerFacts::name() const {
    if (quorum)
        for (const auto& m : quorum->members)
            if (m.local)
                return m.name;
    return host;
}

bool PeerFacts::lists(const std::string& node) const {
    for (const auto& n : nodelist)
        if (n.name == node)
            return true;
    return false;
}

bool PeerFacts::has_member(const std::string& node) const {
    if (!quorum)
        return false;
    std::optional<std::uint32_t> nodeid;
    for (const auto& n : nodelist)
        if (n.name == node)
            nodeid = n.nodeid;
    for (const auto& m : quorum->members)
        if (m.name == node || (nodeid && m.nodeid == *nodeid))
            return true;
    return false;
}

std::string PeerFacts::newer_db(std::int64_t archive_version) const {
    if (!db_version)
        return "";
    if (*db_version == archive_version)
        return "same";
    return *db_version > archive_version ? "peer" : "archive";
}

PeerFacts ask_peer(const host::PeerShellOptions& options) {
    host::PeerShell shell(options);
    PeerFacts facts;
    facts.host = options.destination;
    auto limit = std::chrono::duration_cast<std::chrono::seconds>(options.limit).count();
    auto ask = [&](const char* command) {
        auto run = shell.run(command);
        if (run.how == RemoteRun::How::done)
            return run;
        if (run.how == RemoteRun::How::no_answer || no_answer(run))
            fail("--peer {}: no answer within {} s, the --peer-timeout{}", options.destination,
                 limit, run.errors.empty() ? "" : " (" + ssh_words(run) + ")");
        fail("--peer {}: {}", options.destination, ssh_words(run));
    };
    auto quorum = ask(quorum_command);
    facts.quorum = corosync::parse_quorumtool_status(quorum.output);
    if (!facts.quorum)
        facts.corosync_problem = why_not(quorum, "corosync-quorumtool");
    facts.nodelist = corosync::parse_cmapctl_nodelist(ask(nodelist_command).output);
    read_db(facts, ask(db_command));
    facts.elapsed_ms = static_cast<long>(shell.elapsed().count());
    return facts;
}

} // namespace pmxsnap::restore
