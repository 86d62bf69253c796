// One db per pmxcfs load rule, each breaking exactly that rule: the checker
// must name the rule and the inode.
#include "catch.hpp"
#include "db_writer.hpp"
#include "scratch.hpp"

#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"

#include <fmt/format.h>

#include <optional>

using namespace pmxsnap;
using namespace pmxsnap::configdb;

namespace {

EntryMeta row(std::int64_t inode, std::int64_t parent, int type, std::string name,
              std::int64_t size = 0) {
    EntryMeta r;
    r.inode = r.version = inode;
    r.parent = parent;
    r.writer = 1;
    r.mtime = 1000;
    r.type = type;
    r.name = std::move(name);
    r.size = size;
    return r;
}

std::vector<Violation> violations_after(const std::function<void(Writer&)>& damage,
                                        const std::string& sql = {}) {
    test::Scratch scratch;
    auto path = scratch / "config.db";
    {
        auto writer = Writer::create(path);
        writer.write_file("storage.cfg", "dir: local\n", 1000);
        writer.make_directory("nodes/pve1", 1000);
        damage(writer);
    }
    if (!sql.empty()) {
        SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
        raw.exec(sql);
    }
    auto db = Database::open_readonly(path);
    auto [breaking, write_limits] = check_rules(Tree::load(db));
    breaking.insert(breaking.end(), write_limits.begin(), write_limits.end());
    return breaking;
}

std::optional<Violation> find(const std::vector<Violation>& violations, const std::string& rule) {
    for (const auto& v : violations)
        if (v.rule == rule)
            return v;
    return std::nullopt;
}

bool has(const std::vector<Violation>& violations, const std::string& rule, std::int64_t inode) {
    for (const auto& v : violations)
        if (v.rule == rule && v.inode == inode)
            return true;
    return false;
}

} // namespace

TEST_CASE("a db written like pmxcfs breaks no rule") {
    CHECK(violations_after([](Writer&) {}).empty());
}

TEST_CASE("each pmxcfs load rule is reported with its rule id and inode") {
    using Damage = std::function<void(Writer&)>;
    struct Case {
        const char* rule;
        std::int64_t inode;
        Effect effect;
        Damage damage;
    };
    using enum Effect;
    std::vector<Case> cases = {
        {rule::no_name, 500, refuses_start,
         [](Writer& w) { w.insert_raw_row(row(500, 0, 8, ""), "x"); }},
        {rule::unknown_type, 501, refuses_start,
         [](Writer& w) { w.insert_raw_row(row(501, 0, 10, "link"), "x"); }},
        {rule::directory_with_data, 502, refuses_start,
         [](Writer& w) { w.insert_raw_row(row(502, 0, 4, "dir"), "data"); }},
        // storage.cfg, inode 1, is loaded before it: the load stops there.
        {rule::parent_not_directory, 504, refuses_start,
         [](Writer& w) { w.insert_raw_row(row(504, 1, 8, "child.cfg"), "x"); }},
        // A file loaded after its child replaces the child's placeholder parent.
        {rule::parent_not_directory, 512, drops_entries,
         [](Writer& w) {
             w.insert_raw_row(row(512, 513, 8, "child.cfg"), "x");
             w.insert_raw_row(row(513, 0, 8, "late.cfg"), "y");
         }},
        {rule::missing_parent, 505, refuses_start,
         [](Writer& w) { w.insert_raw_row(row(505, 9999, 8, "orphan.cfg"), "x"); }},
        {rule::duplicate_name, 506, refuses_start,
         [](Writer& w) { w.insert_raw_row(row(506, 0, 8, "storage.cfg"), "x"); }},
        {rule::unsafe_name, 507, drops_entries,
         [](Writer& w) { w.insert_raw_row(row(507, 0, 8, ".."), "x"); }},
        {rule::file_too_large, 508, refuses_writes,
         [](Writer& w) {
             w.insert_raw_row(row(508, 0, 8, "huge.cfg"), std::string(max_file_size + 1, 'x'));
         }},
        {rule::unreachable, 510, drops_entries,
         [](Writer& w) {
             w.insert_raw_row(row(510, 511, 4, "loop-a"), std::nullopt);
             w.insert_raw_row(row(511, 510, 4, "loop-b"), std::nullopt);
         }},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.rule << " " << c.inode) {
            auto violations = violations_after(c.damage);
            INFO("rule " << c.rule);
            REQUIRE(has(violations, c.rule, c.inode));
            for (const auto& v : violations)
                if (v.inode == c.inode && v.rule == c.rule)
                    CHECK(to_string(v.effect) == to_string(c.effect));
        }
    }
}

