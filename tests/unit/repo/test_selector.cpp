#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/util/error.hpp"

#include <string>
#include <vector>

using namespace pmxsnap;
using namespace pmxsnap::repo;

namespace {

Selector parsed(const std::string& text) {
    auto result = parse_selector(text);
    INFO(text << ": " << result.problem);
    REQUIRE(result.selector);
    CHECK(result.problem.empty());
    return *result.selector;
}

std::string problem_of(const std::string& text) {
    auto result = parse_selector(text);
    INFO(text);
    REQUIRE_FALSE(result.selector);
    return result.problem;
}

void put_snapshot(const fs::path& dir, const std::string& stamp) {
    auto archive = dir / archive_file_name(stamp, false);
    test::put_file(archive, "archive bytes of " + stamp);
    test::put_file(signature_path_for(archive), "not checked by listing\n");
}

// A snapshot whose .minisig carries a trusted comment with this health
// ("" for an archive from before health): listing reads the comment without
// checking the signature, as latest-good's resolution does.
void put_snapshot_with_health(const fs::path& dir, const std::string& stamp,
                              const std::string& health) {
    auto archive = dir / archive_file_name(stamp, false);
    test::put_file(archive, "archive bytes of " + stamp);
    TrustedComment comment;
    comment.cluster = dir.parent_path().filename();
    comment.node = dir.filename();
    comment.db_version = 5;
    comment.state = std::string(64, 'a');
    comment.captured = stamp.substr(0, 4) + "-" + stamp.substr(4, 2) + "-" + stamp.substr(6, 2) +
                       "T" + stamp.substr(9, 2) + ":" + stamp.substr(11, 2) + ":" +
                       stamp.substr(13, 2) + "Z";
    comment.file = archive.filename();
    if (health == "good")
        comment.health = "good";
    else if (!health.empty()) {
        comment.health = "bad";
        comment.problems = {health};
    }
    test::put_file(signature_path_for(archive),
                   "untrusted comment: x\nAAAA\ntrusted comment: " + comment.format() + "\nAAAA\n");
}

std::string error_of(const Selector& selector, const Repository& repository,
                     const SelectorScope& scope) {
    try {
        resolve_selector(selector, repository, scope);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("resolved: " << selector.text);
    return {};
}

} // namespace

TEST_CASE("selector: latest, @NODE and ~K in either order") {
    auto latest = parsed("latest");
    CHECK(latest.kind == Selector::Kind::latest);
    CHECK(latest.node.empty());
    CHECK(latest.back == 0);
    CHECK_FALSE(latest.good);

    auto back = parsed("latest~3");
    CHECK(back.back == 3);
    auto node = parsed("latest@pve-2.example");
    CHECK(node.node == "pve-2.example");
    auto both = parsed("latest@pve2~12");
    CHECK(both.node == "pve2");
    CHECK(both.back == 12);
    auto swapped = parsed("latest~12@pve2");
    CHECK(swapped.node == "pve2");
    CHECK(swapped.back == 12);
    CHECK(parsed("latest~0").back == 0);
    CHECK(parsed("latest~999999").back == max_selector_back);
    CHECK(parsed("latest~007").back == 7);

    auto good = parsed("latest-good@pve3~1");
    CHECK(good.good);
    CHECK(good.node == "pve3");
    CHECK(good.back == 1);
}

TEST_CASE("selector: anything else is an archive path") {
    for (const std::string text :
         {"/var/backups/pmxsnap/c/pve1/20261125T030000Z.pmxsnap", "./latest", "latest.pmxsnap",
          "latestx", "latest-copy.pmxsnap", "archive~1", "x@y", "-", " latest"}) {
        auto s = parsed(text);
        CHECK(s.kind == Selector::Kind::path);
        CHECK(s.path == fs::path(text));
        CHECK(s.text == text);
    }
}

TEST_CASE("selector: hostile and broken forms are one-line problems naming them") {
    for (const std::string text :
         {"latest~", "latest@", "latest~x", "latest~-1", "latest~+1", "latest@@pve1",
          "latest@pve1@pve2", "latest~1~2", "latest@-pve", "latest@.pve", "latest@pve/../x",
          "latest@pve1 ", "latest~1 ", "latest~1\n", "latest@pve\xff", "latest-good~",
          "latest-good@", "latest~1234567", "latest~99999999999999999999999"}) {
        auto why = problem_of(text);
        CHECK(why.find('\n') == std::string::npos);
        CHECK(why.size() < 400);
    }
    CHECK(problem_of("latest~x").starts_with("latest~x: not a selector"));
    CHECK(problem_of("latest@" + std::string(3000, '\xff')).size() < 400);
    CHECK(error_of(parsed("/no/such\narchive"), Repository("/nowhere"), {}).find("\\x0a") !=
          std::string::npos);
    CHECK(problem_of("latest~1234567").find("at most 999999") != std::string::npos);
    // Bytes that would break a terminal line are escaped, long input cut.
    CHECK(problem_of("latest@pve\n\x1b[2J").find("\\x0a\\x1b") != std::string::npos);
    auto long_node = "latest@" + std::string(5000, 'a');
    auto why = problem_of(long_node);
    CHECK(why.size() < 400);
    CHECK(problem_of("").find("empty selector") != std::string::npos);
    CHECK(problem_of(std::string("latest\0", 7)).find("NUL") != std::string::npos);
    CHECK(problem_of(std::string("x\0y", 3)).find("NUL") != std::string::npos);
}

TEST_CASE("selector: resolution in the repository, errors naming the selector") {
    test::Scratch scratch;
    Repository repository(scratch / "repo");
    auto pve1 = repository.ensure_node_directory("c1", "pve1");
    auto pve2 = repository.ensure_node_directory("c1", "pve2");
    put_snapshot(pve1, "20261125T030000Z");
    put_snapshot(pve1, "20261125T040000Z");
    put_snapshot(pve1, "20261125T050000Z");
    put_snapshot(pve2, "20261124T010000Z");
    SelectorScope scope{"c1", "/etc/corosync/corosync.conf", "pve1"};

    CHECK(resolve_selector(parsed("latest"), repository, scope).archive ==
          pve1 / "20261125T050000Z.pmxsnap");
    CHECK(resolve_selector(parsed("latest~2"), repository, scope).archive ==
          pve1 / "20261125T030000Z.pmxsnap");
    auto other = resolve_selector(parsed("latest@pve2"), repository, scope);
    CHECK(other.archive == pve2 / "20261124T010000Z.pmxsnap");
    REQUIRE(other.snapshot);
    CHECK(other.snapshot->node == "pve2");

    // No cluster from corosync.conf: the repository's only one.
    CHECK(resolve_selector(parsed("latest~1"), repository, {"", "", "pve1"}).archive ==
          pve1 / "20261125T040000Z.pmxsnap");

    CHECK(error_of(parsed("latest~9"), repository, scope) ==
          "latest~9: only 3 snapshots of node pve1 in " + pve1.string());
    CHECK(error_of(parsed("latest@pve2~1"), repository, scope) ==
          "latest@pve2~1: only 1 snapshot of node pve2 in " + pve2.string());
    auto missing = error_of(parsed("latest@pve9"), repository, scope);
    CHECK(missing.starts_with("latest@pve9: no snapshots of node pve9 of cluster c1"));
    CHECK(missing.find("pve1, pve2") != std::string::npos);
    auto none_good = error_of(parsed("latest-good"), repository, scope);
    CHECK(none_good.starts_with("latest-good: none of the 3 snapshots of node pve1"));
    CHECK(none_good.find("0 bad, 3 from before snapshots recorded their health") !=
          std::string::npos);

    // --before: only what was captured before it.
    auto before = parsed("latest");
    before.before = 1795579200; // 2026-11-25T04:00:00Z
    CHECK(resolve_selector(before, repository, scope).archive == pve1 / "20261125T030000Z.pmxsnap");
    before.back = 1;
    CHECK(error_of(before, repository, scope).find("captured before 2026-11-25T04:00:00Z") !=
          std::string::npos);

    // Paths: an existing file, never a directory or nothing.
    auto path = pve1 / "20261125T040000Z.pmxsnap";
    CHECK(resolve_selector(parsed(path.string()), repository, scope).archive == path);
    CHECK(error_of(parsed(pve1.string()), repository, scope).find("is a directory") !=
          std::string::npos);
    CHECK(
        error_of(parsed((scratch / "nope").string()), repository, scope).find("no such archive") !=
        std::string::npos);

    // Two clusters and none named: the selector cannot guess.
    put_snapshot(repository.ensure_node_directory("c2", "pve1"), "20261125T030000Z");
    CHECK(error_of(parsed("latest"), repository, {"", "/r/corosync.conf", "pve1"})
              .find("cannot tell which cluster") != std::string::npos);
    Repository absent(scratch / "absent");
    CHECK(error_of(parsed("latest"), absent, scope).find("does not exist") != std::string::npos);
    CHECK_THROWS_AS(select_archive("latest~", repository, scope), Error);
}

TEST_CASE("selector: latest-good skips bad and unknown snapshots, ~K counts good ones") {
    test::Scratch scratch;
    Repository repository(scratch / "repo");
    auto pve1 = repository.ensure_node_directory("c1", "pve1");
    put_snapshot_with_health(pve1, "20261125T010000Z", "");
    put_snapshot_with_health(pve1, "20261125T020000Z", "good");
    put_snapshot_with_health(pve1, "20261125T030000Z", "good");
    put_snapshot_with_health(pve1, "20261125T040000Z", "host-corosync-truncated");
    put_snapshot_with_health(pve1, "20261125T050000Z", "node-directory-missing");
    SelectorScope scope{"c1", "/etc/corosync/corosync.conf", "pve1"};

    CHECK(resolve_selector(parsed("latest"), repository, scope).archive ==
          pve1 / "20261125T050000Z.pmxsnap");
    auto good = resolve_selector(parsed("latest-good"), repository, scope);
    CHECK(good.archive == pve1 / "20261125T030000Z.pmxsnap");
    REQUIRE(good.snapshot);
    CHECK(good.snapshot->comment->is_good());
    CHECK(resolve_selector(parsed("latest-good~1"), repository, scope).archive ==
          pve1 / "20261125T020000Z.pmxsnap");
    CHECK(error_of(parsed("latest-good~2"), repository, scope) ==
          "latest-good~2: only 2 snapshots marked good of node pve1 in " + pve1.string());

    // --before: among those captured before it, the newest good one.
    CHECK(select_archive("latest-good", repository, scope, 1795575600 /* 03:00Z */).archive ==
          pve1 / "20261125T020000Z.pmxsnap");
    auto early = std::string();
    try {
        select_archive("latest-good", repository, scope, 1795572000 /* 02:00Z */);
    } catch (const Error& e) {
        early = e.what();
    }
    CHECK(early.find("none of the 1 snapshot of node pve1 captured before "
                     "2026-11-25T02:00:00Z") != std::string::npos);
    CHECK(early.find("0 bad, 1 from before") != std::string::npos);
    CHECK_THROWS_WITH(
        select_archive((pve1 / "20261125T020000Z.pmxsnap").string(), repository, scope, 1795575600),
        Catch::Matchers::ContainsSubstring("--before applies to latest"));
}
