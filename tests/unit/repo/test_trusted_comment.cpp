#include "catch.hpp"

#include "pmxsnap/repo/trusted_comment.hpp"

#include <vector>

using namespace pmxsnap::repo;

TEST_CASE("the signed index round-trips and rejects anything else") {
    TrustedComment comment{"demo",
                           "pve1",
                           171,
                           3,
                           std::string(64, 'a'),
                           "2026-11-25T03:05:41Z",
                           "20261125T030541Z.pmxsnap",
                           {},
                           {},
                           {},
                           {}};
    auto text = comment.format();
    CHECK(text == "pmxsnap/1 cluster=demo node=pve1 db_version=171 config_version=3 state=" +
                      std::string(64, 'a') +
                      " captured=2026-11-25T03:05:41Z file=20261125T030541Z.pmxsnap");
    auto parsed = TrustedComment::parse(text);
    REQUIRE(parsed);
    CHECK(parsed->db_version == 171);
    CHECK(parsed->config_version == 3u);
    CHECK(parsed->file == "20261125T030541Z.pmxsnap");

    comment.config_version.reset();
    auto standalone = TrustedComment::parse(comment.format());
    REQUIRE(standalone);
    CHECK_FALSE(standalone->config_version);

    for (const std::string& bad : std::vector<std::string>{
             "", "pmxsnap/2 cluster=demo", "minisign comment", text + " extra=1",
             text.substr(0, text.size() - 30),
             "pmxsnap/1 cluster=a node=b db_version=x config_version=3 state=s "
             "captured=c file=f",
             "pmxsnap/1 cluster=a cluster=b node=b db_version=1 config_version=3 "
             "state=s captured=c file=f"})
        CHECK_FALSE(TrustedComment::parse(bad));
}

TEST_CASE("only the canonical form is accepted (regression: fuzz_trusted_comment)") {
    const std::string canonical =
        "pmxsnap/1 cluster=demo node=pve1 db_version=26 config_version=3 state=ab "
        "captured=2026-11-25T05:26:14Z file=20261125T052614Z.pmxsnap";
    REQUIRE(pmxsnap::repo::TrustedComment::parse(canonical));
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"db_version=26", "db_version=026"},
             {"db_version=26", "db_version=+26"},
             {"config_version=3", "config_version=03"},
             {"cluster=demo node=pve1", "node=pve1 cluster=demo"}}) {
        auto variant = canonical;
        variant.replace(variant.find(from), from.size(), to);
        CHECK_FALSE(pmxsnap::repo::TrustedComment::parse(variant));
    }
}

// An index as written before health existed.
const std::string before_health =
    "pmxsnap/1 cluster=demo node=pve1 db_version=26 config_version=3 state=ab "
    "captured=2026-11-25T05:26:14Z file=20261125T052614Z.pmxsnap";

TEST_CASE("health: good, bad with its problem ids, or absent (an archive from before health)") {
    const std::string& old = before_health;
    auto unknown = TrustedComment::parse(old);
    REQUIRE(unknown);
    CHECK(unknown->health.empty());
    CHECK_FALSE(unknown->is_good());
    CHECK_FALSE(unknown->is_bad());

    auto good = TrustedComment::parse(old + " health=good");
    REQUIRE(good);
    CHECK(good->is_good());
    CHECK(good->problems.empty());
    CHECK(good->format() == old + " health=good");

    auto bad = TrustedComment::parse(old + " health=bad:host-corosync-truncated,db-rules");
    REQUIRE(bad);
    CHECK(bad->is_bad());
    CHECK(bad->problems == std::vector<std::string>{"host-corosync-truncated", "db-rules"});
    CHECK(bad->format() == old + " health=bad:host-corosync-truncated,db-rules");

    for (const std::string& broken : std::vector<std::string>{
             "health=", "health=bad", "health=bad:", "health=bad:a,,b", "health=bad:Upper",
             "health=good:x", "health=fine", "health=bad:a,", "health=good health=good",
             "health=bad:" + std::string(41, 'x')})
        CHECK_FALSE(TrustedComment::parse(old + " " + broken));
    // The field comes last: anywhere else is not the canonical form.
    auto moved = old;
    moved.insert(moved.find(" file="), " health=good");
    CHECK_FALSE(TrustedComment::parse(moved));
}

TEST_CASE("authkey and nodes: after health, each optional (an index from before status)") {
    const std::string base = before_health + " health=good";
    auto old = TrustedComment::parse(base);
    REQUIRE(old);
    CHECK_FALSE(old->authkey);
    CHECK_FALSE(old->nodelist);

    auto full = TrustedComment::parse(base + " authkey=0123456789abcdef nodes=pve1,pve2,pve3");
    REQUIRE(full);
    CHECK(full->authkey == std::optional<std::string>("0123456789abcdef"));
    CHECK(full->nodelist == std::optional<std::vector<std::string>>({"pve1", "pve2", "pve3"}));
    CHECK(full->format() == base + " authkey=0123456789abcdef nodes=pve1,pve2,pve3");

    auto none = TrustedComment::parse(base + " authkey=- nodes=-");
    REQUIRE(none);
    CHECK(none->authkey == std::optional<std::string>(""));
    CHECK(none->nodelist == std::optional<std::vector<std::string>>(std::vector<std::string>{}));
    CHECK(none->format() == base + " authkey=- nodes=-");

    for (const std::string& broken : std::vector<std::string>{
             "authkey=", "authkey=0123456789ABCDEF", "authkey=0123456789abcde",
             "authkey=0123456789abcdef0", "nodes=", "nodes=a,,b", "nodes=a,", "nodes=,a",
             "nodes=a,-", "nodes=pve1 authkey=0123456789abcdef", "authkey=- authkey=-"})
        CHECK_FALSE(TrustedComment::parse(base + " " + broken));

    CHECK(pmxsnap::repo::authkey_field(std::string(64, 'e')) == std::string(16, 'e'));
    CHECK(pmxsnap::repo::nodelist_field({"pve1", "pve2"}) ==
          std::optional<std::vector<std::string>>({"pve1", "pve2"}));
    CHECK_FALSE(pmxsnap::repo::nodelist_field({"a,b"}));
    CHECK_FALSE(pmxsnap::repo::nodelist_field({"a b"}));
    CHECK_FALSE(pmxsnap::repo::nodelist_field({"-"}));
    CHECK_FALSE(pmxsnap::repo::nodelist_field(std::vector<std::string>(40, std::string(60, 'n'))));
}
