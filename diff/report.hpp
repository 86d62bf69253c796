// The diff as data (pmxsnap.diff/1) and as text an operator reads top-down:
// TRUNCATED files first, then each path with what changed in it (a subtree
// added or removed whole in one line), then the corosync.conf copies side by
// side, then what differs that is not a file (the authkey, the running
// cluster), then a one-line summary. Paths as the operator knows them
// (paths.hpp). Archives read without checking their signature (--no-verify)
// are named on the first line.
#pragma once

#include "changes.hpp"
#include "cluster_state.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pmxsnap::diff {

struct Report {
    const Side* a = nullptr;
    const Side* b = nullptr;
    std::vector<Change> changes;
    std::vector<Subtree> subtrees;  // over changes
    std::vector<StateChange> state; // what differs that is not a file
    // The archive sides read without checking their signature (--no-verify):
    // said on the first line, and "verified": false in the JSON.
    std::vector<std::string> unverified;
    nlohmann::json corosync;
    ReadCounts reads;
    std::size_t paths_compared = 0;
    bool cross_node = false;
    // Said before anything else (text: the first lines; JSON: "cautions"):
    // a side that is not a state to compare against, and what to use instead.
    std::vector<std::string> cautions;

    bool identical() const { return changes.empty() && state.empty(); }
    // A side whose state is marked bad: the diff is a finding even when
    // nothing differs (a broken reference says nothing about the damage).
    bool has_bad_side() const;
    // The first line of the text when archives were read unchecked, else "".
    std::string unverified_warning() const;
    std::string summary() const;
    nlohmann::json to_json() const;
    // stat: one line per path, no content.
    std::vector<std::string> text(bool stat) const;
};

} // namespace pmxsnap::diff
