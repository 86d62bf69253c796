// pmxsnap-live-probe [TIMEOUT_MS]: prints what pmxsnap's live reader sees of
// the corosync this process can reach, as JSON. Test-only: lets the
// integration tests compare it with corosync-cmapctl and corosync-quorumtool
// run in the same namespaces.
#include "pmxsnap/corosync/live_cluster.hpp"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    auto timeout = std::chrono::milliseconds(argc > 1 ? std::atol(argv[1]) : 3000);
    auto view = pmxsnap::corosync::probe_live_cluster(timeout);
    std::puts(view.to_json().dump(2).c_str());
    return view.reachable ? 0 : 1;
}
