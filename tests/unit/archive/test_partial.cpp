// A reader that keeps only some of MANIFEST.json's members (diff keeps of its
// second archive only what differs from the first): it counts every member,
// checks the kept ones in full, steps over the rest, and still rejects what
// any archive must not hold.
#include "catch.hpp"
#include "raw_archive.hpp"

#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"

#include <map>

using namespace pmxsnap;
using namespace pmxsnap::test;

namespace {

RawEntry file(std::string path, std::string data) {
    return {std::move(path), 'f', std::move(data)};
}

const archive::MemberFilter only_user_cfg = [](const archive::Member& member) {
    return member.path == "pve/user.cfg";
};

std::vector<RawEntry> three_files() {
    return with_manifest({file("pve/storage.cfg", "dir: local\n"),
                          file("pve/user.cfg", "user:root@pam:1:0:::\n"),
                          file("pve/vzdump.cron", "# none\n")});
}

// Reads the archive through a filtered reader; the rejection, or "".
std::string filtered_rejection(const std::vector<RawEntry>& entries) {
    auto bytes = raw_archive(entries);
    try {
        archive::Reader reader(source_of(bytes), {}, {}, only_user_cfg);
        Collect ignored;
        reader.read_members(ignored);
        return "";
    } catch (const archive::Rejected& e) {
        return e.what();
    }
}

} // namespace

TEST_CASE("a filtered reader keeps what the filter accepts and counts every member") {
    auto bytes = raw_archive(three_files());
    archive::Reader reader(source_of(bytes), {}, {}, only_user_cfg);
    REQUIRE(reader.manifest().members.size() == 1);
    CHECK(reader.manifest().members[0].path == "pve/user.cfg");
    CHECK(reader.listed().members == 3);
    CHECK(reader.listed().bytes == 11 + 21 + 7);
    Collect collect;
    reader.read_members(collect);
    CHECK(collect.files ==
          std::map<std::string, std::string>{{"pve/user.cfg", "user:root@pam:1:0:::\n"}});
}

TEST_CASE("an unfiltered reader lists the same totals") {
    auto bytes = raw_archive(three_files());
    archive::Reader reader(source_of(bytes));
    CHECK(reader.listed().members == 3);
    CHECK(reader.listed().bytes == 39);
}

TEST_CASE("a filtered reader checks the members it kept in full") {
    auto entries = three_files();
    auto& user_cfg = entries[2];
    REQUIRE(user_cfg.path == "pve/user.cfg");
    user_cfg.data[0] = 'U';
    CHECK_THAT(filtered_rejection(entries),
               Catch::Matchers::ContainsSubstring("'pve/user.cfg': SHA-256 differs"));

    entries = three_files();
    entries.erase(entries.begin() + 2);
    CHECK_THAT(
        filtered_rejection(entries),
        Catch::Matchers::ContainsSubstring("'pve/user.cfg': listed in MANIFEST.json but missing"));
}

TEST_CASE("a filtered reader steps over the other members, yet rejects what no archive may hold") {
    // Not kept, so not compared with the manifest: that is verify's to vouch.
    auto entries = three_files();
    entries[1].data[0] = 'D';
    CHECK(filtered_rejection(entries) == "");

    entries = three_files();
    entries.push_back(file("pve/../../etc/passwd", "x"));
    CHECK_THAT(filtered_rejection(entries), Catch::Matchers::ContainsSubstring("'..' component"));

    entries = three_files();
    RawEntry link{"pve/evil", 'l'};
    link.link_target = "/etc/shadow";
    entries.push_back(link);
    CHECK_THAT(filtered_rejection(entries),
               Catch::Matchers::ContainsSubstring("symbolic link members"));
}

TEST_CASE("a partial known manifest reads its members and is bounded by the listed totals") {
    // 2 MiB not kept: more than the stream's fixed allowance of 1 MiB.
    auto entries = three_files();
    entries[1].data = std::string(2 << 20, 'x');
    entries = with_manifest({entries[1], entries[2], entries[3]});
    auto bytes = raw_archive(entries);
    archive::Reader first(source_of(bytes), {}, {}, only_user_cfg);
    auto digest = first.manifest_digest();
    auto listed = first.listed();
    CHECK(listed.bytes == (2 << 20) + 21 + 7);
    auto kept = first.take_manifest();

    archive::Reader again(source_of(bytes), {}, {&kept, digest, listed});
    Collect collect;
    again.read_members(collect);
    CHECK(collect.files.size() == 1);
    CHECK(collect.files.count("pve/user.cfg") == 1);

    // Totals that understate the archive make its stream too long to read.
    auto read_understated = [&] {
        archive::Reader understated(source_of(bytes), {}, {&kept, digest, {{1, 21}}});
        Collect ignored;
        understated.read_members(ignored);
    };
    CHECK_THROWS_WITH(read_understated(),
                      Catch::Matchers::ContainsSubstring("decompresses to more than"));

    // A filter belongs to a first read only.
    auto filter_with_known = [&] {
        archive::Reader both(source_of(bytes), {}, {&kept, digest, listed}, only_user_cfg);
    };
    CHECK_THROWS_WITH(filter_with_known(),
                      Catch::Matchers::ContainsSubstring("not with a known manifest"));
}

TEST_CASE("a filtered parse checks every member and names it by its place in the text") {
    auto manifest = sample_manifest();
    for (const auto& entry : three_files())
        if (entry.path != "MANIFEST.json")
            manifest.members.push_back(member_for(entry));
    auto text = archive::serialize_manifest(manifest);
    auto last_type = text.rfind("\"file\"");
    REQUIRE(last_type != std::string::npos);
    text.replace(last_type, 6, "\"fifo\"");
    std::size_t offset = 0;
    archive::TextSource source = [&](char* out, std::size_t capacity) {
        auto n = std::min(capacity, text.size() - offset);
        std::copy_n(text.data() + offset, n, out);
        offset += n;
        return n;
    };
    auto keep_none = [](const archive::Member&) { return false; };
    CHECK_THROWS_WITH(archive::parse_manifest(source, text.size(), keep_none),
                      Catch::Matchers::ContainsSubstring("members[2].type: 'fifo'"));
}
