#include "catch.hpp"

#include "pmxsnap/pveconfig/section_config.hpp"

using namespace pmxsnap::pveconfig;

namespace {

std::string value_of(const SectionConfig& config, const std::string& section,
                     const std::string& key) {
    const auto* s = config.find(section);
    REQUIRE(s);
    for (const auto& entry : s->entries)
        if (entry.key == key)
            return entry.value;
    FAIL("no key " << key << " in section '" << section << "'");
    return {};
}

} // namespace

TEST_CASE("storage.cfg: 'type: id' sections with indented keys") {
    auto config = parse_section_config("dir: local\n\tpath /var/lib/vz\n\tcontent iso,backup\n\n"
                                       "nfs: store0\n\tserver 198.18.1.1\n\texport /export\n");
    REQUIRE(config.sections.size() == 2);
    CHECK(config.sections[0].name == "dir: local");
    CHECK(value_of(config, "dir: local", "content") == "iso,backup");
    CHECK(value_of(config, "nfs: store0", "server") == "198.18.1.1");
}

TEST_CASE("guest config: top-level keys, then [snapshot] sections") {
    auto config = parse_section_config("cores: 2\nmemory: 2048\n#a description line\n\n"
                                       "[snap1]\nmemory: 1024\nsnaptime: 1700000000\n");
    REQUIRE(config.sections.size() == 2);
    CHECK(config.sections[0].name.empty());
    CHECK(value_of(config, "", "memory") == "2048");
    CHECK(value_of(config, "", "#") == "a description line");
    CHECK(value_of(config, "[snap1]", "memory") == "1024");
}

TEST_CASE("user.cfg records key by type and id and firewall rules repeat and stay apart") {
    auto users = parse_section_config("user:root@pam:1:0:::root@example.invalid::\n"
                                      "token:root@pam!ci:0:1::\n");
    CHECK(value_of(users, "", "user:root@pam") == "1:0:::root@example.invalid::");
    CHECK(value_of(users, "", "token:root@pam!ci") == "0:1::");
    auto fw = parse_section_config("[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp\n"
                                   "IN ACCEPT -p tcp\n");
    const auto* rules = fw.find("[RULES]");
    REQUIRE(rules);
    REQUIRE(rules->entries.size() == 2);
    CHECK(rules->entries[1].key == "IN ACCEPT -p tcp #2");
}

TEST_CASE("a 'key: value' line followed by a top-level line is a key, not a section") {
    auto config = parse_section_config("keyboard: en-us\nmigration: secure\n");
    REQUIRE(config.sections.size() == 1);
    CHECK(value_of(config, "", "keyboard") == "en-us");
}

TEST_CASE("comparing: a removed section, a changed key, an added key, a removed key") {
    auto before = parse_section_config("dir: local\n\tpath /var/lib/vz\n\tshared 0\n\n"
                                       "rbd: store1\n\tpool rbd1\n");
    auto after = parse_section_config("dir: local\n\tpath /srv/vz\n\tnodes pve1\n");
    auto changes = compare_section_configs(before, after);
    REQUIRE(changes.size() == 4);
    CHECK(changes[0].section == "rbd: store1");
    CHECK(changes[0].key.empty());
    CHECK_FALSE(changes[0].after);
    CHECK((changes[1].key == "path" && changes[1].before == "/var/lib/vz" &&
           changes[1].after == "/srv/vz"));
    CHECK((changes[2].key == "nodes" && !changes[2].before));
    CHECK((changes[3].key == "shared" && !changes[3].after));
    CHECK(compare_section_configs(after, after).empty());
}

TEST_CASE("which /etc/pve files are section config") {
    for (const char* path :
         {"storage.cfg", "user.cfg", "datacenter.cfg", "qemu-server/100.conf",
          "nodes/pve1/lxc/101.conf", "firewall/cluster.fw", "nodes/pve2/host.fw", "sdn/zones.cfg"})
        CHECK(is_section_config_path(path));
    for (const char* path : {"corosync.conf", "pve-root-ca.pem", "nodes/pve1/pve-ssl.pem"})
        CHECK_FALSE(is_section_config_path(path));
}

TEST_CASE("Proxmox VE 9's new files are section config; its JSON state is not") {
    for (const char* path : {"ha/rules.cfg", "sdn/fabrics.cfg", "sdn/route-maps.cfg",
                             "sdn/prefix-lists.cfg", "mapping/directory.cfg", "notifications.cfg",
                             "priv/notifications.cfg", "priv/wg-keys.cfg"})
        CHECK(is_section_config_path(path));
    for (const char* path : {"sdn/pve-ipam-state.json", "sdn/mac-cache.json"})
        CHECK_FALSE(is_section_config_path(path));
}

TEST_CASE("a mapping's id alone heads its section (mapping/directory.cfg, pci.cfg, usb.cfg)") {
    auto config = parse_section_config("share1\n\tdescription Shared data\n"
                                       "\tmap node=pve1,path=/mnt/share1\n"
                                       "\tmap node=pve2,path=/mnt/share1\n\n"
                                       "share2\n\tmap node=pve1,path=/mnt/share2\n");
    REQUIRE(config.sections.size() == 2);
    CHECK(config.sections[0].name == "share1");
    REQUIRE(config.sections[0].entries.size() == 3);
    CHECK(config.sections[0].entries[2].key == "map #2");
    CHECK(config.sections[1].name == "share2");
    auto changed = parse_section_config("share1\n\tdescription Shared data\n"
                                        "\tmap node=pve1,path=/mnt/share1\n"
                                        "\tmap node=pve2,path=/srv/share1\n\n"
                                        "share2\n\tmap node=pve1,path=/mnt/share2\n");
    auto changes = compare_section_configs(config, changed);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].section == "share1");
    CHECK(changes[0].key == "map #2");
    CHECK(changes[0].after == "node=pve2,path=/srv/share1");
}

TEST_CASE("the entries before any section are never a section added or removed") {
    auto firewall = parse_section_config("[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p icmp\n");
    auto removed = compare_section_configs(firewall, parse_section_config(""));
    REQUIRE(removed.size() == 2);
    for (const auto& change : removed) {
        CHECK_FALSE(change.section.empty());
        CHECK(change.key.empty());
        CHECK_FALSE(change.after);
    }
    auto added = compare_section_configs(parse_section_config(""), firewall);
    REQUIRE(added.size() == 2);
    CHECK((added[0].section == "[OPTIONS]" && added[0].key.empty() && !added[0].before));

    // A comment above [OPTIONS] dropped: one key removed, not "section ''".
    auto commented = parse_section_config("# managed by hand\n[OPTIONS]\nenable: 1\n");
    auto plain = parse_section_config("[OPTIONS]\nenable: 1\n");
    auto dropped = compare_section_configs(commented, plain);
    REQUIRE(dropped.size() == 1);
    CHECK((dropped[0].section.empty() && dropped[0].key == "#" &&
           dropped[0].before == "managed by hand" && !dropped[0].after));
    auto back = compare_section_configs(plain, commented);
    REQUIRE(back.size() == 1);
    CHECK((back[0].key == "#" && !back[0].before && back[0].after == "managed by hand"));
}
