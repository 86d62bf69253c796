// repo::authenticate_index: the one signed-index check of list, prune,
// verify and snapshot --if-changed, over real Ed25519 signatures of indexes
// placed right and wrong; repo::authenticate_archive, which verify and diff
// share: that index, then the file's bytes against the signature.
#include "catch.hpp"
#include "scratch.hpp"

#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/authenticate.hpp"

#include <fmt/format.h>
#include <sodium.h>

using namespace pmxsnap;
using namespace pmxsnap::repo;

namespace {

// The .minisig text for an index naming cluster/node/file, signed by key
// (the file digest is not what this check reads).
std::string signed_index(const crypto::SecretKey& key, const std::string& cluster,
                         const std::string& node, const std::string& file,
                         const std::string& captured = "2026-11-25T10:30:00Z") {
    TrustedComment comment{cluster, node, 7,  1, std::string(64, 'f'), captured, file,
                           {},      {},   {}, {}};
    return crypto::sign_prehashed(key, {}, comment.format(), "test");
}

const fs::path archive = "/repo/demo/pve1/20261125T103000Z.pmxsnap";

} // namespace

TEST_CASE("an index names this file in this directory: ok, with its signed facts") {
    REQUIRE(sodium_init() >= 0);
    auto key = crypto::generate_secret_key();
    auto check = authenticate_index(archive, signed_index(key, "demo", "pve1", archive.filename()),
                                    {key.public_key()});
    CHECK(check.ok());
    CHECK(check.problem.empty());
    REQUIRE(check.comment);
    CHECK(check.comment->db_version == 7);
    REQUIRE(check.captured);
    CHECK(*check.captured == 1795602600);
}

TEST_CASE("each way an index fails has its own status and names what differs") {
    REQUIRE(sodium_init() >= 0);
    auto key = crypto::generate_secret_key();
    auto other = crypto::generate_secret_key();
    const std::vector<crypto::PublicKey> trusted{key.public_key()};
    auto status = [&](const std::string& text) {
        return authenticate_index(archive, text, trusted);
    };

    CHECK(status("").status == IndexStatus::missing);
    CHECK(status("not a signature\n").status == IndexStatus::malformed);
    CHECK(status(signed_index(other, "demo", "pve1", archive.filename())).status ==
          IndexStatus::untrusted);

    auto another_file = status(signed_index(key, "demo", "pve1", "20261125T113000Z.pmxsnap"));
    CHECK(another_file.status == IndexStatus::misplaced);
    CHECK_THAT(another_file.problem,
               Catch::Matchers::ContainsSubstring("signed for file 20261125T113000Z.pmxsnap"));
    auto another_node = status(signed_index(key, "demo", "pve2", archive.filename()));
    CHECK(another_node.status == IndexStatus::misplaced);
    CHECK_THAT(another_node.problem, Catch::Matchers::ContainsSubstring(
                                         "signed for demo/pve2, but it lies in demo/pve1"));
    auto another_time =
        status(signed_index(key, "demo", "pve1", archive.filename(), "2026-11-25T10:30:01Z"));
    CHECK(another_time.status == IndexStatus::misplaced);
    CHECK_FALSE(another_time.comment);

    // One changed character of the signed comment.
    auto text = signed_index(key, "demo", "pve1", archive.filename());
    auto at = text.find("db_version=7");
    REQUIRE(at != std::string::npos);
    text[at + 11] = '8';
    CHECK(status(text).status == IndexStatus::altered);
}

