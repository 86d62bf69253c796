#include "catch.hpp"

#include "pmxsnap/host/interfaces.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/host/names.hpp"
#include "pmxsnap/host/neighbours.hpp"

using namespace pmxsnap;

TEST_CASE("addresses compare in their canonical numeric form") {
    CHECK(host::canonical_address("198.18.0.11") == "198.18.0.11");
    CHECK(host::canonical_address("fd00:0:0::0001") == "fd00::1");
    CHECK_FALSE(host::canonical_address("pve1"));
    CHECK_FALSE(host::canonical_address("198.18.0.256"));
    CHECK_FALSE(host::canonical_address(""));
}

TEST_CASE("a hosts file gives every address of a name, case-insensitively, skipping comments") {
    const char* hosts = "127.0.0.1 localhost\n"
                        "# 10.0.0.1 pve1 (an old address, commented out)\n"
                        "198.18.0.11 pve1.example.invalid PVE1  # the ring address\n"
                        "garbage pve1\n"
                        "fd00::0011 pve1\n"
                        "198.18.0.11 pve1\n"
                        "198.18.0.12 pve2\n";
    CHECK(host::hosts_file_addresses(hosts, "pve1") ==
          std::vector<std::string>{"198.18.0.11", "fd00::11"});
    CHECK(host::hosts_file_addresses(hosts, "pve2") == std::vector<std::string>{"198.18.0.12"});
    CHECK(host::hosts_file_addresses(hosts, "pve3").empty());
    CHECK(host::hosts_file_addresses("", "pve1").empty());
}

TEST_CASE("mountinfo: the visible mount at /etc/pve, its type and read-only state") {
    // Lines in the kernel's format (proc(5)), one with an escaped space.
    const char* mountinfo =
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
        "40 22 0:37 / /etc/pve rw,nosuid,nodev,relatime shared:20 - fuse /dev/fuse "
        "rw,user_id=0,group_id=0,default_permissions,allow_other\n"
        "41 22 0:38 / /mnt/with\\040space ro,relatime - tmpfs tmpfs rw\n"
        "not a mountinfo line\n";
    auto mounts = host::parse_mountinfo(mountinfo);
    REQUIRE(mounts.size() == 3);
    auto pve = host::mount_at(mounts, "/etc/pve");
    REQUIRE(pve);
    CHECK(pve->fs_type == "fuse");
    CHECK(pve->source == "/dev/fuse");
    CHECK_FALSE(pve->read_only);
    auto spaced = host::mount_at(mounts, "/mnt/with space");
    REQUIRE(spaced);
    CHECK(spaced->read_only);
    CHECK_FALSE(host::mount_at(mounts, "/etc"));
}

TEST_CASE("mountinfo: a read-only superblock counts, and the last mount stacked wins") {
    auto mounts =
        host::parse_mountinfo("40 22 0:37 / /etc/pve rw,relatime - fuse /dev/fuse rw\n"
                              "50 40 0:40 / /etc/pve rw,relatime - tmpfs tmpfs ro,size=1024k\n");
    auto visible = host::mount_at(mounts, "/etc/pve");
    REQUIRE(visible);
    CHECK(visible->fs_type == "tmpfs");
    CHECK(visible->read_only);
}

TEST_CASE("resolving names is bounded and gives numeric addresses") {
    auto resolution = host::resolve_names({"localhost"}, std::chrono::seconds(5));
    CHECK_FALSE(resolution.timed_out);
    REQUIRE(resolution.addresses.count("localhost"));
    for (const auto& address : resolution.addresses.at("localhost"))
        CHECK(host::canonical_address(address) == address);
}

TEST_CASE("carrier from an interface's operstate") {
    CHECK(host::carrier_from_operstate("up\n") == true);
    CHECK(host::carrier_from_operstate("unknown\n") == true);         // lo, some virtual links
    CHECK(host::carrier_from_operstate("lowerlayerdown\n") == false); // a veth whose peer is down
    CHECK(host::carrier_from_operstate("down") == false);
    CHECK_FALSE(host::carrier_from_operstate("testing\n").has_value());
    CHECK(host::interface_has_carrier("lo") == true);
    CHECK_FALSE(host::interface_has_carrier("no-such-interface0").has_value());
    CHECK_FALSE(host::interface_has_carrier("../lo").has_value());
}

TEST_CASE("the ARP table says which neighbours answered") {
    const char* arp =
        "IP address       HW type     Flags       HW address            Mask     Device\n"
        "198.18.0.12      0x1         0x2         2a:3b:4c:5d:6e:7f     *        eth0\n"
        "198.18.0.13      0x1         0x0         00:00:00:00:00:00     *        eth0\n"
        "garbage\n";
    auto table = host::parse_proc_net_arp(arp);
    CHECK(table.size() == 2);
    CHECK(table.at("198.18.0.12"));
    CHECK_FALSE(table.at("198.18.0.13"));
    CHECK(host::parse_proc_net_arp("").empty());
}
