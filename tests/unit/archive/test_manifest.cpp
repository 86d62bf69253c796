#include "catch.hpp"
#include "raw_archive.hpp"

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/state_digest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

using namespace pmxsnap;

TEST_CASE("a manifest survives serialisation") {
    auto m = test::sample_manifest();
    m.corosync.host_config_version = 7;
    m.authkeys.corosync = std::string(64, 'b');
    archive::Member member = test::member_for({"pve/storage.cfg", 'f', "dir: local\n"});
    member.pmxcfs = archive::PmxcfsFacts{5, 9, 2};
    m.members.push_back(member);
    auto parsed = archive::parse_manifest(archive::serialize_manifest(m));
    CHECK(parsed.cluster == "demo");
    CHECK(parsed.corosync.host_config_version == 7u);
    CHECK_FALSE(parsed.corosync.pve_config_version);
    CHECK(parsed.authkeys.corosync == std::string(64, 'b'));
    REQUIRE(parsed.members.size() == 1);
    CHECK(parsed.members[0].pmxcfs->version == 9);
    CHECK(parsed.members[0].mode == 0640);
    CHECK(parsed.members[0].sha256 == member.sha256);
}

TEST_CASE("the streamed manifest is byte for byte nlohmann's dump(1) of itself") {
    auto m = test::sample_manifest();
    m.note = "quote \" backslash \\ tab \t nl \n bell \x07 del \x7f \xc3\xa9t\xc3\xa9";
    m.runtime_json = R"({"members":[{"id":1,"ip":"198.18.0.1"}],"quorate":true})";
    m.authkeys.pve = std::string(64, 'c');
    // Enough members to cross the writer's 64 KiB flushes several times,
    // with names that need escaping among plain ones.
    for (int i = 0; i < 3000; ++i) {
        std::string name = fmt::format("pve/nodes/pve{}/qemu-server/{}.conf", i % 7, 100 + i);
        if (i % 500 == 0)
            name = fmt::format("pve/odd \"name\" \x01 \xe2\x82\xac {}", i);
        archive::Member member = test::member_for({name, i % 11 == 0 ? 'd' : 'f', "x"});
        if (i % 3 == 0)
            member.pmxcfs = archive::PmxcfsFacts{i, 1000 + i, i % 4};
        m.members.push_back(member);
    }
    std::vector<std::size_t> chunk_sizes;
    std::string streamed;
    archive::write_manifest(m, [&](std::string_view chunk) {
        chunk_sizes.push_back(chunk.size());
        streamed.append(chunk);
    });
    CHECK(chunk_sizes.size() > 3);
    CHECK(streamed == nlohmann::ordered_json::parse(streamed).dump(1) + "\n");
    CHECK(archive::manifest_size(m) == streamed.size());
    CHECK(archive::serialize_manifest(m) == streamed);
    auto parsed = archive::parse_manifest(streamed);
    CHECK(parsed.note == m.note);
    REQUIRE(parsed.members.size() == m.members.size());
    CHECK(parsed.members[500].path == m.members[500].path);
    CHECK(parsed.members[3].pmxcfs->version == 1003);

    // Numbers at their edges, which the size is counted from without
    // formatting them: modes of one and six octal digits, negatives, the
    // largest values, a file without a digest.
    auto edges = m;
    auto edge = test::member_for({"pve/edge.cfg", 'f', "x"});
    edge.mode = 0;
    edge.uid = 4294967295u;
    edge.size = INT64_MAX;
    edge.mtime = INT64_MIN;
    edge.pmxcfs = archive::PmxcfsFacts{-1, INT64_MIN, 0};
    edges.members.push_back(edge);
    edge.path = "pve/edge2.cfg";
    edge.mode = 0100644;
    edge.mtime = -1;
    edge.sha256 = {};
    edges.members.push_back(edge);
    auto text = archive::serialize_manifest(edges);
    CHECK(archive::manifest_size(edges) == text.size());
    CHECK(text == nlohmann::ordered_json::parse(text).dump(1) + "\n");
    CHECK(text.find("\"mode\": \"100644\"") != std::string::npos);
    CHECK(text.find("\"mode\": \"0000\"") != std::string::npos);

    m.members.clear();
    auto empty = archive::serialize_manifest(m);
    CHECK(empty == nlohmann::ordered_json::parse(empty).dump(1) + "\n");
}

