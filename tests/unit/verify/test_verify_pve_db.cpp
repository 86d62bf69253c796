// verify against real archives made by snapshot from generated roots: one
// flipped byte anywhere is caught, a db breaking a pmxcfs rule fails level 3
// naming the rule, foreign signatures fail level 1.
#include "catch.hpp"
#include "fixture.hpp"
#include "made_archive.hpp"
#include "scratch.hpp"
#include "snapshot.hpp"
#include "write_archive.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/trust/restorable.hpp"
#include "pmxsnap/trust/verify_archive.hpp"
#include "pmxsnap/util/atomic_file.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>

#include <cstring>
#include <fstream>

using namespace pmxsnap;
using test::level_status;
using test::make_archive;

// Level 3 holds the archive's pve/ members to its db, path by path. Each
// kind of disagreement is made by editing a manifest captured from a real
// generated root, whose copied db stays as it is.
TEST_CASE("level 3 names each way the pve/ members and the db disagree") {
    test::Scratch scratch;
    auto root = scratch / "root";
    fixture::Spec spec;
    spec.guests = 12;
    fixture::generate(root, spec);
    auto captured = capture::capture(host::Host(root), {});
    trust::ExtractedForCheck extracted{captured.db_copy, {}};
    const auto good = captured.full_manifest();
    REQUIRE(trust::check_restorable(good, extracted).problems.empty());

    // Alike by fingerprint: the member list is not asked for again.
    int rereads = 0;
    auto count_rereads = [&] {
        ++rereads;
        return good;
    };
    CHECK(
        trust::check_restorable(trust::condense(good), extracted, count_rereads).problems.empty());
    CHECK(rereads == 0);
    auto edited = good;
    for (auto& m : edited.members)
        if (m.path == "pve/storage.cfg")
            m.pmxcfs->writer += 1;
    auto named = trust::check_restorable(trust::condense(edited), extracted, [&] {
                     ++rereads;
                     return edited;
                 }).problems;
    CHECK(rereads == 1);
    CHECK(named == std::vector<std::string>{
                       "pve/storage.cfg: pmxcfs inode/version/writer differ from the db"});

    auto problems_after = [&](const std::function<void(archive::Manifest&)>& edit) {
        auto manifest = good;
        edit(manifest);
        return trust::check_restorable(manifest, extracted).problems;
    };
    auto member = [](archive::Manifest& m, const std::string& path) -> archive::Member& {
        for (auto& each : m.members)
            if (each.path == path)
                return each;
        FAIL("no member " << path);
        throw;
    };
    const std::string file = "pve/storage.cfg";

    auto problems = problems_after([&](archive::Manifest& m) {
        std::erase_if(m.members, [&](const archive::Member& x) { return x.path == file; });
    });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == file + ": in the db but not in the archive's pve/ tree");

    problems = problems_after([&](archive::Manifest& m) {
        auto extra = member(m, file);
        extra.path = "pve/zz-not-in-db.cfg";
        // Listed first although it sorts last: the manifest's order is not trusted.
        m.members.insert(m.members.begin(), extra);
    });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "pve/zz-not-in-db.cfg: in pve/ but not in the db");

    problems = problems_after(
        [&](archive::Manifest& m) { member(m, file).sha256 = sha256_of("something else"); });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == file + ": content differs between pve/ and the db");

    problems = problems_after([&](archive::Manifest& m) { member(m, file).is_directory = true; });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == file + ": type differs between pve/ and the db");

    problems = problems_after([&](archive::Manifest& m) { member(m, file).pmxcfs->version += 1; });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == file + ": pmxcfs inode/version/writer differ from the db");

    problems = problems_after([&](archive::Manifest& m) { member(m, file).pmxcfs.reset(); });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == file + ": pmxcfs inode/version/writer differ from the db");

    // Listed twice, alike: the fingerprint cannot stand for such a list, so
    // the members are compared one by one, which names the second listing.
    auto twice = good;
    twice.members.push_back(member(twice, file));
    int compared_by_name = 0;
    problems = trust::check_restorable(trust::condense(twice), extracted, [&] {
                   ++compared_by_name;
                   return twice;
               }).problems;
    CHECK(compared_by_name == 1);
    CHECK(problems == std::vector<std::string>{file + ": in pve/ but not in the db"});
    CHECK(trust::condense(twice).pve.empty());

    // The names cannot be had: the difference is still the finding.
    auto differing = good;
    member(differing, file).pmxcfs->version += 1;
    problems =
        trust::check_restorable(trust::condense(differing), extracted, []() -> archive::Manifest {
            throw archive::Rejected("MANIFEST.json: differs from the one read "
                                    "before");
        }).problems;
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0],
               Catch::Matchers::ContainsSubstring("pve/ differs from the db") &&
                   Catch::Matchers::ContainsSubstring("differs from the one read before"));

    // Members in reverse order change nothing.
    problems = problems_after(
        [](archive::Manifest& m) { std::reverse(m.members.begin(), m.members.end()); });
    CHECK(problems.empty());
}

