// The inputs of net.mtu beyond the host's interfaces: the MTUs each node's
// newest snapshot recorded, and a bounded path-MTU probe to each peer.
#pragma once

#include "inputs.hpp"

namespace pmxsnap::doctor {

// From in.newest_per_node (encrypted ones only with in.identity); a
// snapshot that cannot be read, or recorded no runtime view, adds nothing.
void read_recorded_mtus(Inputs& in);

// Needs the live view and the host's interfaces; bounded by 2 s in all.
void probe_path_mtus(Inputs& in);

} // namespace pmxsnap::doctor