TEST_CASE("a name that is not UTF-8 is written escaped with its bytes in path_hex") {
    auto m = test::sample_manifest();
    m.members.push_back(test::member_for({"pve/nodes/pve1/qemu-server/99\xff.conf", 'f', "x"}));
    m.members.push_back(test::member_for({"pve/99\\xff.conf", 'f', "y"})); // looks like one
    m.members.push_back(test::member_for({"pve/\xc3\xa9t\xc3\xa9.cfg", 'f', "z"}));
    auto text = archive::serialize_manifest(m);
    // Still nlohmann's own dump of itself, so valid JSON, and the size agrees.
    CHECK(text == nlohmann::ordered_json::parse(text).dump(1) + "\n");
    CHECK(archive::manifest_size(m) == text.size());
    auto json = nlohmann::ordered_json::parse(text);
    CHECK(json["members"][0]["path"] == "pve/nodes/pve1/qemu-server/99\\xff.conf");
    CHECK(json["members"][0]["path_hex"] ==
          "7076652f6e6f6465732f707665312f71656d752d7365727665722f3939ff2e636f6e66");
    CHECK_FALSE(json["members"][1].contains("path_hex"));
    CHECK_FALSE(json["members"][2].contains("path_hex"));
    auto parsed = archive::parse_manifest(text);
    REQUIRE(parsed.members.size() == 3);
    CHECK(parsed.members == m.members);
    CHECK(parsed.members[0].path != parsed.members[1].path);
}

