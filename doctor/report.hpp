// The doctor report: findings in fix order (corosync → quorum → pmxcfs →
// the rest), the first failing layer stated on top, rendered for a terminal
// or as pmxsnap.doctor/1 JSON from the same data.
#pragma once

#include "finding.hpp"

#include <optional>

namespace pmxsnap::doctor {

struct Report {
    std::vector<Finding> findings; // in fix order
    std::optional<Layer> first_failing_layer;
    const Finding* first_failure() const;
    bool healthy() const; // every finding ok or skip
    nlohmann::json to_json() const;
    std::string headline() const;
};

Report make_report(std::vector<Finding> findings);

// Evidence as a person reads it: "ring0_addr: address 198.18.0.11, interface
// eth0; local_addresses: eth0 198.18.0.11" — keys and values, no JSON syntax.
std::string evidence_text(const nlohmann::json& evidence);

} // namespace pmxsnap::doctor
