// Inputs as doctor's gather fills them on node1 of a 3-node cluster
// (198.18.0.11-13, eth0 with carrier), for the checks' unit tests.
#pragma once

#include "finding.hpp"
#include "inputs.hpp"

#include <string>
#include <vector>

namespace pmxsnap::doctor::testing {

extern const char* const conf_text;
// A running view: node1 local, every node in the nodelist, links of MTU 1397.
corosync::LiveView live_view(bool quorate, bool peers_connected);
Inputs node1(std::string text = conf_text);
// The finding with id; fails the test when there is none.
const Finding& find(const std::vector<Finding>& findings, const std::string& id);

} // namespace pmxsnap::doctor::testing