// Level 3 lets the member list go and reads MANIFEST.json again only to name
// differences; the second read must be the same bytes.
TEST_CASE("level 3 reads the manifest again only as it was, and only when needed") {
    test::Scratch scratch;
    auto made = make_archive(scratch, "reread");
    archive::ArchiveInput input(made.archive, {});
    archive::Reader reader(input.source());
    auto digest = reader.manifest_digest();
    auto first = reader.take_manifest();

    auto again = trust::reread_manifest(made.archive, {}, {}, digest);
    CHECK(again.members == first.members);
    CHECK(again.state == first.state);
    CHECK_THROWS_AS(trust::reread_manifest(made.archive, {}, {}, sha256_of("other")),
                    archive::Rejected);

    // Parsed back from the archive as verify reads it, with its own db: alike
    // by fingerprint, so the list is not read again.
    struct KeepDb : archive::MemberHandler {
        explicit KeepDb(fs::path to)
            : path(std::move(to)) {}
        bool wants(const archive::Member& m) override { return m.path == "db/config.db"; }
        void begin(const archive::Member&) override { out.open(path, std::ios::binary); }
        void data(std::string_view chunk) override {
            out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        }
        void end(const archive::Member&) override { out.close(); }
        fs::path path;
        std::ofstream out;
    } keep_db(scratch / "reread-config.db");
    archive::ArchiveInput body_input(made.archive, {});
    archive::Reader body(body_input.source());
    body.read_members(keep_db);
    trust::ExtractedForCheck with_db{keep_db.path, {}};
    int rereads = 0;
    CHECK(trust::check_restorable(trust::condense(first), with_db, [&] {
              ++rereads;
              return first;
          }).problems.empty());
    CHECK(rereads == 0);

    auto condensed = trust::condense(first);
    CHECK(condensed.header.members.empty());
    CHECK(condensed.header.state == first.state);
    trust::ExtractedForCheck none;
    bool reread = false;
    auto problems = trust::check_restorable(condensed, none, [&] {
                        reread = true;
                        return first;
                    }).problems;
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "db/config.db: missing from the archive");
    CHECK_FALSE(reread);
}

// A signed archive whose pve/ and db disagree cannot come from snapshot; one
// is written here from an edited capture and signed again with the key the
// archive was made with.
TEST_CASE("verify names how a signed archive's pve/ and db disagree, reading the list again") {
    test::Scratch scratch;
    auto made = make_archive(scratch, "disagree");
    auto captured = capture::capture(host::Host(scratch / "disagree-root"), {});
    auto edited = [&](const archive::MemberVisitor& visit) {
        captured.for_each_member([&](const archive::Member& member) {
            if (member.path != "pve/storage.cfg")
                return visit(member);
            auto changed = member;
            changed.pmxcfs->version += 1;
            visit(changed);
        });
    };
    auto rewritten = scratch / "rewritten.pmxsnap";
    int fd = ::open(rewritten.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    auto written = snapshot::write_archive(captured, edited, fd, rewritten, {});
    ::close(fd);
    fs::rename(rewritten, made.archive);
    auto signature_path = repo::signature_path_for(made.archive);
    auto old = crypto::parse_signature(read_file(signature_path), signature_path.string());
    auto key = crypto::load_secret_key(scratch / "disagree.key");
    test::put_file(signature_path,
                   crypto::sign_prehashed(key, written.blake2b, old.trusted_comment, "rewritten"));

    auto verdict = trust::verify_archive(made.archive, {made.key});
    CHECK(level_status(verdict, "signature") == "ok");
    CHECK(level_status(verdict, "content") == "ok");
    REQUIRE(level_status(verdict, "restorable") == "FAILED");
    CHECK(verdict.levels.back().problems ==
          std::vector<std::string>{
              "pve/storage.cfg: pmxcfs inode/version/writer differ from the db"});
}