TEST_CASE("a guest id twice, under any nodes and guest types, and pmxcfs refuses to start") {
    auto twice = [](std::string first, std::string second) {
        return violations_after([&](Writer& w) {
            w.write_file(first, "memory: 512\n", 1000);
            w.write_file(second, "memory: 512\n", 1000);
        });
    };
    auto across_nodes =
        twice("nodes/pve1/qemu-server/9000.conf", "nodes/pve2/qemu-server/9000.conf");
    auto v = find(across_nodes, rule::duplicate_vmid);
    REQUIRE(v);
    CHECK(v->effect == Effect::refuses_start);
    CHECK_THAT(v->message,
               Catch::Matchers::StartsWith("detected duplicate VMID 9000") &&
                   Catch::Matchers::ContainsSubstring("nodes/pve1/qemu-server/9000.conf") &&
                   Catch::Matchers::ContainsSubstring("nodes/pve2/qemu-server/9000.conf"));
    CHECK(find(twice("nodes/pve1/qemu-server/101.conf", "nodes/pve1/lxc/101.conf"),
               rule::duplicate_vmid));
    CHECK(
        find(twice("nodes/pve1/openvz/102.conf", "nodes/pve3/lxc/102.conf"), rule::duplicate_vmid));
    // What pmxcfs does not count as a guest config is no duplicate.
    CHECK(twice("nodes/pve1/qemu-server/103.conf", "nodes/pve2/qemu-server/103.conf.tmp").empty());
    CHECK(twice("nodes/pve1/qemu-server/104.conf", "nodes/pve2/qemu-server/0104.conf").empty());
    CHECK(twice("nodes/pve1/qemu-server/105.conf", "nodes/pve_2/qemu-server/105.conf").empty());
    CHECK(twice("nodes/pve1/qemu-server/106.conf", "nodes/pve2/firewall/106.conf").empty());
    CHECK(twice("nodes/pve1/qemu-server/107.conf", "nodes/-pve2/lxc/107.conf").empty());
    CHECK(
        twice("nodes/pve1/qemu-server/4294967295.conf", "nodes/pve2/lxc/4294967296.conf").empty());
}

TEST_CASE("a guest directory that is a file makes pmxcfs refuse to start") {
    auto violations =
        violations_after([](Writer& w) { w.write_file("nodes/pve1/lxc", "oops\n", 1000); });
    auto v = find(violations, rule::guest_dir_not_directory);
    REQUIRE(v);
    CHECK(v->effect == Effect::refuses_start);
    CHECK(v->path == "nodes/pve1/lxc");
}

TEST_CASE("what pmxcfs serves but would not write is a write limit, not a breaking rule") {
    test::Scratch scratch;
    auto path = scratch / "config.db";
    {
        auto writer = Writer::create(path);
        writer.write_file("big.cfg", std::string(2 * 1024 * 1024, 'x'), 1000);
    }
    auto db = Database::open_readonly(path);
    auto check = check_rules(Tree::load(db));
    CHECK(check.breaking.empty());
    REQUIRE(check.write_limits.size() == 1);
    CHECK(check.write_limits[0].rule == rule::file_too_large);
    CHECK(check.write_limits[0].path == "big.cfg");
    CHECK(check_invariants(Tree::load(db)).empty());
}

TEST_CASE("a root row with another name, or none at all, is reported") {
    auto none = [](Writer&) {};
    CHECK(has(violations_after(none, "UPDATE tree SET name = 'other' WHERE inode = 0"),
              rule::root_name, 0));
    auto missing =
        find(violations_after(none, "DELETE FROM tree WHERE inode = 0"), rule::missing_version);
    REQUIRE(missing);
    CHECK(missing->effect == Effect::writes_version);
    // database.c, bdb_backend_open: pmxcfs writes the row as it opens the db.
    CHECK_THAT(missing->message, Catch::Matchers::ContainsSubstring("when it opens the db"));
}

TEST_CASE("the inode-0 row is checked as any row before its name, as pmxcfs does") {
    auto none = [](Writer&) {};
    auto unknown = violations_after(none, "UPDATE tree SET type = 10 WHERE inode = 0");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].rule == rule::unknown_type);
    CHECK(unknown[0].inode == 0);
    auto with_data = violations_after(none, "UPDATE tree SET type = 4, data = 'x' WHERE inode = 0");
    REQUIRE(with_data.size() == 1);
    CHECK(with_data[0].rule == rule::directory_with_data);
    auto nameless = violations_after(none, "UPDATE tree SET name = '' WHERE inode = 0");
    REQUIRE(nameless.size() == 1);
    CHECK(nameless[0].rule == rule::no_name);
    // A directory without data is a __version__ to pmxcfs like a file.
    CHECK(violations_after(none, "UPDATE tree SET type = 4 WHERE inode = 0").empty());
}

