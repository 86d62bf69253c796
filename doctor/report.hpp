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

} // namespace pmxsnap::doctor
