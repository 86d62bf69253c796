#include "catch.hpp"

#include "pmxsnap/archive/operator_path.hpp"

#include <string>
#include <utility>
#include <vector>

using namespace pmxsnap::archive;

TEST_CASE("members are shown as the operator knows the files, and found again from that") {
    for (const auto& [member, path] : std::vector<std::pair<std::string, std::string>>{
             {"pve", "/etc/pve"},
             {"pve/storage.cfg", "/etc/pve/storage.cfg"},
             {"pve/priv/authkey.key", "/etc/pve/priv/authkey.key"},
             {"host/etc/corosync/corosync.conf", "/etc/corosync/corosync.conf"},
             {"host/etc", "/etc"},
             {"db", "/var/lib/pve-cluster"},
             {"db/config.db", "/var/lib/pve-cluster/config.db"}}) {
        INFO(member);
        CHECK(operator_path(member) == path);
        CHECK(member_of(path) == member);
        CHECK(member_of(path + "/") == member);
        CHECK(member_of(member) == member); // a member name is taken as it is
    }
    CHECK_FALSE(operator_path("host"));
    CHECK_FALSE(operator_path("MANIFEST.json"));
    CHECK(member_of("/") == "");
    CHECK(member_of("///") == "");
    CHECK(member_of("/etc/pvex") == "host/etc/pvex"); // not under /etc/pve
    CHECK_FALSE(member_of("storage.cfg"));
    CHECK_FALSE(member_of(""));
}

TEST_CASE("names print on one line: control bytes, backslashes and broken UTF-8 escaped") {
    CHECK(printable("/etc/pve/qemu-server/100.conf") == "/etc/pve/qemu-server/100.conf");
    CHECK(printable("/etc/pve/\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87") ==
          "/etc/pve/\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87"); // UTF-8 stays
    CHECK(printable("99\xff.conf") == "99\\xff.conf");
    CHECK(printable("a\nb\x1b[2J") == "a\\x0ab\\x1b[2J");
    CHECK(printable("back\\slash") == "back\\x5cslash");
    CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");          // overlong '/'
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
    CHECK(printable("\xe2\x82") == "\\xe2\\x82");          // cut short
}
