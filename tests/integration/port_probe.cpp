// pmxsnap-port-probe TIMEOUT_MS ADDRESS...: what doctor's peer probe answers
// for each address on corosync's port, one line each: "ADDRESS ANSWER".
// Test-only: lets an integration test put the probe against a real host in
// another network namespace.
#include "pmxsnap/corosync/peer_probe.hpp"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fputs("usage: pmxsnap-port-probe TIMEOUT_MS ADDRESS...\n", stderr);
        return 2;
    }
    std::vector<pmxsnap::corosync::PortProbe> targets;
    for (int i = 2; i < argc; ++i)
        targets.push_back({argv[i], pmxsnap::corosync::knet_default_port, {}, {}});
    auto answers =
        pmxsnap::corosync::probe_udp_ports(targets, std::chrono::milliseconds(std::atol(argv[1])));
    for (const auto& probe : answers)
        std::printf("%s %s\n", probe.address.c_str(), to_string(probe.answer).c_str());
    return 0;
}
