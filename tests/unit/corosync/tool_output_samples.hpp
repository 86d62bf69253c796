// Output of corosync 3.1.7 (Debian 12), captured from the 3-node test cluster
// (tests/integration/corosync_cluster.sh) as corosync-quorumtool -s, -s -p and
// corosync-cmapctl -b nodelist.node print it on node1: all up, node3 stopped,
// node2 and node3 stopped. test_restore_peer reads corosync 3.1.9's (Debian 13)
// through the same parser over SSH.
#pragma once

namespace samples {

inline constexpr const char* three_up = R"(Quorum information
------------------
Date:             Sun Dec  6 20:11:44 2026
Quorum provider:  corosync_votequorum
Nodes:            3
Node ID:          1
Ring ID:          1.d
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      3
Quorum:           2  
Flags:            Quorate 

Membership information
----------------------
    Nodeid      Votes Name
         1          1 node1 (local)
         2          1 node2
         3          1 node3
)";

inline constexpr const char* one_stopped = R"(Quorum information
------------------
Date:             Sun Dec  6 20:11:47 2026
Quorum provider:  corosync_votequorum
Nodes:            2
Node ID:          1
Ring ID:          1.11
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      2
Quorum:           2  
Flags:            Quorate 

Membership information
----------------------
    Nodeid      Votes Name
         1          1 node1 (local)
         2          1 node2
)";

inline constexpr const char* alone = R"(Quorum information
------------------
Date:             Sun Dec  6 20:11:49 2026
Quorum provider:  corosync_votequorum
Nodes:            1
Node ID:          1
Ring ID:          1.15
Quorate:          No

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      1
Quorum:           2 Activity blocked
Flags:            

Membership information
----------------------
    Nodeid      Votes Name
         1          1 node1 (local)
)";

inline constexpr const char* alone_qdevice_column = R"(Quorum information
------------------
Date:             Sun Dec  6 20:11:49 2026
Quorum provider:  corosync_votequorum
Nodes:            1
Node ID:          1
Ring ID:          1.15
Quorate:          No

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      1
Quorum:           2 Activity blocked
Flags:            

Membership information
----------------------
    Nodeid      Votes    Qdevice Name
         1          1         NR node1 (local)
)";

inline constexpr const char* nodelist = R"(nodelist.node.0.name (str) = node1
nodelist.node.0.nodeid (u32) = 1
nodelist.node.0.quorum_votes (u32) = 1
nodelist.node.0.ring0_addr (str) = 198.18.0.11
nodelist.node.1.name (str) = node2
nodelist.node.1.nodeid (u32) = 2
nodelist.node.1.quorum_votes (u32) = 1
nodelist.node.1.ring0_addr (str) = 198.18.0.12
nodelist.node.2.name (str) = node3
nodelist.node.2.nodeid (u32) = 3
nodelist.node.2.quorum_votes (u32) = 1
nodelist.node.2.ring0_addr (str) = 198.18.0.13
)";

} // namespace samples