TEST_CASE("a __version__ row holding version 0 is missing, as pmxcfs takes it") {
    auto none = [](Writer&) {};
    auto check = [&](const std::string& sql) {
        test::Scratch scratch;
        auto path = scratch / "config.db";
        Writer::create(path).write_file("storage.cfg", "dir: local\n", 1000);
        SQLite::Database(path.string(), SQLite::OPEN_READWRITE).exec(sql);
        return check_rules(Tree::load(Database::open_readonly(path)));
    };
    auto zero = check("UPDATE tree SET version = 0 WHERE inode = 0");
    CHECK(zero.breaking.empty());
    REQUIRE(zero.write_limits.size() == 1);
    CHECK(zero.write_limits[0].rule == rule::missing_version);
    CHECK(zero.write_limits[0].effect == Effect::writes_version);
    CHECK_THAT(zero.write_limits[0].message, Catch::Matchers::ContainsSubstring("version 0"));
    CHECK(check("UPDATE tree SET version = 1 WHERE inode = 0").write_limits.empty());
    CHECK(!has(violations_after(none), rule::missing_version, 0));
}

TEST_CASE("past pmxcfs's total and inode limits is a statfs capacity, not a refusal") {
    // memdb.c: MEMDB_MAX_FSSIZE and MEMDB_MAX_INODES only feed memdb_statfs.
    std::vector<EntryMeta> rows{row(0, 0, 8, "__version__")};
    rows[0].version = 5;
    rows.push_back(row(1, 0, 8, "a.cfg", max_file_size));
    for (std::int64_t inode = 2; rows.size() <= static_cast<std::size_t>(max_inodes); ++inode)
        // fmt, not "f" + std::string: g++ 12's -Wrestrict false positive
        // (GCC PR 105651) in the Release build.
        rows.push_back(row(inode, 0, 8, fmt::format("f{}", inode), 512));
    auto check = check_rules(Tree::from_rows(std::move(rows)));
    CHECK(check.breaking.empty());
    REQUIRE(check.write_limits.size() == 2);
    for (const auto& v : check.write_limits) {
        CHECK(v.effect == Effect::exceeds_capacity);
        CHECK(to_string(v.effect) == "exceeds statfs capacity");
        CHECK_THAT(v.message, Catch::Matchers::ContainsSubstring("writes still succeed"));
    }
    CHECK(check.write_limits[0].rule == rule::total_too_large);
    CHECK(check.write_limits[1].rule == rule::too_many_inodes);
}

TEST_CASE("pmxcfs reads only the low 8 bits of a type: 260 is a directory, 264 a file") {
    // database.c, bdb_backend_load_index: `type & 255` into a char.
    auto violations = violations_after([](Writer& w) {
        w.insert_raw_row(row(700, 0, 260, "wide-dir"), std::nullopt);
        w.insert_raw_row(row(701, 700, 264, "inside.cfg"), "x");
        w.insert_raw_row(row(702, 0, 266, "odd"), "x");
    });
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].rule == rule::unknown_type);
    CHECK(violations[0].inode == 702);
    // pmxcfs's own words: the type it kept, 10.
    CHECK_THAT(violations[0].message, Catch::Matchers::EndsWith("type = 10)"));
    auto tree = Tree::from_rows({row(700, 0, 260, "wide-dir"), row(701, 700, 264, "inside.cfg")});
    REQUIRE(tree.paths().size() == 2);
    CHECK(tree.paths()[0].path == "wide-dir");
    CHECK(tree.paths()[0].entry->is_directory());
    CHECK(tree.paths()[1].path == "wide-dir/inside.cfg");
    CHECK(tree.paths()[1].entry->is_file());
}

TEST_CASE("violations carry pmxcfs's wording") {
    auto violations =
        violations_after([](Writer& w) { w.insert_raw_row(row(505, 9999, 8, "orphan.cfg"), "x"); });
    REQUIRE(violations.size() == 1);
    CHECK_THAT(violations[0].message, Catch::Matchers::StartsWith("missing directory inode"));
}

TEST_CASE("every later row sharing a parent and name is reported against the first, in order") {
    auto violations = violations_after([](Writer& w) {
        w.insert_raw_row(row(602, 0, 8, "dup.cfg"), "c");
        w.insert_raw_row(row(600, 0, 8, "dup.cfg"), "a");
        w.insert_raw_row(row(601, 0, 8, "dup.cfg"), "b");
        w.insert_raw_row(row(603, 0, 8, "other.cfg"), "d");
    });
    std::vector<Violation> duplicates;
    for (const auto& v : violations)
        if (v.rule == std::string(rule::duplicate_name))
            duplicates.push_back(v);
    REQUIRE(duplicates.size() == 2);
    CHECK(duplicates[0].inode == 601);
    CHECK(duplicates[1].inode == 602);
    for (const auto& v : duplicates) {
        CHECK_THAT(v.message, Catch::Matchers::ContainsSubstring("inodes 0000000000000258 and"));
        CHECK(v.path.empty()); // dup.cfg is inode 600, the first
    }
}