TEST_CASE("a hostile path_hex is refused: inconsistent, ambiguous or not hex") {
    auto m = test::sample_manifest();
    m.members.push_back(test::member_for({"pve/99\xff.conf", 'f', "x"}));
    m.members.push_back(test::member_for({"pve/b.cfg", 'f', "b"}));
    auto json = nlohmann::ordered_json::parse(archive::serialize_manifest(m));
    auto with = [&](int index, const char* key, nlohmann::ordered_json value) {
        auto doc = json;
        doc["members"][index][key] = std::move(value);
        try {
            return "accepted " + archive::parse_manifest(doc.dump()).members[index].path;
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
    };
    // Bytes of another name than the text shows: a reader could be told one
    // name and extract another.
    CHECK(with(0, "path_hex", "7076652f3939fe2e636f6e66") ==
          "MANIFEST.json: members[0]: path and path_hex disagree");
    CHECK(with(0, "path", "pve/b.cfg") == "MANIFEST.json: members[0]: path and path_hex disagree");
    // The same name spelled twice over (hex for a UTF-8 name).
    CHECK(with(1, "path_hex", "7076652f622e636667") ==
          "MANIFEST.json: members[1]: path_hex holds a UTF-8 name, which is written as path alone");
    CHECK(with(0, "path_hex", "7076652F3939FF2E636F6E66") ==
          "MANIFEST.json: members[0]: path_hex is not lowercase hex of whole bytes");
    CHECK(with(0, "path_hex", 12) == "MANIFEST.json: members[0].path_hex: expected a string");
    CHECK(with(0, "path_hex", {{"x", 1}}) ==
          "MANIFEST.json: members[0].path_hex: expected a string");
    auto doc = json;
    doc["members"][0].erase("path");
    CHECK_THROWS_WITH(archive::parse_manifest(doc.dump()),
                      "MANIFEST.json: members[0]: missing field 'path'");
    CHECK(with(0, "size", 1) == "accepted pve/99\xff.conf");
}

TEST_CASE("members are checked as they are parsed, with their index") {
    auto m = test::sample_manifest();
    m.members.push_back(test::member_for({"pve/a.cfg", 'f', "a"}));
    m.members.push_back(test::member_for({"pve/b.cfg", 'f', "b"}));
    auto text = archive::serialize_manifest(m);
    auto json = nlohmann::ordered_json::parse(text);
    auto refused = [](const nlohmann::ordered_json& doc) {
        try {
            archive::parse_manifest(doc.dump());
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };

    auto bad_digest = json;
    bad_digest["members"][1]["sha256"] = "xyz";
    CHECK(refused(bad_digest) == "MANIFEST.json: members[1].sha256: not a SHA-256 digest");

    auto not_object = json;
    not_object["members"][1] = 7;
    CHECK(refused(not_object) == "MANIFEST.json: members[1]: expected an object");
    not_object["members"][1] = nlohmann::ordered_json::array();
    CHECK(refused(not_object) == "MANIFEST.json: members[1]: expected an object");

    auto not_array = json;
    not_array["members"] = {{"x", json["members"][0]}};
    CHECK(refused(not_array) == "MANIFEST.json: members: expected an array");

    // A second "members" key: the DOM would keep only the last one.
    auto twice = text;
    twice.insert(text.find("\"members\""), "\"members\": [],\n ");
    CHECK_THROWS_WITH(archive::parse_manifest(twice), "MANIFEST.json: members: given twice");

    // Objects elsewhere at the same depth are not members.
    auto runtime = json;
    runtime["runtime"] = {{"quorum", {{"quorate", true}}}, {"members", {{{"id", 1}}}}};
    auto parsed = archive::parse_manifest(runtime.dump());
    CHECK(parsed.members.size() == 2);
    CHECK(parsed.runtime_json.find("quorate") != std::string::npos);
}

TEST_CASE("member fields of the wrong shape are named; unknown ones are stepped over") {
    auto m = test::sample_manifest();
    auto member = test::member_for({"pve/a.cfg", 'f', "a"});
    member.pmxcfs = archive::PmxcfsFacts{3, 4, 5};
    m.members.push_back(member);
    auto json = nlohmann::ordered_json::parse(archive::serialize_manifest(m));
    auto outcome = [](const nlohmann::ordered_json& doc) {
        try {
            auto parsed = archive::parse_manifest(doc.dump());
            return "accepted " + std::to_string(parsed.members.size());
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
    };
    auto with = [&](const char* key, nlohmann::ordered_json value) {
        auto doc = json;
        doc["members"][0][key] = std::move(value);
        return outcome(doc);
    };
    CHECK(with("size", 1.5) == "MANIFEST.json: members[0].size: expected an integer");
    CHECK(with("size", "12") == "MANIFEST.json: members[0].size: expected an integer");
    CHECK(with("path", nullptr) == "MANIFEST.json: members[0].path: expected a string");
    CHECK(with("mode", {{"x", 1}}) == "MANIFEST.json: members[0].mode: expected a string");
    CHECK(with("pmxcfs", nullptr) == "MANIFEST.json: members[0].pmxcfs: expected an object");
    CHECK(with("pmxcfs", {1, 2}) == "MANIFEST.json: members[0].pmxcfs: expected an object");
    CHECK(with("pmxcfs", {{"inode", 1}, {"version", 2}}) ==
          "MANIFEST.json: members[0].pmxcfs: missing field 'writer'");
    CHECK(with("pmxcfs", {{"inode", 1}, {"version", {{"deep", {1}}}}, {"writer", 3}}) ==
          "MANIFEST.json: members[0].pmxcfs.version: expected an integer");
    CHECK(with("extra", {{"nested", {{"path", 5}}}, {"list", {1, {{"a", 2}}}}}) == "accepted 1");
    auto missing = json;
    missing["members"][0].erase("mtime");
    CHECK(outcome(missing) == "MANIFEST.json: members[0]: missing field 'mtime'");
    // A repeated key: the last one counts, as in a DOM.
    auto text = json.dump();
    auto repeated = text;
    repeated.insert(repeated.find("\"path\":\"pve/a.cfg\""), "\"path\":7,");
    CHECK(archive::parse_manifest(repeated).members[0].path == "pve/a.cfg");
}

TEST_CASE("a manifest pulled in chunks of any size parses as the whole text does") {
    auto m = test::sample_manifest();
    for (int i = 0; i < 50; ++i)
        m.members.push_back(test::member_for({fmt::format("pve/f{}.cfg", i), 'f', "x"}));
    auto text = archive::serialize_manifest(m);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
        std::size_t offset = 0;
        auto parsed =
            archive::parse_manifest(archive::TextSource([&](char* out, std::size_t capacity) {
                auto n = std::min({chunk, capacity, text.size() - offset});
                std::copy_n(text.data() + offset, n, out);
                offset += n;
                return n;
            }));
        CHECK(parsed.members.size() == 50);
        CHECK(parsed.members[49].path == "pve/f49.cfg");
        CHECK(offset == text.size());
    }
    std::size_t offset = 0;
    auto cut = archive::TextSource([&](char* out, std::size_t capacity) {
        auto n = std::min(capacity, text.size() / 2 - offset);
        std::copy_n(text.data() + offset, n, out);
        offset += n;
        return n;
    });
    CHECK_THROWS_WITH(archive::parse_manifest(cut), "MANIFEST.json: not valid JSON");
}

// Capture hands its members over one at a time; the header's own list is
// then not read, and the bytes, size and state digest must be the list's.
TEST_CASE("members given by a walk write the same manifest and state digest as a list") {
    auto full = test::sample_manifest();
    for (int i = 0; i < 2000; ++i) {
        archive::Member member = test::member_for(
            {fmt::format("pve/nodes/pve1/lxc/{}.conf", 100 + i), i % 9 == 0 ? 'd' : 'f', "x"});
        member.pmxcfs = archive::PmxcfsFacts{i, 2 * i, 1};
        full.members.push_back(member);
    }
    auto header = full;
    header.members = {test::member_for({"pve/not-listed", 'f', "y"})};
    archive::MemberWalk walk = [&](const archive::MemberVisitor& visit) {
        for (const auto& member : full.members)
            visit(member);
    };
    std::string walked;
    archive::write_manifest(header, walk, [&](std::string_view chunk) { walked.append(chunk); });
    CHECK(walked == archive::serialize_manifest(full));
    CHECK(archive::manifest_size(header, walk) == walked.size());
    CHECK(archive::state_digest(header, walk) == archive::state_digest(full));

    archive::MemberWalk none = [](const archive::MemberVisitor&) {};
    auto empty = full;
    empty.members.clear();
    std::string nothing;
    archive::write_manifest(header, none, [&](std::string_view chunk) { nothing.append(chunk); });
    CHECK(nothing == archive::serialize_manifest(empty));
    CHECK(archive::parse_manifest(nothing).members.empty());
}

TEST_CASE("the state digest follows content, not capture time") {
    auto m = test::sample_manifest();
    m.members.push_back(test::member_for({"pve/storage.cfg", 'f', "dir: local\n"}));
    auto base = archive::state_digest(m);
    auto later = m;
    later.captured_at = "2030-01-01T00:00:00Z";
    later.members[0].mtime += 100;
    CHECK(archive::state_digest(later) == base);
    auto changed = m;
    changed.members[0] = test::member_for({"pve/storage.cfg", 'f', "dir: other\n"});
    CHECK(archive::state_digest(changed) != base);
    auto bumped = m;
    bumped.db.root_version += 1;
    CHECK(archive::state_digest(bumped) != base);
}

// Archives record the state digest and --if-changed compares a new one with
// it, so its bytes must not drift between versions: here they are spelled
// out field by field, as state_digest.hpp documents them.
TEST_CASE("the state digest hashes the documented fields, byte for byte") {
    auto m = test::sample_manifest();
    m.db.root_version = 4711;
    auto db = test::member_for({"db/config.db", 'f', "SQLite format 3"});
    auto directory = test::member_for({"pve/nodes", 'd', ""});
    directory.pmxcfs = archive::PmxcfsFacts{7, 12, 3};
    auto file = test::member_for({"pve/storage.cfg", 'f', "dir: local\n"});
    file.pmxcfs = archive::PmxcfsFacts{9, 4096, 2};
    auto host = test::member_for({"host/etc/hosts", 'f', "127.0.0.1 localhost\n"});
    host.mode = 0644;
    host.uid = 0;
    host.gid = 0;
    m.members = {db, directory, file, host};

    using namespace std::string_literals;
    auto expected = "pmxsnap-state/1\0db_version=4711\0"s;
    for (const auto* member : {&directory, &file, &host}) {
        expected += member->path + "\0"s;
        expected += (member->is_directory ? "d"s : "f"s) + "\0"s;
        expected += fmt::format("{:o}:{}:{}", member->mode, member->uid, member->gid) + "\0"s;
        expected += member->sha256.hex() + "\0"s;
        if (member->pmxcfs)
            expected +=
                fmt::format("{}:{}", member->pmxcfs->version, member->pmxcfs->writer) + "\0"s;
        expected += "\n";
    }
    CHECK(archive::state_digest(m) == sha256_hex(expected));
}

TEST_CASE("member sizes that do not fit an int64 together are summed saturating") {
    archive::Manifest m;
    for (int i = 0; i < 3; ++i) {
        archive::Member member;
        member.path = "pve/huge" + std::to_string(i);
        member.size = std::numeric_limits<std::int64_t>::max() - 1;
        m.members.push_back(member);
    }
    CHECK(m.total_member_bytes() == std::numeric_limits<std::int64_t>::max());
    CHECK(archive::saturating_add(40, 2) == 42);
}
