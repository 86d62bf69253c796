#include "doctor_fixture.hpp"

#include "catch.hpp"

#include "pmxsnap/corosync/parser.hpp"

#include <filesystem>
#include <stdexcept>

namespace pmxsnap::doctor::testing {

const char* const conf_text = R"(totem {
  version: 2
  cluster_name: testclu
  config_version: 4
}
nodelist {
  node {
    name: node1
    nodeid: 1
    ring0_addr: 198.18.0.11
  }
  node {
    name: node2
    nodeid: 2
    ring0_addr: 198.18.0.12
  }
  node {
    name: node3
    nodeid: 3
    ring0_addr: 198.18.0.13
  }
}
)";

corosync::LiveView live_view(bool quorate, bool peers_connected) {
    corosync::LiveView live;
    live.reachable = true;
    live.local_nodeid = 1;
    live.config_version = 4;
    live.quorate = quorate;
    live.expected_votes = 3;
    live.total_votes = quorate ? 3 : 1;
    for (std::uint32_t id = 1; id <= 3; ++id) {
        live.nodelist.push_back(
            {id, "node" + std::to_string(id), {{0, "198.18.0.1" + std::to_string(id)}}});
        live.members.push_back({id, "", id == 1 || quorate ? "joined" : "left"});
        live.links.push_back({id, 0, true, id == 1 || peers_connected, 1397});
    }
    return live;
}

Inputs node1(std::string text) {
    Inputs in(host::Host(std::filesystem::temp_directory_path())); // never read
    in.node = "node1";
    in.local.name = "/etc/corosync/corosync.conf";
    in.local.text = text;
    in.local.parsed = corosync::parse_config(text);
    in.probed_host = true;
    in.interfaces = {{"lo", "127.0.0.1"}, {"eth0", "198.18.0.11"}};
    in.interface_carrier = {{"lo", true}, {"eth0", true}};
    return in;
}

const Finding& find(const std::vector<Finding>& findings, const std::string& id) {
    for (const auto& f : findings)
        if (f.id == id)
            return f;
    FAIL("no finding " << id);
    throw std::logic_error("unreachable");
}

} // namespace pmxsnap::doctor::testing
