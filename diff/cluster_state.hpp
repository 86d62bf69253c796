// What differs between two sides that is not a file. The corosync authkey,
// by the SHA-256 digests the manifests record (an archive holds the key
// itself only when encrypted and asked to): a changed key is reported as
// changed, never shown, neither its bytes nor its digest. And the running
// cluster as each side saw it (an archive: at capture; live: probed now):
// joined members, quorate, expected votes. Either is an incident of its
// own, even when every file is identical.
#pragma once

#include "source.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pmxsnap::diff {

struct StateChange {
    std::string subject; // "authkey /etc/corosync/authkey", "running cluster members"
    std::string before;  // as shown: "3 (node1, node2, node3)", "yes", "a key"
    std::string after;
    std::string note; // what it means, or "" ("left: node2, node3")

    std::string text() const;
    nlohmann::json to_json() const;
};

std::vector<StateChange> compare_state(const Side& a, const Side& b);

} // namespace pmxsnap::diff