TEST_CASE("authenticate_archive: the index, then every byte of the file") {
    REQUIRE(sodium_init() >= 0);
    test::Scratch scratch;
    auto key = crypto::generate_secret_key();
    const std::vector<crypto::PublicKey> trusted{key.public_key()};
    auto file = scratch / "demo/pve1/20261125T103000Z.pmxsnap";
    const std::string content = "the archive's bytes";
    test::put_file(file, content);
    crypto::Blake2b512 digest;
    digest.update(content);
    TrustedComment comment{
        "demo", "pve1", 7,  1, std::string(64, 'f'), "2026-11-25T10:30:00Z", file.filename(),
        {},     {},     {}, {}};
    auto signature = crypto::sign_prehashed(key, digest.finish(), comment.format(), "test");

    test::put_file(signature_path_for(file), signature);
    auto intact = authenticate_archive(file, trusted);
    CHECK(intact.ok());
    CHECK(intact.problem.empty());
    REQUIRE(intact.index.signer);

    // The index still vouches for the name; the bytes are no longer the signed ones.
    test::put_file(file, "the archive's bytez");
    auto altered = authenticate_archive(file, trusted);
    CHECK_FALSE(altered.ok());
    CHECK(altered.index.ok());
    CHECK_FALSE(altered.content_signed);
    CHECK(altered.problem == "signature does not match the file (altered or corrupt)");

    fs::remove(signature_path_for(file));
    auto unsigned_file = authenticate_archive(file, trusted);
    CHECK_FALSE(unsigned_file.ok());
    CHECK(unsigned_file.index.status == IndexStatus::missing);
    CHECK_THAT(unsigned_file.problem,
               Catch::Matchers::StartsWith("missing: no signature beside it"));
}

namespace {

crypto::PublicKey published(const crypto::SecretKey& key, const std::string& directory) {
    auto pub = key.public_key();
    pub.published_for = directory;
    return pub;
}

} // namespace

TEST_CASE("a key published for a node is the only one its directory may be signed with") {
    REQUIRE(sodium_init() >= 0);
    auto own = crypto::generate_secret_key();
    auto other = crypto::generate_secret_key();
    auto third = crypto::generate_secret_key();
    auto index = [&](const crypto::SecretKey& key) {
        return signed_index(key, "demo", "pve1", archive.filename());
    };

    // pve1 published own; other is trusted too (trusted.d), but not for pve1.
    const std::vector<crypto::PublicKey> keys{other.public_key(), published(own, "demo/pve1")};
    CHECK(authenticate_index(archive, index(own), keys).ok());
    auto foreign = authenticate_index(archive, index(other), keys);
    CHECK(foreign.status == IndexStatus::foreign);
    CHECK(to_string(foreign.status) == "foreign");
    CHECK(foreign.problem ==
          fmt::format("signed by key {}, but node pve1 published key {} "
                      "(/etc/pve/pmxsnap/keys/pve1.pub): only that key may sign in demo/pve1",
                      other.public_key().key_id_hex(), own.public_key().key_id_hex()));
    CHECK_FALSE(foreign.comment);

    // Another node's published key is a foreign key in pve1's directory too.
    const std::vector<crypto::PublicKey> cluster{published(other, "demo/pve2"),
                                                 published(own, "demo/pve1")};
    CHECK(authenticate_index(archive, index(other), cluster).status == IndexStatus::foreign);

    // No key published for demo/pve1 (only for another cluster's pve1, or
    // another node): any trusted key signs there as before.
    const std::vector<crypto::PublicKey> elsewhere{other.public_key(), published(own, "lab/pve1"),
                                                   published(third, "demo/pve2")};
    CHECK(authenticate_index(archive, index(other), elsewhere).ok());
    CHECK(published_key_problem("demo/pve1", other.public_key(), elsewhere).empty());

    // The same key trusted twice (trusted.d and published): ok whichever
    // entry is found first.
    const std::vector<crypto::PublicKey> twice{own.public_key(), published(own, "demo/pve1")};
    CHECK(authenticate_index(archive, index(own), twice).ok());

    // Two keys published for one node name (never written by keygen, but a
    // directory may hold both): either signs, the finding names both.
    const std::vector<crypto::PublicKey> both{published(own, "demo/pve1"),
                                              published(third, "demo/pve1"), other.public_key()};
    CHECK(authenticate_index(archive, index(third), both).ok());
    CHECK_THAT(published_key_problem("demo/pve1", other.public_key(), both),
               Catch::Matchers::ContainsSubstring(fmt::format("published key {}, {}",
                                                              own.public_key().key_id_hex(),
                                                              third.public_key().key_id_hex())));
    // An untrusted signer stays untrusted: the expectation never adds trust.
    CHECK(authenticate_index(archive, index(third), keys).status == IndexStatus::untrusted);
}
